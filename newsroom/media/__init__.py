"""Pictures in a bundle: adding, removing, checking and the renditions exports use.

A picture is a file in ``drafts/<slug>/media/`` (kept byte for byte as it
was added) and a ``[[media]]`` record in ``release.toml`` holding its
caption, creator, credit, copyright notice, alt text, usage terms and the
file's sha256, width and height. Renditions (web, thumbnail, high
resolution) are caches under ``drafts/.newsroom/renditions/<sha256>/``:
deleting them loses nothing.

Pillow is imported only by ``imaging`` and only when pixels are needed, so
``newsroom list`` and the rest of the core stay fast. No Textual, no Rich.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ..bundle import STATE_DIR, BundleError, Library, atomic_write
from ..model import ID_PATTERN, REFERENCE_PATTERN, Picture, Release

MEDIA_DIR = "media"
RENDITIONS_DIR = "renditions"
HASHES_FILE = "media-hashes.json"
MAX_FILE_BYTES = 50 * 1024 * 1024
MIN_LONG_EDGE = 1000
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff")
FIELDS = ("caption", "creator", "credit", "copyright", "alt", "usage_terms")
FIELD_LABELS = {
    "caption": "Caption",
    "creator": "Creator",
    "credit": "Credit line",
    "copyright": "Copyright notice",
    "alt": "Alt text",
    "usage_terms": "Usage terms",
}


class MediaError(BundleError):
    """A picture that cannot be added, removed or exported; nothing was written."""


def media_dir(library: Library, slug: str) -> Path:
    return library.bundle_dir(slug) / MEDIA_DIR


def picture_path(library: Library, slug: str, picture: Picture) -> Path:
    return media_dir(library, slug) / picture.file


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


# ---------------------------------------------------------------------------
# The hash cache: a picture is re-hashed only when its size or mtime changed


def _stamp(path: Path) -> list[int]:
    info = path.stat()
    return [info.st_size, info.st_mtime_ns, info.st_ino]


def cached_sha256(library: Library, path: Path) -> str:
    """sha256 of ``path``, from ``.newsroom/media-hashes.json`` while size and mtime hold."""
    cache_path = library.root / STATE_DIR / HASHES_FILE
    try:
        cache = json.loads(cache_path.read_text(encoding="utf-8"))
        if not isinstance(cache, dict):
            cache = {}
    except (OSError, ValueError):
        cache = {}
    key = str(path.relative_to(library.root))
    stamp = _stamp(path)
    entry = cache.get(key)
    if isinstance(entry, list) and entry[:3] == stamp and len(entry) == 4:
        return str(entry[3])
    value = sha256_file(path)
    cache[key] = [*stamp, value]
    try:
        _state_dir(library)
        atomic_write(cache_path, json.dumps(cache, sort_keys=True).encode())
    except OSError:
        pass  # a read-only library: hash again next time
    return value


def file_problem(library: Library, release: Release, picture: Picture) -> str | None:
    """Why the picture's file cannot be used as recorded, or None when it matches."""
    path = picture_path(library, release.slug, picture)
    where = f"{MEDIA_DIR}/{picture.file}"
    if path.is_symlink():
        return f"{where} is a link; pictures must be plain files inside the bundle"
    if not path.is_file():
        return f"{where} is missing (picture {picture.id!r})"
    if picture.sha256 and cached_sha256(library, path) != picture.sha256:
        return (
            f"{where} changed since it was added (picture {picture.id!r}); remove the "
            "picture and add the new file, so approvers see the change"
        )
    return None


# ---------------------------------------------------------------------------
# Adding and removing


def _refuse_source(source: Path) -> None:
    if source.is_symlink():
        raise MediaError(source, "is a symbolic link; add the picture file itself")
    if not source.exists():
        raise MediaError(source, "no such file")
    if not source.is_file():
        raise MediaError(source, "is not a file")
    size = source.stat().st_size
    if size > MAX_FILE_BYTES:
        raise MediaError(
            source,
            f"is {size / 1024 / 1024:.0f} MB; pictures may be at most "
            f"{MAX_FILE_BYTES // 1024 // 1024} MB (export a smaller JPEG)",
        )
    if size == 0:
        raise MediaError(source, "is empty; it is not a picture")


def proposed_id(release: Release, source: Path) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", source.stem.lower()).strip("-")[:56] or "picture"
    if not base[0].isalnum():
        base = f"p-{base}"
    candidate, number = base, 2
    while release.picture(candidate) or release.caption(candidate):
        candidate, number = f"{base}-{number}", number + 1
    return candidate


@dataclass
class Added:
    picture: Picture
    prefilled: list[str]  # record fields taken from the file's own metadata


def add_picture(
    library: Library,
    release: Release,
    source: Path | str,
    *,
    picture_id: str | None = None,
    fields: dict[str, str] | None = None,
    save: bool = True,
) -> Added:
    """Copy ``source`` into the bundle, record it, make its renditions; save the release.

    ``fields`` (caption, creator, …) win over the file's own metadata, which
    fills whatever they leave empty. Every check happens before anything is
    written; a failure raises ``MediaError`` and leaves the disk as it was.
    """
    from .imaging import ImageProblem, inspect, make_renditions

    source = Path(source)
    given = {k: v for k, v in (fields or {}).items() if v is not None}
    unknown = set(given) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown picture fields: {sorted(unknown)}")
    picture_id = picture_id or proposed_id(release, source)
    toml_path = library.bundle_dir(release.slug) / "release.toml"
    if not ID_PATTERN.match(picture_id):
        raise MediaError(
            toml_path,
            f"{picture_id!r} is not a valid id: use letters, digits, '-' and '_' (at most 64)",
            key="media.id",
        )
    if release.picture(picture_id):
        raise MediaError(
            toml_path,
            f"duplicate picture id {picture_id!r}; this release already has a picture with that id",
            key="media.id",
        )
    _refuse_source(source)
    try:
        info, oriented = inspect(source)
    except ImageProblem as problem:
        raise MediaError(source, str(problem)) from None
    except OSError as error:
        raise MediaError(source, f"cannot be read ({error.strerror or error})") from None
    from .imaging import ACCEPTED

    data = source.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    file_name = picture_id + ACCEPTED[info.format]
    target = media_dir(library, release.slug) / file_name
    if target.exists() and sha256_file(target) != sha:
        raise MediaError(target, "already exists and holds another picture; remove it first")
    prefilled = [k for k in FIELDS if not given.get(k) and info.metadata.get(k)]
    values: dict[str, Any] = {k: given.get(k) or info.metadata.get(k, "") for k in FIELDS}
    picture = Picture(
        id=picture_id, file=file_name, sha256=sha, width=info.width, height=info.height, **values
    )
    web, thumb = make_renditions(oriented)
    created_dir = not target.parent.exists()
    target.parent.mkdir(exist_ok=True)
    try:
        if not target.exists():
            atomic_write(target, data)
        _store_renditions(library, sha, web, thumb)
        release.media.append(picture)
        if save:
            library.save(release)
    except BaseException:
        if picture in release.media:
            release.media.remove(picture)
        if not any(p.file == file_name for p in release.media):
            target.unlink(missing_ok=True)
        if created_dir:
            shutil.rmtree(target.parent, ignore_errors=True)
        raise
    return Added(picture, prefilled)


def placed_at(release: Release, picture_id: str) -> list[int]:
    """Line numbers of body.md where the picture is placed."""
    return [n for n, kind, ref in release.references() if kind == "picture" and ref == picture_id]


def remove_picture(
    library: Library, release: Release, picture_id: str, *, save: bool = True
) -> Picture:
    """Drop the record and its file (unless another record uses it); save the release."""
    picture = release.picture(picture_id)
    if picture is None:
        known = ", ".join(p.id for p in release.media) or "none"
        raise MediaError(
            library.bundle_dir(release.slug) / "release.toml",
            f"no picture {picture_id!r} in this release (pictures: {known})",
        )
    lines = placed_at(release, picture_id)
    if lines:
        raise MediaError(
            library.bundle_dir(release.slug) / "body.md",
            f"places picture {picture_id!r}; delete that line first",
            line=lines[0],
            column=1,
        )
    release.media.remove(picture)
    if save:
        try:
            library.save(release)
        except BaseException:
            release.media.append(picture)
            raise
    if not any(p.file == picture.file for p in release.media):
        path = picture_path(library, release.slug, picture)
        if path.is_file() and not path.is_symlink():
            path.unlink()
    return picture


def update_fields(picture: Picture, values: dict[str, str]) -> Picture:
    """A copy of ``picture`` with new text fields (the TUI's edit)."""
    changes: dict[str, Any] = {k: values[k] for k in FIELDS if k in values}
    return replace(picture, **changes)


def insert_reference(body: str, line_index: int, picture_id: str) -> tuple[str, int]:
    """``body`` with ``{{< picture ID >}}`` as its own paragraph at ``line_index``.

    Returns the new body and the line the reference is on (0-based).
    """
    from ..model import reference_line

    lines = body.split("\n")
    line_index = max(0, min(line_index, len(lines)))
    insert = [reference_line("picture", picture_id)]
    if line_index > 0 and lines[line_index - 1].strip():
        insert.insert(0, "")
    if line_index < len(lines) and lines[line_index].strip():
        insert.append("")
    lines[line_index:line_index] = insert
    where = line_index + (1 if insert[0] == "" else 0)
    return "\n".join(lines), where


def caption_names_someone(caption: str, names: list[str]) -> bool:
    """Whether ``caption`` names at least one of ``names`` (by surname, case-insensitive)."""
    words = set(re.findall(r"[\w'’-]+", caption.casefold()))
    for name in names:
        parts = re.findall(r"[\w'’-]+", name.casefold())
        if parts and parts[-1] in words:
            return True
    return False


def is_reference(line: str) -> bool:
    return bool(REFERENCE_PATTERN.match(line))


# ---------------------------------------------------------------------------
# Renditions


@dataclass(frozen=True)
class Rendition:
    name: str  # "web", "thumbnail", "highres"
    file_name: str  # as it goes out: lido-gates-web.jpg
    data: bytes  # JPEG with the record's XMP
    width: int
    height: int

    content_type: str = "image/jpeg"


def _state_dir(library: Library) -> Path:
    """``.newsroom/``, created git-ignored from inside (the caches never reach a commit)."""
    from ..recovery import state_dir

    return state_dir(library.root)


def renditions_dir(library: Library, sha: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{64}", sha):
        raise ValueError(f"not a sha256: {sha!r}")
    return library.root / STATE_DIR / RENDITIONS_DIR / sha


def _store_renditions(library: Library, sha: str, web: bytes, thumb: bytes) -> None:
    folder = renditions_dir(library, sha)
    _state_dir(library)
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in (("web.jpg", web), ("thumbnail.jpg", thumb)):
        if not (folder / name).exists():
            _write_cache(folder / name, data)


def _write_cache(path: Path, data: bytes) -> None:
    # A cache file needs no fsync of its folder: a lost one is remade.
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(temp, path)


def outgoing(
    library: Library,
    release: Release,
    picture: Picture,
    names: tuple[str, ...] = ("web", "thumbnail"),
) -> dict[str, Rendition]:
    """The picture's renditions as they leave: XMP with the record's credits, no EXIF.

    Made (and cached) when missing. Raises ``MediaError`` when the file is
    missing or no longer the one recorded.
    """
    from .imaging import jpeg_size
    from .xmp import with_xmp

    problem = file_problem(library, release, picture)
    if problem:
        raise MediaError(library.bundle_dir(release.slug), problem)
    path = picture_path(library, release.slug, picture)
    sha = picture.sha256 or cached_sha256(library, path)
    folder = renditions_dir(library, sha)
    files = {"web": "web.jpg", "thumbnail": "thumbnail.jpg", "highres": "highres.jpg"}
    if any(not (folder / files[n]).exists() for n in names if n != "highres"):
        from .imaging import inspect, make_renditions

        _info, oriented = inspect(path)
        _store_renditions(library, sha, *make_renditions(oriented))
    if "highres" in names and not (folder / files["highres"]).exists():
        from .imaging import make_highres

        folder.mkdir(parents=True, exist_ok=True)
        _write_cache(folder / files["highres"], make_highres(path))
    fields = {k: getattr(picture, k) for k in FIELDS}
    result = {}
    for name in names:
        data = (folder / files[name]).read_bytes()
        width, height = jpeg_size(data)
        result[name] = Rendition(
            name, f"{picture.id}-{name}.jpg", with_xmp(data, fields), width, height
        )
    return result
