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
    export.set_defaults(handler=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    from ..export import TextOptions, export_text
    from .common import CommandError

    library = open_library(args)
    release = load_release(library, args.slug)
    width = args.width if args.width is not None else library.settings.width
    if not 20 <= width <= 200:
        raise CommandError(f"--width {width} is out of range (20 to 200)")
    options = TextOptions(width=width, ascii=args.ascii, crlf=args.crlf)
    write_output(export_text(release, library, options), args.output)
    return 0
