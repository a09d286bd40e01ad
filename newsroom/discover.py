"""Finding the library the way git finds its repository.

``--drafts DIR``, else ``$NEWSROOM_DRAFTS``, else the nearest folder at or
above the current one that holds ``newsroom.toml``, else ``./drafts``. Plain
``os.path`` only: ``newsroom list`` runs this before anything else is imported.
"""

from __future__ import annotations

import os

from .layout import SETTINGS_FILE

DEFAULT_FOLDER = "drafts"


class LibraryNotFound(Exception):
    """No library anywhere discovery looked; the message lists each folder tried."""

    def __init__(self, searched: list[str]) -> None:
        self.searched = searched
        tried = "\n".join(f"  {folder}" for folder in searched)
        super().__init__(
            f"no library found (a folder holding {SETTINGS_FILE}); looked in:\n{tried}\n"
            "Give one with --drafts DIR or $NEWSROOM_DRAFTS, run newsroom inside it, "
            "or create one with `newsroom init DIR`."
        )


def find_library(explicit: str | None = None, cwd: str | None = None) -> tuple[str, list[str]]:
    """(the library folder, the folders searched when discovery found none).

    The folder is returned even when nothing was found (``./drafts``), so a
    command that needs no library (``init``) can run; ``searched`` is then
    non-empty and says why a command that does need one should fail.
    """
    if explicit is not None:
        return explicit, []
    from_env = os.environ.get("NEWSROOM_DRAFTS")
    if from_env:
        return from_env, []
    here = os.path.abspath(cwd if cwd is not None else os.getcwd())
    searched = []
    folder = here
    while True:
        searched.append(folder)
        if os.path.isfile(os.path.join(folder, SETTINGS_FILE)):
            return _relative(folder, here), []
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    fallback = os.path.join(here, DEFAULT_FOLDER)
    if os.path.isdir(fallback):
        return DEFAULT_FOLDER, []
    searched.append(fallback)
    return DEFAULT_FOLDER, searched


def _relative(folder: str, here: str) -> str:
    # "." and "../.." read better than absolute paths in messages, and the
    # tool prints paths under the library as it was given.
    if folder == here:
        return "."
    return os.path.relpath(folder, here)
