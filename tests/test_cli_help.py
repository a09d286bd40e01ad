"""Every subcommand's --help is honest (issue 21): required options say so,
and no help text claims a default the option does not use."""

from __future__ import annotations

import argparse
import re

import pytest

from newsroom.cli import build_parser


def _subparsers(parser: argparse.ArgumentParser, prefix: str = "newsroom"):
    yield prefix, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _subparsers(sub, f"{prefix} {name}")


PARSERS = dict(_subparsers(build_parser()))
# A literal default named in help: "default 72", "default: 20", "(default: text)".
_CLAIM = re.compile(r"default:? ([\w.-]+)(?=[),;]|$)")


def _help_of(parser: argparse.ArgumentParser, action: argparse.Action) -> str:
    formatter = parser._get_formatter()
    return " ".join(formatter._expand_help(action).split()) if action.help else ""


def test_the_walk_finds_every_command() -> None:
    assert {"newsroom export", "newsroom spike", "newsroom press add", "newsroom keys add"} <= set(
        PARSERS
    )


@pytest.mark.parametrize("name", sorted(PARSERS))
def test_help_is_honest(name: str) -> None:
    parser = PARSERS[name]
    parser.format_help()  # no %-format error anywhere
    for action in parser._actions:
        if not action.option_strings or action.help == argparse.SUPPRESS:
            continue
        text = _help_of(parser, action)
        flag = action.option_strings[-1]
        if action.required:
            assert "required" in text, f"{name} {flag}: required but not shown as such"
        meaningful = action.default not in (None, False, "", [], (), argparse.SUPPRESS)
        if meaningful:
            said = re.search(rf"default:? {re.escape(str(action.default))}(?![\w.-])", text)
            assert said, f"{name} {flag}: default {action.default!r} not shown"
        for claimed in _CLAIM.findall(text):
            assert meaningful and claimed == str(action.default), (
                f"{name} {flag}: help says default {claimed}, the default is {action.default!r}"
            )
