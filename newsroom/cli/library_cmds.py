"""``newsroom list``, ``new`` and ``show``."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime

from ..bundle import BODY_FILE, RELEASE_FILE, BundleError, Library
from ..model import Release, slug_problem
from ..safety import strip_controls
from .common import EXIT_BAD_INPUT, CommandError, load_release, open_library


def register(subcommands: argparse._SubParsersAction) -> None:
    listing = subcommands.add_parser("list", help="list every release in the library")
    listing.add_argument("--json", action="store_true", help="a JSON array for scripts")
    listing.set_defaults(handler=cmd_list)

    new = subcommands.add_parser("new", help="create a release, prefilled from the defaults")
    new.add_argument("slug", help="folder name: lower-case letters, digits and hyphens")
    new.add_argument("--headline", required=True)
    new.set_defaults(handler=cmd_new)

    show = subcommands.add_parser("show", help="a readable summary of one release")
    show.add_argument("slug")
    show.set_defaults(handler=cmd_show)


def _updated(library: Library, slug: str) -> str:
    directory = library.root / slug
    mtime = max(
        (directory / name).stat().st_mtime
        for name in (RELEASE_FILE, BODY_FILE)
        if (directory / name).exists()
    )
    return datetime.fromtimestamp(mtime, UTC).isoformat(timespec="seconds")


def release_summary(release: Release, library: Library) -> dict:
    from ..workflow import status, valid_approvals

    day = release.dateline.date or release.created
    return {
        "slug": release.slug,
        "headline": release.headline,
        "status": status(release, library),
        "date": day.isoformat() if day else None,
        "updated": _updated(library, release.slug),
        "speakers": release.speakers(library.people),
        "approvals": len(valid_approvals(release, library)),
        "embargo": release.embargo.until.isoformat() if release.embargo.until else None,
    }


def cmd_list(args: argparse.Namespace) -> int:
    library = open_library(args)
    rows, failures = [], []
    for slug in library.slugs():
        try:
            release = library.load(slug)
        except BundleError as error:
            failures.append(error)
            rows.append({"slug": slug, "status": "invalid", "error": str(error)})
            continue
        rows.append(release_summary(release, library))
    if args.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        for row in rows:
            headline = strip_controls(row.get("headline") or row.get("error", ""))
            print(f"{row['status']:<10} {row.get('date') or '':<10}  {row['slug']:<40}  {headline}")
        if not rows:
            print(f"No releases in {library.root}. Create one with: newsroom new SLUG --headline TEXT")
    for error in failures:
        print(f"newsroom: {error}", file=sys.stderr)
    return EXIT_BAD_INPUT if failures else 0


def cmd_new(args: argparse.Namespace) -> int:
    problem = slug_problem(args.slug)
    if problem:
        raise CommandError(problem)
    from .. import locks

    library = open_library(args)
    try:
        # Someone may be creating this very release in the editor.
        locks.ensure_unlocked(library.root, args.slug)
        release = library.create(args.slug, args.headline.strip())
    except BundleError as error:
        raise CommandError(str(error)) from None
    print(f"Created {library.root / release.slug}/")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from ..export import export_text
    from ..workflow import status

    library = open_library(args)
    release = load_release(library, args.slug)
    text = export_text(release, library)
    words = len(release.body.split()) + sum(len(q.text.split()) for q in release.quotes)
    out = [
        f"Headline:  {strip_controls(release.headline)}",
        f"Slug:      {release.slug}",
        f"Status:    {status(release, library)}",
    ]
    if release.embargo.until:
        out.append(f"Embargo:   {release.embargo.until.isoformat()}")
    out.append(f"Words:     {words} ({len(text.split())} in the exported text)")
    out.append(f"Quotes:    {len(release.quotes)}")
    for quote in release.quotes:
        person = library.people.get(quote.speaker)
        name = person.name if person else (quote.speaker or "no speaker yet")
        first = " ".join(quote.text.split()[:8])
        out.append(f"  {quote.id}: {strip_controls(name)} ({strip_controls(quote.role) or 'no role'}) "
                   f"– “{strip_controls(first)}…”")
    print("\n".join(out))
    return 0
