"""The Media pane (F9): add a picture through the file picker, edit its credits,
place it at the body's cursor; release.toml and media/ on disk after ctrl+s."""

from __future__ import annotations

import importlib.util
import tomllib
from pathlib import Path

from newsroom.tui.panes.media import MediaPane

from .conftest import BUS, open_editor

REPO = Path(__file__).resolve().parents[2]


async def until(pilot, condition, timeout: float = 20.0) -> None:
    """Poll ``condition``. Not conftest's settle: DirectoryTree's loader is a
    worker that never completes, so waiting for every worker would hang."""
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition never became true")
        await pilot.pause(0.05)
    await pilot.pause()


def _make_picture(path: Path) -> Path:
    spec = importlib.util.spec_from_file_location(
        "make_picture", REPO / "benchmarks" / "make_picture.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.make_picture(path, 1200, 800)


async def test_add_edit_and_place_a_picture(
    make_app, drafts: Path, tmp_path: Path, monkeypatch
) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    _make_picture(folder / "stop.jpg")
    (folder / "notes.txt").write_text("not a picture")
    monkeypatch.setattr(MediaPane, "start_folder", folder)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot, BUS)
        await pilot.press("f9")
        await until(pilot, lambda: bool(editor.query(MediaPane)))
        pane = editor.query_one(MediaPane)
        tree = pane.query_one("#media-picker")
        await until(pilot, lambda: len(tree.root.children) > 0)
        names = [node.data.path.name for node in tree.root.children]
        assert names == ["stop.jpg"]  # filtered to pictures
        tree.focus()
        tree.move_cursor(tree.root.children[0])
        await pilot.press("enter")
        await until(pilot, lambda: editor.release.picture("stop") is not None)
        assert (drafts / BUS / "media" / "stop.jpg").is_file()
        credit = pane.query_one("#media-credit")
        credit.value = ""
        credit.focus()
        await pilot.press(*"Jo Bell")
        await pilot.press("enter")
        await until(pilot, lambda: editor.release.picture("stop").credit == "Jo Bell")
        # Put the body cursor on line 1, then insert from the pane.
        body = editor.query_one("#body")
        body.move_cursor((0, 0))
        await pilot.press("f9")
        await pilot.pause()
        pane.query_one("#media-insert").press()
        await until(pilot, lambda: "{{< picture stop >}}" in editor.release.body.split("\n")[0:2])
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not editor.unsaved)
    data = tomllib.loads((drafts / BUS / "release.toml").read_text(encoding="utf-8"))
    record = data["media"][0]
    assert record["id"] == "stop" and record["credit"] == "Jo Bell"
    assert record["file"] == "stop.jpg" and record["width"] == 1200
    assert "{{< picture stop >}}" in (drafts / BUS / "body.md").read_text(encoding="utf-8")


async def test_a_typed_path_adds_the_picture_and_the_details_follow_in_order(
    make_app, drafts: Path, tmp_path: Path
) -> None:
    """A picture anywhere on disk, by its path; then the cursor is in Caption and the
    details typed in one burst, a Tab between each, land in their own fields."""
    _make_picture(tmp_path / "crossing.jpg")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot, BUS)
        await pilot.press("f9")
        await until(pilot, lambda: bool(editor.query(MediaPane)))
        pane = editor.query_one(MediaPane)
        pane.query_one("#picture-path").focus()
        await pilot.pause()
        await pilot.press(*str(tmp_path / "nowhere.jpg"), "enter")
        await until(pilot, lambda: "Not added" in str(editor.query_one("#editor-message").render()))
        assert not editor.release.media
        field = pane.query_one("#picture-path")
        field.value = ""
        await pilot.press(*str(tmp_path / "crossing.jpg"), "enter")
        await until(pilot, lambda: editor.release.picture("crossing") is not None)
        assert app.focused is pane.query_one("#media-caption")
        keys = []
        for value in ("New crossing on Mill Lane", "Sam Okoro", "Mill Lane Residents"):
            keys += [*value, "tab"]
        await pilot.press(*keys[:-1], "enter")
        await until(
            pilot, lambda: editor.release.picture("crossing").credit == "Mill Lane Residents"
        )
        picture = editor.release.picture("crossing")
        assert picture.caption == "New crossing on Mill Lane"
        assert picture.creator == "Sam Okoro"


async def test_showing_one_picture_after_another_replaces_the_image(
    make_app, drafts: Path, tmp_path: Path, monkeypatch
) -> None:
    """With the images extra, each picture shown mounts an image widget; the next
    one replaces it (it once crashed on a duplicate id). A stand-in widget here, so
    the test runs without textual-image installed."""
    from textual.widgets import Static

    from newsroom.tui.panes import media as media_pane

    shown_files: list[str] = []

    def stand_in(path: Path):
        shown_files.append(path.name)
        return Static(path.name, classes="media-image")

    monkeypatch.setattr(media_pane, "_thumbnail_widget", stand_in)
    _make_picture(tmp_path / "first.jpg")
    _make_picture(tmp_path / "second.jpg")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot, BUS)
        await pilot.press("f9")
        await until(pilot, lambda: bool(editor.query(MediaPane)))
        pane = editor.query_one(MediaPane)
        for name in ("first", "second"):
            assert pane.add_file(tmp_path / f"{name}.jpg")
            await until(pilot, lambda: len(pane.query(".media-image")) == 1)
        listing = pane.query_one("#media-list")
        listing.focus()
        for index in (0, 1, 0):
            listing.highlighted = index
            await pilot.pause()
        await until(pilot, lambda: len(pane.query(".media-image")) == 1)
        assert shown_files[-1] == "first.jpg" and len(shown_files) >= 4
        assert app.is_running  # no DuplicateIds
