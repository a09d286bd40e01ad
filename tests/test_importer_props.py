"""Property tests: generated releases import with every word kept and every quote found."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from newsroom.bundle import Library
from newsroom.importer import export_for_check, import_text, lost_words
from newsroom.model import Person, Settings

TODAY = date(2026, 11, 25)
# Modest by default; IMPORT_EXAMPLES_SCALE=10 for a long hunt.
SCALE = int(os.environ.get("IMPORT_EXAMPLES_SCALE", "1"))
SETTINGS = Settings(organisation="Hollinsbury Progressives")
LIBRARY = Library(root=Path("/nonexistent"), settings=SETTINGS)

VOCABULARY = (
    "council residents park bus route petition winter families volunteers library "
    "town hall money repairs children school road plan budget homes water meeting "
    "campaign promise year month week morning night open closed new old every many "
    "more fewer safe warm green quiet busy local public free cheap long short"
).split()
FIRST = ["Jane", "Peter", "Amira", "Tom", "Grace", "Marcus", "Sunita", "Owen", "Bethan"]
LAST = ["Doe", "Lang", "Okafor", "Whitfield", "Adeyemi", "Ndlovu", "Bhatt", "Price", "Evans"]
TITLES = ["", "", "Cllr ", "Dr ", "Prof ", "Sir "]
ROLES = [
    "Chair of the Eastfield Residents' Association",
    "Branch Secretary",
    "Vice Chair of Hollinsbury Progressives",
    "Treasurer of the Friends of Mill Park",
]
MARKS = [("“", "”"), ('"', '"'), ("‘", "’"), ("'", "'")]

words = st.lists(st.sampled_from(VOCABULARY), min_size=3, max_size=14)


@st.composite
def sentence(draw) -> str:
    found = draw(words)
    return (
        found[0].capitalize() + " " + " ".join(found[1:]) + draw(st.sampled_from([".", "!", "?"]))
    )


@st.composite
def paragraph(draw) -> str:
    return " ".join(draw(st.lists(sentence(), min_size=1, max_size=3)))


@st.composite
def quote(draw, used: list[str]):
    """(text of the quote, speaker full name, paragraph count)."""
    first, last = draw(st.sampled_from(FIRST)), draw(st.sampled_from(LAST))
    name = f"{first} {last}"
    assume(all(u.split()[0] != first and u.split()[-1] != last for u in used if u != name))
    title = draw(st.sampled_from(TITLES))
    role = draw(st.sampled_from(ROLES))
    paragraphs = draw(st.lists(paragraph(), min_size=1, max_size=3))
    open_mark, close_mark = draw(st.sampled_from(MARKS))
    space = draw(st.sampled_from(["", "", " "]))
    style = draw(st.sampled_from(["british", "each", "ends", "none", "after", "dash", "paren"]))
    if len(paragraphs) > 1 and style in {"after", "dash", "paren"}:
        style = "british"
    intro = draw(
        st.sampled_from(
            [
                f"{title}{name}, {role}, said:",
                f"Commenting on the news, {title}{name} said:",
                f"{title}{name} says:",
                f"In a statement, {title}{name}, {role}, stated that:",
            ]
        )
    )
    if name in used and draw(st.booleans()):
        intro = draw(st.sampled_from([f"{first} says:", f"{last} added:"]))
    n = len(paragraphs)
    if style == "none":
        body = "\n\n".join(paragraphs)
    elif style == "each":
        body = "\n\n".join(f"{open_mark}{space}{p}{space}{close_mark}" for p in paragraphs)
    elif style == "ends":
        body = "\n\n".join(paragraphs)
        body = f"{open_mark}{body}{close_mark}"
    else:
        body = "\n\n".join(
            f"{open_mark}{space}{p}" + (f"{space}{close_mark}" if i == n - 1 else "")
            for i, p in enumerate(paragraphs)
        )
    if style == "after":
        text = f"{body[:-1].rstrip()[:-1]},{close_mark} said {title}{name}."
    elif style == "dash":
        text = f"{body}\n\n- {title}{name}, {role}"
    elif style == "paren":
        text = f"{body} ({title}{name}, Hollinsbury Progressives)."
    else:
        text = f"{intro}\n\n{body}"
    return text, name, n, style == "none"


@st.composite
def release(draw):
    lines: list[str] = []
    expected: dict = {}
    if draw(st.booleans()):
        lines.append(
            draw(st.sampled_from(["Home > News > Latest", "Share this post on social media"]))
        )
    if draw(st.booleans()):
        lines.append(
            draw(st.sampled_from(["PRESS RELEASE", "FOR IMMEDIATE RELEASE", "NEWS RELEASE"]))
        )
    day = draw(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)))
    if draw(st.booleans()):
        hour, minute = draw(st.integers(0, 23)), draw(st.sampled_from([0, 1, 30]))
        form = draw(
            st.sampled_from(
                [
                    f"EMBARGOED UNTIL {hour:02d}:{minute:02d} {day:%A} {day.day} {day:%B %Y}",
                    f"Strictly embargoed for {hour % 12 or 12:02d}.{minute:02d}"
                    f"{'am' if hour < 12 else 'pm'} "
                    f"{day:%A} {day.day} {day:%B %Y}",
                ]
            )
        )
        lines.append(form)
        expected["embargo"] = datetime(day.year, day.month, day.day, hour, minute)
    headline = " ".join(draw(words)).capitalize()
    lines.append(headline)
    expected["headline"] = headline
    lead = draw(paragraph())
    if draw(st.booleans()):
        place = draw(st.sampled_from(["HOLLINSBURY", "Eastfield", "LONDON", "Millbrook"]))
        lead = draw(
            st.sampled_from(
                [
                    f"{place}, {day.day} {day:%B %Y} – {lead}",
                    f"{day:%B} {day.day}th, {place.title()}: {lead}",
                ]
            )
        )
        expected["dateline"] = place.title()
    lines.append(lead)
    used: list[str] = []
    quotes = []
    runs_on = False  # a quote with no marks runs to the next intro or heading
    for _ in range(draw(st.integers(0, 3))):
        if not runs_on and draw(st.booleans()):
            lines.append(draw(paragraph()))
        text, name, n, runs_on = draw(quote(used))
        used.append(name)
        quotes.append((name, n))
        lines.append(text)
    tail_quote_ends = False
    if quotes and draw(st.booleans()) and '"' not in lines[-1][-3:]:
        lines[-1] = lines[-1] + " ENDS"
        tail_quote_ends = True
    if not tail_quote_ends:
        if not runs_on:
            lines.append(draw(paragraph()))
        lines.append(draw(st.sampled_from(["ENDS", "-ENDS-", "###", "-30-"])))
    expected["quotes"] = quotes
    notes = draw(st.lists(paragraph(), max_size=3))
    if notes:
        lines.append(
            draw(
                st.sampled_from(
                    ["Notes to editors", "NOTES FOR EDITORS", "Background", "Note to editors:"]
                )
            )
        )
        lines.extend(f"{i}. {note}" for i, note in enumerate(notes, start=1))
    expected["notes"] = len(notes)
    if draw(st.booleans()):
        lines.append(
            "Media contact\nPriya Raman, Press Officer\nTel: 07700 900461\npress@example.org.uk"
        )
    if draw(st.booleans()):
        lines.append(
            "Promoted by Priya Raman on behalf of Hollinsbury Progressives, both at 14 Mill Lane."
        )
    if draw(st.booleans()):
        lines.append(
            draw(
                st.sampled_from(
                    ["No comments:", "Post a Comment", "Sign in with Facebook, Twitter or Email"]
                )
            )
        )
    return "\n\n".join(lines) + "\n", expected


@settings(
    max_examples=150 * SCALE,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(release())
def test_generated_release_keeps_every_word_and_quote(case):
    text, expected = case
    people = {"amira-okafor": Person("amira-okafor", "Cllr Amira Okafor", "Vice Chair")}
    result = import_text(text, people, today=TODAY, settings=SETTINGS)
    exported = export_for_check(
        result, Library(root=LIBRARY.root, settings=SETTINGS, people=result.people)
    )
    assert lost_words(result, exported, export_order=False) == [], text
    release = result.release
    assert release.headline == expected["headline"]
    assert len(release.notes_to_editors) == expected["notes"]
    if "embargo" in expected:
        assert release.embargo.until.replace(tzinfo=None) == expected["embargo"]
    else:
        assert release.embargo.until is None
    if "dateline" in expected:
        assert release.dateline.place == expected["dateline"]
    found = [
        (result.people[q.speaker].name if q.speaker else "", len(q.paragraphs))
        for q in release.quotes
    ]
    wanted = [(name, n) for name, n in expected["quotes"]]
    # The directory's Cllr Amira Okafor answers to Amira Okafor with any title.
    found = [(" ".join(n.split()[-2:]), c) for n, c in found]
    assert found == wanted, text


@settings(max_examples=200 * SCALE, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=400))
def test_any_text_imports_without_losing_words(text):
    result = import_text(text, {}, today=TODAY, settings=SETTINGS)
    exported = export_for_check(
        result, Library(root=LIBRARY.root, settings=SETTINGS, people=result.people)
    )
    assert lost_words(result, exported) == []


TRICKY_LINES = [
    "PRESS RELEASE",
    "FOR IMMEDIATE RELEASE",
    "ENDS",
    "-30-",
    "###",
    "Notes to editors",
    "Note to editors: see below",
    "Background",
    "Jane Doe said:",
    "Peter says:",
    "Commenting on the news, Cllr Jane Doe, Chair of the Friends, said:",
    "“We are pleased,” said Jane Doe.",
    "“Open and never closed",
    "closed at last.”",
    "- Jane Doe, Chair",
    "(Jane Doe, Friends of Mill Park).",
    "Media contact: Jane Doe, 07700 900000",
    "Tel: 07700 900123",
    "jane@example.org.uk",
    "Promoted by A Person on behalf of B Group",
    "Home > News > Item",
    "Share this post on social media",
    "No comments:",
    "Post a Comment",
    "EMBARGOED UNTIL 00:01 3 June 2025",
    "Strictly embargoed for 00.01am Tuesday",
    "LONDON, 3 June 2025 – The council met.",
    "July 26th, Dublin: They met.",
    "About us",
    "About the Friends of Mill Park",
    "1. A numbered note",
    "2) Another",
    "* star",
    "_under_",
    "[link](http://example.org)",
    "<b>bold</b>",
    "&amp; &#169;",
    "    indented code",
    "> quoted",
    "# heading",
    "---",
    "===",
    "`code`",
    "{{< quote q1 >}}",
    "\\*escaped",
    "0) zero",
    "‘Single,’ she added.",
    '" stray spaces . "',
    "Date: 9 April 2026",
    "3 June 2025",
]


@settings(max_examples=300 * SCALE, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(TRICKY_LINES),
            st.text(alphabet="abc XYZ.,:;'\"“”‘’-–()*_#>0123456789", max_size=40),
        ),
        max_size=25,
    ),
    st.lists(st.sampled_from(["\n", "\n\n", " "]), min_size=25, max_size=25),
)
def test_structured_looking_text_loses_no_words(lines, gaps):
    text = "".join(line + gap for line, gap in zip(lines, gaps, strict=False))
    result = import_text(text, {}, today=TODAY, settings=SETTINGS)
    exported = export_for_check(
        result, Library(root=LIBRARY.root, settings=SETTINGS, people=result.people)
    )
    assert lost_words(result, exported) == []
