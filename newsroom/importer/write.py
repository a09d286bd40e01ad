"""Writing an import: people.toml and the new bundle, only once everything parsed."""

from __future__ import annotations

import shutil
from pathlib import Path

from ..bundle import Library
from ..errors import BundleError
from ..fsio import atomic_write
from ..layout import PEOPLE_FILE
from ..model import slug_problem
from .report import ImportResult


def create_bundle(library: Library, result: ImportResult, slug: str | None = None) -> Path:
    """Create the bundle for ``result`` and add its new people; all or nothing.

    Raises BundleError (nothing written) when the slug is bad or taken.
    """
    slug = slug or result.release.slug
    problem = slug_problem(slug)
    if problem:
        raise BundleError(None, problem)
    directory = library.bundle_dir(slug)
    if directory.exists():
        raise BundleError(
            directory, f"a release called {slug!r} already exists; choose another with --slug"
        )
    imported = result.release
    previous_people = dict(library.people)
    people_path = library.root / PEOPLE_FILE
    people_bytes = people_path.read_bytes() if people_path.exists() else None
    people_origin = library.people_origin
    for person in result.new_people:
        library.people.setdefault(person.id, person)
    try:
        release = library.create(slug, imported.headline, today=imported.created)
        for name in (
            "standfirst",
            "dateline",
            "embargo",
            "body",
            "quotes",
            "captions",
            "notes_to_editors",
            "contact",
            "about",
            "imprint",
            "internal_notes",
        ):
            setattr(release, name, getattr(imported, name))
        library.save(release)
        if result.new_people:
            library.save_people()
    except BaseException:
        # Leave nothing behind: no half bundle, the old people.toml.
        if directory.exists() and not directory.is_symlink():
            shutil.rmtree(directory)
        library.people = previous_people
        library.people_origin = people_origin
        if people_bytes is None:
            if people_path.exists():
                people_path.unlink()
        elif people_path.read_bytes() != people_bytes:
            atomic_write(people_path, people_bytes)
        raise
    result.release = release
    return directory
