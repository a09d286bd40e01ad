"""The core never imports Textual or Rich, and `newsroom list` pays for neither.

Each check runs in a fresh interpreter: this test process has long since
imported both.
"""

from __future__ import annotations

import importlib.util
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, SAMPLE_SLUG

import newsroom

# The core as DESIGN §6 names it; optional modules are checked when present.
CORE = [
    "newsroom",
    "newsroom.model",
    "newsroom.layout",
    "newsroom.errors",
    "newsroom.fsio",
    "newsroom.tomlio",
    "newsroom.codec",
    "newsroom.bundle",
    "newsroom.safety",
    "newsroom.workflow",
    "newsroom.digest",
    "newsroom.signoff",
    "newsroom.actions",
    "newsroom.audit",
    "newsroom.publishable",
    "newsroom.export",
]
OPTIONAL = [
    "newsroom.checks",
    "newsroom.importer",
    "newsroom.index",
    "newsroom.identity",
    "newsroom.locks",
    "newsroom.recovery",
    "newsroom.git",
    "newsroom.signing",
    "newsroom.search",
    "newsroom.waivers",
    "newsroom.tomledit",
    "newsroom.lifeline",
    "newsroom.press",
    "newsroom.sending",
    "newsroom.sending.run",
    "newsroom.sending.transport",
    "newsroom.media",
    "newsroom.media.imaging",
    "newsroom.media.xmp",
    "newsroom.userconfig",
    "newsroom.signers",
    "newsroom.discover",
    "newsroom.batch_export",
    "newsroom.tomlmerge",
    "newsroom.workers",
]
FORBIDDEN = ("textual", "rich")


def _exists(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def _submodules(package: str) -> list[str]:
    module = __import__(package, fromlist=["__path__"])
    if not hasattr(module, "__path__"):
        return []
    return [info.name for info in pkgutil.walk_packages(module.__path__, package + ".")]


def core_modules() -> list[str]:
    names = list(CORE) + [name for name in OPTIONAL if _exists(name)]
    for package in (
        "newsroom.export",
        "newsroom.importer",
        "newsroom.search",
        "newsroom.git",
        "newsroom.index",
        "newsroom.sending",
        "newsroom.media",
    ):
        if _exists(package):
            names += _submodules(package)
    return sorted(set(names))


PROBE = """
import importlib, json, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))))
"""


def _leaked(*modules: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *modules],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_core_list_covers_the_export_submodules() -> None:
    names = core_modules()
    assert "newsroom.export.text" in names and "newsroom.export.document" in names


def test_whole_core_imports_without_textual_or_rich() -> None:
    assert _leaked(*core_modules()) == []


@pytest.mark.parametrize("module", core_modules())
def test_each_core_module_alone(module: str) -> None:
    # One at a time, so a leak is pinned to the module that causes it.
    assert _leaked(module) == []


def test_the_probe_can_fail() -> None:
    """The check is not vacuous: importing the TUI does pull Textual in."""
    assert any(name.startswith("textual") for name in _leaked("newsroom.tui.app"))


RUN_CLI = """
import json, sys
from newsroom.cli import main
code = main(sys.argv[1:])
sys.stdout.flush()
leaked = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))
print(json.dumps({"code": code, "leaked": leaked}), file=sys.stderr)
"""


@pytest.mark.parametrize(
    "argv",
    [
        ["list", "--json"],
        ["list"],
        ["show", SAMPLE_SLUG],
        ["export", SAMPLE_SLUG, "--draft"],
        ["new", "2026-12-02-hygiene", "--headline", "Hygiene"],
        ["search", "lido"],
        ["search", "--quotes", "--json", "swim*"],
    ],
)
def test_commands_do_not_import_textual_or_rich(library_copy: Path, argv: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-c", RUN_CLI, "--drafts", str(library_copy), *argv],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    report = json.loads(result.stderr.strip().splitlines()[-1])
    assert report["code"] == 0, result.stderr
    assert report["leaked"] == []


def test_newsroom_list_json_under_importtime(library_copy: Path) -> None:
    """`python -X importtime -m newsroom list --json`: no textual or rich line at all."""
    result = subprocess.run(
        [
            sys.executable,
            "-X",
            "importtime",
            "-m",
            "newsroom",
            "--drafts",
            str(library_copy),
            "list",
            "--json",
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)  # it really listed
    imported = [
        line.rsplit("|", 1)[-1].strip()
        for line in result.stderr.splitlines()
        if line.startswith("import time:")
    ]
    assert "newsroom.cli" in imported
    assert not [name for name in imported if name.split(".")[0] in FORBIDDEN]


def test_package_init_stays_empty() -> None:
    # An eager import in newsroom/__init__.py would put a floor under every command.
    import ast

    tree = ast.parse(Path(newsroom.__file__).read_text(encoding="utf-8"))
    imports = [node for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))]
    assert [ast.unparse(node) for node in imports] == []
