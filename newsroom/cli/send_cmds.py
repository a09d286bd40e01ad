"""``newsroom send``: the approved release to the press list, one message each."""

from __future__ import annotations

import argparse
import sys

from .common import EXIT_FAILED, CommandError, open_library


def register(subcommands: argparse._SubParsersAction) -> None:
    send = subcommands.add_parser("send", help="send an approved release to the press list")
    send.add_argument("slug", nargs="?", help="the release (or --due)")
    send.add_argument(
        "--tag",
        action="append",
        default=[],
        help="only contacts with this tag (repeatable: any of them)",
    )
    send.add_argument(
        "--dry-run",
        action="store_true",
        help="show who would get it and the first message; send nothing",
    )
    send.add_argument(
        "--at",
        default=None,
        metavar="WHEN",
        help="queue the send for WHEN (2026-12-03T09:00, library time zone)",
    )
    send.add_argument(
        "--due", action="store_true", help="send every queued send whose time has come (for cron)"
    )
    send.add_argument("--cancel", action="store_true", help="cancel the release's queued sends")
    send.add_argument(
        "--resend", action="store_true", help="send again to contacts who already have it"
    )
    send.add_argument("--via", choices=("smtp", "sendmail"), default="smtp")
    send.add_argument("--as", dest="as_person", default=None, help="who is sending (person id)")
    send.set_defaults(handler=cmd_send)


def _transport(library, via: str):  # type: ignore[no-untyped-def]
    from ..errors import BundleError
    from ..sending.config import SendError, send_settings
    from ..sending.transport import SendmailTransport, SMTPTransport

    if via == "sendmail":
        return SendmailTransport()
    try:
        return SMTPTransport(send_settings(library))
    except (BundleError, SendError) as error:
        raise CommandError(str(error)) from None


def _progress(outcome, done: int, total: int) -> None:  # type: ignore[no-untyped-def]
    from ..safety import strip_controls

    detail = f" ({strip_controls(outcome.reply)})" if outcome.reply else ""
    print(f"[{done}/{total}] {outcome.status} {outcome.contact.email}{detail}", file=sys.stderr)


def cmd_send(args: argparse.Namespace) -> int:
    from ..identity import IdentityError, resolve
    from ..sending import Busy, SendError

    if args.due == bool(args.slug):
        raise CommandError("name the release to send, or use --due")
    if args.due and (args.at or args.tag or args.resend or args.dry_run or args.cancel):
        raise CommandError("--due takes no other options but --via and --as")
    library = open_library(args)
    try:
        by = resolve(library, args.as_person, required=False)
    except IdentityError as error:
        raise CommandError(str(error)) from None
    try:
        if args.due:
            return _due(library, args, by)
        if args.cancel:
            from ..sending.run import cancel

            print(f"cancelled {cancel(library, args.slug)} queued send(s)")
            return 0
        if args.dry_run:
            return _dry_run(library, args)
        if args.at:
            return _queue(library, args, by)
        return _send_now(library, args, by)
    except SendError as error:
        raise CommandError(str(error), EXIT_FAILED) from None
    except Busy as error:
        raise CommandError(f"{error}; try again when it has finished", EXIT_FAILED) from None


def _dry_run(library, args: argparse.Namespace) -> int:  # type: ignore[no-untyped-def]
    from ..sending import plan

    the_plan = plan(library, args.slug, args.tag, resend=args.resend)
    for contact in the_plan.to_send:
        print(f"to      {contact.email}")
    for contact in the_plan.already:
        print(f"has it  {contact.email}")
    for contact in the_plan.opted_out:
        print(f"skip    {contact.email} (opted out {contact.opted_out})")
    first = the_plan.first_message()
    if first is not None:
        print("\n--- the first message, as it will be sent ---")
        sys.stdout.flush()
        sys.stdout.buffer.write(first)
        sys.stdout.buffer.flush()
    return 0


def _queue(library, args: argparse.Namespace, by: str) -> int:  # type: ignore[no-untyped-def]
    from ..sending.run import QUEUE, parse_when, queue
    from .git_cmds import record

    when = parse_when(args.at, library.settings.timezone)
    item = queue(library, args.slug, when, args.tag, by=by)
    print(
        f"queued {args.slug} for {item.at.isoformat()}; `newsroom send --due` sends it "
        "(see docs/sending.md for cron and systemd)"
    )
    record(library, args.slug, QUEUE, "", message=f"Queued for {item.at.isoformat()}.")
    return 0


def _send_now(library, args: argparse.Namespace, by: str) -> int:  # type: ignore[no-untyped-def]
    from ..sending import send_release

    report = send_release(
        library,
        args.slug,
        _transport(library, args.via),
        tags=args.tag,
        resend=args.resend,
        by=by,
        progress=_progress,
    )
    return _finish(library, report)


def _finish(library, report) -> int:  # type: ignore[no-untyped-def]
    from ..sending.run import SEND
    from .git_cmds import record

    print(f"{report.slug}: {report.summary()}")
    if report.count("sent"):
        record(library, report.slug, SEND, report.digest, message=report.summary() + ".")
    if report.stopped:
        print(f"newsroom: {report.stopped}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_FAILED if report.count("failed") else 0


def _due(library, args: argparse.Namespace, by: str) -> int:  # type: ignore[no-untyped-def]
    from ..sending import run_due

    results = run_due(library, lambda: _transport(library, args.via), by=by, progress=_progress)
    code = 0
    for result in results:
        if result.error:
            print(f"newsroom: {result.slug}: {result.error}", file=sys.stderr)
            code = EXIT_FAILED
        elif result.report is not None:
            code = max(code, _finish(library, result.report))
    return code
