"""A Markdown page bundle (Hugo's "leaf bundle", Zola's "asset colocation").

``DIR/index.md`` and each picture's web rendition beside it, under the
names the page's image links use. Every file is written atomically; the
folder is created if missing.
"""

from __future__ import annotations

from pathlib import Path

from ..bundle import Library
from ..fsio import atomic_write
from ..model import Release

INDEX = "index.md"


def write_page_bundle(
    release: Release, library: Library, markdown: str | bytes, out: str | Path
) -> list[Path]:
    """Write the page and its pictures into ``out``; returns the paths written."""
    from . import picture_renditions

    folder = Path(out)
    renditions = picture_renditions(release, library, ("web",))
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for files in renditions.values():
        web = files["web"]
        atomic_write(folder / web.file_name, web.data)
        written.append(folder / web.file_name)
    data = markdown.encode("utf-8") if isinstance(markdown, str) else markdown
    atomic_write(folder / INDEX, data)
    written.append(folder / INDEX)
    return written
