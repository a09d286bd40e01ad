"""newsroom.toml and people.toml keep what a person wrote: every write goes through tomlkit."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsroom.bundle import Library
from newsroom.cli import main
from newsroom.errors import BundleError
from newsroom.model import Person
from newsroom.tomledit import update_settings

COMMENTED_SETTINGS = """\
# Our press office settings. Ask Priya before changing the rules.
schema = 1

[organisation]
name = "Eastfield Residents"   # as on the letterhead
political = false
timezone = "Europe/London"

[rules]
# Only the chair signs off.
approvers = ["priya"]
approvals_required = 1

[export]
width    = 72      # aligned by hand

[checks]
headline_max = 110
# contact = "warning"
"""

COMMENTED_PEOPLE = """\
# Everyone we quote. Keep phone numbers current!
schema = 1

[people.priya]   # the chair
name = "Priya Raman"
role = "Chair"  # since May
email = "priya@example.org"

# Volunteers below.
[people.sam]
name = "Sam Lee"
"""


def library_with(
    tmp_path: Path, settings_text: str = COMMENTED_SETTINGS, people_text: str = COMMENTED_PEOPLE
) -> Path:
    root = tmp_path / "drafts"
    root.mkdir()
    (root / "newsroom.toml").write_text(settings_text, "utf-8")
    (root / "people.toml").write_text(people_text, "utf-8")
    return root


def test_a_settings_edit_changes_one_value_and_nothing_else(tmp_path: Path) -> None:
    root = library_with(tmp_path)
    settings = update_settings(root, [(("organisation", "name"), "Eastfield Residents' Assoc.")])
    assert settings.organisation == "Eastfield Residents' Assoc."
    after = (root / "newsroom.toml").read_text("utf-8")
    assert after == COMMENTED_SETTINGS.replace(
        'name = "Eastfield Residents"', 'name = "Eastfield Residents\' Assoc."'
    )


def test_new_keys_and_tables_are_added_and_removal_restores_the_default(tmp_path: Path) -> None:
    root = library_with(tmp_path)
    update_settings(
        root, [(("checks", "contact"), "error"), (("defaults", "contact", "name"), "Priya Raman")]
    )
    lib = Library.open(root)
    assert lib.settings.check_severity == {"contact": "error"}
    assert lib.settings.default_contact.name == "Priya Raman"
    text = (root / "newsroom.toml").read_text("utf-8")
    assert "# Only the chair signs off." in text and "# aligned by hand" in text
    update_settings(root, [(("checks", "contact"), None)])
    assert Library.open(root).settings.check_severity == {}


def test_a_change_that_would_not_load_is_refused_and_nothing_written(tmp_path: Path) -> None:
    root = library_with(tmp_path)
    before = (root / "newsroom.toml").read_bytes()
    with pytest.raises(BundleError) as caught:
        update_settings(root, [(("export", "width"), 5)])
    assert "export.width" in str(caught.value) and "out of range" in str(caught.value)
    with pytest.raises(BundleError, match="checks.markers"):
        update_settings(root, [(("checks", "markers"), "loud")])
    assert (root / "newsroom.toml").read_bytes() == before


def test_a_broken_file_is_never_overwritten_and_the_error_has_line_and_column(
    tmp_path: Path,
) -> None:
    root = library_with(
        tmp_path, COMMENTED_SETTINGS.replace("political = false", "political = nope")
    )
    before = (root / "newsroom.toml").read_bytes()
    with pytest.raises(BundleError) as caught:
        update_settings(root, [(("organisation", "name"), "X")])
    assert "newsroom.toml:6:" in str(caught.value)
    assert (root / "newsroom.toml").read_bytes() == before


def test_adding_editing_removing_people_keeps_comments(tmp_path: Path) -> None:
    root = library_with(tmp_path)
    lib = Library.open(root)
    lib.people["jo"] = Person(id="jo", name="Jo Bloggs", role="Treasurer")
    assert lib.save_people()
    text = (root / "people.toml").read_text("utf-8")
    assert text.startswith(COMMENTED_PEOPLE)
    assert '[people.jo]\nname = "Jo Bloggs"\nrole = "Treasurer"\n' in text
    lib.people["priya"].role = "Vice Chair"
    del lib.people["sam"]
    assert lib.save_people()
    text = (root / "people.toml").read_text("utf-8")
    assert "# Everyone we quote. Keep phone numbers current!" in text
    assert "[people.priya]   # the chair" in text and 'role = "Vice Chair"' in text
    assert "Sam Lee" not in text
    assert Library.open(root).people["priya"].role == "Vice Chair"


def test_the_first_write_to_an_init_people_file_keeps_its_comments(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "drafts"
    assert main(["--drafts", str(root), "init"]) == 0
    capsys.readouterr()
    written = (root / "people.toml").read_text("utf-8")
    lib = Library.open(root)
    lib.people["jane-doe"] = Person(id="jane-doe", name="Jane Doe", role="Chair")
    lib.save_people()
    after = (root / "people.toml").read_text("utf-8")
    assert after.startswith(written) and "# [people.jane-doe]" in after
    assert tomllib.loads(after)["people"]["jane-doe"]["name"] == "Jane Doe"


# -- property: any sequence of valid settings edits keeps everything else ----------------

TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=30)
EDITS = st.lists(
    st.one_of(
        st.tuples(st.just(("organisation", "name")), TEXT),
        st.tuples(st.just(("organisation", "website")), TEXT),
        st.tuples(st.just(("organisation", "political")), st.booleans()),
        st.tuples(st.just(("defaults", "about")), TEXT | st.just("line one\nline two")),
        st.tuples(st.just(("defaults", "contact", "phone")), TEXT),
        st.tuples(st.just(("rules", "approvals_required")), st.integers(1, 5)),
        st.tuples(st.just(("rules", "approvers")), st.lists(TEXT, max_size=3)),
        st.tuples(st.just(("export", "width")), st.integers(20, 200)),
        st.tuples(st.just(("checks", "headline_max")), st.integers(10, 300)),
        st.tuples(
            st.sampled_from([("checks", "contact"), ("checks", "width"), ("checks", "markers")]),
            st.sampled_from(["error", "warning", "off", None]),
        ),
    ),
    min_size=1,
    max_size=6,
)


def _flatten(data: dict, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], object]:
    flat: dict[tuple[str, ...], object] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, (*prefix, key)))
        else:
            flat[(*prefix, key)] = value
    return flat


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(edits=EDITS)
def test_settings_edits_round_trip_without_losing_anything_else(tmp_path_factory, edits) -> None:
    root = library_with(tmp_path_factory.mktemp("lib"))
    original = _flatten(tomllib.loads(COMMENTED_SETTINGS))
    expected = dict(original)
    for path, value in edits:
        update_settings(root, [(path, value)])
        if value is None:
            expected.pop(path, None)
        else:
            expected[path] = value
    text = (root / "newsroom.toml").read_text("utf-8")
    assert _flatten(tomllib.loads(text)) == expected
    for line in COMMENTED_SETTINGS.splitlines():
        if line.lstrip().startswith("#"):
            assert line in text
    Library.open(root)  # still loads


def test_a_new_key_goes_above_the_comment_that_introduces_the_next_table(
    library_copy: Path,
) -> None:
    path = library_copy / "newsroom.toml"
    before = path.read_text("utf-8")
    assert "headline_max = 110\n\n# This sample" in before
    update_settings(library_copy, [(("checks", "headline-length"), "error")])
    assert path.read_text("utf-8") == before.replace(
        "headline_max = 110\n\n# This sample",
        'headline_max = 110\nheadline-length = "error"\n\n# This sample',
    )
