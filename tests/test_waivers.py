"""Severity per check and waivers: bound to the digest, approvers only, never clearance."""

from __future__ import annotations

import json
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import EARLY_SLUG, SAMPLE_SLUG

from newsroom import checks
from newsroom.actions import submit
from newsroom.audit import verify
from newsroom.bundle import Library
from newsroom.cli import main
from newsroom.errors import BundleError
from newsroom.waivers import valid_waivers, waive, waiver_problems
from newsroom.workflow import BadInput, Refused

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


@pytest.fixture
def lib(library_copy: Path) -> Library:
    return Library.open(library_copy)


def blocking_ids(release, lib: Library) -> set[str]:
    return {r.id for r in checks.blocking(checks.run_checks(release, lib, now=T0))}


def write_checks(root: Path, text: str) -> None:
    path = root / "newsroom.toml"
    path.write_text(path.read_text("utf-8").replace("[checks]\n", "[checks]\n" + text), "utf-8")


# -- severity -----------------------------------------------------------------


def test_defaults_style_warns_protection_blocks() -> None:
    settings = Library(Path(".")).settings
    for style in (
        "headline-length",
        "standfirst-length",
        "width",
        "lead",
        "contact",
        "quotes-used",
    ):
        assert checks.severity(style, settings) == checks.WARNING
    for protects in ("cleared", "imprint", "embargo"):
        assert checks.severity(protects, settings) == checks.ERROR


def test_checks_table_sets_severity_and_off_skips(library_copy: Path) -> None:
    write_checks(library_copy, 'markers = "warning"\ncleared = "off"\nheadline-length = "error"\n')
    lib = Library.open(library_copy)
    release = lib.load(EARLY_SLUG)
    results = checks.run_checks(release, lib, now=T0)
    assert {r.id: r.level for r in results} == {"markers": "warning"}
    release.headline = "x" * 200
    assert blocking_ids(release, lib) == {"headline-length"}


def test_a_bad_severity_names_file_and_key(library_copy: Path) -> None:
    write_checks(library_copy, 'markers = "loud"\n')
    with pytest.raises(BundleError) as caught:
        Library.open(library_copy)
    assert "newsroom.toml" in str(caught.value) and "checks.markers" in str(caught.value)
    assert '"warning"' in str(caught.value)


def test_an_unknown_check_name_in_settings_is_reported(library_copy: Path) -> None:
    write_checks(library_copy, 'headlin = "warning"\n')
    lib = Library.open(library_copy)
    found = [r for r in checks.run_checks(lib.load(SAMPLE_SLUG), lib, now=T0) if r.id == "settings"]
    assert len(found) == 1 and "'headlin'" in found[0].message


def test_old_rules_keys_still_read(library_copy: Path) -> None:
    path = library_copy / "newsroom.toml"
    text = path.read_text("utf-8").replace("[checks]\nheadline_max = 110\n", "")
    text = text.replace("[rules]\n", '[rules]\nheadline_max = 50\nblocking_checks = ["headline"]\n')
    path.write_text(text, "utf-8")
    lib = Library.open(library_copy)
    assert lib.settings.headline_max == 50 and "headline_max" not in lib.settings.rules.extra
    release = lib.load(SAMPLE_SLUG)
    release.headline = "y" * 60
    # "headline" in the old list covers the length rule it used to hold.
    assert blocking_ids(release, lib) == {"headline-length"}


# -- waivers ------------------------------------------------------------------


def test_an_approver_waives_a_blocking_check_and_submission_goes_through(lib: Library) -> None:
    release = lib.load(EARLY_SLUG)
    with pytest.raises(Refused, match="markers"):
        submit(release, lib, "priya-raman", now=T0)
    waiver = waive(release, lib, "markers", "david-osei", "TODO is the show's name", now=T0)
    fresh = Library.open(lib.root)
    again = fresh.load(EARLY_SLUG)
    assert again.waivers == [waiver]
    data = tomllib.loads((lib.root / EARLY_SLUG / "release.toml").read_text("utf-8"))
    assert data["waivers"][0]["check"] == "markers"
    assert data["waivers"][0]["reason"] == "TODO is the show's name"
    event = again.history[-1]
    assert (event.action, event.by, event.note, event.extra["check"]) == (
        "waive",
        "david-osei",
        "TODO is the show's name",
        "markers",
    )
    assert set(valid_waivers(again, fresh)) == {"markers"}
    assert verify(again, fresh) == []
    submit(again, fresh, "priya-raman", now=T0 + timedelta(minutes=1))


def test_a_waiver_is_not_part_of_the_digest_and_goes_stale_on_edit(lib: Library) -> None:
    from newsroom.digest import release_digest

    release = lib.load(EARLY_SLUG)
    before = release_digest(release, lib)
    waive(release, lib, "markers", "david-osei", "fine", now=T0)
    assert release_digest(release, lib) == before
    release.standfirst += " More."
    lib.save(release)
    assert valid_waivers(release, lib) == {}
    (problem,) = waiver_problems(release.waivers[0], release, lib)
    assert problem.kind == "stale"
    assert any("stale" in line for line in verify(release, lib))
    with pytest.raises(Refused, match="markers"):
        submit(release, lib, "priya-raman", now=T0)


def test_clearance_is_never_waivable(lib: Library) -> None:
    release = lib.load(EARLY_SLUG)
    with pytest.raises(Refused, match="cannot be waived"):
        waive(release, lib, "cleared", "david-osei", "they said yes on the phone", now=T0)
    assert release.waivers == []


def test_unknown_check_non_approver_no_reason_and_nothing_to_waive(lib: Library) -> None:
    release = lib.load(EARLY_SLUG)
    with pytest.raises(BadInput, match="no check called 'marker'"):
        waive(release, lib, "marker", "david-osei", "x", now=T0)
    with pytest.raises(Refused, match="amira-okafor may not waive"):
        waive(release, lib, "markers", "amira-okafor", "x", now=T0)
    with pytest.raises(BadInput, match="reason"):
        waive(release, lib, "markers", "david-osei", "  ", now=T0)
    with pytest.raises(Refused, match="nothing to waive"):
        waive(release, lib, "imprint", "david-osei", "x", now=T0)
    assert release.waivers == [] and Library.open(lib.root).load(EARLY_SLUG).waivers == []


def test_a_hand_written_waiver_does_not_count(lib: Library) -> None:
    release = lib.load(EARLY_SLUG)
    waive(release, lib, "markers", "david-osei", "fine", now=T0)
    release.history = [e for e in release.history if e.action != "waive"]
    lib.save(release)
    assert valid_waivers(release, lib) == {}
    assert "markers" in blocking_ids(release, lib)


# -- the command line ---------------------------------------------------------


def run(root: Path, capsys, *args: str) -> tuple[int, str, str]:
    code = main(["--drafts", str(root), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_waive_check_json_verify_and_history(
    library_copy: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NEWSROOM_USER", raising=False)
    code, _, err = run(
        library_copy,
        capsys,
        "waive",
        EARLY_SLUG,
        "markers",
        "--as",
        "amira-okafor",
        "--reason",
        "x",
    )
    assert code == 1 and "may not waive" in err
    code, _, err = run(
        library_copy, capsys, "waive", EARLY_SLUG, "nope", "--as", "david-osei", "--reason", "x"
    )
    assert code == 2 and "no check called 'nope'" in err
    code, _, err = run(
        library_copy, capsys, "waive", EARLY_SLUG, "cleared", "--as", "david-osei", "--reason", "x"
    )
    assert code == 1 and "cannot be waived" in err
    code, out, _ = run(
        library_copy,
        capsys,
        "waive",
        EARLY_SLUG,
        "markers",
        "--as",
        "david-osei",
        "--reason",
        "placeholder approved by the editor",
    )
    assert code == 0 and "markers waived" in out
    code, out, _ = run(library_copy, capsys, "check", EARLY_SLUG, "--json")
    data = json.loads(out)
    markers = next(r for r in data["results"] if r["id"] == "markers")
    assert markers["waived"] is True and markers["blocking"] is False
    (shown,) = data["waivers"]
    assert shown["by"] == "david-osei" and shown["valid"] is True
    assert shown["reason"] == "placeholder approved by the editor"
    # The uncleared quote still blocks: exit 1.
    assert code == 1 and data["ok"] is False
    code, out, _ = run(library_copy, capsys, "check", EARLY_SLUG)
    assert "(waived by david-osei: placeholder approved by the editor)" in out
    code, out, _ = run(library_copy, capsys, "verify", EARLY_SLUG)
    assert code == 0 and "waiver" in out


def test_history_shows_the_waived_check_and_reason(
    library_copy: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NEWSROOM_USER", raising=False)
    run(
        library_copy,
        capsys,
        "waive",
        EARLY_SLUG,
        "markers",
        "--as",
        "david-osei",
        "--reason",
        "kept on purpose",
    )
    code, out, _ = run(library_copy, capsys, "history", EARLY_SLUG)
    assert code == 0 and "waived markers: kept on purpose" in out
