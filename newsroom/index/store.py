"""The index file: ``drafts/.newsroom/index.jsonl``, read, checked and written.

Core module: no Textual, no Rich; imported on the warm path, so it imports little.
"""

from __future__ import annotations

import json
import os
import zlib

from ..layout import STATE_DIR
from .stamps import STAMP

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

    from .stamps import Stamp

FORMAT = 3
INDEX_FILE = "index.jsonl"


def index_path(root: Path | str) -> Path:
    from pathlib import Path

    return Path(root) / STATE_DIR / INDEX_FILE


class Stored:
    """An index file, read: its header at once, the rest checked on demand.

    Format: a JSON header line (format, count, byte count and CRC-32 of all
    that follows, the stamps of what every row depends on); then the slugs as
    a JSON array; the stamps of every release's release.toml and body.md,
    packed with ``STAMP``, in hex; a "1" or "0" per release (valid or not);
    and last the rows exactly as ``list --json`` prints them, so a warm
    listing passes them through without parsing or copying a row.
    """

    def __init__(self, data: bytes, header: dict[str, Any], ends: list[int]) -> None:
        self.header = header
        self._data = data
        self._ends = ends  # where the first four lines end
        self.count: int = header.get("count", -1)
        self.stamps_packed = b""
        self.ok = ""  # "1" or "0" per release
        self.array = b""  # the rows as `list --json` prints them (see rows_array)
        self._slugs: list[str] | None = None
        self._stamps: list[Stamp] | None = None
        self._rows: list[str] | None = None

    @classmethod
    def read(cls, path: str) -> tuple[Stored | None, str | None]:
        """(the index, None) or (None, why it is unusable) from its first line alone."""
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except FileNotFoundError:
            return None, "no index yet"
        except OSError as error:
            return None, f"index unreadable ({error.strerror or error})"
        ends = [data.find(b"\n")]
        if ends[0] < 0:
            return None, "index truncated"
        try:
            header = json.loads(data[: ends[0]])
        except ValueError:
            return None, "index header corrupt"
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            return None, "index from another version of newsroom"
        for _ in range(3):
            ends.append(data.find(b"\n", ends[-1] + 1))
            if ends[-1] < 0:
                return None, "index corrupt or truncated"
        return cls(data, header, ends), None

    @property
    def slugs(self) -> list[str] | None:
        """The slugs, sorted (None if that line is not a list of strings)."""
        if self._slugs is None:
            try:
                slugs = json.loads(self._data[self._ends[0] + 1 : self._ends[1]])
            except ValueError:
                return None
            if not isinstance(slugs, list) or not all(isinstance(s, str) for s in slugs):
                return None
            self._slugs = slugs
        return self._slugs

    def check(self) -> str | None:
        """Why the index is corrupt, or None when every part is whole."""
        data, ends, count = self._data, self._ends, self.count
        body = memoryview(data)[ends[0] + 1 :]
        if self.header.get("crc32") != zlib.crc32(body) or self.header.get("bytes") != len(body):
            return "index corrupt or truncated"
        try:
            self.stamps_packed = bytes.fromhex(data[ends[1] + 1 : ends[2]].decode("ascii"))
            self.ok = data[ends[2] + 1 : ends[3]].decode("ascii")
        except ValueError:  # hex or ASCII errors alike
            return "index corrupt"
        self.array = data[ends[3] + 1 :]
        slugs = self.slugs
        if (
            not isinstance(count, int)
            or slugs is None
            or len(slugs) != count
            or len(self.stamps_packed) != 2 * count * STAMP.size
            or len(self.ok) != count
            or self.ok.strip("01")
            or self.array.count(b"\n") != (count + 2 if count else 1)
            or not self.array.startswith(b"[")
            or not self.array.endswith(b"]\n")
        ):
            return "index corrupt or truncated"
        return None

    @property
    def stamps(self) -> list[Stamp]:
        """Two per release: release.toml, body.md."""
        if self._stamps is None:
            self._stamps = list(STAMP.iter_unpack(self.stamps_packed))
        return self._stamps

    @property
    def rows(self) -> list[str]:
        if self._rows is None:
            self._rows = rows_of_array(self.array)
        return self._rows


def rows_array(rows: list[str]) -> str:
    """The rows as a JSON array, one release per line: what ``list --json`` prints."""
    if not rows:
        return "[]\n"
    return "[\n  " + ",\n  ".join(rows) + "\n]\n"


def rows_of_array(array: bytes) -> list[str]:
    """The inverse of ``rows_array`` (a row's JSON never holds a raw newline)."""
    lines = array.decode("utf-8").split("\n")[1:-2]
    return [line[2:-1] for line in lines[:-1]] + [line[2:] for line in lines[-1:]]


def write(
    path: str,
    header_stamps: dict[str, Any],
    folder_stamp: tuple[int, int, int] | None,
    slugs: list[str],
    stamps: bytes,
    ok: str,
    rows: list[str],
) -> bool:
    from ..fsio import atomic_write  # the warm path never writes

    body = "".join(
        (
            json.dumps(slugs, ensure_ascii=False, separators=(",", ":")),
            "\n",
            stamps.hex(),
            "\n",
            ok,
            "\n",
            rows_array(rows),
        )
    ).encode("utf-8")
    header = {
        "format": FORMAT,
        "count": len(slugs),
        "bytes": len(body),
        "crc32": zlib.crc32(body),
        "root": list(folder_stamp) if folder_stamp else None,
        **header_stamps,
    }
    data = json.dumps(header, separators=(",", ":")).encode("utf-8") + b"\n" + body
    from pathlib import Path

    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        atomic_write(Path(path), data)
    except OSError:
        return False  # a read-only library lists all the same
    return True
