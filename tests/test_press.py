"""The press list: press.toml read and written (comments kept), the CLI, CSV import,
the migration of [export] press_list, and bad input named with file and line."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsroom import press
from newsroom.cli import main


def run(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--drafts", str(root), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_old_press_list_is_migrated_on_first_write(
    library_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(library_copy, capsys, "press", "list")
    assert code == 0 and "newsdesk@hollinsbury-herald.example.co.uk" in out
    assert not (library_copy / "press.toml").exists()
    before = (library_copy / "newsroom.toml").read_text(encoding="utf-8")
    assert (
        run(
            library_copy,
            capsys,
            "press",
            "add",
            "ed@paper.example.com",
            "--name",
            "Ed",
            "--tag",
            "politics",
        )[0]
        == 0
    )
    data = tomllib.loads((library_copy / "press.toml").read_text(encoding="utf-8"))
    assert [c["email"] for c in data["contact"]] == [
        "newsdesk@hollinsbury-herald.example.co.uk",
        "news@valley-radio.example.co.uk",
        "ed@paper.example.com",
    ]
    after = (library_copy / "newsroom.toml").read_text(encoding="utf-8")
    assert "press_list" in before and "press_list" not in after
    # The rest of newsroom.toml, comments included, is as it was.
    assert "# This sample lives inside newsroom's own source repository" in after


def test_add_remove_list_keep_comments(
    empty_library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (empty_library / "press.toml").write_text(
        "# Our press list. Ask Priya before adding anyone.\nschema = 1\n\n"
        '[[contact]]\n# met at the count\nname = "Ann"\nemail = "ann@herald.example.com"\n'
        'tags = ["council"]\n',
        encoding="utf-8",
    )
    assert (
        run(
            empty_library,
            capsys,
            "press",
            "add",
            "bo@radio.example.com",
            "--name",
            "Bo",
            "--outlet",
            "Radio",
            "--tag",
            "health",
            "--tag",
            "north",
        )[0]
        == 0
    )
    code, _, err = run(empty_library, capsys, "press", "add", "ANN@herald.example.com")
    assert code == 2 and "already on the press list" in err
    text = (empty_library / "press.toml").read_text(encoding="utf-8")
    assert "# Our press list. Ask Priya" in text and "# met at the count" in text
    code, out, _ = run(empty_library, capsys, "press", "list", "--tag", "health", "--json")
    assert [c["email"] for c in json.loads(out)] == ["bo@radio.example.com"]
    assert run(empty_library, capsys, "press", "remove", "bo@radio.example.com")[0] == 0
    loaded = press.load(empty_library)
    assert [c.email for c in loaded.contacts] == ["ann@herald.example.com"]
    assert "# met at the count" in (empty_library / "press.toml").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["Evil\r\nBcc: everyone@example.com", "Line\nbreak"])
def test_header_injection_in_a_name_is_refused(
    empty_library: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    code, _, err = run(empty_library, capsys, "press", "add", "x@example.com", "--name", name)
    assert code == 2 and "line break" in err
    assert not (empty_library / "press.toml").exists()


def test_malformed_address_in_press_toml_named_with_line(
    empty_library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = empty_library / "press.toml"
    path.write_text(
        'schema = 1\n\n[[contact]]\nemail = "ok@example.com"\n\n'
        '[[contact]]\nname = "Bad"\nemail = "not an address"\n',
        encoding="utf-8",
    )
    before = path.read_bytes()
    code, _, err = run(empty_library, capsys, "press", "add", "new@example.com")
    assert code == 2 and f"{path}:6:" in err and "not an address" in err
    assert path.read_bytes() == before
    path.write_text("schema = 1\n[[contact]\n", encoding="utf-8")
    code, _, err = run(empty_library, capsys, "press", "list")
    assert code == 2 and f"{path}:2:" in err


def test_csv_import_maps_columns_reports_rejected_rows_by_line(
    empty_library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "list.csv"
    sheet.write_text(
        "Journalist,E-mail address,Publication,Beats\n"  # line 1
        'Ann Lee,ann@herald.example.com,Herald,"health; council"\n'  # 2
        "Bad Row,not-an-address,Gazette,\n"  # 3
        "Ann Again,ANN@herald.example.com,Herald,\n"  # 4: duplicate
        '"Multi\nLine",cy@tv.example.com,TV,\n'  # 5-6: a name with a line break
        "Di,di@fm.example.com,FM,north\n",  # 7
        encoding="utf-8",
    )
    code, out, err = run(
        empty_library,
        capsys,
        "press",
        "import",
        str(sheet),
        "--map",
        "email=E-mail address",
        "--tag",
        "imported",
    )
    assert code == 1
    assert f"{sheet}:3: rejected" in err and f"{sheet}:4: rejected" in err
    assert "already on the press list" in err and f"{sheet}:6: rejected" in err
    assert "added 2 contacts; rejected 3" in out
    contacts = press.load(empty_library).contacts
    assert [(c.email, c.name, c.outlet, c.tags) for c in contacts] == [
        ("ann@herald.example.com", "Ann Lee", "Herald", ["health", "council", "imported"]),
        ("di@fm.example.com", "Di", "FM", ["north", "imported"]),
    ]
    # Importing the same sheet again adds nobody.
    code, out, _ = run(
        empty_library, capsys, "press", "import", str(sheet), "--map", "email=E-mail address"
    )
    assert "added 0 contacts" in out and len(press.load(empty_library).contacts) == 2


def test_csv_without_an_email_column_is_refused(
    empty_library: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "list.csv"
    sheet.write_text("Who,Where\nAnn,Herald\n", encoding="utf-8")
    code, _, err = run(empty_library, capsys, "press", "import", str(sheet))
    assert code == 2 and f"{sheet}:1:" in err and "--map email=COLUMN" in err


_names = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)


@settings(max_examples=60, deadline=None)
@given(names=st.lists(_names, min_size=1, max_size=5), tags=st.lists(_names, max_size=3))
def test_round_trip_or_refusal(
    tmp_path_factory: pytest.TempPathFactory, names: list[str], tags: list[str]
) -> None:
    """Any name and tags: refused with a reason, or written and read back exactly."""
    root = tmp_path_factory.mktemp("press")
    listing = press.PressList(root / press.PRESS_FILE)
    for number, name in enumerate(names):
        contact = press.Contact(
            email=f"c{number}@example.org",
            name=name.strip(),
            tags=[t.strip() for t in tags if t.strip()],
        )
        if press.contact_problem(contact) is None:
            press.add(listing, contact)
        else:
            with pytest.raises(press.PressError):
                press.add(listing, contact)
    press.save(listing)
    again = press.load(root)
    assert [(c.email, c.name, c.tags) for c in again.contacts] == [
        (c.email, c.name, c.tags) for c in listing.contacts
    ]
