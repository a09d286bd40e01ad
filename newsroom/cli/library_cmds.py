"""``newsroom new`` and ``show`` (``list`` is in list_cmd.py, to start fast)."""

from __future__ import annotations

import argparse

from ..errors import BundleError
from ..model import slug_problem
from ..safety import strip_controls
from .common import CommandError, load_release, open_library


def register(subcommands: argparse._SubParsersAction) -> None:
    new = subcommands.add_parser("new", help="create a release, prefilled from the defaults")
    new.add_argument("slug", help="folder name: lower-case letters, digits and hyphens")
    new.add_argument("--headline", required=True)
    new.slug_first = True  # `new -draft`: the slug rule, not "slug is required" (cli/parser.py)
    new.set_defaults(handler=cmd_new)

    show = subcommands.add_parser("show", help="a readable summary of one release")
    show.add_argument("slug")
    show.set_defaults(handler=cmd_show)


def cmd_new(args: argparse.Namespace) -> int:
    problem = slug_problem(args.slug)
    if problem:
        raise CommandError(problem)
    if not args.headline.strip():
        raise CommandError("--headline cannot be empty: a release needs a headline")
    from .. import locks

    library = open_library(args)
    try:
        # Someone may be creating this very release in the editor.
        locks.ensure_unlocked(library.root, args.slug)
        release = library.create(args.slug, args.headline.strip())
    except BundleError as error:
        raise CommandError(str(error)) from None
    print(f"Created {library.root / release.slug}/")
    from .git_cmds import record_save  # commits only with [git] commit_on_save = true

    record_save(library, release.slug, action="create")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from ..export import build_document, export_text
    from ..model import REFERENCE_PATTERN
    from ..signoff import status

    library = open_library(args)
    release = load_release(library, args.slug)
    text = export_text(release, library)
    document = build_document(release, library.settings, library.people)
    # Reference lines ({{< quote id >}}) are placeholders, not words.
    prose = [line for line in release.body.split("\n") if not REFERENCE_PATTERN.match(line)]
    words = sum(len(line.split()) for line in prose)
    words += sum(len(q.text.split()) for q in release.quotes)
    out = [
        f"Headline:  {strip_controls(release.headline)}",
        f"Slug:      {release.slug}",
        f"Status:    {status(release, library)}",
    ]
    if document.embargo:
        out.append(f"Embargo:   {document.embargo.describe()}")
    out.append(f"Words:     {words} ({len(text.split())} in the exported text)")
    out.append(f"Quotes:    {len(release.quotes)}")
    for quote in release.quotes:
        person = library.people.get(quote.speaker)
        name = person.name if person else (quote.speaker or "no speaker yet")
        quote_words = quote.text.split()
        first = " ".join(quote_words[:8]) + ("…" if len(quote_words) > 8 else "")
        role = strip_controls(quote.role) or "no role"
        out.append(f"  {quote.id}: {strip_controls(name)} ({role}) – “{strip_controls(first)}”")
    print("\n".join(out))
    return 0
