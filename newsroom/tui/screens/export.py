"""Export dialog: write the plain-text export of one release to a file."""

from __future__ import annotations

from pathlib import Path

from ...bundle import atomic_write
from ...model import Release
from .form import Field, FormDialog, Values


class ExportDialog(FormDialog):
    """Asks for a file name; dismisses with a message saying what was written."""

    def __init__(self, release: Release) -> None:
        self.release = release
        super().__init__(
            f"Export {release.slug} as plain text",
            [Field("path", "Write to file", f"{release.slug}.txt")],
            validate=self._write,
            ok_label="Export",
            id="export-form",
        )
        self.note = ""

    def _write(self, values: Values) -> str | None:
        from ... import workflow
        from ...export import export_text

        library = self.app.library
        target = Path(values["path"].strip()).expanduser()
        if not values["path"].strip():
            return "Give a file name."
        if target.is_dir():
            return f"{target} is a folder; give a file name."
        state = workflow.status(self.release, library)
        final = state in {workflow.APPROVED, workflow.PUBLISHED}
        try:
            text = export_text(self.release, library, draft=not final)
            atomic_write(target, text.encode("utf-8"))
        except OSError as error:
            return f"Could not write {target}: {error.strerror or error}"
        except Exception as error:  # the export must explain, not crash the app
            return f"Could not export: {error}"
        kind = "final" if final else "draft (not approved)"
        self.note = f"Wrote the {kind} export to {target}."
        return None

    def action_ok(self) -> None:
        values = self.values()
        problem = self._write(values)
        if problem:
            from textual.widgets import Static

            self.query_one("#form-error", Static).update(problem)
            return
        self.dismiss(self.note)  # type: ignore[arg-type]
