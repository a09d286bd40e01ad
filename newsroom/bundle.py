"""Reading and writing the library: bundles, ``people.toml``, ``newsroom.toml``.

Rules this module keeps:

- Every write is atomic (temp file in the same folder, fsync, ``os.replace``);
  a bundle's two files are written as one transaction (see ``fsio.commit_files``).
- Loading then saving with no edit writes nothing; saving twice writes the
  same bytes; keys we do not know are kept.
- Every bad input raises one ``BundleError`` naming the file and the line and
  column (syntax) or the key path (meaning). Nothing on disk is touched when
  loading fails.

The parts live beside it: ``errors`` (the exceptions), ``fsio`` (atomic
writes, the save journal), ``tomlio`` (TOML with line and column),
``codec`` (TOML <-> model) and ``layout`` (the file names).
"""

from __future__ import annotations

import os
import shutil
import unicodedata
from copy import deepcopy
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from .codec import (
    people_from_toml,
    people_to_toml,
    release_from_toml,
    release_to_toml,
    settings_from_toml,
)
from .errors import BundleError, ConflictError
from .fsio import atomic_write, commit_files, read_together, save_mutex
from .layout import BODY_FILE, PEOPLE_FILE, RELEASE_FILE, SETTINGS_FILE
from .locks import ensure_unlocked
from .model import Contact, Person, Release, Settings, slug_problem
from .tomlio import BOM, decode, dumps_toml, parse_toml

# ---------------------------------------------------------------------------
# The library


@dataclass
class Origin:
    """What was on disk when a release was loaded.

    Used to skip writes when nothing changed (so hand formatting survives a
    load/save) and to notice when someone else changed the files meanwhile.
    """

    toml_bytes: bytes
    body_bytes: bytes
    data: dict[str, Any]
    toml_bom: bool = False
    body_bom: bool = False
    newline: str = "\n"
    # A deep copy of the release as read or written: when the model still
    # equals it, the original bytes are kept (comments, key order, empty
    # keys, a hand-written status, mixed line ends all survive).
    release: Release | None = None


def _nfc(value: Any) -> Any:
    """Every string in a TOML value in NFC, so 'é' is stored one way whatever was typed."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {key: _nfc(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_nfc(item) for item in value]
    return value


def _same_structure(a: Release, b: Release) -> bool:
    """Equal apart from the body (which lives in body.md)."""
    return replace(a, body="") == replace(b, body="")


def _detect_newline(text: str) -> str:
    if "\r\n" in text:
        return "\r\n"
    if "\r" in text:
        return "\r"
    return "\n"


@dataclass
class Library:
    """The ``drafts/`` folder: settings, people, and one bundle per release."""

    root: Path
    settings: Settings = field(default_factory=Settings)
    people: dict[str, Person] = field(default_factory=dict)
    people_extra: dict[str, Any] = field(default_factory=dict)
    origins: dict[str, Origin] = field(default_factory=dict, repr=False)
    people_origin: bytes | None = field(default=None, repr=False)

    # -- opening --------------------------------------------------------

    @classmethod
    def open(cls, root: Path | str) -> Library:
        root = Path(root)
        if not root.is_dir():
            raise BundleError(
                root,
                "no library here (expected a folder with newsroom.toml); "
                "create one with `newsroom init`",
            )
        library = cls(root=root)
        library.reload_settings()
        people_path = root / PEOPLE_FILE
        if people_path.exists():
            raw = people_path.read_bytes()
            data, _ = parse_toml(people_path, raw)
            library.people, library.people_extra = people_from_toml(data, people_path)
            library.people_origin = raw
        return library

    # -- paths ------------------------------------------------------------

    def reload_settings(self) -> Settings:
        """Read ``newsroom.toml`` again (it may have been edited since).

        On a load error the settings in use stay as they were and the error
        (with file, line and column) is raised.
        """
        settings_path = self.root / SETTINGS_FILE
        settings = Settings()
        if settings_path.exists():
            data, _ = parse_toml(settings_path, settings_path.read_bytes())
            settings = settings_from_toml(data, settings_path)
        self.settings = settings
        return settings

    def bundle_dir(self, slug: str) -> Path:
        problem = slug_problem(slug)
        if problem:
            raise BundleError(self.root / slug if "/" not in slug else None, problem)
        return self.root / slug

    def slugs(self) -> list[str]:
        """Every folder that holds a release.toml, sorted; hidden folders skipped."""
        found = []
        with os.scandir(self.root) as entries:
            for entry in entries:
                if entry.name.startswith(".") or not entry.is_dir():
                    continue
                if os.path.exists(os.path.join(entry.path, RELEASE_FILE)):
                    found.append(entry.name)
        return sorted(found)

    def exists(self, slug: str) -> bool:
        return (self.bundle_dir(slug) / RELEASE_FILE).exists()

    def _safe_dir(self, slug: str) -> Path:
        directory = self.bundle_dir(slug)
        if directory.is_symlink() or directory.resolve().parent != self.root.resolve():
            raise BundleError(
                directory,
                "is a link pointing outside the library; newsroom only opens bundles "
                "that live inside drafts/",
            )
        return directory

    # -- releases ---------------------------------------------------------

    def load(self, slug: str, *, validate: bool = True) -> Release:
        directory = self._safe_dir(slug)
        toml_path = directory / RELEASE_FILE
        body_path = directory / BODY_FILE
        if not directory.is_dir():
            raise BundleError(directory, f"no release called {slug!r} in {self.root}")
        for path in (toml_path, body_path):
            if path.is_symlink():
                raise BundleError(path, "is a link; newsroom only reads plain files inside drafts/")
        try:
            toml_bytes, body_bytes = read_together(directory, (RELEASE_FILE, BODY_FILE))
        except FileNotFoundError as error:
            if not str(error.filename or "").endswith(BODY_FILE):
                raise BundleError(toml_path, "missing; every bundle needs a release.toml") from None
            raise BundleError(
                body_path,
                "missing; every bundle needs a body.md next to its release.toml "
                "(an empty file will do)",
            ) from None
        except OSError as error:
            # A folder where a file belongs, no permission…: name the file, no errno.
            raise BundleError(
                Path(error.filename) if error.filename else directory,
                f"cannot be read ({error.strerror or error})",
            ) from None
        data, toml_bom = parse_toml(toml_path, toml_bytes)
        body_text = decode(body_path, body_bytes)
        body_bom = body_text.startswith(BOM)
        if body_bom:
            body_text = body_text[1:]
        newline = _detect_newline(body_text)
        body = body_text.replace("\r\n", "\n").replace("\r", "\n")
        release = release_from_toml(data, toml_path, slug, body)
        if validate:
            self.validate(release)
        self.origins[slug] = Origin(
            toml_bytes=toml_bytes,
            body_bytes=body_bytes,
            data=data,
            toml_bom=toml_bom,
            body_bom=body_bom,
            newline=newline,
            release=deepcopy(release),
        )
        return release

    def validate(self, release: Release) -> None:
        """Raise BundleError for references that point nowhere."""
        directory = self.root / release.slug
        toml_path = directory / RELEASE_FILE
        for index, quote in enumerate(release.quotes):
            if quote.speaker and quote.speaker not in self.people:
                raise BundleError(
                    toml_path,
                    f"no person {quote.speaker!r} in {PEOPLE_FILE} (quote {quote.id!r})",
                    key=f"quotes[{index}].speaker",
                )
        for number, kind, ref_id in release.references():
            lookup = {
                "quote": release.quote,
                "caption": release.caption,
                "picture": release.picture,
            }[kind]
            known = lookup(ref_id)
            if known is None:
                raise BundleError(
                    directory / BODY_FILE,
                    f"refers to {kind} {ref_id!r}, which {RELEASE_FILE} does not define",
                    line=number,
                    column=1,
                )

    def render_files(self, release: Release) -> dict[str, bytes]:
        """The bytes ``save`` would write for ``release``."""
        origin = self.origins.get(release.slug)
        snapshot = origin.release if origin is not None else None
        if origin is not None and snapshot is not None and _same_structure(release, snapshot):
            toml_bytes = origin.toml_bytes
        else:
            toml_bytes = dumps_toml(_nfc(release_to_toml(release)))
            if origin is not None and origin.toml_bom:
                toml_bytes = BOM.encode() + toml_bytes
        if origin is not None and snapshot is not None and release.body == snapshot.body:
            return {RELEASE_FILE: toml_bytes, BODY_FILE: origin.body_bytes}
        newline = origin.newline if origin else "\n"
        body = unicodedata.normalize("NFC", release.body)
        if newline != "\n":
            body = body.replace("\n", newline)
        if origin is not None and origin.body_bom:
            body = BOM + body
        return {RELEASE_FILE: toml_bytes, BODY_FILE: body.encode("utf-8")}

    def save(self, release: Release, *, force: bool = False) -> bool:
        """Write the bundle if anything changed. Returns whether anything was written.

        Raises ``ConflictError`` (nothing written) when the bundle changed on
        disk since it was loaded, unless ``force``. A failed write (disk full,
        read-only folder) raises ``BundleError`` and leaves the old files.
        """
        self.validate(release)
        directory = self._safe_dir(release.slug)
        directory.mkdir(parents=False, exist_ok=True)
        files = self.render_files(release)
        # The conflict check and the write are one step for every newsroom
        # process: the bundle folder is flock()ed from the read to the rename.
        with save_mutex(directory):
            changed = {}
            on_disk_files: dict[str, bytes] = {}
            for name, data in files.items():
                try:
                    on_disk = (directory / name).read_bytes()
                    on_disk_files[name] = on_disk
                except FileNotFoundError:
                    on_disk = None
                if on_disk != data:
                    changed[name] = data
            if changed:
                # Another process editing this release holds its lock: refuse.
                ensure_unlocked(self.root, release.slug)
            if changed and not force and self.changed_on_disk(release.slug):
                raise ConflictError(directory, release.slug, on_disk_files, files)
            if changed:
                try:
                    commit_files(directory, changed)
                except OSError as error:
                    raise BundleError(
                        directory,
                        f"could not save ({error.strerror or error}); "
                        "the files on disk are unchanged",
                    ) from None
        toml_bytes, body_bytes = files[RELEASE_FILE], files[BODY_FILE]
        previous = self.origins.get(release.slug)
        self.origins[release.slug] = Origin(
            toml_bytes=toml_bytes,
            body_bytes=body_bytes,
            data=release_to_toml(release),
            toml_bom=previous.toml_bom if previous else False,
            body_bom=previous.body_bom if previous else False,
            newline=previous.newline if previous else "\n",
            release=deepcopy(release),
        )
        return bool(changed)

    def save_as(self, release: Release, slug: str) -> Release:
        """Save a copy of ``release`` under a new slug ("keep both" after a conflict)."""
        directory = self.bundle_dir(slug)
        if directory.exists() or directory.is_symlink():
            raise BundleError(directory, f"a release called {slug!r} already exists")
        copy = replace(deepcopy(release), slug=slug)
        # The copy starts from nothing on disk: keep the original's BOM and
        # line ends, but no origin bytes to compare against.
        origin = self.origins.get(release.slug)
        directory.mkdir()
        if origin is not None:
            self.origins[slug] = replace(
                origin, toml_bytes=b"", body_bytes=b"", data={}, release=None
            )
        try:
            self.save(copy, force=True)
            self.copy_media(release.slug, slug)
        except BaseException:
            self.origins.pop(slug, None)
            shutil.rmtree(directory, ignore_errors=True)
            raise
        return copy

    def copy_media(self, source_slug: str, target_slug: str) -> None:
        """Copy a release's pictures (``media/``) into another bundle: a copy of a
        release must carry the files its ``[[media]]`` records name."""
        source = self.bundle_dir(source_slug) / "media"
        if source_slug == target_slug or not source.is_dir():
            return
        target = self.bundle_dir(target_slug) / "media"
        target.mkdir(exist_ok=True)
        for item in sorted(source.iterdir()):
            if item.is_file() and not item.is_symlink():
                shutil.copy2(item, target / item.name)

    def changed_on_disk(self, slug: str) -> bool:
        """Whether the bundle's files differ from what this library last loaded or saved."""
        origin = self.origins.get(slug)
        if origin is None:
            return False
        directory = self.root / slug
        try:
            return (directory / RELEASE_FILE).read_bytes() != origin.toml_bytes or (
                directory / BODY_FILE
            ).read_bytes() != origin.body_bytes
        except FileNotFoundError:
            return True

    def create(self, slug: str, headline: str, *, today: date | None = None) -> Release:
        """A new release prefilled from the library's defaults, saved to disk."""
        directory = self.bundle_dir(slug)
        if directory.exists():
            raise BundleError(directory, f"a release called {slug!r} already exists")
        defaults = self.settings
        release = Release(
            slug=slug,
            headline=headline,
            created=today or date.today(),
            contact=Contact(
                name=defaults.default_contact.name,
                role=defaults.default_contact.role,
                phone=defaults.default_contact.phone,
                email=defaults.default_contact.email,
            ),
            about=defaults.default_about,
            imprint=defaults.default_imprint,
        )
        directory.mkdir()
        try:
            self.save(release)
        except BaseException:
            for leftover in directory.iterdir():
                leftover.unlink()
            directory.rmdir()
            raise
        return release

    def load_all(self) -> tuple[list[Release], list[BundleError]]:
        releases, errors = [], []
        for slug in self.slugs():
            try:
                releases.append(self.load(slug))
            except BundleError as error:
                errors.append(error)
        return releases, errors

    # -- people -------------------------------------------------------------

    def save_people(self, *, force: bool = False) -> bool:
        """Write people.toml if the directory changed. Returns whether anything was written.

        If someone else saved people.toml since it was read, their changes and
        ours are merged person by person; the same person changed differently
        on both sides raises ``ConflictError`` (nothing written) unless ``force``.
        """
        # tomlkit is costly to import; only a people save needs it.
        from .tomledit import people_bytes

        path = self.root / PEOPLE_FILE
        try:
            on_disk: bytes | None = path.read_bytes()
        except FileNotFoundError:
            on_disk = None
        if self.people_origin is not None:
            previous, _ = parse_toml(path, self.people_origin)
            if previous == people_to_toml(self.people, self.people_extra):
                return False
            if not force and on_disk is not None and on_disk != self.people_origin:
                ours = people_bytes(path, self.people_origin, self.people, self.people_extra)
                self._merge_people(path, previous, on_disk, ours)
        # Written onto the file as it is now, through tomlkit: the comments and
        # layout someone wrote by hand survive.
        data = people_bytes(path, on_disk, self.people, self.people_extra)
        try:
            atomic_write(path, data)
        except OSError as error:
            raise BundleError(
                path, f"could not save ({error.strerror or error}); the file is unchanged"
            ) from None
        self.people_origin = data
        return True

    def _merge_people(
        self, path: Path, base_data: dict[str, Any], on_disk: bytes, ours: bytes
    ) -> None:
        """Apply our changes since loading on top of what another process saved."""
        theirs_data, _ = parse_toml(path, on_disk)
        theirs, theirs_extra = people_from_toml(theirs_data, path)
        base, base_extra = people_from_toml(base_data, path)
        merged = dict(theirs)
        for person_id in sorted(set(base) | set(self.people)):
            before, mine, other = (
                base.get(person_id),
                self.people.get(person_id),
                theirs.get(person_id),
            )
            if mine == before or mine == other:
                continue  # we did not touch this person, or both did the same
            if other != before:
                raise ConflictError(
                    path,
                    PEOPLE_FILE,
                    {PEOPLE_FILE: on_disk},
                    {PEOPLE_FILE: ours},
                    f"{person_id!r} was changed by someone else since it was loaded; "
                    "nothing was written: reload the people directory, or overwrite",
                )
            if mine is None:
                merged.pop(person_id, None)
            else:
                merged[person_id] = mine
        self.people = merged
        if self.people_extra == base_extra:
            self.people_extra = theirs_extra


def open_library(root: Path | str) -> Library:
    return Library.open(root)
