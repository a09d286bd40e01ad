"""Docs that cannot lie (issue 21).

1. The ```console examples of README.md and docs/*.md run against a scratch
   copy of the sample library, exit codes and shown output checked
   (tests/docs_runner.py says how). One test per doc, so xdist spreads them.
2. Every test, module, file key and command-line option a doc names exists;
   a failure names doc:line.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import re
from pathlib import Path

import pytest
from docs_runner import DOCS, REPO, Session, check_step, console_blocks, fences

from newsroom.cli import build_parser

SAMPLE = REPO / "drafts"


def _name(doc: Path) -> str:
    return str(doc.relative_to(REPO))


# ---------------------------------------------------------------------------
# 1. the examples run


@pytest.mark.parametrize("doc", DOCS, ids=_name)
def test_console_examples_run(doc: Path, tmp_path: Path) -> None:
    blocks = [block for block in console_blocks(doc) if not block.not_run]
    if not blocks:
        pytest.skip(f"{_name(doc)} has no console examples to run")
    session = Session(tmp_path / "work", SAMPLE)
    problems: list[str] = []
    for block in blocks:
        assert block.steps, f"{block.where}: a console block with no `$ ` command"
        for step in block.steps:
            problems += check_step(session, block, step)
            if problems:  # later steps depend on this one
                pytest.fail("\n".join(problems), pytrace=False)


def test_every_newsroom_shell_example_is_a_console_block() -> None:
    """A `newsroom` command in an sh block would never be run: use console, or
    mark it not run (with the reason shown)."""
    wrong = []
    for doc in DOCS:
        for fence in fences(doc):
            if fence.info in ("sh", "shell", "bash") and any(
                re.match(r"^\s*(\$ )?newsroom\b", line) for line in fence.lines
            ):
                wrong.append(f"{_name(doc)}:{fence.line}")
    assert not wrong, f"`newsroom` in sh blocks (make them ```console): {wrong}"


def test_not_run_examples_say_why() -> None:
    for doc in DOCS:
        for block in console_blocks(doc):
            if block.not_run:
                assert len(block.not_run) > 10, f"{block.where}: say why it is not run"


def test_the_runner_fails_a_lying_example(tmp_path: Path) -> None:
    """A wrong exit code and an output line that is not printed are both caught."""
    doc = tmp_path / "lie.md"
    doc.write_text(
        "```console\n$ newsroom list\nno such line\n$ newsroom show nope\n```\n", encoding="utf-8"
    )
    (block,) = console_blocks(doc)
    block.doc = REPO / "docs" / "lie.md"  # for the messages only
    session = Session(tmp_path / "work", SAMPLE)
    first = check_step(session, block, block.steps[0])
    assert any("no such line" in problem for problem in first)
    second = check_step(session, block, block.steps[1])
    assert any("exit 2, the doc says 0" in problem for problem in second)


# ---------------------------------------------------------------------------
# 2. what the docs name exists

_TEST_REF = re.compile(r"\btests/[\w/]+\.py(?:::\w+\*?)?|(?<![\w/.])::(?:test_|Test)\w+\*?")
_PATH_REF = re.compile(r"(?<![\w./-])((?:newsroom|benchmarks)/[\w/]+(?:\.py|\.tcss|/))")
# `export/text.py`, `screens/library.py`: relative to the repository, newsroom/ or newsroom/tui/
_RELATIVE = re.compile(r"(?<![\w./-])((?:\w+/)+\w+\.(?:py|tcss))\b")
_BASES = (REPO, REPO / "newsroom", REPO / "newsroom" / "tui")
_DOTTED = re.compile(r"(?<![\w./-])newsroom(?:\.\w+)+(?![\w/])")
_FILE_SUFFIX = (".toml", ".tcss", ".md", ".py", ".json", ".txt", ".jsonl", ".git")
# `[export]` `width`, `[git]` `enabled`, `commit_on_save`, or `[export] width`
_KEY_REF = re.compile(r"`\[([\w.]+)\]` ((?:`<?[\w-]+>?`(?:, )?)+)|`\[([\w.]+)\] ([\w-]+)`")
_COMMAND = re.compile(r"newsroom(?: --drafts \S+)? ([a-z][\w-]*)((?: [^`|\n]*)?)")


def _lines(doc: Path):
    yield from enumerate(doc.read_text(encoding="utf-8").splitlines(), start=1)


def _exists_dotted(name: str) -> bool:
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        module_name = ".".join(parts[:cut])
        try:
            if importlib.util.find_spec(module_name) is None:
                continue
        except ModuleNotFoundError:
            continue
        target: object = importlib.import_module(module_name)
        for attribute in parts[cut:]:
            if not hasattr(target, attribute):
                return False
            target = getattr(target, attribute)
        return True
    return False


def _source_strings() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in (REPO / "newsroom").rglob("*.py"))


def _commands() -> dict[str, set[str]]:
    """Every subcommand (``press add`` too) and its option strings."""
    found: dict[str, set[str]] = {}

    def walk(parser: argparse.ArgumentParser, prefix: str) -> None:
        options = {o for action in parser._actions for o in action.option_strings}
        found[prefix] = options
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, f"{prefix} {name}".strip())

    walk(build_parser(), "")
    return found


def test_docs_name_only_what_exists() -> None:
    source = _source_strings()
    commands = _commands()
    problems: list[str] = []
    for doc in DOCS:
        for number, text in _lines(doc):
            where = f"{_name(doc)}:{number}"
            last = ""  # `::name` alone refers to the file named before it on the line
            for ref in _TEST_REF.findall(text):
                path, _, name = ref.partition("::")
                path = path or last
                last = path
                file = REPO / path
                if not path or not file.exists():
                    problems.append(f"{where}: no test file {path or ref}")
                    continue
                # `test_pending_*` names a family of tests: one must exist.
                pattern = re.escape(name.rstrip("*")) + (r"\w*" if name.endswith("*") else r"\b")
                if name and not re.search(
                    rf"^\s*(async )?(def|class) {pattern}", file.read_text("utf-8"), re.M
                ):
                    problems.append(f"{where}: no test {name} in {path}")
            for path in _PATH_REF.findall(text):
                if not (REPO / path).exists():
                    problems.append(f"{where}: no module or folder {path}")
            for span in text.split("`")[1::2]:
                for path in _RELATIVE.findall(span):
                    if not path.startswith(("newsroom/", "tests/")) and not any(
                        (base / path).exists() for base in _BASES
                    ):
                        problems.append(f"{where}: no module {path}")
            for name in _DOTTED.findall(text):
                if name.endswith(_FILE_SUFFIX):
                    continue  # newsroom.toml is a file, not a module
                if not _exists_dotted(name):
                    problems.append(f"{where}: no module or name {name}")
            for found in _KEY_REF.findall(text):
                section, keys = (found[0], found[1]) if found[0] else (found[2], found[3])
                if f'"{section.split(".")[-1]}"' not in source:
                    problems.append(f"{where}: no settings table [{section}] in the code")
                for key in re.split(r"[`,\s]+", keys):
                    if key and not key.startswith("<") and f'"{key}"' not in source:
                        problems.append(f"{where}: no key {key!r} of [{section}] in the code")
            for span in text.split("`")[1::2]:  # the code spans
                if "newsroom " in span:
                    problems += _command_problems(where, span, commands)
        # Usage synopses in plain blocks (`newsroom send SLUG [--tag T]...`), and the
        # commands of console blocks, run or not.
        for fence in fences(doc):
            if fence.info not in ("", "text", "console"):
                continue
            for offset, line in enumerate(fence.lines, start=fence.line + 1):
                command = line.strip().removeprefix("$ ")
                if command.startswith("newsroom "):
                    problems += _command_problems(f"{_name(doc)}:{offset}", command, commands)
    assert not problems, "\n".join(problems)


def _command_problems(where: str, span: str, commands: dict[str, set[str]]) -> list[str]:
    """`newsroom SUB [SUB2] --flag …` names a real command and real options."""
    match = _COMMAND.search(span)
    if not match or span.lstrip().startswith(("git ", "newsroom/")):
        return []
    words = [match[1], *match[2].split()]
    name = words[0]
    if name not in commands:
        if name.isupper() or not name.isalpha() and "-" not in name:
            return []  # a placeholder (`newsroom COMMAND`)
        return [f"{where}: no command `newsroom {name}`"]
    if len(words) > 1 and f"{name} {words[1]}" in commands:
        name = f"{name} {words[1]}"
    options = commands[name] | commands[""]
    problems = []
    for word in words[1:]:
        flag = word.split("=")[0].strip("[]()|.,;:")
        if flag.startswith("--") and flag not in options and flag != "--":
            problems.append(f"{where}: `newsroom {name}` has no option {flag}")
    return problems


def _layout_names(doc: Path, root: str) -> tuple[int, set[str]]:
    """The files a doc's code-layout block (first line ``root``) names, as paths under it."""
    for fence in fences(doc):
        if fence.lines[:1] == [root]:
            names: set[str] = set()
            for line in fence.lines[1:]:
                folder = ""
                for token in re.findall(r"[\w/]+\.(?:py|tcss)", line):
                    if "/" in token:
                        folder = token.rsplit("/", 1)[0] + "/"
                        names.add(token)
                    else:
                        names.add(folder + token)
            return fence.line, names
    raise AssertionError(f"{_name(doc)}: no code layout block for {root}")


def test_the_tui_layout_names_every_module_and_nothing_else() -> None:
    doc = REPO / "docs" / "tui.md"
    line, named = _layout_names(doc, "newsroom/tui/")
    folder = REPO / "newsroom" / "tui"
    real = {
        str(path.relative_to(folder))
        for path in [*folder.rglob("*.py"), *folder.rglob("*.tcss")]
        if "__pycache__" not in path.parts
        and not (path.name == "__init__.py" and path.parent != folder)
    }
    assert not real - named, f"docs/tui.md:{line}: the layout leaves out {sorted(real - named)}"
    assert not named - real, f"docs/tui.md:{line}: the layout names {sorted(named - real)}"


_KEY_NAMES = {"slash": "/", "escape": "esc"}


def _section(doc: Path, heading: str) -> str:
    text = doc.read_text(encoding="utf-8")
    start = text.index(f"\n{heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


@pytest.mark.parametrize(
    ("heading", "screen"),
    [
        ("## Library", "newsroom.tui.screens.library:LibraryScreen"),
        ("## Editor", "newsroom.tui.screens.editor:EditorScreen"),
    ],
)
def test_every_key_of_a_screen_is_in_its_key_table(heading: str, screen: str) -> None:
    from textual.binding import Binding

    module, _, name = screen.partition(":")
    kind = getattr(importlib.import_module(module), name)
    documented = set(re.findall(r"`([^`]+)`", _section(REPO / "docs" / "tui.md", heading)))
    missing = []
    for binding in kind.BINDINGS:
        if not isinstance(binding, Binding):
            continue
        keys = [_KEY_NAMES.get(key.strip(), key.strip()) for key in binding.key.split(",")]
        if not any(key in documented for key in keys):
            missing.append(f"{binding.key} ({binding.description})")
    assert not missing, f"docs/tui.md, {heading}: keys not in the table: {missing}"


def test_the_collaboration_guides_digests_are_one_release() -> None:
    """The guide shows the lido release's digest in several places; its console
    example checks one against the real release, so every other must match it."""
    text = (REPO / "docs" / "collaboration.md").read_text(encoding="utf-8")
    full = set(re.findall(r"sha256:([0-9a-f]{64})", text))
    short = set(re.findall(r"sha256:([0-9a-f]{8})…", text))
    assert len(full) == 1, f"docs/collaboration.md shows different digests: {full}"
    (digest,) = full
    assert all(digest.startswith(prefix) for prefix in short), short


def test_imports_in_python_examples_exist() -> None:
    """`from newsroom.x import a, b` in a doc's ```python block names real things."""
    problems = []
    for doc in DOCS:
        for fence in fences(doc):
            if fence.info != "python":
                continue
            for offset, line in enumerate(fence.lines, start=fence.line + 1):
                found = re.match(r"\s*from (newsroom[\w.]*) import ([\w, ]+)$", line)
                if not found:
                    continue
                for name in found[2].split(","):
                    if not _exists_dotted(f"{found[1]}.{name.strip()}"):
                        problems.append(f"{_name(doc)}:{offset}: no {found[1]}.{name.strip()}")
    assert not problems, "\n".join(problems)


def test_the_architecture_diagram_names_only_modules_that_exist() -> None:
    """The lead redraws docs/architecture.md after module splits: this says which
    names in its layer diagram went stale (it does not ask for new ones)."""
    doc = REPO / "docs" / "architecture.md"
    diagram = fences(doc)[0]
    start = next(i for i, line in enumerate(diagram.lines) if "core:" in line)
    stale = []
    for offset, line in enumerate(diagram.lines[start:], start=diagram.line + 1 + start):
        for word in re.findall(r"[a-z_]+/?", line.split("core:")[-1]):
            name = word.rstrip("/")
            package = REPO / "newsroom" / name
            if not (package.with_suffix(".py").exists() or package.is_dir()):
                stale.append(f"docs/architecture.md:{offset}: no module newsroom/{word}")
    assert not stale, "\n".join(stale)
