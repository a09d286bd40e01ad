"""``newsroom export``."""

from __future__ import annotations

import argparse

from .common import load_release, open_library, write_output

# Mirrors newsroom.export.FORMATS; importing export here would slow `newsroom list`.
FORMATS = ("text", "md", "html", "eml", "ninjs")


def register(subcommands: argparse._SubParsersAction) -> None:
    export = subcommands.add_parser("export", help="render a release for sending")
    export.add_argument("slug", nargs="?", help="the release (or --all)")
    export.add_argument("--format", choices=FORMATS, default="text")
    export.add_argument(
        "--width",
        type=int,
        default=None,
        metavar="N",
        help="wrap width, 20 to 200 (default: the library's [export] width, 72 if unset)",
    )
    export.add_argument(
        "--ascii",
        action="store_true",
        help="text: plain ASCII punctuation and letters; md: plain quotation marks",
    )
    export.add_argument("--crlf", action="store_true", help="text: CRLF line ends")
    export.add_argument("-o", "--output", default=None, help="write to FILE instead of stdout")
    export.add_argument(
        "--draft",
        action="store_true",
        help="export a release that is not approved, marked 'DRAFT – NOT APPROVED'",
    )
    export.add_argument(
        "--to",
        action="append",
        default=None,
        metavar="ADDRESS",
        help="eml: send to ADDRESS instead of the press list in newsroom.toml (repeatable)",
    )
    export.add_argument("--all", action="store_true", help="export every release into --out DIR")
    export.add_argument(
        "--out",
        default=None,
        metavar="DIR",
        help="with --all: folder to write to; with --format md: a page "
        "bundle (DIR/index.md and the pictures)",
    )
    export.add_argument(
        "--status",
        action="append",
        default=None,
        metavar="STATUS",
        help="with --all: only releases in this status (repeatable), e.g. approved",
    )
    export.set_defaults(handler=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    from ..actions import publication_refusal, record_publication
    from ..export import ExportError, render
    from ..identity import IdentityError, resolve
    from .common import EXIT_FAILED, CommandError

    _check_usage(args)
    if args.all:
        from .export_all import cmd_export_all

        return cmd_export_all(args)
    library = open_library(args)
    release = load_release(library, args.slug)
    width = args.width if args.width is not None else library.settings.width
    if not 20 <= width <= 200:
        raise CommandError(f"--width {width} is out of range (20 to 200)")
    # The gate lives in workflow so every format and the TUI share it.
    refusal = None if args.draft else publication_refusal(release, library)
    if refusal:
        raise CommandError(refusal, EXIT_FAILED)
    if not args.draft:
        # A final export records itself in the release: refuse before writing
        # anything when someone else has the release open.
        from .. import locks
        from ..errors import BundleError

        try:
            locks.ensure_unlocked(library.root, release.slug)
        except BundleError as error:
            raise CommandError(str(error)) from None
    try:
        publisher = "" if args.draft else resolve(library, required=False)
    except IdentityError as error:
        raise CommandError(str(error)) from None
    try:
        output = render(
            release,
            library,
            args.format,
            draft=args.draft,
            to=args.to,
            width=width,
            ascii=args.ascii,
            crlf=args.crlf,
        )
    except ExportError as error:
        raise CommandError(str(error)) from None
    try:
        if args.out:  # a page bundle: DIR/index.md and the pictures beside it
            from ..export.bundle_md import write_page_bundle

            try:
                for path in write_page_bundle(release, library, output, args.out):
                    print(path)
            except ExportError as error:
                raise CommandError(str(error)) from None
        elif isinstance(output, bytes):
            write_bytes(output, args.output)
        else:
            write_output(output, args.output)
    except BrokenPipeError:
        raise  # `newsroom export … | head`: main treats it as success
    except OSError as error:
        # Name the file asked for, not the temporary file beside it.
        raise CommandError(
            f"{args.output or 'stdout'}: cannot write the export ({error.strerror or error})"
        ) from None
    if not args.draft:
        try:
            recorded = record_publication(release, library, publisher, args.format)
        except BundleError as error:
            raise CommandError(
                f"the export was written, but its publication could not be recorded: {error}"
            ) from None
        if recorded:  # in a git work tree: one "Publish" commit of the bundle
            from .git_cmds import record

            record(
                library,
                release.slug,
                "publish",
                release.history[-1].digest,
                message=f"Exported as {args.format}.",
            )
    return 0


def _check_usage(args: argparse.Namespace) -> None:
    from .common import CommandError

    if args.all and args.slug:
        raise CommandError("give a release or --all, not both")
    if not args.all and not args.slug:
        raise CommandError("name the release to export, or use --all --out DIR")
    if args.all and not args.out:
        raise CommandError("--all needs --out DIR: one file per release is written there")
    if not args.all and args.out and (args.format != "md" or args.output):
        raise CommandError(
            "--out goes with --all, or with --format md for a page bundle "
            "(index.md and its pictures); use -o FILE for one release"
        )
    if not args.all and args.status:
        raise CommandError("--status goes with --all")
    if args.all and args.output:
        raise CommandError("with --all use --out DIR, not -o")
    if args.to and args.format != "eml":
        raise CommandError("--to only applies to --format eml")
    if args.width is not None and not 20 <= args.width <= 200:
        raise CommandError(f"--width {args.width} is out of range (20 to 200)")


def write_bytes(data: bytes, output: str | None) -> None:
    """Bytes (an .eml) to stdout, or atomically to a file."""
    import sys

    if output and output != "-":
        from pathlib import Path

        from ..fsio import atomic_write

        atomic_write(Path(output), data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
