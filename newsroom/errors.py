"""``BundleError`` and ``ConflictError``: a file that cannot be used, with where and why."""

from __future__ import annotations

import difflib
from pathlib import Path


class BundleError(Exception):
    """A file that cannot be used as it is, with where and why."""

    def __init__(
        self,
        file: Path | str | None,
        message: str,
        *,
        line: int | None = None,
        column: int | None = None,
        key: str | None = None,
    ) -> None:
        self.file = Path(file) if file is not None else None
        self.message = message
        self.line = line
        self.column = column
        self.key = key
        super().__init__(str(self))

    def __str__(self) -> str:
        where = str(self.file) if self.file is not None else ""
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        prefix = f"{where}: " if where else ""
        key = f"{self.key}: " if self.key else ""
        return f"{prefix}{key}{self.message}"


class ConflictError(BundleError):
    """The bundle changed on disk since it was loaded; nothing was written.

    ``theirs`` is what is on disk now, ``ours`` what the save would have
    written; ``diff()`` shows the two. The caller offers: reload, keep both
    (``Library.save_as``) or overwrite (``Library.save(..., force=True)``).
    """

    def __init__(
        self,
        directory: Path,
        slug: str,
        theirs: dict[str, bytes],
        ours: dict[str, bytes],
        message: str | None = None,
    ) -> None:
        self.slug = slug
        self.theirs = theirs
        self.ours = ours
        super().__init__(
            directory,
            message
            or "changed on disk since it was loaded (another editor or command "
            "saved it); nothing was written: reload it, save a copy under a new slug, "
            "or overwrite",
        )

    def diff(self) -> str:
        return files_diff(
            self.theirs, self.ours, old_label=f"{self.slug} on disk", new_label=f"{self.slug} yours"
        )


def files_diff(
    old: dict[str, bytes], new: dict[str, bytes], *, old_label: str = "old", new_label: str = "new"
) -> str:
    """A unified diff of two versions of a bundle's files (name -> bytes)."""
    out: list[str] = []
    for name in sorted(set(old) | set(new)):
        before = old.get(name, b"").decode("utf-8", "replace").splitlines(keepends=True)
        after = new.get(name, b"").decode("utf-8", "replace").splitlines(keepends=True)
        for line in difflib.unified_diff(
            before, after, f"{old_label}/{name}", f"{new_label}/{name}"
        ):
            out.append(line if line.endswith(("\n", "\r")) else line + "\n")
    return "".join(out)
