"""``newsroom search``: full-text search of the archive (newsroom/search)."""

from __future__ import annotations

import json
import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

    from ..search import Results


def register(subcommands: argparse._SubParsersAction) -> None:
    search = subcommands.add_parser(
        "search",
        help="full-text search of every release and quote",
        description='Words, "phrases", prefixes (park*), AND, OR, NOT and brackets; '
        "results best first, each with the words that matched.",
    )
    search.add_argument("query", help="what to look for, e.g. '\"bus station\" OR park*'")
    search.add_argument(
        "--speaker",
        metavar="PERSON",
        help="only releases (or quotes) with words by this person: their id or part of their name",
    )
    search.add_argument(
        "--since", metavar="DATE", help="only releases dated on or after DATE (YYYY-MM-DD)"
    )
    search.add_argument("--until", metavar="DATE", help="only releases dated on or before DATE")
    search.add_argument(
        "--status",
        metavar="S",
        help="only releases with this status "
        "(draft, in-review, approved, published, stale, spiked…)",
    )
    search.add_argument(
        "--quotes",
        action="store_true",
        help="quotes as results: speaker, release, date and the words",
    )
    search.add_argument(
        "--limit", type=int, default=20, metavar="N", help="at most N results (default 20)"
    )
    search.add_argument("--json", action="store_true", help="a JSON object for scripts")
    search.set_defaults(handler=cmd_search)


def _date(value: str | None, flag: str) -> str:
    from .common import CommandError

    if not value:
        return ""
    from datetime import date

    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise CommandError(f"{flag} {value!r}: not a date; use YYYY-MM-DD") from None


def cmd_search(args: argparse.Namespace) -> int:
    from ..search import Archive, QueryError, resolve_speakers
    from ..workers import default_workers
    from .common import CommandError, require_library

    require_library(args)
    root = os.fspath(args.drafts)
    if not os.path.isdir(root):
        raise CommandError(f"{root}: no such library folder")
    if args.limit < 1:
        raise CommandError("--limit must be at least 1")
    since, until = _date(args.since, "--since"), _date(args.until, "--until")
    speakers = None
    if args.speaker is not None:
        speakers = resolve_speakers(root, args.speaker)
        if not speakers:
            raise CommandError(
                f"--speaker {args.speaker!r}: no one in people.toml has that id or name"
            )
    slugs = None
    if args.status:
        from ..index.listing import listing

        wanted = args.status.strip().lower()
        slugs = {row["slug"] for row in listing(root).dicts() if row.get("status") == wanted}
    archive = Archive(root, workers=default_workers())
    try:
        results = archive.search(
            args.query,
            speakers=speakers,
            since=since,
            until=until,
            slugs=slugs,
            quotes=args.quotes,
            limit=args.limit,
        )
    except QueryError as error:
        raise CommandError(f"search: {error}") from None
    finally:
        archive.close()
    if results.notice:
        print(f"newsroom: {results.notice}", file=sys.stderr)
    if args.json:
        sys.stdout.write(json.dumps(results.as_json(), ensure_ascii=False, indent=1) + "\n")
    else:
        _print(results, sys.stdout.isatty())
    return 0


def _marked(text: str, spans: list[tuple[int, int]], bold: bool) -> str:
    """The matching words in bold on a terminal, between » « otherwise."""
    on, off = ("\x1b[1m", "\x1b[22m") if bold else ("»", "«")
    out, at = [], 0
    for start, end in spans:
        out += [text[at:start], on, text[start:end], off]
        at = end
    out.append(text[at:])
    return "".join(out)


def _print(results: Results, bold: bool) -> None:
    from ..safety import strip_controls
    from ..search import QuoteHit

    for hit in results.hits:
        # Indexed text has its controls stripped already; nothing raw reaches a terminal.
        headline = strip_controls(hit.headline)
        print(f"{hit.date or '':<10}  {hit.slug}  {headline}")
        snippet = hit.snippet
        if isinstance(hit, QuoteHit):
            who = ", ".join(x for x in (strip_controls(hit.name), strip_controls(hit.role)) if x)
            print(f"            {who}:")
        if snippet is not None:  # beyond the first SNIPPETS hits, none was worked out
            print(f"            {_marked(strip_controls(snippet.text), snippet.spans, bold)}")
    if not results.hits:
        print("No matches.")
    elif results.more:
        print(f"(the best {len(results.hits)}; use --limit for more)")
