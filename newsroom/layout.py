"""Names of the files and folders in a library (``drafts/``).

A module of constants only, so anything may import it without cost or cycle.
"""

from __future__ import annotations

RELEASE_FILE = "release.toml"
BODY_FILE = "body.md"
PEOPLE_FILE = "people.toml"
SETTINGS_FILE = "newsroom.toml"
STATE_DIR = ".newsroom"
# A save in progress (see fsio.py): readers leave such a bundle to Library.load.
JOURNAL_FILE = ".saving"
