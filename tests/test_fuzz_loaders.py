"""Fuzzing the loaders: whatever the bytes, the answer is a release or a BundleError.

Each test feeds at least ``FUZZ_EXAMPLES`` (default 2,000) generated inputs to
one loader, in memory (the parse functions take bytes), and counts them so
the number is proved, not hoped for. Inputs mix three sources: random bytes,
mutations of the real sample files (flips, cuts, splices), and well-formed
TOML whose keys are the ones newsroom reads but whose values are any type.

A failure must be a ``BundleError`` naming the file, with a message; anything
else (KeyError, TypeError, RecursionError...) fails the test. A file that
loads must also be writable again (``dumps_toml`` of what was read).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from pathlib import Path

import tomli_w
from conftest import DRAFTS, SAMPLE_SLUG
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsroom.bundle import Library
from newsroom.codec import (
    people_from_toml,
    people_to_toml,
    release_from_toml,
    release_to_toml,
    settings_from_toml,
)
from newsroom.errors import BundleError
from newsroom.layout import BODY_FILE, PEOPLE_FILE, RELEASE_FILE, SETTINGS_FILE
from newsroom.model import Person
from newsroom.tomlio import BOM, decode, dumps_toml, parse_toml

FUZZ_EXAMPLES = int(os.environ.get("NEWSROOM_FUZZ_EXAMPLES", "2000"))
FUZZ = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    database=None,  # the count must be fresh generated inputs every run
    suppress_health_check=list(HealthCheck),
)

FAKE_DIR = Path("/fuzz/drafts")
SAMPLES = {
    RELEASE_FILE: (DRAFTS / SAMPLE_SLUG / RELEASE_FILE).read_bytes(),
    BODY_FILE: (DRAFTS / SAMPLE_SLUG / BODY_FILE).read_bytes(),
    PEOPLE_FILE: (DRAFTS / PEOPLE_FILE).read_bytes(),
    SETTINGS_FILE: (DRAFTS / SETTINGS_FILE).read_bytes(),
}
PEOPLE = {
    "amira-okafor": Person(id="amira-okafor", name="Amira Okafor"),
    "tom-whitfield": Person(id="tom-whitfield", name="Tom Whitfield"),
    "priya-raman": Person(id="priya-raman", name="Priya Raman"),
}

# -- strategies --------------------------------------------------------------------------

# Characters that make parsers and terminals unhappy, mixed with ordinary text.
_NASTY = st.sampled_from(
    [
        "\x00",
        "\x1b[31m",
        "\x1b]0;x\x07",
        "\x9b",
        "\r",
        "\r\n",
        "\ufeff",
        "\u202e",
        "e\u0301",
        "👩🏽‍⚕️",
        '"',
        "'",
        "\\",
        "[",
        "]",
        "{{< quote ",
        ">}}",
        "=",
        "\n",
        "#",
    ]
)
_TEXT = st.lists(st.one_of(st.text(max_size=12), _NASTY), max_size=8).map("".join)

_SCALAR = st.one_of(
    _TEXT,
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.booleans(),
    st.floats(allow_nan=True),
    st.dates(),
    st.datetimes(timezones=st.sampled_from([UTC, None])),
    st.times(),
)
_VALUE = st.recursive(
    _SCALAR,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_TEXT, inner, max_size=3)),
    max_leaves=6,
)

RELEASE_KEYS = {
    "": [
        "schema",
        "headline",
        "standfirst",
        "created",
        "about",
        "imprint",
        "internal_notes",
        "notes_to_editors",
        "status",
        "dateline",
        "embargo",
        "contact",
        "quotes",
        "captions",
        "clearances",
        "approvals",
        "history",
    ],
    "dateline": ["place", "date"],
    "embargo": ["until", "timezone"],
    "contact": ["name", "role", "phone", "email"],
    "quotes": ["id", "speaker", "role", "intro", "text"],
    "captions": ["id", "text", "credit", "file"],
    "clearances": ["quote", "by", "at", "digest", "via", "note"],
    "approvals": ["by", "at", "digest", "role", "note", "signature"],
    "history": ["at", "action", "by", "digest", "note"],
}
SETTINGS_KEYS = {
    "": ["schema", "organisation", "defaults", "rules", "export", "checks"],
    "organisation": ["name", "political", "timezone", "website", "email"],
    "defaults": ["contact", "about", "imprint", "intro"],
    "rules": [
        "approvers",
        "approver_roles",
        "approvals_required",
        "require_clearance",
        "require_signatures",
        "allowed_signers",
        "blocking_checks",
    ],
    "export": ["width", "reply_to", "press_list", "from"],
    "checks": ["headline_max"],
}
_GOOD = {
    "schema": st.integers(-1, 3),
    "id": st.sampled_from(["q1", "c1", "okafor", "", "bad id", "../x", "a" * 70]),
    "speaker": st.sampled_from(["amira-okafor", "nobody", ""]),
    "date": st.dates(),
    "created": st.dates(),
    "until": st.datetimes(timezones=st.sampled_from([UTC, None])),
    "at": st.datetimes(timezones=st.just(UTC)),
    "timezone": st.sampled_from(["Europe/London", "Mars/Olympus", "", "UTC", "../../etc"]),
    "width": st.integers(-5, 500),
    "approvals_required": st.integers(-2, 5),
    "headline_max": st.integers(-5, 500),
}


def _paths(value: object, prefix: tuple = ()) -> list[tuple]:
    """Every key path in a parsed TOML document (dict keys and list indexes)."""
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


def _replace(document: dict, path: tuple, value: object) -> dict:
    import copy

    document = copy.deepcopy(document)
    target = document
    for step in path[:-1]:
        target = target[step]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return document


_DELETE = object()


def _dump(document: dict) -> bytes:
    try:
        return tomli_w.dumps(document).encode("utf-8")
    except (TypeError, ValueError):  # e.g. a time with a zone: not TOML
        return b""


def _toml_bytes(name: str, tables: dict[str, list[str]]) -> st.SearchStrategy[bytes]:
    """The sample file with one value swapped for something else, or one key removed,
    or a known table added full of plausible-or-wrong values."""
    sample, _ = parse_toml(FAKE_DIR / name, SAMPLES[name])
    paths = _paths(sample)
    replaced = st.tuples(
        st.sampled_from(paths),
        st.one_of(_VALUE, st.just(_DELETE), *(v for v in _GOOD.values())),
    ).map(lambda pair: _dump(_replace(sample, *pair)))

    def table(keys: list[str]) -> st.SearchStrategy[dict]:
        return st.dictionaries(
            st.sampled_from(keys),
            st.one_of(_SCALAR, *(v for v in _GOOD.values())),
            max_size=len(keys),
        )

    extra_tables = [
        st.tuples(st.just(key), st.one_of(table(keys), st.lists(table(keys), max_size=3)))
        for key, keys in tables.items()
        if key
    ]
    added = st.one_of(extra_tables).map(lambda pair: _dump({**sample, pair[0]: pair[1]}))
    return st.one_of(replaced, added)


def _mutations(sample: bytes) -> st.SearchStrategy[bytes]:
    """The real file, damaged: bytes flipped, cut short, a random chunk spliced in."""

    @st.composite
    def mutate(draw: st.DrawFn) -> bytes:
        data = bytearray(sample)
        for _ in range(draw(st.integers(1, 4))):
            kind = draw(st.sampled_from(["flip", "cut", "splice", "delete", "dup"]))
            if not data:
                break
            at = draw(st.integers(0, len(data) - 1))
            if kind == "flip":
                data[at] = draw(st.integers(0, 255))
            elif kind == "cut":
                del data[at:]
            elif kind == "splice":
                chunk = draw(
                    st.one_of(
                        st.binary(max_size=8),
                        _TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")),
                    )
                )
                data[at:at] = chunk
            elif kind == "delete":
                del data[at : at + draw(st.integers(1, 20))]
            else:
                end = min(len(data), at + draw(st.integers(1, 40)))
                data[at:at] = data[at:end]
        return bytes(data)

    return mutate()


def _inputs(name: str, tables: dict[str, list[str]] | None) -> st.SearchStrategy[bytes]:
    sources = [st.binary(max_size=200), _mutations(SAMPLES[name]), _mutations(SAMPLES[name])]
    if tables:
        sources += [_toml_bytes(name, tables), _toml_bytes(name, tables)]
    else:
        sources += [_TEXT.map(lambda t: t.encode("utf-8", "surrogatepass"))]
    return st.one_of(sources)


# -- the property -----------------------------------------------------------------------------


def _expect_release_or_bundle_error(load: Callable[[bytes], object]) -> Callable[[bytes], str]:
    def check(raw: bytes) -> str:
        try:
            load(raw)
        except BundleError as error:
            assert error.message, "a BundleError without a message"
            assert error.file is not None and str(error).startswith(str(FAKE_DIR)), str(error)
            return "refused"
        return "loaded"

    return check


def _run(name: str, tables: dict[str, list[str]] | None, load: Callable[[bytes], object]) -> None:
    outcomes: dict[str, int] = {"loaded": 0, "refused": 0}
    check = _expect_release_or_bundle_error(load)

    @FUZZ
    @given(_inputs(name, tables))
    def fuzz(raw: bytes) -> None:
        outcomes[check(raw)] += 1

    fuzz()
    total = sum(outcomes.values())
    print(f"{name}: {total} inputs, {outcomes}")
    assert total >= FUZZ_EXAMPLES
    # Both branches were exercised: the fuzzer is not only feeding garbage.
    assert outcomes["loaded"] >= FUZZ_EXAMPLES // 50, outcomes
    assert outcomes["refused"] >= FUZZ_EXAMPLES // 50, outcomes


def _load_release(raw: bytes) -> None:
    path = FAKE_DIR / SAMPLE_SLUG / RELEASE_FILE
    data, _ = parse_toml(path, raw)
    release = release_from_toml(data, path, SAMPLE_SLUG, "")
    dumps_toml(release_to_toml(release))  # what loads can be saved


def _load_people(raw: bytes) -> None:
    path = FAKE_DIR / PEOPLE_FILE
    data, _ = parse_toml(path, raw)
    people, extra = people_from_toml(data, path)
    dumps_toml(people_to_toml(people, extra))


def _load_settings(raw: bytes) -> None:
    path = FAKE_DIR / SETTINGS_FILE
    data, _ = parse_toml(path, raw)
    settings_from_toml(data, path)


_SAMPLE_DATA, _ = parse_toml(FAKE_DIR / RELEASE_FILE, SAMPLES[RELEASE_FILE])


def _load_body(raw: bytes) -> None:
    """What ``Library.load`` does with body.md, then the plain-text export of it."""
    from newsroom.export.document import build_document
    from newsroom.export.text import TextOptions, render_text

    path = FAKE_DIR / SAMPLE_SLUG / BODY_FILE
    text = decode(path, raw).removeprefix(BOM)
    body = text.replace("\r\n", "\n").replace("\r", "\n")
    release = release_from_toml(
        dict(_SAMPLE_DATA), FAKE_DIR / SAMPLE_SLUG / RELEASE_FILE, SAMPLE_SLUG, body
    )
    library = Library(root=FAKE_DIR, people=PEOPLE)
    library.validate(release)
    render_text(build_document(release, library.settings, PEOPLE), TextOptions(width=60))


def test_fuzz_release_toml() -> None:
    _run(RELEASE_FILE, RELEASE_KEYS, _load_release)


def test_fuzz_people_toml() -> None:
    tables = {
        "": ["schema", "people"],
        "people": ["amira-okafor", "x", "bad id", ""],
        "amira-okafor": ["name", "role", "organisation", "email", "phone"],
        "x": ["name"],
    }
    _run(PEOPLE_FILE, tables, _load_people)


def test_fuzz_newsroom_toml() -> None:
    _run(SETTINGS_FILE, SETTINGS_KEYS, _load_settings)


def test_fuzz_body_md() -> None:
    _run(BODY_FILE, None, _load_body)


def test_found_by_fuzzing_stay_fixed() -> None:
    """Inputs that once broke a loader (kept as plain examples)."""
    cases = [
        (_load_release, b"schema = 1\n[dateline]\ndate = 2026-01-01T00:00:00Z\n"),
        (_load_release, b"schema = 1\n[[quotes]]\nid = 'q1'\ntext = 1\n"),
        (_load_release, b"schema = 1\nquotes = 3\n"),
        (_load_release, b"schema = 1\nembargo = 'soon'\n"),
        (_load_release, b"schema = 1\n[embargo]\nuntil = 12:00:00\n"),
        (_load_release, b"schema = 99999999999999999999\n"),
        (_load_settings, b"schema = 1\n[organisation]\ntimezone = '../../etc/passwd'\n"),
        (_load_settings, b"schema = 1\n[organisation]\ntimezone = ''\n"),
        (_load_people, b"schema = 1\npeople = []\n"),
        (_load_people, b"schema = 1\n[people.\"\"]\nname = 'x'\n"),
        (_load_body, b"\xef\xbb\xbf\r\n{{< quote nobody >}}\r\n"),
    ]
    check_all = [_expect_release_or_bundle_error(load) for load, _ in cases]
    for check, (_, raw) in zip(check_all, cases, strict=True):
        check(raw)


def test_strategies_produce_all_value_types() -> None:
    """Guard against a strategy that silently stopped generating dates or times."""
    seen: set[type] = set()

    @settings(
        max_examples=300, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(_SCALAR)
    def collect(value: object) -> None:
        seen.add(type(value))

    collect()
    assert {str, int, bool, float, date, datetime, time} <= seen


# -- the importer ------------------------------------------------------------------------------

_CORPUS = sorted((Path(__file__).parent / "import_corpus").glob("*.txt"))
# Lines a press release is made of, to assemble plausible-but-odd releases.
_RELEASE_LINES = st.sampled_from(
    [
        "FOR IMMEDIATE RELEASE",
        "EMBARGOED UNTIL 00:01 ON TUESDAY 3 JUNE 2025",
        "Embargo: 31 February 2026 25:99",
        "HOLLINSBURY, 24 November 2026 –",
        "ENDS",
        "-ENDS-",
        "Notes to editors",
        "Notes to Editors:",
        "1. The council met.",
        "2.",
        "Media contact:",
        "Contact: Priya Raman, 07700 900461, press@example.org",
        "About us",
        "Promoted by",
        "Commenting on the news, Jane Doe said:",
        "“We are delighted,” said Jane Doe, Chair.",
        "“Unclosed quote",
        "”Backwards”",
        "'Single,' she said.",
        '"Straight," said they.',
        "Share this post on social media",
        "Photo: Jane Doe",
        "Caption:",
        "",
        "   ",
        "\t",
        "{{< quote q1 >}}",
        "# Heading",
        "> quoted",
        "- item",
        "said:",
        "said",
        "—",
        "…",
    ]
)
_IMPORT_TEXT = st.lists(st.one_of(_RELEASE_LINES, _TEXT), min_size=1, max_size=30).map(
    lambda lines: "\n".join(lines).encode("utf-8", "surrogatepass")
)


def _import(raw: bytes) -> None:
    from newsroom.importer import decode_input, import_text

    text = decode_input(raw, "pasted.txt")
    result = import_text(text, dict(PEOPLE), today=date(2026, 11, 25))
    result.summary_lines()
    dumps_toml(release_to_toml(result.release))  # what imports can be saved


def test_fuzz_importer() -> None:
    from newsroom.importer import ImportRefused

    outcomes = {"imported": 0, "refused": 0}
    sources = [st.binary(max_size=300), _IMPORT_TEXT, _IMPORT_TEXT]
    sources += [_mutations(path.read_bytes()) for path in _CORPUS[:6]]

    @FUZZ
    @given(st.one_of(sources))
    def fuzz(raw: bytes) -> None:
        try:
            _import(raw)
        except ImportRefused as error:
            assert str(error).strip(), "an ImportRefused without a message"
            outcomes["refused"] += 1
            return
        outcomes["imported"] += 1

    fuzz()
    total = sum(outcomes.values())
    print(f"importer: {total} inputs, {outcomes}")
    assert total >= FUZZ_EXAMPLES
    assert outcomes["imported"] >= FUZZ_EXAMPLES // 50, outcomes
