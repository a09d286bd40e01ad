"""``newsroom check``, ``submit``, ``clear``, ``approve``, ``request-changes``,
``spike``, ``verify``, ``diff`` and ``history``.

The rules live in ``newsroom.actions``, ``newsroom.signoff`` and ``newsroom.checks``; this module
only parses arguments, says who is acting and prints results.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..bundle import Library
from ..errors import BundleError
from ..model import Release
from ..safety import strip_controls
from .common import EXIT_FAILED, CommandError, load_release, open_library


def register(subcommands: argparse._SubParsersAction) -> None:
    check = subcommands.add_parser("check", help="run the checks on a release")
    check.add_argument("slug")
    check.add_argument("--json", action="store_true", help="results as JSON for scripts")
    check.set_defaults(handler=cmd_check)

    submit = subcommands.add_parser("submit", help="run the checks and send for review")
    submit.add_argument("slug")
    add_as_option(submit)
    submit.add_argument("--note", default="")
    submit.set_defaults(handler=cmd_submit)

    clear = subcommands.add_parser("clear", help="record that a speaker cleared their quote")
    clear.add_argument("slug")
    clear.add_argument("quote_id", metavar="QUOTE_ID")
    clear.add_argument(
        "--by", required=True, metavar="PERSON_ID", help="the speaker who cleared the wording"
    )
    clear.add_argument("--via", choices=("email", "phone", "in-person"), default="")
    clear.add_argument("--note", default="")
    add_as_option(clear, "who is recording it (optional; kept in the history)")
    clear.set_defaults(handler=cmd_clear)

    approve = subcommands.add_parser("approve", help="approve the release as it stands")
    approve.add_argument("slug")
    add_as_option(approve)
    approve.add_argument(
        "--for",
        dest="for_person",
        default=None,
        metavar="PERSON_ID",
        help="record an approval PERSON_ID gave you (by phone, email or in "
        "person); it is stored as recorded by you",
    )
    approve.add_argument(
        "--via",
        choices=("phone", "email", "in-person"),
        default="",
        help="how the approval given --for someone reached you",
    )
    approve.add_argument("--note", default="")
    approve.add_argument(
        "--sign",
        type=Path,
        default=None,
        metavar="KEY",
        help="sign with this SSH key (default: your configured key: git's "
        "user.signingkey with gpg.format = ssh, or [signing] key)",
    )
    approve.set_defaults(handler=cmd_approve)

    changes = subcommands.add_parser("request-changes", help="send a release back with a note")
    changes.add_argument("slug")
    add_as_option(changes)
    changes.add_argument("--note", required=True)
    changes.set_defaults(handler=cmd_request_changes)

    spike = subcommands.add_parser(
        "spike",
        help="withdraw a release (--undo brings it back)",
        # --note is required to spike, optional to undo: argparse cannot say so itself.
        usage="%(prog)s [--as PERSON_ID] --note NOTE slug\n"
        "       %(prog)s [--as PERSON_ID] --undo [--note NOTE] slug",
    )
    spike.add_argument("slug")
    add_as_option(spike)
    spike.add_argument(
        "--note", default="", help="why it is withdrawn (required, except with --undo)"
    )
    spike.add_argument("--undo", action="store_true", help="unspike")
    spike.set_defaults(handler=cmd_spike)

    verify = subcommands.add_parser(
        "verify", help="check that every approval and clearance claimed is valid"
    )
    verify.add_argument("slug", nargs="?", default=None, help="default: every release")
    verify.set_defaults(handler=cmd_verify)

    diff = subcommands.add_parser(
        "diff", help="what changed since the last approval (or submission)"
    )
    diff.add_argument("slug")
    diff.add_argument(
        "--width",
        type=int,
        default=None,
        metavar="N",
        help="wrap width, 20 to 200 (default: the library's [export] width, 72 if unset)",
    )
    diff.set_defaults(handler=cmd_diff)


def add_as_option(parser: argparse.ArgumentParser, help_text: str | None = None) -> None:
    parser.add_argument(
        "--as",
        dest="as_person",
        default=None,
        metavar="PERSON_ID",
        help=help_text
        or "who you are, to check it (default: $NEWSROOM_USER, else git's "
        "user.email, else your username in people.toml, else `newsroom whoami --set`)",
    )


def identify(
    library: Library, args: argparse.Namespace, *, required: bool = True, hint: str = ""
) -> str:
    from ..identity import IdentityError, resolve

    try:
        return resolve(library, args.as_person, required=required, hint=hint)
    except IdentityError as error:
        raise CommandError(str(error), error.exit_code) from None


def _sign_with(library: Library, explicit: Path | None):
    """``--sign KEY``, else the user's configured key, else None."""
    from ..signing import configured_key
    from ..workflow import SignWith

    if explicit is not None:
        return SignWith(explicit)
    found = configured_key(library.root)
    return SignWith(found.path, explicit=False) if found else None


def _with_passphrase(action: Callable[[Any], Any], sign: Any) -> Any:
    """Run ``action(sign)``; if the key is protected, ask for its passphrase on a terminal."""
    import dataclasses
    import getpass

    from ..workflow import NeedsPassphrase

    for _ in range(3):
        try:
            return action(sign)
        except NeedsPassphrase as error:
            if not sys.stdin.isatty():
                raise CommandError(
                    f"{error}: add it to ssh-agent (ssh-add) or run this in a terminal to be asked",
                    error.exit_code,
                ) from None
            sign = dataclasses.replace(
                sign, passphrase=getpass.getpass(f"Passphrase for {sign.key}: ")
            )
    raise CommandError(f"{sign.key}: wrong passphrase three times; nothing was signed")


def _act(action: Callable[[], Any]) -> Any:
    """Run a workflow action, turning its refusals into exit codes."""
    from ..workflow import NeedsPassphrase, WorkflowError

    try:
        return action()
    except NeedsPassphrase:
        raise  # the caller asks for it and tries again
    except WorkflowError as error:
        raise CommandError(str(error), error.exit_code) from None
    except BundleError as error:
        raise CommandError(str(error)) from None


def locked(library: Library, slug: str, action: Callable[[Release], Any]) -> tuple[Release, Any]:
    """Load and change ``slug`` while holding its edit lock (the TUI may have it open)."""
    from .. import locks

    try:
        with locks.hold(library.root, slug):
            release = load_release(library, slug)
            return release, _act(lambda: action(release))
    except BundleError as error:  # LockedError: someone is editing it
        raise CommandError(str(error)) from None


def commit(
    library: Library,
    slug: str,
    action: str,
    digest: str,
    approved_by: str | None = None,
    recorded_by: str = "",
    via: str = "",
) -> None:
    """Commit the bundle when the library lives in a git work tree (a no-op otherwise)."""
    from .git_cmds import record

    record(
        library,
        slug,
        action,
        digest,
        approved_by=approved_by,
        recorded_by=recorded_by or None,
        via=via,
    )


def say(text: str) -> None:
    print(strip_controls(text))


# ---------------------------------------------------------------------------


def cmd_check(args: argparse.Namespace) -> int:
    from ..checks import is_blocking, run_checks
    from ..digest import release_digest
    from ..waivers import describe, valid_waivers, waiver_problems

    library = open_library(args)
    release = load_release(library, args.slug)
    results = run_checks(release, library)
    current = release_digest(release, library)
    waived = valid_waivers(release, library, current)
    blocked = [r for r in results if is_blocking(r) and r.id not in waived]
    if args.json:
        rows = [
            dict(
                r.as_dict(),
                blocking=is_blocking(r) and r.id not in waived,
                waived=is_blocking(r) and r.id in waived,
            )
            for r in results
        ]
        waivers = [
            describe(w, waiver_problems(w, release, library, current)) for w in release.waivers
        ]
        json.dump(
            {"slug": release.slug, "ok": not blocked, "results": rows, "waivers": waivers},
            sys.stdout,
            ensure_ascii=False,
            indent=2,
        )
        sys.stdout.write("\n")
    else:
        for result in results:
            mark = ""
            if is_blocking(result):
                waiver = waived.get(result.id)
                mark = f" (waived by {waiver.by}: {waiver.reason})" if waiver else " (blocking)"
            where = f"{result.where}: " if result.where else ""
            say(f"{result.level:<8}{result.id:<12}{where}{result.message}{mark}")
        errors = sum(r.level == "error" for r in results)
        warnings = len(results) - errors
        if not results:
            say(f"{release.slug}: every check passes.")
        else:
            say(
                f"{release.slug}: {errors} error{'s' * (errors != 1)}, "
                f"{warnings} warning{'s' * (warnings != 1)}, {len(blocked)} blocking."
            )
    return EXIT_FAILED if blocked else 0


def cmd_submit(args: argparse.Namespace) -> int:
    from ..actions import submit
    from ..digest import short
    from ..signoff import status

    library = open_library(args)
    by = identify(library, args)
    release, event = locked(
        library, args.slug, lambda release: submit(release, library, by, note=args.note)
    )
    commit(library, release.slug, event.action, event.digest)
    say(
        f"Submitted {release.slug} for review ({short(event.digest)}); "
        f"status: {status(release, library)}."
    )
    return 0


def cmd_clear(args: argparse.Namespace) -> int:
    from ..actions import clear
    from ..digest import short

    library = open_library(args)
    recorder = identify(library, args, required=False)
    notes: list[str] = []
    sign = _sign_with(library, None) if recorder else None
    release, clearance = _with_passphrase(
        lambda sign: locked(
            library,
            args.slug,
            lambda release: clear(
                release,
                library,
                args.quote_id,
                args.by,
                via=args.via,
                note=args.note,
                recorded_by=recorder,
                sign=sign,
                notes=notes,
            ),
        ),
        sign,
    )
    if clearance is None:
        say(f"Quote {args.quote_id} is already cleared by {args.by} as it stands; nothing changed.")
    else:
        commit(
            library,
            release.slug,
            "clear",
            clearance.digest,
            recorded_by=clearance.recorded_by,
            via=clearance.via,
        )
        how = f", recorded by {clearance.recorded_by}" if clearance.recorded_by else ""
        signed = ", signed" if clearance.signature else ""
        say(f"Quote {args.quote_id} cleared by {args.by} ({short(clearance.digest)}{how}{signed}).")
    for line in notes:
        say(line)
    return 0


def cmd_approve(args: argparse.Namespace) -> int:
    from ..actions import approve
    from ..digest import short
    from ..signoff import counting_approvals, status

    library = open_library(args)
    actor = identify(
        library,
        args,
        hint=(
            f"To record an approval {args.as_person} gave you, use `newsroom approve "
            f"{args.slug} --for {args.as_person} --via phone|email|in-person --note TEXT`."
        ),
    )
    by, recorded_by = actor, ""
    if args.for_person:
        from ..identity import find_person

        by = find_person(library, args.for_person) or ""
        if not by:
            raise CommandError(
                f"--for {args.for_person!r}: no person with that id or email "
                f"in {library.root / 'people.toml'}"
            )
        recorded_by = "" if by == actor else actor
        if recorded_by and not args.via:
            raise CommandError(f"say how {by} gave their approval: --via phone, email or in-person")
    elif args.via:
        raise CommandError("--via goes with --for: it says how someone else's approval reached you")
    notes: list[str] = []
    release, approval = _with_passphrase(
        lambda sign: locked(
            library,
            args.slug,
            lambda release: approve(
                release,
                library,
                by,
                note=args.note,
                key=sign,
                recorded_by=recorded_by,
                via=args.via,
                notes=notes,
            ),
        ),
        _sign_with(library, args.sign),
    )
    have = len(counting_approvals(release, library))
    need = library.settings.rules.approvals_required
    if approval is None:
        say(
            f"{by} has already approved {release.slug} as it stands; it counts once. "
            "Nothing changed."
        )
    else:
        commit(
            library,
            release.slug,
            "approve",
            approval.digest,
            approved_by=by,
            recorded_by=approval.recorded_by,
            via=approval.via,
        )
        signed = ", signed" if approval.signature else ""
        if approval.recorded_by:
            say(
                f"Recorded {by}'s approval of {release.slug}, given via {approval.via}, "
                f"recorded by {approval.recorded_by} ({short(approval.digest)}{signed})."
            )
        else:
            say(f"Approved {release.slug} as {by} ({short(approval.digest)}{signed}).")
    for line in notes:
        say(line)
    say(f"Status: {status(release, library)} ({have} of {need} approvals).")
    return 0


def cmd_request_changes(args: argparse.Namespace) -> int:
    from ..actions import request_changes
    from ..signoff import status

    library = open_library(args)
    by = identify(library, args)
    release, event = locked(
        library, args.slug, lambda release: request_changes(release, library, by, args.note)
    )
    commit(library, release.slug, event.action, event.digest)
    say(f"Changes requested on {release.slug} by {by}; status: {status(release, library)}.")
    return 0


def cmd_spike(args: argparse.Namespace) -> int:
    from ..actions import spike
    from ..signoff import status

    library = open_library(args)
    by = identify(library, args)
    release, event = locked(
        library, args.slug, lambda release: spike(release, library, by, args.note, undo=args.undo)
    )
    commit(library, release.slug, event.action, event.digest)
    verb = "Unspiked" if args.undo else "Spiked"
    say(f"{verb} {release.slug}; status: {status(release, library)}.")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from ..audit import verify
    from ..signoff import recorded_label

    library = open_library(args)
    slugs = [args.slug] if args.slug else library.slugs()
    problems: list[str] = []
    recorded: list[str] = []
    claims = 0
    for slug in slugs:
        try:
            release = library.load(slug)
        except BundleError as error:
            if args.slug:
                raise CommandError(str(error)) from None
            problems.append(f"{slug}: cannot be read: {error}")
            continue
        claims += len(release.approvals) + len(release.clearances) + len(release.waivers)
        problems.extend(f"{slug}: {line}" for line in verify(release, library))
        # Recorded sign-offs hold, but say so: they are someone's word, not the signer's act.
        for claim, what in [(a, "approval") for a in release.approvals] + [
            (c, f"clearance of quote {c.quote!r}") for c in release.clearances
        ]:
            label = recorded_label(claim)
            if label:
                recorded.append(
                    f"{slug}: {what} by {claim.by} was {label}, not given in newsroom by {claim.by}"
                )
    for line in problems:
        say(line)
    for line in recorded:
        say(line)
    if problems:
        return EXIT_FAILED
    where = args.slug or f"{len(slugs)} release{'s' * (len(slugs) != 1)}"
    say(f"{where}: every approval, clearance and waiver claimed is valid ({claims} in all).")
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from ..audit import diff

    library = open_library(args)
    release = load_release(library, args.slug)
    if args.width is not None and not 20 <= args.width <= 200:
        raise CommandError(f"--width {args.width} is out of range (20 to 200)")
    base, text = _act(lambda: diff(release, library, args.width))
    if text:
        # A snapshot is read from disk: keep any control character out of the terminal.
        sys.stdout.write(strip_controls(text))
    else:
        say(f"No changes to the published text since {base.label}.")
    return 0
