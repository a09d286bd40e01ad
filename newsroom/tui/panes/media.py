"""The Media pane (F9): the release's pictures, a file picker, their credits.

Adding copies the file into ``media/`` at once (the original stays where it
was) and records it in the release in memory: ctrl+s writes release.toml.
With the ``images`` extra (textual-image) and a terminal that can draw, the
picture is shown; anything else shows its size and caption, never an error.
"""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, DirectoryTree, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from ...media import FIELD_LABELS, FIELDS, IMAGE_SUFFIXES, add_picture, update_fields
from ...model import Release
from ..messages import Notice, ReleaseEdited


class ImageTree(DirectoryTree):
    """A DirectoryTree showing folders and picture files only (no hidden ones)."""

    def filter_paths(self, paths):
        return [
            p
            for p in paths
            if not p.name.startswith(".") and (p.is_dir() or p.suffix.lower() in IMAGE_SUFFIXES)
        ]


def _thumbnail_widget(path: Path):
    """textual-image's widget for ``path`` when installed and usable, else None."""
    try:
        from textual_image.widget import Image as ImageWidget  # the optional extra
    except Exception:  # not installed, or no usable terminal protocol
        return None
    try:
        return ImageWidget(str(path), classes="media-image")
    except Exception:
        return None


class MediaPane(Vertical):
    # Where the picker opens; tests point it at a temporary folder.
    start_folder: Path | None = None

    def __init__(self, release: Release, **kwargs) -> None:
        super().__init__(**kwargs)
        self.release = release

    @property
    def library(self):
        return self.app.library

    def compose(self) -> ComposeResult:
        with Horizontal(id="media-top"):
            with Vertical(id="media-left"):
                yield Label("Pictures")
                yield OptionList(id="media-list")
                yield Label("Add a picture: its path + enter, or pick")
                yield Input(placeholder="e.g. ~/Pictures/photo.jpg", id="picture-path")
                yield ImageTree(self.start_folder or Path.home(), id="media-picker")
            with VerticalScroll(id="media-fields"):
                yield Static("", id="media-about", markup=False)
                for name in FIELDS:
                    yield Label(FIELD_LABELS[name])
                    yield Input(id=f"media-{name}")
                with Horizontal(id="media-buttons"):
                    yield Button("Apply", id="media-apply", variant="primary")
                    yield Button("Insert at cursor", id="media-insert")

    def on_mount(self) -> None:
        self.refresh_from(self.release)

    def focus_first(self) -> None:
        self.query_one("#media-list", OptionList).focus()

    def selected_id(self) -> str | None:
        options = self.query_one("#media-list", OptionList)
        if options.highlighted is None or not self.release.media:
            return None
        return options.get_option_at_index(options.highlighted).id

    def refresh_from(self, release: Release, select: str | None = None) -> None:
        self.release = release
        options = self.query_one("#media-list", OptionList)
        keep = select or self.selected_id()
        options.clear_options()
        for picture in release.media:
            label = Text(f"{picture.id}  {picture.width}×{picture.height}  ")
            label.append(picture.caption[:60] or "(no caption)", style="dim")
            options.add_option(Option(label, id=picture.id))
        ids = [p.id for p in release.media]
        if ids:
            options.highlighted = ids.index(keep) if keep in ids else 0
        self._show(self.selected_id())

    def _show(self, picture_id: str | None) -> None:
        picture = self.release.picture(picture_id) if picture_id else None
        for name in FIELDS:
            self.query_one(f"#media-{name}", Input).value = getattr(picture, name, "") or ""
        about = self.query_one("#media-about", Static)
        # A class, not an id: removal is deferred, and the next picture's widget
        # is mounted before the last one has gone.
        for old in self.query(".media-image"):
            old.remove()
        if picture is None:
            about.update("No picture chosen. Type its path or pick a file to add one.")
            return
        about.update(
            f"{picture.id}: media/{picture.file}, {picture.width}×{picture.height} px"
            f"\n{picture.caption or '(no caption)'}"
        )
        widget = _thumbnail_widget(self.library.root / self.release.slug / "media" / picture.file)
        if widget is not None:
            self.query_one("#media-fields").mount(widget, after=about)

    @on(OptionList.OptionHighlighted, "#media-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show(event.option.id)

    @on(DirectoryTree.FileSelected, "#media-picker")
    def _picked(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        self.add_file(Path(event.path))

    def add_file(self, path: Path) -> bool:
        from ...errors import BundleError

        try:
            added = add_picture(self.library, self.release, path, save=False)
        except (BundleError, OSError) as error:
            self.post_message(Notice(f"Not added: {error}"))
            return False
        self.refresh_from(self.release, select=added.picture.id)
        self.post_message(ReleaseEdited("media"))
        # Straight on to the caption: the picture's details are what comes next.
        self.screen.set_focus(self.query_one("#media-caption", Input), scroll_visible=False)
        prefilled = f" (from the file: {', '.join(added.prefilled)})" if added.prefilled else ""
        self.post_message(
            Notice(f"Added picture {added.picture.id}{prefilled}; ctrl+s saves the release")
        )
        return True

    def action_apply(self) -> None:
        picture_id = self.selected_id()
        picture = self.release.picture(picture_id) if picture_id else None
        if picture is None:
            self.post_message(Notice("No picture chosen"))
            return
        values = {n: self.query_one(f"#media-{n}", Input).value.strip() for n in FIELDS}
        changed = update_fields(picture, values)
        if changed == picture:
            return
        self.release.media[self.release.media.index(picture)] = changed
        self.refresh_from(self.release, select=picture_id)
        self.post_message(ReleaseEdited("media"))

    def action_insert(self) -> None:
        picture_id = self.selected_id()
        if picture_id is None:
            self.post_message(Notice("No picture to place: add one first"))
            return
        self.action_apply()
        self.screen.insert_reference(picture_id, kind="picture")

    @on(Button.Pressed, "#media-apply")
    def _apply_pressed(self) -> None:
        self.action_apply()

    @on(Button.Pressed, "#media-insert")
    def _insert_pressed(self) -> None:
        self.action_insert()

    @on(Input.Submitted, "#picture-path")
    def _path_typed(self, event: Input.Submitted) -> None:
        event.stop()
        typed = event.value.strip()
        if typed and self.add_file(Path(typed).expanduser()):
            event.input.value = ""

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id and event.input.id.startswith("media-"):
            self.action_apply()
