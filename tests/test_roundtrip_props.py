"""Property tests: any release saved then loaded is equal to itself, saving
twice gives identical bytes, a load/save with no edit changes no byte, and
unknown keys survive."""

from __future__ import annotations

import shutil
import tempfile
import unicodedata
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path

from conftest import snapshot_tree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsroom.bundle import Library
from newsroom.layout import BODY_FILE, RELEASE_FILE
from newsroom.model import (
    Approval,
    Caption,
    Clearance,
    Contact,
    Dateline,
    Embargo,
    Event,
    Person,
    Quote,
    Release,
    reference_line,
)

PROPS = settings(
    max_examples=int(__import__("os").environ.get("NEWSROOM_PROP_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value).replace("\r\n", "\n")


# Any Unicode text but lone surrogates (not encodable as UTF-8), in NFC: save
# stores text in NFC, so 'e' + combining accent comes back as one 'é'. And
# tomli-w writes CRLF inside a multi-line string as LF (documented in
# docs/format.md), so values hold LF line ends.
text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40).map(nfc)
# body.md is raw text: a NUL makes it "not a text file", CR is normalised to
# LF on load, and a leading U+FEFF is read as a byte-order mark.
body_text = (
    st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00\r"), max_size=200)
    .map(nfc)
    .filter(lambda s: not s.startswith("\ufeff"))
)
ids = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9_-]{0,10}", fullmatch=True)
people_ids = st.sampled_from(["jane-doe", "sam-li", ""])

offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
aware = st.datetimes(
    min_value=datetime(1970, 1, 1), max_value=datetime(2100, 1, 1), timezones=offsets
)
dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1))

# Values a future version might write: every TOML type.
scalar = st.one_of(
    text,
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.booleans(),
    st.floats(allow_nan=False),
    dates,
    aware,
    st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2100, 1, 1)),
    st.times(),
)
toml_value = st.recursive(
    scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.text(min_size=1, max_size=8), inner, max_size=3),
    ),
    max_leaves=6,
)


def extras(known: set[str]) -> st.SearchStrategy[dict]:
    return st.dictionaries(
        st.text(min_size=1, max_size=10).filter(lambda k: k not in known),
        toml_value,
        max_size=2,
    )


quotes = st.builds(
    Quote,
    id=ids,
    speaker=people_ids,
    role=text,
    intro=text,
    text=text,
    extra=extras({"id", "speaker", "role", "intro", "text"}),
)
captions = st.builds(
    Caption,
    id=ids,
    text=text,
    credit=text,
    file=text,
    extra=extras({"id", "text", "credit", "file"}),
)
clearances = st.builds(
    Clearance,
    quote=text,
    by=text,
    at=aware,
    digest=text,
    via=text,
    note=text,
    extra=extras({"quote", "by", "at", "digest", "via", "note"}),
)
approvals = st.builds(
    Approval,
    by=text,
    at=aware,
    digest=text,
    role=text,
    note=text,
    signature=text,
    extra=extras({"by", "at", "digest", "role", "note", "signature"}),
)
events = st.builds(
    Event,
    at=aware,
    action=text,
    by=text,
    digest=text,
    note=text,
    extra=extras({"at", "action", "by", "digest", "note"}),
)
RELEASE_KEYS = {
    "schema",
    "status",
    "headline",
    "standfirst",
    "created",
    "about",
    "imprint",
    "internal_notes",
    "notes_to_editors",
    "dateline",
    "embargo",
    "contact",
    "quotes",
    "captions",
    "clearances",
    "approvals",
    "history",
}


def unique_by_id(items: list) -> list:
    seen, out = set(), []
    for item in items:
        if item.id not in seen:
            seen.add(item.id)
            out.append(item)
    return out


@st.composite
def releases(draw) -> Release:
    quote_list = unique_by_id(draw(st.lists(quotes, max_size=3)))
    caption_list = unique_by_id(draw(st.lists(captions, max_size=2)))
    # The body: free text with the references placed on lines of their own.
    pieces = draw(st.lists(body_text, min_size=1, max_size=3))
    refs = [reference_line("quote", q.id) for q in quote_list]
    refs += [reference_line("caption", c.id) for c in caption_list]
    # Free text and references alternate; leftovers of either go at the end.
    lines = []
    for index in range(max(len(pieces), len(refs))):
        lines += pieces[index : index + 1] + refs[index : index + 1]
    body = "\n".join(lines)
    return Release(
        slug="prop",
        headline=draw(text),
        standfirst=draw(text),
        created=draw(st.none() | dates),
        dateline=Dateline(
            place=draw(text),
            date=draw(st.none() | dates),
            extra=draw(extras({"place", "date"})),
        ),
        embargo=Embargo(
            until=draw(st.none() | aware),
            timezone=draw(st.sampled_from(["", "Europe/London", "Asia/Kolkata"])),
            extra=draw(extras({"until", "timezone"})),
        ),
        body=body,
        quotes=quote_list,
        captions=caption_list,
        notes_to_editors=draw(st.lists(text, max_size=3)),
        contact=Contact(
            name=draw(text),
            role=draw(text),
            phone=draw(text),
            email=draw(text),
            extra=draw(extras({"name", "role", "phone", "email"})),
        ),
        about=draw(text),
        imprint=draw(text),
        internal_notes=draw(text),
        clearances=draw(st.lists(clearances, max_size=2)),
        approvals=draw(st.lists(approvals, max_size=2)),
        history=draw(st.lists(events, max_size=2)),
        extra=draw(extras(RELEASE_KEYS)),
    )


def _fresh_library() -> tuple[Path, Library]:
    root = Path(tempfile.mkdtemp(prefix="newsroom-prop-"))
    (root / "people.toml").write_text(
        'schema = 1\n[people.jane-doe]\nname = "Jane Doe"\n[people.sam-li]\nname = "Sam Li"\n',
        encoding="utf-8",
    )
    return root, Library.open(root)


@PROPS
@given(release=releases())
def test_saved_then_loaded_is_equal_and_saving_twice_is_byte_identical(release: Release) -> None:
    root, library = _fresh_library()
    try:
        (root / "prop").mkdir()
        assert library.save(release) is True
        first = snapshot_tree(root)
        loaded = Library.open(root).load("prop")
        assert loaded == release
        # Saving the same release again, from this library and from a fresh one.
        assert library.save(release) is False
        fresh = Library.open(root)
        assert fresh.save(fresh.load("prop")) is False
        assert snapshot_tree(root) == first
        # Writing the loaded copy from scratch gives the same bytes too.
        assert fresh.render_files(loaded) == {
            RELEASE_FILE: first[f"prop/{RELEASE_FILE}"],
            BODY_FILE: first[f"prop/{BODY_FILE}"],
        }
    finally:
        shutil.rmtree(root)


@PROPS
@given(release=releases(), new_headline=text)
def test_an_edit_keeps_every_unknown_key(release: Release, new_headline: str) -> None:
    root, library = _fresh_library()
    try:
        (root / "prop").mkdir()
        library.save(release)
        loaded = Library.open(root).load("prop")
        loaded.headline = new_headline + "!"  # always a change
        second = Library.open(root)
        second.load("prop")
        second.save(loaded)
        again = Library.open(root).load("prop")
        assert again.extra == release.extra
        assert again.dateline.extra == release.dateline.extra
        assert again.embargo.extra == release.embargo.extra
        assert again.contact.extra == release.contact.extra
        assert [q.extra for q in again.quotes] == [q.extra for q in release.quotes]
        assert [c.extra for c in again.captions] == [c.extra for c in release.captions]
        assert [a.extra for a in again.approvals] == [a.extra for a in release.approvals]
        assert again.headline == new_headline + "!"
    finally:
        shutil.rmtree(root)


# Hand-written files: comments, odd spacing, odd key order, every quoting style.
LINE_ENDS = st.sampled_from(["\n", "\r\n"])
SPACES = st.sampled_from(["", " ", "   ", "\t"])
COMMENTS = st.sampled_from(["", "  # note", " #"])


@st.composite
def hand_written(draw) -> tuple[bytes, bytes]:
    nl, sp, comment = draw(LINE_ENDS), draw(SPACES), draw(COMMENTS)
    entries = [
        f"headline{sp}={sp}'Literal {draw(st.sampled_from(['a', 'b', 'c']))}'{comment}",
        f'standfirst = """{nl}Two{nl}lines"""',
        f"created = {draw(dates).isoformat()}",
        'unknown_top = "kept"',
        "status = 'approved'",
        f"schema = {draw(st.sampled_from([1, 1, None]))}",
    ]
    entries = [e for e in entries if not e.endswith("None")]
    order = draw(st.permutations(entries))
    tables = [
        f"[dateline]{comment}{nl}place = 'X'{nl}odd = {{ a = 1, b = [1, 2] }}",
        f'[[quotes]]{nl}{sp}id = "q1"{nl}{sp}speaker = "jane-doe"{nl}{sp}aside = 1979-05-27',
        f"[future]{nl}x = 1.5{nl}[future.deeper]{nl}y = true",
    ]
    tables = draw(st.permutations(tables))
    toml = nl.join(order) + nl + nl + (nl + nl).join(tables) + draw(st.sampled_from(["", nl]))
    if draw(st.booleans()):
        toml = "\ufeff" + toml
    body = draw(body_text).replace("\n", draw(LINE_ENDS)) + nl + "{{< quote q1 >}}" + nl
    return toml.encode("utf-8"), body.encode("utf-8")


@PROPS
@given(files=hand_written())
def test_load_save_with_no_edit_changes_no_byte(files: tuple[bytes, bytes]) -> None:
    root, _ = _fresh_library()
    try:
        directory = root / "hand"
        directory.mkdir()
        (directory / RELEASE_FILE).write_bytes(files[0])
        (directory / BODY_FILE).write_bytes(files[1])
        before = snapshot_tree(root)
        library = Library.open(root)
        release = library.load("hand")
        assert release.extra["unknown_top"] == "kept"
        assert release.quotes[0].extra == {"aside": date(1979, 5, 27)}
        assert library.save(release) is False
        assert snapshot_tree(root) == before
        # And after a real edit the unknown keys are still there.
        release.headline = "Edited"
        assert library.save(release) is True
        again = Library.open(root).load("hand")
        assert again.extra["unknown_top"] == "kept"
        assert again.extra["future"] == {"x": 1.5, "deeper": {"y": True}}
        assert again.dateline.extra == {"odd": {"a": 1, "b": [1, 2]}}
        assert again.quotes[0].extra == {"aside": date(1979, 5, 27)}
    finally:
        shutil.rmtree(root)


def test_people_round_trip_keeps_unknown_keys(tmp_path: Path) -> None:
    people = tmp_path / "people.toml"
    original = (
        "schema = 1\nowner = 'press office'\n\n[people.jane-doe]\nname = 'Jane Doe'\n"
        "pronouns = 'she/her'\n[people.jane-doe.social]\nmastodon = '@jane'\n"
    )
    people.write_text(original, encoding="utf-8")
    library = Library.open(tmp_path)
    assert library.save_people() is False
    assert people.read_text(encoding="utf-8") == original
    library.people["sam"] = Person(id="sam", name="Sam", extra={"since": time(9, 30)})
    assert library.save_people() is True
    again = Library.open(tmp_path)
    assert again.people["jane-doe"].extra == {
        "pronouns": "she/her",
        "social": {"mastodon": "@jane"},
    }
    assert again.people["sam"].extra == {"since": time(9, 30)}
    assert again.people_extra == {"owner": "press office"}


def test_utc_and_offset_datetimes_compare_equal_after_round_trip(tmp_path: Path) -> None:
    (tmp_path / "r").mkdir()
    library = Library.open(tmp_path)
    until = datetime(2025, 6, 2, 23, 1, tzinfo=UTC)
    library.save(Release(slug="r", embargo=Embargo(until=until)))
    assert Library.open(tmp_path).load("r").embargo.until == until
