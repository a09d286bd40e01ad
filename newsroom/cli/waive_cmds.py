"""``newsroom waive SLUG CHECK --as PERSON --reason TEXT``.

An approver lets one blocking check pass for the release as it stands
(``newsroom.waivers``); any later edit makes the waiver stale.
"""

from __future__ import annotations

import argparse

from .common import open_library
from .workflow_cmds import add_as_option, commit, identify, locked, say


def register(subcommands: argparse._SubParsersAction) -> None:
    waive = subcommands.add_parser(
        "waive", help="as an approver, let a blocking check pass (with a reason)"
    )
    waive.add_argument("slug")
    waive.add_argument("check", metavar="CHECK", help="the check id, as `newsroom check` shows")
    add_as_option(waive)
    waive.add_argument("--reason", required=True, help="why it may pass (kept in the history)")
    waive.set_defaults(handler=cmd_waive)


def cmd_waive(args: argparse.Namespace) -> int:
    from ..digest import short
    from ..waivers import waive

    library = open_library(args)
    by = identify(library, args)
    release, waiver = locked(
        library, args.slug, lambda release: waive(release, library, args.check, by, args.reason)
    )
    commit(library, release.slug, "waive", waiver.digest)
    say(
        f"{waiver.check} waived for {release.slug} by {by} ({short(waiver.digest)}): "
        f"{waiver.reason}"
    )
    return 0
