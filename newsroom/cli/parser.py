"""The argument parser every subcommand gets: honest help, and slugs judged as slugs.

- ``--help`` marks required options "(required)" and shows each default as
  the value actually used (an option's own help may say where it comes from
  instead, e.g. the library's settings): tests/test_cli_help.py walks them all.
- A command whose first positional is a slug (``new``) reports ``new -draft``
  with the slug rule, not argparse's "slug is required".
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

# Defaults not worth saying: nothing, off, empty.
_UNSAID: tuple[object, ...] = (None, False, "", [], ())


class NewsroomParser(argparse.ArgumentParser):
    #: set on a subparser whose first positional argument is a slug
    slug_first = False

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        if self.slug_first and args:
            first = args[0]
            known = {o for action in self._actions for o in action.option_strings}
            if first.startswith("-") and first != "-" and first.split("=")[0] not in known:
                from ..model import slug_problem

                problem = slug_problem(first) or f"{first!r} is not a slug"
                print(f"newsroom: {problem}", file=sys.stderr)
                self.exit(2)
        return super().parse_known_args(args, namespace)


def honest_help(parser: argparse.ArgumentParser) -> None:
    """Mark required options and say every default, in ``parser`` and its subcommands."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in set(action.choices.values()):
                honest_help(sub)
            continue
        if not action.option_strings or action.help == argparse.SUPPRESS:
            continue
        text = action.help or ""
        if action.required and "required" not in text:
            text = f"{text} (required)" if text else "required"
        if (
            action.default not in _UNSAID
            and action.default != argparse.SUPPRESS
            and "default" not in text
        ):
            # argparse expands %-formats in help: a % in a default must stay one.
            shown = str(action.default).replace("%", "%%")
            text = f"{text} (default: {shown})" if text else f"default: {shown}"
        action.help = text or action.help
