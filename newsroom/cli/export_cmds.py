"""``newsroom export``."""

from __future__ import annotations

import argparse

from .common import load_release, open_library, write_output

FORMATS = ("text",)


def register(subcommands: argparse._SubParsersAction) -> None:
    export = subcommands.add_parser("export", help="render a release for sending")
    export.add_argument("slug")
    export.add_argument("--format", choices=FORMATS, default="text")
    export.add_argument("--width", type=int, default=None, help="wrap width (default 72)")
    export.add_argument("--ascii", action="store_true", help="plain ASCII punctuation and letters")
    export.add_argument("--crlf", action="store_true", help="CRLF line ends")
    export.add_argument("-o", "--output", default=None, help="write to FILE instead of stdout")
    export.add_argument(
        "--draft", action="store_true",
        help="export a release that is not approved, marked 'DRAFT – NOT APPROVED'",
    )
    export.set_defaults(handler=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    from ..export import TextOptions, export_text
    from ..identity import IdentityError, resolve
    from ..workflow import publication_refusal, record_publication
    from .common import EXIT_FAILED, CommandError

    library = open_library(args)
    release = load_release(library, args.slug)
    width = args.width if args.width is not None else library.settings.width
    if not 20 <= width <= 200:
        raise CommandError(f"--width {width} is out of range (20 to 200)")
    # The gate lives in workflow so every format and the TUI share it.
    refusal = None if args.draft else publication_refusal(release, library)
    if refusal:
        raise CommandError(refusal, EXIT_FAILED)
    try:
        publisher = "" if args.draft else resolve(library, required=False)
    except IdentityError as error:
        raise CommandError(str(error)) from None
    options = TextOptions(width=width, ascii=args.ascii, crlf=args.crlf)
    write_output(export_text(release, library, options, draft=args.draft), args.output)
    if not args.draft:
        record_publication(release, library, publisher, args.format)
    return 0
