"""Each check catches what it is for, and only that."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import EARLY_SLUG, SAMPLE_SLUG

from newsroom import checks
from newsroom.actions import clear
from newsroom.bundle import Library
from newsroom.checks import ERROR, WARNING, Finding, blocking, run_checks
from newsroom.model import Quote

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture
def lib(library_copy: Path) -> Library:
    return Library.open(library_copy)


@pytest.fixture
def lido(lib: Library):
    """The sample release with both quotes cleared: it passes every check."""
    release = lib.load(SAMPLE_SLUG)
    clear(release, lib, "okafor", "amira-okafor", now=NOW)
    clear(release, lib, "whitfield", "tom-whitfield", now=NOW)
    return release


def found(release, lib, check_id: str | None = None) -> list[checks.Result]:
    results = run_checks(release, lib, now=NOW)
    return [r for r in results if check_id is None or r.id == check_id]


def test_the_cleared_sample_passes_every_check(lib: Library, lido) -> None:
    assert found(lido, lib) == []


def test_the_early_draft_fails_on_its_todo_and_uncleared_quote(lib: Library) -> None:
    release = lib.load(EARLY_SLUG)
    results = found(release, lib)
    assert {(r.id, r.where) for r in results} == {
        ("markers", "body.md line 3"),
        ("cleared", "quotes[marsh]"),
    }
    assert all(r.level == ERROR for r in results)


def test_headline_missing_or_too_long(lib: Library, lido) -> None:
    lido.headline = "  "
    assert [r.message for r in found(lido, lib, "headline")] == ["no headline"]
    lib.settings.headline_max = 40
    lido.headline = "x" * 41
    assert found(lido, lib, "headline") == []
    (result,) = found(lido, lib, "headline-length")
    assert "41 characters; the limit is 40" in result.message and result.where == "headline"
    # A style rule: it warns by default and blocks nothing.
    assert result.level == WARNING and blocking([result]) == []
    lido.headline = "x" * 40
    assert found(lido, lib, "headline-length") == []


def test_lead_paragraph(lib: Library, lido) -> None:
    lido.body = "{{< quote okafor >}}\n\nLater prose.\n\n{{< quote whitfield >}}\n"
    (result,) = found(lido, lib, "lead")
    assert "opens with a quote" in result.message
    lido.body = "{{< caption gates >}}\n\nThe lead.\n{{< quote okafor >}}\n"
    assert found(lido, lib, "lead") == []
    lido.body = ""
    assert "no prose" in found(lido, lib, "lead")[0].message


def test_references_and_unused_quotes(lib: Library, lido) -> None:
    lido.body = lido.body.replace("{{< quote whitfield >}}", "{{< quote whitfeld >}}")
    refs = found(lido, lib, "references")
    assert [r.where for r in refs] == ["body.md line 11"] and "whitfeld" in refs[0].message
    unused = found(lido, lib, "quotes-used")
    assert [r.where for r in unused] == ["quotes[whitfield]"]


def test_every_quote_needs_a_speaker_with_a_role(lib: Library, lido) -> None:
    lido.quotes.append(Quote(id="extra", speaker="", role="", text="Words."))
    lido.body += "\n{{< quote extra >}}\n"
    wheres = {r.where for r in found(lido, lib, "attribution")}
    assert wheres == {"quotes[extra].speaker", "quotes[extra].role"}


def test_clearance_check_follows_the_rule(lib: Library, lido) -> None:
    lido.quote("okafor").text += " Extra."
    (result,) = found(lido, lib, "cleared")
    assert "stale" in result.message and result.where == "quotes[okafor]"
    lib.settings.rules.require_clearance = False
    assert found(lido, lib, "cleared") == []


def test_contact(lib: Library, lido) -> None:
    lido.contact.phone = lido.contact.email = ""
    (result,) = found(lido, lib, "contact")
    assert result.level == WARNING
    lido.contact.name = ""
    (result,) = found(lido, lib, "contact")
    # Not a dead end: a missing contact warns (docs/signoff.md, checks).
    assert result.level == WARNING and result.message == "no media contact"


def test_imprint_only_when_political(lib: Library, lido) -> None:
    lido.imprint = ""
    assert [r.where for r in found(lido, lib, "imprint")] == ["imprint"]
    lib.settings.political = False
    assert found(lido, lib, "imprint") == []


def test_embargo_zone_known_and_past_said(lib: Library, lido) -> None:
    lido.embargo.until = NOW + timedelta(days=1)
    assert found(lido, lib, "embargo") == []
    lido.embargo.until = NOW - timedelta(minutes=1)
    (result,) = found(lido, lib, "embargo")
    assert result.level == WARNING and "already passed" in result.message
    lido.embargo.until = datetime(2026, 12, 1, 0, 1)  # no offset: local time in the zone
    (result,) = found(lido, lib, "embargo")
    assert result.level == WARNING and result.where == "embargo.until"
    assert "Europe/London time, 00:01 GMT, Tuesday 1 December 2026" in result.message
    lido.embargo.until = NOW + timedelta(days=1)
    lido.embargo.timezone = "Europe/Hollinsbury"
    assert [r.where for r in found(lido, lib, "embargo")] == ["embargo.timezone"]


def test_leftover_markers_in_published_fields_only(lib: Library, lido) -> None:
    lido.standfirst += " TK"
    lido.quote("whitfield").text += " XXX"
    lido.notes_to_editors[1] += " (TODO: check)"
    lido.internal_notes = "TODO: not published, never flagged"
    lido.body += "\nXXL tracksuits, TKO, todo lists and MAXXED are fine.\n"
    wheres = sorted(r.where for r in found(lido, lib, "markers"))
    assert wheres == ["notes_to_editors[1]", "quotes[whitfield].text", "standfirst"]
    lido.body += "\nFigures: XX people\n"
    assert "body.md line 20" in {r.where for r in found(lido, lib, "markers")}


def test_no_export_line_longer_than_the_width(lib: Library, lido) -> None:
    assert found(lido, lib, "width") == []
    lido.body = lido.body.replace("at:", "at: https://example.org/" + "a" * 80 + " today:")
    (result,) = found(lido, lib, "width")
    assert result.where.startswith("export line") and "width 72" in result.message
    lib.settings.width = 120
    assert found(lido, lib, "width") == []


def test_blocking_rules(lib: Library) -> None:
    release = lib.load(EARLY_SLUG)
    results = found(release, lib)
    rules = lib.settings.rules
    assert {r.id for r in blocking(results, rules)} == {"markers", "cleared"}
    # The older [rules] blocking_checks list still decides where [checks] is silent.
    rules.blocking_checks = ["headline"]
    assert blocking(found(release, lib)) == []
    rules.blocking_checks = ["markers"]
    assert [r.id for r in blocking(found(release, lib))] == ["markers"]
    lib.settings.check_severity["markers"] = "warning"
    assert blocking(found(release, lib)) == []


def test_adding_a_check_is_one_function(lib: Library, lido) -> None:
    @checks.check("test-standfirst-short", WARNING, "standfirst under 10 words")
    def _short(ctx):
        if len(ctx.release.standfirst.split()) >= 10:
            yield Finding("the standfirst is long", "standfirst")

    try:
        (result,) = found(lido, lib, "test-standfirst-short")
        assert (result.level, result.where) == (WARNING, "standfirst")
        with pytest.raises(ValueError):
            checks.check("test-standfirst-short", ERROR, "again")(_short)
    finally:
        del checks.CHECKS["test-standfirst-short"]


def test_the_issue_s_checks_are_all_registered() -> None:
    assert {
        "headline",
        "lead",
        "references",
        "quotes-used",
        "attribution",
        "cleared",
        "contact",
        "imprint",
        "embargo",
        "markers",
        "width",
    } <= set(checks.CHECKS)


def test_a_naive_embargo_is_one_story(lib: Library, lido) -> None:
    """Check, export and digest all read an embargo with no offset as local
    time in the library's zone (issue 21)."""
    from newsroom.digest import canonical_payload
    from newsroom.export import render
    from newsroom.export.document import build_document

    lido.embargo.timezone = ""
    lido.embargo.until = datetime(2026, 6, 2, 0, 1)  # BST: 23:01 UTC the day before
    assert all(r.level == WARNING for r in found(lido, lib, "embargo"))
    text = render(lido, lib, "text", draft=True)
    assert "EMBARGOED UNTIL 00:01 BST, Tuesday 2 June 2026" in text
    payload = canonical_payload(build_document(lido, lib.settings, lib.people))
    assert payload["embargo"] == {"until": "2026-06-01T23:01:00+00:00", "zone": "Europe/London"}
