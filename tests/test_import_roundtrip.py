"""Issue 15: export → import → export gives the same text, for the corpus and generated releases."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsroom.bundle import Library
from newsroom.importer import export_for_check, import_text
from newsroom.model import Person, Quote, Release, Settings, reference_line

CORPUS = Path(__file__).parent / "import_corpus"
RELEASES = sorted(CORPUS.glob("*.txt"))
TODAY = date(2026, 11, 25)


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Library:
    root = tmp_path_factory.mktemp("drafts")
    shutil.copy(CORPUS / "people.toml", root / "people.toml")
    shutil.copy(CORPUS / "newsroom.toml", root / "newsroom.toml")
    return Library.open(root)


def _again(text: str, library: Library, people: dict[str, Person]):
    result = import_text(text, people, today=TODAY, settings=library.settings)
    return result, export_for_check(result, library)


@pytest.mark.parametrize("path", RELEASES, ids=lambda p: p.stem)
def test_corpus_export_import_export_is_stable(path: Path, library: Library):
    first, exported = _again(path.read_text("utf-8"), library, dict(library.people))
    second, again = _again(exported, library, dict(first.people))
    assert again == exported
    # The structure survives too, not only the words: speakers, roles, boundaries, captions.
    shape = [(q.speaker, q.role, q.text, q.attribution_after) for q in first.release.quotes]
    assert [
        (q.speaker, q.role, q.text, q.attribution_after) for q in second.release.quotes
    ] == shape
    assert [(c.text, c.credit) for c in second.release.captions] == [
        (c.text, c.credit) for c in first.release.captions
    ]


FIRST = ["Jo", "Sam", "Ann", "Ravi", "Ewa", "Tom"]
LAST = ["Bell", "Okoro", "Lee", "Shah", "Nowak", "Price"]
ROLES = [
    "chair of the Riverside Rail Users' Group",
    "Treasurer of the Ashby Valley Greens",
    "a partner at Hill Street Surgery",
    "",
]
SENTENCES = [
    "The new timetable is welcome.",
    "We will be watching closely.",
    "Riders have waited years for this.",
    "The late train matters to shift workers.",
    "Nobody should be stranded at night.",
]


@st.composite
def releases(draw) -> tuple[Release, dict[str, Person]]:
    count = draw(st.integers(1, 4))
    people: dict[str, Person] = {}
    release = Release(slug="generated", headline="Rail users respond to the timetable")
    body = ["The council published the timetable on Monday."]
    for number in range(1, count + 1):
        index = draw(st.integers(0, len(FIRST) - 1))
        person_id = f"{FIRST[index]}-{LAST[index]}".lower()
        honorific = draw(st.sampled_from(["", "", "Dr", "Cllr"]))
        role = draw(st.sampled_from(ROLES))
        people.setdefault(
            person_id, Person(person_id, f"{FIRST[index]} {LAST[index]}", role, honorific=honorific)
        )
        person = people[person_id]
        paragraphs = draw(st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=3))
        quote = Quote(
            id=f"q{number}", speaker=person_id, role=person.role, text="\n\n".join(paragraphs)
        )
        shape = draw(st.sampled_from(["intro", "after", "middle", "dash"]))
        who = f"{person.honorific + ' ' if person.honorific else ''}{{name}}"
        who_role = f"{who}, {{role}}" if person.role else who
        if shape == "intro":
            quote.intro = f"{who_role} said:"
        elif shape == "after":
            quote.text = quote.text[:-1] + ","
            quote.attribution = f"said {who_role}."
        elif shape == "middle" and len(paragraphs) > 1:
            first = paragraphs[0][:-1] + ","
            quote.text = "\n\n".join([first, *paragraphs[1:]])
            quote.attribution = f"said {who_role}."
            quote.attribution_after = 1
        else:
            quote.attribution = f"– {who_role}"
        release.quotes.append(quote)
        body.append(reference_line("quote", quote.id))
        # Prose between quotes: an unattributed run never continues another speaker.
        body.append("The group meets again in the spring.")
    release.body = "\n\n".join(body) + "\n"
    return release, people


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(releases())
def test_generated_release_export_import_export_is_stable(generated):
    release, people = generated
    library = Library(root=Path("/nonexistent"), settings=Settings(), people=people)
    from newsroom.export import export_text

    exported = export_text(release, library)
    result, again = _again(exported, library, {})
    assert again == exported
    # Every quote comes back with its speaker, words and where its attribution sits.
    assert [
        (result.people[q.speaker].name, q.text, q.attribution_after) for q in result.release.quotes
    ] == [(people[q.speaker].name, q.text, q.attribution_after) for q in release.quotes]
