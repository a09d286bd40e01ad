"""This machine's own settings: who you are in each library, and your signing key.

They live in ``$XDG_CONFIG_HOME/newsroom/config.toml`` (``~/.config/newsroom``
when unset), never in the library: a library is shared, and whoever can write
its files must not be able to say who *you* are or which key is yours.

::

    [signing]
    key = "~/.ssh/id_ed25519"      # optional; else git's user.signingkey

    [libraries."/home/priya/press/drafts"]
    person = "priya-raman"
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from .fsio import atomic_write

CONFIG_NAME = "config.toml"


class ConfigError(Exception):
    """The user's config file cannot be read or written."""


def config_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME", "").strip()
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".config"
    return root / "newsroom"


def config_path() -> Path:
    return config_dir() / CONFIG_NAME


def load() -> dict[str, Any]:
    """The config as plain data; {} when there is none."""
    path = config_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise ConfigError(f"{path}: cannot read ({error.strerror or error})") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: {error}") from None
    return data


def _library_key(root: Path) -> str:
    return str(Path(root).resolve())


def remembered_person(root: Path) -> str:
    """The person this machine's user chose for the library at ``root`` ('' if none)."""
    try:
        table = load().get("libraries", {}).get(_library_key(root), {})
    except ConfigError:
        return ""
    person = table.get("person", "") if isinstance(table, dict) else ""
    return person if isinstance(person, str) else ""


def signing_key() -> str:
    """``[signing] key`` as written ('' when unset)."""
    try:
        signing = load().get("signing", {})
    except ConfigError:
        return ""
    key = signing.get("key", "") if isinstance(signing, dict) else ""
    return key if isinstance(key, str) else ""


def remember_person(root: Path, person: str) -> Path:
    """Remember ``person`` as this user's identity in the library at ``root``.

    Edits the file with tomlkit, so the user's own comments and keys survive.
    """
    import tomlkit

    path = config_path()
    try:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        document = tomlkit.parse(text)
    except (OSError, UnicodeDecodeError, tomlkit.exceptions.TOMLKitError) as error:
        raise ConfigError(f"{path}: cannot update ({error})") from None
    libraries = document.get("libraries")
    if libraries is None:
        libraries = tomlkit.table(is_super_table=True)
        document["libraries"] = libraries
    entry = tomlkit.table()
    entry["person"] = person
    libraries[_library_key(root)] = entry
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, tomlkit.dumps(document).encode("utf-8"))
    except OSError as error:
        raise ConfigError(f"{path}: cannot write ({error.strerror or error})") from None
    return path
