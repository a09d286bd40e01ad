"""The TUI uses Textual's public API only, so a Textual minor release cannot break it.

No ``textual._…`` module, no private name imported from Textual, no private
attribute read off another object, and no ``self._name`` in our widgets and
screens that is a private name of one of their Textual base classes (reading
it uses Textual's internals; setting it would silently override them).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import textwrap
from functools import cache
from pathlib import Path

import newsroom

TUI = Path(newsroom.__file__).parent / "tui"


def private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


# The one exemption, kept to three names in one module: the terminal driver that
# survives a lost terminal (issue 14) replaces LinuxDriver's input loop, which
# Textual 8.2 offers no public hook for: it needs XTermParser (and the
# ParseError it raises) and wraps the driver's output file, ``_file``. Tested by
# tests/tui/test_hangup.py against the real program; revisit at each Textual
# release, and remove once Textual handles end of input itself.
EXEMPT_MODULES = {"hangup.py": {"textual._parser", "textual._xterm_parser"}}
EXEMPT_SELF_NAMES = {"newsroom.tui.hangup.HangUpDriver": {"_file"}}


def tui_files() -> list[Path]:
    files = sorted(TUI.rglob("*.py"))
    assert len(files) > 20
    return files


def test_the_exemption_stays_small():
    assert EXEMPT_MODULES == {"hangup.py": {"textual._parser", "textual._xterm_parser"}}
    assert EXEMPT_SELF_NAMES == {"newsroom.tui.hangup.HangUpDriver": {"_file"}}


def where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(TUI.parent.parent)}:{node.lineno}"


def test_no_private_textual_module_or_name_is_imported():
    found = []
    for path in tui_files():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("textual"):
                if node.module in EXEMPT_MODULES.get(path.name, ()):
                    continue
                module_private = any(private(part) for part in node.module.split("."))
                names_private = [alias.name for alias in node.names if private(alias.name)]
                if module_private or names_private:
                    found.append(
                        f"{where(path, node)} from {node.module} import "
                        f"{', '.join(a.name for a in node.names)}"
                    )
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("textual") and any(
                        private(part) for part in alias.name.split(".")
                    ):
                        found.append(f"{where(path, node)} import {alias.name}")
    assert not found, found


def test_no_private_attribute_is_read_off_another_object():
    """``x._name`` only as ``self._name`` or ``cls._name``: our own private state."""
    found = []
    for path in tui_files():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Attribute) and private(node.attr):
                owner = node.value
                if not (isinstance(owner, ast.Name) and owner.id in {"self", "cls"}):
                    found.append(f"{where(path, node)} {ast.unparse(node)}")
    assert not found, found


def self_names(source: str) -> set[str]:
    """Private names a class's source uses on ``self`` or defines as methods/attributes."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(textwrap.dedent(source))):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "self"
            and private(node.attr)
        ):
            names.add(node.attr)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and private(node.name):
            names.add(node.name)
    return names


@cache
def textual_private_names(cls: type) -> frozenset[str]:
    names = {name for name in vars(cls) if private(name)}
    names.update(getattr(cls, "__slots__", ()))
    try:
        names |= self_names(inspect.getsource(cls))
    except (OSError, TypeError):
        pass
    return frozenset(name for name in names if private(name))


def our_classes():
    for path in tui_files():
        module = importlib.import_module(
            ".".join(path.relative_to(TUI.parent.parent).with_suffix("").parts)
        )
        for value in vars(module).values():
            if inspect.isclass(value) and value.__module__ == module.__name__:
                yield value
                # Nested classes (messages, inner widgets) too.
                yield from (
                    inner
                    for inner in vars(value).values()
                    if inspect.isclass(inner) and inner.__module__ == module.__name__
                )


def test_our_widgets_use_no_private_name_of_their_textual_bases():
    found, checked = [], 0
    for cls in our_classes():
        bases = [base for base in cls.__mro__ if base.__module__.startswith("textual")]
        if not bases:
            continue
        checked += 1
        # The class and its own mixins (the editor's saving, disk watch...).
        ours = set().union(
            *(
                self_names(inspect.getsource(own))
                for own in cls.__mro__
                if own.__module__.startswith("newsroom.")
            )
        )
        ours -= EXEMPT_SELF_NAMES.get(f"{cls.__module__}.{cls.__qualname__}", set())
        theirs = frozenset().union(*(textual_private_names(base) for base in bases))
        found += [
            f"{cls.__module__}.{cls.__qualname__}: self.{name}" for name in sorted(ours & theirs)
        ]
    assert checked > 20
    assert not found, found


def test_the_check_would_see_one():
    """A widget reading DataTable's internals is caught."""
    from textual.widgets import DataTable

    source = "class T(DataTable):\n    def f(self):\n        return self._row_locations\n"
    assert "_row_locations" in self_names(source) & textual_private_names(DataTable)
