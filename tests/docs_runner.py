"""Run the ```console examples of README.md and docs/*.md (issue 21).

A block is a shell session: ``$ command`` lines, each followed by the output
it shows. ``$ newsroom …`` runs in-process through ``newsroom.cli.main`` (fast:
no interpreter start), anything else (``git``, ``sed``) through the shell;
``$ cd DIR`` moves and ``$ export NAME=value`` sets a variable for the rest of
the doc. The blocks of a doc run in order in one scratch folder holding a copy
of the sample library as ``drafts/`` (so discovery finds it, as from the
repository's root), with their own HOME, git config and user config.

- Exit code: 0 unless the command line ends with ``# exit N``.
- Every output line shown must be a whole line of the real output (stdout and
  stderr together, trailing spaces ignored); ``…`` stands for any text within
  a line. Lines not shown are not checked: a doc may show an excerpt.
- A block that cannot run here (a real mail provider, a real git host, the
  TUI) is preceded by a visible line ``*(not run in the tests: REASON)*``.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
NOT_RUN = re.compile(r"^\*?\(not run in the tests: (?P<reason>[^)]+)\)\*?$")
_FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>```+|~~~+)(?P<info>[\w-]*)\s*$")
_EXIT = re.compile(r"\s+#\s*exit\s+(?P<code>\d+)\s*$")


@dataclass
class Step:
    line: int  # in the doc, for messages
    command: str
    exit_code: int = 0
    expected: list[str] = field(default_factory=list)


@dataclass
class Block:
    doc: Path
    line: int
    steps: list[Step]
    not_run: str = ""  # the reason, when marked

    @property
    def where(self) -> str:
        return f"{self.doc.relative_to(REPO)}:{self.line}"


@dataclass
class Fence:
    """Any fenced block: its info string, first line number and lines."""

    info: str
    line: int
    lines: list[str]
    before: str  # the last non-blank line before the fence


def fences(doc: Path) -> list[Fence]:
    found: list[Fence] = []
    lines = doc.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        match = _FENCE.match(lines[index])
        if not match:
            index += 1
            continue
        indent, fence = match["indent"], match["fence"]
        before = next((line.strip() for line in reversed(lines[:index]) if line.strip()), "")
        body: list[str] = []
        end = index + 1
        while end < len(lines) and lines[end].strip() != fence:
            body.append(lines[end].removeprefix(indent))
            end += 1
        found.append(Fence(match["info"], index + 1, body, before))
        index = end + 1
    return found


def console_blocks(doc: Path) -> list[Block]:
    blocks = []
    for fence in fences(doc):
        if fence.info != "console":
            continue
        steps: list[Step] = []
        for offset, text in enumerate(fence.lines, start=fence.line + 1):
            if text.startswith("$ "):
                command = text[2:]
                exit_code = 0
                found = _EXIT.search(command)
                if found:
                    exit_code = int(found["code"])
                    command = command[: found.start()]
                steps.append(Step(offset, command.strip(), exit_code))
            elif steps and text.strip():
                steps[-1].expected.append(text.rstrip())
        marked = NOT_RUN.match(fence.before)
        blocks.append(Block(doc, fence.line, steps, marked["reason"] if marked else ""))
    return blocks


def line_pattern(shown: str) -> re.Pattern[str]:
    """A shown output line as a whole-line pattern; ``…`` is any text in the line."""
    parts = [re.escape(part) for part in shown.split("…")]
    return re.compile("^" + "[^\n]*".join(parts) + "$", re.MULTILINE)


class Session:
    """One doc's scratch folder, environment and current directory."""

    def __init__(self, root: Path, sample: Path) -> None:
        self.root = root
        self.cwd = root
        home = root.parent / "home"
        home.mkdir(exist_ok=True)
        shutil.copytree(
            sample,
            root / "drafts",
            ignore=shutil.ignore_patterns(".newsroom", ".lock", ".saving", ".*.tmp", ".*.new"),
        )
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("NEWSROOM_", "GIT_")) and key not in ("EMAIL",)
        }
        self.env.update(
            HOME=str(home),
            XDG_CONFIG_HOME=str(home / ".config"),
            GIT_CONFIG_NOSYSTEM="1",
            GIT_CONFIG_GLOBAL=str(home / ".gitconfig"),  # no identity but what a doc sets
            COLUMNS="80",
        )

    def run(self, step: Step) -> tuple[int, str]:
        words = shlex.split(step.command, comments=True)
        if words[:1] == ["export"]:  # export NAME=value: for the rest of the doc
            for word in words[1:]:
                key, _, value = word.partition("=")
                self.env[key] = value
            return 0, ""
        env = dict(self.env)
        while words and re.match(r"^[A-Z_]+=", words[0]):  # VAR=value newsroom …
            key, _, value = words.pop(0).partition("=")
            env[key] = value
        if words[:1] == ["cd"]:
            self.cwd = (self.cwd / words[1]).resolve()
            return 0, ""
        if words[:1] == ["newsroom"]:
            return self._in_process(words[1:], env)
        # Anything else through the shell, as a reader would type it (sed, git, cat).
        done = subprocess.run(
            step.command,
            shell=True,
            cwd=self.cwd,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        return done.returncode, done.stdout + done.stderr

    def _in_process(self, argv: list[str], env: dict[str, str]) -> tuple[int, str]:
        from newsroom.cli import main

        saved_env, saved_cwd = dict(os.environ), os.getcwd()
        out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="")
        err = io.StringIO()
        os.environ.clear()
        os.environ.update(env)
        os.chdir(self.cwd)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    code = main(argv)
                except SystemExit as stop:  # argparse: --help, usage errors
                    code = stop.code if isinstance(stop.code, int) else 1
        finally:
            os.chdir(saved_cwd)
            os.environ.clear()
            os.environ.update(saved_env)
        out.flush()
        text = out.buffer.getvalue().decode("utf-8", "replace")  # type: ignore[attr-defined]
        return code, text + err.getvalue()


def check_step(session: Session, block: Block, step: Step) -> list[str]:
    """What is wrong with one step ([] when it holds)."""
    code, output = session.run(step)
    output = "\n".join(line.rstrip() for line in output.replace("\r\n", "\n").split("\n"))
    where = f"{block.doc.relative_to(REPO)}:{step.line}: $ {step.command}"
    problems = []
    if code != step.exit_code:
        problems.append(f"{where}: exit {code}, the doc says {step.exit_code}")
    for shown in step.expected:
        if not line_pattern(shown).search(output):
            problems.append(f"{where}: this line is not in the output:\n    {shown}")
    if problems:
        problems.append(f"--- the real output ---\n{output}")
    return problems
