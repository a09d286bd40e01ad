"""Plain-text export: golden files of the sample, the wrapper, Markdown, the
embargo line on both sides of a clock change, and no control characters."""

from __future__ import annotations

import os
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from conftest import DRAFTS, SAMPLE_SLUG
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsroom.bundle import Library
from newsroom.export import TextOptions, export_text
from newsroom.export.document import build_document
from newsroom.export.text import DRAFT_MARK, _Writer, quote_paragraphs, render_text, to_ascii
from newsroom.model import (
    Caption,
    Contact,
    Dateline,
    Embargo,
    Person,
    Quote,
    Release,
    Settings,
)

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("NEWSROOM_UPDATE_GOLDEN") == "1"
PROPS = settings(
    max_examples=int(os.environ.get("NEWSROOM_PROP_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

OPEN, CLOSE = "“", "”"


def _sample_text(width: int, ascii: bool = False, crlf: bool = False) -> str:
    library = Library.open(DRAFTS)
    release = library.load(SAMPLE_SLUG)
    return export_text(release, library, TextOptions(width=width, ascii=ascii, crlf=crlf))


def _check_layout(text: str, width: int) -> None:
    """The rules every text export keeps."""
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert "\r" not in text
    for line in text.split("\n"):
        assert line == line.rstrip(), f"trailing space: {line!r}"
        if len(line) > width:  # the release line too (issue 21)
            # Only a single token may overflow, after any indent or list marker.
            content = re.sub(r"^\s*(?:(?:[-*>]|\d+\.)\s+)*", "", line)
            # --ascii keeps "GBP 18,000" together: one unit for the wrapper.
            content = re.sub(r"(GBP|EUR) ", r"\1~", content)
            # Break where the wrapper (textwrap) may: ASCII whitespace only, so a
            # no-break space joins.
            assert len(re.split(r"[\t\n\x0b\x0c\r ]+", content.strip())) == 1, f"too long: {line!r}"


# ---------------------------------------------------------------------------
# Golden files


@pytest.mark.parametrize("width", [72, 60])
@pytest.mark.parametrize("ascii", [False, True], ids=["unicode", "ascii"])
def test_golden_text_export(width: int, ascii: bool) -> None:
    path = GOLDEN / f"lido-reopens-{width}{'-ascii' if ascii else ''}.txt"
    text = _sample_text(width, ascii)
    if UPDATE:
        path.write_bytes(text.encode("utf-8"))
    assert text == path.read_bytes().decode("utf-8")
    _check_layout(text, width)
    for line in text.split("\n"):
        assert len(line) <= width  # the sample has no overlong token
    if ascii:
        assert text.isascii()
        assert "GBP 310,000" in text and "GBP 18,000" in text
    else:
        assert "£310,000" in text and "–" in text


@pytest.mark.parametrize("width", [72, 60])
def test_crlf_gives_crlf_and_nothing_else(width: int) -> None:
    plain = _sample_text(width)
    crlf = _sample_text(width, crlf=True)
    assert crlf == plain.replace("\n", "\r\n")
    assert "\n" not in crlf.replace("\r\n", "")
    assert crlf.endswith("ENDS\r\n") is False and crlf.endswith("HB2 4QT.\r\n")


def _quote_runs(text: str) -> list[list[str]]:
    """Paragraphs of each quote in the export: runs of paragraphs opening with a mark."""
    runs: list[list[str]] = []
    current: list[str] = []
    for paragraph in text.split("\n\n"):
        if paragraph.startswith((OPEN, '"')):
            current.append(paragraph)
            if paragraph.endswith((CLOSE, '"')):
                runs.append(current)
                current = []
        elif current:
            runs.append(current)
            current = []
    assert not current, "a quote never closed"
    return runs


@pytest.mark.parametrize("ascii", [False, True])
def test_golden_british_quotation(ascii: bool) -> None:
    """Every paragraph of a quote opens with a mark; only the last one closes."""
    opening, closing = ('"', '"') if ascii else (OPEN, CLOSE)
    text = _sample_text(72, ascii)
    runs = _quote_runs(text)
    assert [len(run) for run in runs] == [3, 1]  # Okafor's three paragraphs, Whitfield's one
    for run in runs:
        for index, paragraph in enumerate(run):
            last = index == len(run) - 1
            assert paragraph.startswith(opening)
            assert paragraph.endswith(closing) is last
            marks = (
                paragraph.count('"') if ascii else paragraph.count(OPEN) + paragraph.count(CLOSE)
            )
            assert marks == (2 if last else 1), paragraph


def test_golden_reads_in_order() -> None:
    text = _sample_text(72)
    order = [
        "EMBARGOED UNTIL 00:01 GMT, Thursday 26 November 2026",
        "Hollinsbury Lido to reopen",
        "Councillors vote to fund",
        "HOLLINSBURY, 26 November 2026 – Hollinsbury's open-air lido",
        "[Photo: Cllr Amira Okafor",
        "Commenting on the vote, Cllr Amira Okafor, Vice Chair of Hollinsbury\nProgressives, said:",
        f"{OPEN}For three summers",
        "Tom Whitfield, Chair of the Friends of Hollinsbury Lido, added:",
        "- the Friends' stall",
        "\nENDS\n",
        "Notes to editors",
        "1. The Town Council's",
        "2. Hollinsbury Lido opened",
        "3. High-resolution",
        "Media contact\nPriya Raman, Press Officer\nPhone: 07700 900461\nEmail: press@",
        "About Hollinsbury Progressives",
        "Promoted by Priya Raman",
    ]
    positions = [text.index(piece) for piece in order]
    assert positions == sorted(positions)
    assert text.startswith(order[0] + "\n\n")
    assert text.rstrip("\n").endswith("HB2 4QT.")
    # Nothing internal leaks into what the news desk gets.
    assert "lottery" not in text and "AGM" not in text
    # No doubled punctuation or spacing anywhere (indents aside).
    for line in text.split("\n"):
        for bad in ("..", ",,", " ,", " .", "  ", ", said:,", "::", "“”", "””", "““"):
            assert bad not in line.strip(), line


# ---------------------------------------------------------------------------
# A small document builder for focused tests

PEOPLE = {
    "jane": Person(id="jane", name="Jane Doe", role="Chair", organisation="Test Group"),
    "sam": Person(id="sam", name="Sam Li"),
}


def render(
    release: Release,
    width: int = 72,
    ascii: bool = False,
    tz: str = "Europe/London",
    draft: bool = False,
) -> str:
    document = build_document(
        release, Settings(organisation="Test Group", timezone=tz), PEOPLE, draft=draft
    )
    return render_text(document, TextOptions(width=width, ascii=ascii))


def body_of(text: str) -> str:
    """The part between the first line and ENDS."""
    return text.split("\n\n", 1)[1].split("\nENDS\n")[0]


# ---------------------------------------------------------------------------
# Markdown to text


def test_markdown_emphasis_markers_are_dropped() -> None:
    out = render(Release(slug="x", body="Some **bold**, *em*, __strong__ and _under_ words.\n"))
    assert "Some bold, em, strong and under words." in out
    assert "*" not in out and "_" not in out


def test_markdown_links_become_text_and_url() -> None:
    out = render(
        Release(
            slug="x",
            body=(
                "See [our site](https://example.org/a) and <https://auto.example/b> and "
                "[https://same.example](https://same.example) and [mail us](mailto:a@b.example).\n"
            ),
        )
    )
    assert "See our site (https://example.org/a) and https://auto.example/b and" in out
    assert "https://same.example and mail us (a@b.example)." in out
    assert "[" not in out and "](" not in out


def test_markdown_lists_keep_their_markers() -> None:
    out = render(
        Release(
            slug="x",
            body=(
                "Intro:\n\n- apples\n- pears that are described at enough length to need a second "
                "line when wrapped\n\n1. first\n2. second\n\nAfter.\n"
            ),
        ),
        width=50,
    )
    assert (
        "Intro:\n\n- apples\n- pears that are described at enough length to\n"
        "  need a second line when wrapped\n\n1. first\n2. second\n\nAfter." in out
    )


def test_markdown_nested_list_lines_up_under_its_parent() -> None:
    out = render(Release(slug="x", body="1. first\n   - inner point\n2. second\n"))
    assert "1. first\n   - inner point\n2. second" in out


def test_markdown_headings_become_their_text() -> None:
    out = render(Release(slug="x", body="# Big news\n\nText.\n\n## Smaller *news*\n\nMore.\n"))
    assert "Big news\n\nText.\n\nSmaller news\n\nMore." in out
    assert "#" not in out


def test_markdown_blockquote_rule_and_entities() -> None:
    out = render(Release(slug="x", body="> Quoted line.\n\n---\n\nFish &amp; chips &copy;\n"))
    assert "> Quoted line.\n\n* * *\n\nFish & chips ©" in out


def test_raw_html_is_kept_as_text_not_interpreted() -> None:
    out = render(Release(slug="x", body="Use <b>bold</b> here.\n"))
    assert "Use <b>bold</b> here." in out


def test_accidental_indent_is_kept_but_still_wrapped() -> None:
    long = "this paragraph was pasted with a four space indent and runs on past the width"
    out = render(Release(slug="x", body=f"Lead.\n\n    {long}\n"), width=40)
    _check_layout(out, 40)
    code = body_of(out).split("\n\n")[1].strip("\n").split("\n")
    assert len(code) > 1 and all(line.startswith("    ") for line in code)
    assert " ".join(body_of(out).split()).endswith(long)


# ---------------------------------------------------------------------------
# Dateline, quotes, captions, furniture


def test_dateline_opens_the_lead() -> None:
    release = Release(
        slug="x",
        body="# Heading\n\n- a list\n\nThe lead.\n",
        dateline=Dateline(place="Hackney", date=date(2018, 8, 2)),
    )
    out = render(release)
    assert "HACKNEY, 2 August 2018 – The lead." in out
    assert "Heading\n" in out and "HACKNEY, 2 August 2018 – Heading" not in out
    assert "HACKNEY, 2 August 2018 - The lead." in render(release, ascii=True)


@pytest.mark.parametrize(
    "dateline, expected",
    [
        (Dateline(place="Hackney"), "HACKNEY – Lead."),
        (Dateline(date=date(2026, 1, 9)), "9 January 2026 – Lead."),
        (Dateline(), "FOR IMMEDIATE RELEASE\n\nLead."),
    ],
)
def test_dateline_parts(dateline: Dateline, expected: str) -> None:
    assert expected in render(Release(slug="x", body="Lead.\n", dateline=dateline))


def test_dateline_without_prose_is_still_printed() -> None:
    out = render(Release(slug="x", dateline=Dateline(place="Hackney")))
    assert "HACKNEY –\n\nENDS" in out


def test_quote_intro_with_name_and_role() -> None:
    quote = Quote(
        id="q",
        speaker="jane",
        role="Vice Chair",
        intro="Commenting, {name}, {role}, said:",
        text="One.\n\nTwo.\n\nThree.",
    )
    out = render(Release(slug="x", body="{{< quote q >}}\n", quotes=[quote]))
    assert (
        "Commenting, Jane Doe, Vice Chair, said:\n\n"
        f"{OPEN}One.\n\n{OPEN}Two.\n\n{OPEN}Three.{CLOSE}" in out
    )


@pytest.mark.parametrize(
    "intro, expected",
    [
        ("Commenting, {name}, {role}, said:", "Commenting, Jane Doe said:"),
        ("{name} ({role}) said:", "Jane Doe said:"),
        ("{name}, {role}:", "Jane Doe:"),
        ("{role} {name} said:", "Jane Doe said:"),
        ("Asked, {name} said,", "Asked, Jane Doe said,"),  # the writer's own comma stays
    ],
)
def test_quote_intro_with_empty_role_reads_cleanly(intro: str, expected: str) -> None:
    quote = Quote(id="q", speaker="jane", role="", intro=intro, text="Hi.")
    out = render(Release(slug="x", body="{{< quote q >}}\n", quotes=[quote]))
    assert f"{expected}\n\n{OPEN}Hi.{CLOSE}" in out


def test_intro_placeholders_are_not_expanded_twice() -> None:
    people = {"odd": Person(id="odd", name="{role}")}
    quote = Quote(id="q", speaker="odd", role="Chair", intro="{name} said:", text="Hi.")
    release = Release(slug="x", body="{{< quote q >}}\n", quotes=[quote])
    out = render_text(build_document(release, Settings(), people))
    assert "{role} said:" in out


def test_caption_line() -> None:
    release = Release(
        slug="x",
        body="{{< caption a >}}\n\n{{< caption b >}}\n",
        captions=[
            Caption(id="a", text="Jane at the gates", credit="Sam Li"),
            Caption(id="b", text="The pool?"),
        ],
    )
    out = render(release)
    assert "[Photo: Jane at the gates. Picture: Sam Li]\n\n[Photo: The pool?]" in out


def test_furniture_order_and_numbering() -> None:
    release = Release(
        slug="x",
        body="Lead.\n",
        notes_to_editors=["First note.", "Second note\nover lines.", "  "]
        + [f"N{i}." for i in range(8)],
        contact=Contact(name="Sam Li", phone="0123", email="sam@example.org"),
        about="We are a group.\n\nSecond paragraph.",
        imprint="Promoted by Sam Li.",
    )
    out = render(release, width=30)
    assert out.index("ENDS") < out.index("Notes to editors") < out.index("Media contact")
    assert out.index("Media contact") < out.index("About Test Group") < out.index("Promoted by")
    assert "1. First note.\n\n2. Second note over lines.\n\n3. N0." in out
    assert "10. N7." in out  # the blank note was skipped, numbering kept tight
    assert "Media contact\nSam Li\nPhone: 0123\nEmail: sam@example.org" in out
    assert (
        "About Test Group\n\nWe are a group.\n\nSecond paragraph.\n\nPromoted by Sam Li.\n" in out
    )


def test_draft_mark_top_and_bottom() -> None:
    out = render(Release(slug="x", body="Lead.\n"), draft=True)
    assert out.startswith(DRAFT_MARK + "\n\n")
    assert out.endswith("\n\n" + DRAFT_MARK + "\n")
    assert DRAFT_MARK not in render(Release(slug="x", body="Lead.\n"))


def test_internal_notes_never_exported() -> None:
    out = render(Release(slug="x", body="Lead.\n", internal_notes="SECRET plan"))
    assert "SECRET" not in out


# ---------------------------------------------------------------------------
# The embargo line, in the library's zone, both sides of a clock change


@pytest.mark.parametrize(
    "until, expected",
    [
        # The issue's own example: BST in June.
        (datetime(2025, 6, 2, 23, 1, tzinfo=UTC), "00:01 BST, Tuesday 3 June 2025"),
        # Spring forward (30 March 2025, 01:00 UTC): GMT the day before, BST after.
        (datetime(2025, 3, 29, 0, 1, tzinfo=UTC), "00:01 GMT, Saturday 29 March 2025"),
        (datetime(2025, 3, 30, 0, 59, tzinfo=UTC), "00:59 GMT, Sunday 30 March 2025"),
        (datetime(2025, 3, 30, 1, 0, tzinfo=UTC), "02:00 BST, Sunday 30 March 2025"),
        (datetime(2025, 3, 30, 23, 1, tzinfo=UTC), "00:01 BST, Monday 31 March 2025"),
        # Fall back (26 October 2025, 01:00 UTC).
        (datetime(2025, 10, 25, 23, 1, tzinfo=UTC), "00:01 BST, Sunday 26 October 2025"),
        (datetime(2025, 10, 26, 1, 0, tzinfo=UTC), "01:00 GMT, Sunday 26 October 2025"),
        (datetime(2025, 10, 27, 0, 1, tzinfo=UTC), "00:01 GMT, Monday 27 October 2025"),
    ],
)
def test_embargo_line_in_london(until: datetime, expected: str) -> None:
    out = render(Release(slug="x", body="Lead.\n", embargo=Embargo(until=until)))
    assert out.startswith(f"EMBARGOED UNTIL {expected}\n\n")


def test_embargo_zone_of_the_release_beats_the_library() -> None:
    until = datetime(2025, 6, 2, 23, 1, tzinfo=UTC)
    out = render(Release(slug="x", embargo=Embargo(until=until, timezone="Europe/Paris")))
    assert out.startswith("EMBARGOED UNTIL 01:01 CEST, Tuesday 3 June 2025\n")
    out = render(Release(slug="x", embargo=Embargo(until=until)), tz="Europe/Dublin")
    assert out.startswith("EMBARGOED UNTIL 00:01 IST, Tuesday 3 June 2025\n")


def test_embargo_without_offset_is_local_to_the_zone_not_dropped() -> None:
    summer = render(Release(slug="x", embargo=Embargo(until=datetime(2025, 6, 3, 0, 1))))
    assert summer.startswith("EMBARGOED UNTIL 00:01 BST, Tuesday 3 June 2025\n")
    winter = render(Release(slug="x", embargo=Embargo(until=datetime(2025, 12, 2, 0, 1))))
    assert winter.startswith("EMBARGOED UNTIL 00:01 GMT, Tuesday 2 December 2025\n")


def test_no_embargo_means_immediate_release() -> None:
    assert render(Release(slug="x")).startswith("FOR IMMEDIATE RELEASE\n\n")


def test_release_line_is_wrapped_to_the_width() -> None:
    """--width is a promise for every line, the release line included (issue 21)."""
    until = datetime(2025, 6, 2, 23, 1, tzinfo=UTC)
    release = Release(slug="x", body="Lead.\n", embargo=Embargo(until=until))
    out = render(release, width=40)
    assert out.startswith("EMBARGOED UNTIL 00:01 BST, Tuesday 3\nJune 2025\n\nLead.\n")
    assert render(release, width=72).startswith(
        "EMBARGOED UNTIL 00:01 BST, Tuesday 3 June 2025\n\nLead.\n"
    )
    assert render(Release(slug="x"), width=20).startswith("FOR IMMEDIATE\nRELEASE\n\n")


def test_month_and_day_names_ignore_the_locale(monkeypatch) -> None:
    import locale

    try:
        locale.setlocale(locale.LC_TIME, "fr_FR.UTF-8")
    except locale.Error:
        pytest.skip("no French locale on this machine")
    try:
        out = render(
            Release(slug="x", embargo=Embargo(until=datetime(2025, 6, 2, 23, 1, tzinfo=UTC)))
        )
    finally:
        locale.setlocale(locale.LC_TIME, "C")
    assert "Tuesday 3 June 2025" in out


# ---------------------------------------------------------------------------
# ASCII


def test_to_ascii() -> None:
    assert (
        to_ascii("“Café” – naïve… £5 ‘ok’ Łódź 20°C") == "\"Cafe\" - naive... GBP 5 'ok' Lodz 20C"
    )
    assert to_ascii("日本").isascii()


def test_ascii_never_splits_a_currency_from_its_amount() -> None:
    words = "raised " * 5 + "£18,000 "
    for width in range(20, 60):
        out = render(Release(slug="x", body=words * 3), width=width, ascii=True)
        assert "GBP 18,000" in " ".join(line for line in out.split("\n"))
        for line in out.split("\n"):
            assert not line.endswith("GBP"), (width, line)


# ---------------------------------------------------------------------------
# The wrapper (hypothesis)

word = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Z")), min_size=1, max_size=12
)
url = st.builds(
    lambda host, path: f"https://{host}.example.org/{path}",
    st.from_regex(r"[a-z]{1,12}", fullmatch=True),
    st.from_regex(r"[a-z0-9/_-]{0,60}", fullmatch=True),
)
tokens = st.lists(st.one_of(word, word, word, url), min_size=1, max_size=60)


@PROPS
@given(
    tokens=tokens,
    width=st.integers(min_value=20, max_value=120),
    ascii=st.booleans(),
    indent=st.sampled_from(["", "  ", "1. "]),
)
def test_wrapper_properties(tokens: list[str], width: int, ascii: bool, indent: str) -> None:
    writer = _Writer(TextOptions(width=width, ascii=ascii))
    hanging = " " * len(indent)
    lines = writer.wrap(" ".join(tokens), indent, hanging)
    expected = [to_ascii(t) if ascii else t for t in tokens]
    expected = " ".join(expected).split()  # ASCII may turn one token into two (£ -> GBP n)
    got = []
    if not expected:  # nothing printable (--ascii turned "¯" into a space)
        assert [line.strip() for line in lines] == [""]
        return
    for number, line in enumerate(lines):
        assert line == line.rstrip()
        lead = indent if number == 0 else hanging
        assert line.startswith(lead)
        body = line[len(lead) :]
        if len(line) > width:
            assert len(body.split()) == 1, f"only a single token may overflow: {line!r}"
        got.extend(body.split())
    assert got == expected  # no word lost, split or reordered


# ---------------------------------------------------------------------------
# Control characters and escape sequences (hypothesis)

NASTY = [
    "\x1b[31m",
    "\x1b[2J",
    "\x1b]0;title\x07",
    "\x1b]8;;https://evil.example\x1b\\",
    "\x1bP+q\x1b\\",
    "\x9b31m",
    "\x9d0;t\x9c",
    "\x07",
    "\x00",
    "\x08",
    "\x0c",
    "\x7f",
    "\x85",
    "\r",
    "\x1b",
    "\x1bc",
    "&#27;",
    "&#x9b;",
    "&#12;",
    "\t",
]
nasty_text = st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=6)), max_size=8).map(
    "".join
)
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


@st.composite
def nasty_releases(draw) -> Release:
    return Release(
        slug="x",
        headline=draw(nasty_text),
        standfirst=draw(nasty_text),
        dateline=Dateline(place=draw(nasty_text), date=date(2025, 1, 1)),
        body=draw(nasty_text)
        + "\n\n{{< quote q >}}\n\n{{< caption c >}}\n\n"
        + draw(nasty_text)
        + "\n\n    "
        + draw(nasty_text)
        + "\n\n- "
        + draw(nasty_text)
        + "\n\n# "
        + draw(nasty_text),
        quotes=[
            Quote(
                id="q",
                speaker="jane",
                role=draw(nasty_text),
                intro=draw(nasty_text) + " {name}, {role}:",
                text=draw(nasty_text),
            )
        ],
        captions=[Caption(id="c", text=draw(nasty_text), credit=draw(nasty_text))],
        notes_to_editors=[draw(nasty_text), draw(nasty_text)],
        contact=Contact(
            name=draw(nasty_text),
            role=draw(nasty_text),
            phone=draw(nasty_text),
            email=draw(nasty_text),
        ),
        about=draw(nasty_text),
        imprint=draw(nasty_text),
    )


@PROPS
@given(
    release=nasty_releases(),
    ascii=st.booleans(),
    organisation=nasty_text,
    name=nasty_text,
    width=st.integers(min_value=20, max_value=100),
)
def test_no_control_character_reaches_the_output(
    release: Release, ascii: bool, organisation: str, name: str, width: int
) -> None:
    people = {"jane": Person(id="jane", name="Jane" + name, organisation="\x9bX" + name)}
    document = build_document(release, Settings(organisation=organisation), people)
    out = render_text(document, TextOptions(width=width, ascii=ascii, crlf=False))
    assert not CONTROL.search(out), repr(out)
    assert "\x1b" not in out
    assert "\n\n\n" not in out
    _check_layout(out, width)


def test_known_escape_sequences_leave_no_residue() -> None:
    release = Release(
        slug="x",
        headline="Safe \x1b]8;;https://evil.example\x07click\x1b]8;;\x07 \x1b[31mred\x1b[0m",
        body="Body \x1b[2Jtext\x9b1m.\n",
    )
    out = render(release)
    assert "Safe click red\n" in out
    assert "Body text." in out


# ---------------------------------------------------------------------------
# The whole export (hypothesis): layout rules and quotation for any release

plain_word = st.from_regex(r"[A-Za-z0-9]{1,14}", fullmatch=True)
plain_token = st.one_of(plain_word, plain_word, plain_word, url)
paragraph = st.lists(plain_token, min_size=1, max_size=40).map(" ".join)


@st.composite
def plain_releases(draw) -> tuple[Release, list[str], list[int]]:
    """A release of plain words; returns it, every word in reading order, and
    the number of paragraphs of each quote."""
    words: list[str] = []
    body: list[str] = []
    quotes: list[Quote] = []
    sizes: list[int] = []
    for index in range(draw(st.integers(min_value=1, max_value=5))):
        kind = draw(st.sampled_from(["prose", "prose", "list", "quote"]))
        if kind == "prose":
            text = draw(paragraph)
            body.append(text)
            words += text.split()
        elif kind == "list":
            items = draw(st.lists(paragraph, min_size=1, max_size=3))
            body.append("\n".join(f"- {item}" for item in items))
            words += " ".join(items).split()
        else:
            paragraphs = draw(st.lists(paragraph, min_size=1, max_size=4))
            quote = Quote(
                id=f"q{index}",
                speaker="jane",
                role="Chair",
                intro="{name}, {role}, said:",
                text="\n\n".join(paragraphs),
            )
            quotes.append(quote)
            sizes.append(len(paragraphs))
            body.append(f"{{{{< quote {quote.id} >}}}}")
            words += "Jane Doe, Chair, said:".split() + " ".join(paragraphs).split()
    release = Release(slug="x", body="\n\n".join(body) + "\n", quotes=quotes)
    return release, words, sizes


@PROPS
@given(case=plain_releases(), width=st.integers(min_value=20, max_value=120), ascii=st.booleans())
def test_any_release_keeps_the_layout_rules(case, width: int, ascii: bool) -> None:
    release, words, sizes = case
    out = render(release, width=width, ascii=ascii)
    _check_layout(out, width)
    opening, closing = ('"', '"') if ascii else (OPEN, CLOSE)
    assert [len(run) for run in _quote_runs(out)] == sizes
    for run in _quote_runs(out):
        assert all(p.startswith(opening) for p in run)
        assert [p.endswith(closing) for p in run] == [False] * (len(run) - 1) + [True]
    # Every word of the body, in order, none split or lost.
    tokens = [t.strip('“”"') for t in body_of(out).split() if t != "-"]
    assert tokens == words
    release_line = "FOR IMMEDIATE RELEASE" if width >= 21 else "FOR IMMEDIATE\nRELEASE"
    assert out.startswith(release_line + "\n\n")


def test_bare_urls_keep_their_underscores_and_asterisks() -> None:
    body = (
        "See https://example.org/_next_/page and www.example.org/a_b_ or "
        "https://example.org/*x* and file_name_.pdf, with _real emphasis_.\n"
    )
    out = render(Release(slug="x", body=body), width=200)
    assert (
        "See https://example.org/_next_/page and www.example.org/a_b_ or "
        "https://example.org/*x* and file_name_.pdf, with real emphasis."
    ) in out


def test_text_that_is_blank_in_ascii_leaves_no_blank_lines() -> None:
    release = Release(
        slug="x",
        body="Lead.\n\n    20°C ® ¼ and a very long code line that must wrap at the width\n",
        imprint="¸",
        contact=Contact(name="¸", email="a@b.example"),
    )
    out = render(release, width=30, ascii=True)
    _check_layout(out, 30)
    assert "\n\n\n" not in out
    assert "Media contact\nEmail: a@b.example\n" in out
    assert all(len(line) <= 30 for line in out.split("\n")[1:])


# -- Quotation marks the volunteer typed round a quote --------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (("“We did it.”",), ["“We did it.”"]),
        (('"We did it."',), ["“We did it.”"]),
        (("‘We did it.’",), ["“We did it.”"]),
        (("«We did it.»",), ["“We did it.”"]),
        # British style typed by hand: each paragraph opens, only the last closes.
        (("“First.", "“Second.”"), ["“First.", "“Second.”"]),
        # ...or every paragraph typed as a quote of its own.
        (("“First.”", "“Second.”"), ["“First.", "“Second.”"]),
        # No pair: marks that belong to the words stay.
        (("Thanks to the members’",), ["“Thanks to the members’”"]),
        (("“Unfinished",), ["““Unfinished”"]),
        (("We did it.",), ["“We did it.”"]),
        (('"',), ['“"”']),
    ],
)
def test_typed_quotation_marks_are_not_doubled(typed, expected):
    assert quote_paragraphs(typed, TextOptions()) == expected


def test_typed_marks_in_a_whole_export(library_copy, newsroom_cli):
    library = Library.open(library_copy)
    release = library.load(SAMPLE_SLUG)
    plain = export_text(release, library, draft=True)
    for quote in release.quotes:  # as typed by hand, British style
        quote.text = "\n\n".join("“" + p for p in quote.text.split("\n\n")) + "”"
    assert any("\n\n" in quote.text for quote in release.quotes)  # one has paragraphs
    marked = export_text(release, library, draft=True)
    assert "““" not in marked and "””" not in marked
    assert marked == plain
    # ...and from the command line, with the marks saved in release.toml.
    library.save(release)
    assert "“" in (library_copy / SAMPLE_SLUG / "release.toml").read_text("utf-8")
    done = newsroom_cli("export", SAMPLE_SLUG, "--draft", drafts=library_copy)
    assert done.returncode == 0, done.stderr
    assert "““" not in done.stdout and "””" not in done.stdout
    assert "“" in done.stdout  # the export's own marks are there


_words = (
    st.text(alphabet=st.sampled_from(list("abc XYZ.,;!?-’")), min_size=1, max_size=40)
    .map(str.strip)
    .filter(lambda t: t and t[0] not in "’" and t[-1] not in "’")
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(_words, min_size=1, max_size=4),
    st.sampled_from([("“", "”"), ('"', '"'), ("‘", "’"), ("«", "»"), ("„", "“")]),
    st.booleans(),
)
def test_typed_marks_never_change_the_export(paragraphs, marks, close_each):
    opening, closing = marks
    typed = [
        opening + p + (closing if close_each or i == len(paragraphs) - 1 else "")
        for i, p in enumerate(paragraphs)
    ]
    for options in (TextOptions(), TextOptions(ascii=True)):
        assert quote_paragraphs(tuple(typed), options) == quote_paragraphs(
            tuple(paragraphs), options
        )
