"""Sign-off rules: approvals and clearances bound to content, derived status, the gate."""

from __future__ import annotations

import hashlib
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import SAMPLE_SLUG, snapshot_tree

from newsroom import audit, signoff
from newsroom.actions import (
    approve,
    clear,
    publication_refusal,
    record_publication,
    request_changes,
    spike,
    submit,
)
from newsroom.audit import verify
from newsroom.bundle import Library
from newsroom.digest import (
    SNAPSHOT_DIR,
    document_from_payload,
    quote_digest,
    read_snapshot,
    release_digest,
    snapshot_path,
    write_snapshot,
)
from newsroom.model import Approval, Event
from newsroom.signoff import status, valid_approvals
from newsroom.workflow import (
    APPROVED,
    DRAFT,
    IN_REVIEW,
    PUBLISHED,
    SPIKED,
    STALE,
    BadInput,
    Refused,
)

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def tick(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


@pytest.fixture
def lib(library_copy: Path) -> Library:
    return Library.open(library_copy)


def reload(lib: Library, slug: str = SAMPLE_SLUG):
    fresh = Library.open(lib.root)
    return fresh, fresh.load(slug)


def set_rule(root: Path, line: str, value: str) -> None:
    """Replace ``line = …`` in [rules] of newsroom.toml."""
    path = root / "newsroom.toml"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines = [f"{line} = {value}" if row.startswith(f"{line} =") else row for row in lines]
    if not any(row.startswith(f"{line} =") for row in lines):
        index = lines.index("[rules]")
        lines.insert(index + 1, f"{line} = {value}")
    path.write_text("\n".join(lines), encoding="utf-8")


def clear_all(lib: Library, release) -> None:
    clear(release, lib, "okafor", "amira-okafor", via="phone", now=tick(1))
    clear(release, lib, "whitfield", "tom-whitfield", via="email", now=tick(2))


# ---------------------------------------------------------------------------
# Status


def test_a_fresh_release_is_a_draft_and_submission_puts_it_in_review(lib: Library) -> None:
    release = lib.load(SAMPLE_SLUG)
    assert status(release, lib) == DRAFT
    event = submit(release, lib, "priya-raman", now=tick(0))
    assert event.digest == release_digest(release, lib)
    lib2, again = reload(lib)
    assert status(again, lib2) == IN_REVIEW
    assert [e.action for e in again.history][-1:] == ["submit"]


def test_approval_then_any_edit_makes_it_stale_and_reapproval_restores(lib: Library) -> None:
    release = lib.load(SAMPLE_SLUG)
    clear_all(lib, release)
    approve(release, lib, "david-osei", now=tick(3))
    assert status(release, lib) == APPROVED
    release.headline += "!"
    lib.save(release)
    lib2, edited = reload(lib)
    assert status(edited, lib2) == STALE
    assert valid_approvals(edited, lib2) == []
    approve(edited, lib2, "priya-raman", now=tick(4))
    assert status(edited, lib2) == APPROVED
    # The stale approval was retired from the list; the history keeps both.
    assert [a.by for a in edited.approvals] == ["priya-raman"]
    assert [e.action for e in edited.history].count("approve") == 2


def test_status_written_by_hand_has_no_effect(lib: Library) -> None:
    path = lib.root / SAMPLE_SLUG / "release.toml"
    path.write_text('status = "approved"\n' + path.read_text(encoding="utf-8"), encoding="utf-8")
    lib2, release = reload(lib)
    assert status(release, lib2) == DRAFT
    assert publication_refusal(release, lib2) is not None
    release.internal_notes += " edited"
    lib2.save(release)
    assert "status" not in path.read_text(encoding="utf-8").split("[dateline]")[0]


def test_hand_written_approval_does_not_count(lib: Library) -> None:
    """An approval with the right digest but no history entry was not given here."""
    release = lib.load(SAMPLE_SLUG)
    clear_all(lib, release)
    release.approvals.append(Approval(by="david-osei", at=T0, digest=release_digest(release, lib)))
    lib.save(release)
    lib2, again = reload(lib)
    assert status(again, lib2) == STALE
    assert any("edited by hand" in line for line in verify(again, lib2))


def test_same_approver_twice_counts_once(lib: Library) -> None:
    set_rule(lib.root, "approvals_required", "2")
    lib = Library.open(lib.root)
    release = lib.load(SAMPLE_SLUG)
    clear_all(lib, release)
    assert approve(release, lib, "david-osei", now=tick(3)) is not None
    assert approve(release, lib, "david-osei", now=tick(4)) is None  # nothing new recorded
    # Even duplicated by hand (with its history line), the person counts once.
    release.approvals.append(release.approvals[0])
    assert len(valid_approvals(release, lib)) == 1
    assert status(release, lib) != APPROVED
    approve(release, lib, "priya-raman", now=tick(5))
    assert status(release, lib) == APPROVED


def test_non_approver_is_refused_and_nothing_changes(lib: Library) -> None:
    release = lib.load(SAMPLE_SLUG)
    clear_all(lib, release)
    before = snapshot_tree(lib.root)
    with pytest.raises(Refused, match="priya-raman, david-osei or anyone whose role is Branch"):
        approve(release, lib, "tom-whitfield", now=tick(3))
    assert snapshot_tree(lib.root) == before
    assert release.approvals == []


def test_approver_by_role_may_approve(lib: Library) -> None:
    set_rule(lib.root, "approvers", "[]")
    lib = Library.open(lib.root)
    assert signoff.may_approve("david-osei", lib)  # role "Branch Chair"
    assert not signoff.may_approve("priya-raman", lib)


def test_approver_removed_from_rules_no_longer_counts(lib: Library) -> None:
    release = lib.load(SAMPLE_SLUG)
    clear_all(lib, release)
    approve(release, lib, "priya-raman", now=tick(3))
    set_rule(lib.root, "approvers", '["david-osei"]')
    lib2, again = reload(lib)
    assert status(again, lib2) == STALE
    assert any("priya-raman is not an approver" in line for line in verify(again, lib2))


def test_approval_refused_while_quotes_uncleared(lib: Library) -> None:
    release = lib.load(SAMPLE_SLUG)  # the sample has whitfield cleared, okafor not
    with pytest.raises(Refused, match="okafor"):
        approve(release, lib, "david-osei", now=tick(3))
    # With the clearance check not blocking, the rule itself still refuses.
    lib.settings.rules.blocking_checks = ["headline"]
    with pytest.raises(Refused, match="quotes not cleared by their speakers: okafor"):
        approve(release, lib, "david-osei", now=tick(3))
    lib.settings.rules.require_clearance = False
    assert approve(release, lib, "david-osei", now=tick(3)) is not None


def test_approval_refused_when_blocking_checks_fail_and_names_them(lib: Library) -> None:
    release = lib.load(SAMPLE_SLUG)
    clear_all(lib, release)
    release.headline = "TODO " + "x" * 120
    with pytest.raises(Refused) as caught:
        approve(release, lib, "david-osei", now=tick(3))
    assert "headline" in str(caught.value) and "markers" in str(caught.value)


def test_blocking_checks_list_limits_what_blocks(lib: Library) -> None:
    set_rule(lib.root, "blocking_checks", '["headline"]')
    set_rule(lib.root, "require_clearance", "false")
    lib = Library.open(lib.root)
    release = lib.load("2026-11-20-bus-route-consultation")  # has a TODO marker
    approve(release, lib, "david-osei", now=tick(3))
    assert status(release, lib) == APPROVED


def test_submission_refused_on_blocking_check_but_not_for_clearance(lib: Library) -> None:
    release = lib.load("2026-11-20-bus-route-consultation")
    with pytest.raises(Refused, match="markers"):
        submit(release, lib, "priya-raman", now=tick(0))
    release.body = release.body.replace(
        "TODO: add passenger figures from the Bus Users' Group.", "Figures follow."
    )
    submit(release, lib, "priya-raman", now=tick(0))  # quote uncleared: still submittable
    assert status(release, lib) == IN_REVIEW


# ---------------------------------------------------------------------------
# Clearance


def test_clearance_only_by_the_speaker(lib: Library) -> None:
    release = lib.load(SAMPLE_SLUG)
    before = snapshot_tree(lib.root)
    with pytest.raises(Refused, match="only the speaker, amira-okafor"):
        clear(release, lib, "okafor", "tom-whitfield", now=tick(1))
    with pytest.raises(Refused):
        clear(release, lib, "okafor", "david-osei", now=tick(1))
    assert snapshot_tree(lib.root) == before
    with pytest.raises(BadInput):
        clear(release, lib, "nobody", "amira-okafor", now=tick(1))


def test_clearance_goes_stale_when_wording_or_attribution_changes(lib: Library) -> None:
    release = lib.load(SAMPLE_SLUG)
    quote = release.quote("okafor")
    quote.intro = "{name} said:"  # so the role appears only as the role
    clear(release, lib, "okafor", "amira-okafor", now=tick(1))
    assert signoff.clearance_state(release, quote, lib) == "cleared"
    release.headline += " (updated)"  # not the quote: clearance holds
    assert signoff.clearance_state(release, quote, lib) == "cleared"
    original = quote.role
    quote.role = "Chair of Hollinsbury Progressives"
    assert signoff.clearance_state(release, quote, lib) == "stale"
    quote.role = original
    assert signoff.clearance_state(release, quote, lib) == "cleared"
    quote.text = quote.text.replace("twenty", "thirty")
    assert signoff.clearance_state(release, quote, lib) == "stale"
    lib.save(release)
    assert any("okafor" in line and "stale" in line for line in verify(*reversed(reload(lib))))


def test_a_clearance_removed_by_hand_unapproves_the_release(lib: Library) -> None:
    release = lib.load(SAMPLE_SLUG)
    clear_all(lib, release)
    approve(release, lib, "david-osei", now=tick(3))
    release.clearances = [c for c in release.clearances if c.quote != "okafor"]
    lib.save(release)
    lib2, again = reload(lib)
    assert status(again, lib2) == DRAFT  # never submitted; approval alone is not enough
    assert "not cleared: okafor" in publication_refusal(again, lib2)
    lib2.settings.rules.require_clearance = False
    assert status(again, lib2) == APPROVED


def test_clearing_the_new_wording_retires_the_stale_clearance(lib: Library) -> None:
    release = lib.load(SAMPLE_SLUG)
    clear_all(lib, release)
    assert clear(release, lib, "okafor", "amira-okafor", now=tick(3)) is None  # no change
    release.quote("okafor").text += " We will be there."
    clear(release, lib, "okafor", "amira-okafor", now=tick(4))
    assert [c.at for c in release.clearances if c.quote == "okafor"] == [tick(4)]
    assert verify(release, lib) == []
    assert [e.action for e in release.history].count("clear") == 3  # history keeps all


def test_clearance_recorded_in_history_with_quote_digest(lib: Library) -> None:
    release = lib.load(SAMPLE_SLUG)
    clear(
        release,
        lib,
        "okafor",
        "amira-okafor",
        via="email",
        note="by reply",
        recorded_by="priya-raman",
        now=tick(1),
    )
    lib2, again = reload(lib)
    (clearance,) = [c for c in again.clearances if c.quote == "okafor"]
    assert clearance.digest == quote_digest(again.quote("okafor"), lib2.people)
    event = again.history[-1]
    assert (event.action, event.by, event.digest) == ("clear", "amira-okafor", clearance.digest)
    assert event.extra == {"quote": "okafor", "via": "email", "recorded_by": "priya-raman"}


def test_clearance_by_someone_else_written_by_hand_fails_verify(lib: Library) -> None:
    release = lib.load(SAMPLE_SLUG)
    clear(release, lib, "okafor", "amira-okafor", now=tick(1))
    release.clearances[-1].by = "tom-whitfield"
    lib.save(release)
    lib2, again = reload(lib)
    assert signoff.clearance_state(again, again.quote("okafor"), lib2) == "not cleared"
    assert any("only the speaker" in line for line in verify(again, lib2))


# ---------------------------------------------------------------------------
# Verify


def test_verify_is_clean_after_real_sign_off(lib: Library) -> None:
    release = lib.load(SAMPLE_SLUG)
    clear_all(lib, release)
    approve(release, lib, "david-osei", now=tick(3))
    lib2, again = reload(lib)
    assert verify(again, lib2) == []


def test_hand_edited_digest_fails_verify(lib: Library) -> None:
    release = lib.load(SAMPLE_SLUG)
    clear_all(lib, release)
    approve(release, lib, "david-osei", now=tick(3))
    # Someone edits the text, then edits the approval's digest to match.
    release.headline += " today"
    release.approvals[0].digest = release_digest(release, lib)
    lib.save(release)
    lib2, again = reload(lib)
    problems = verify(again, lib2)
    assert any("digest edited by hand" in line for line in problems)
    assert status(again, lib2) != APPROVED


def test_malformed_digest_fails_verify(lib: Library) -> None:
    release = lib.load(SAMPLE_SLUG)
    clear_all(lib, release)
    approve(release, lib, "david-osei", now=tick(3))
    release.approvals[0].digest = "sha256:beef"
    lib.save(release)
    assert any("not a sha256 digest" in line for line in verify(*reversed(reload(lib))))


def test_missing_snapshot_is_reported(lib: Library) -> None:
    release = lib.load(SAMPLE_SLUG)
    clear_all(lib, release)
    approve(release, lib, "david-osei", now=tick(3))
    shutil.rmtree(lib.root / SAMPLE_SLUG / SNAPSHOT_DIR)
    assert any("matches no snapshot" in line for line in verify(release, lib))


def test_snapshot_is_the_exact_hashed_bytes(lib: Library) -> None:
    release = lib.load(SAMPLE_SLUG)
    digest = submit(release, lib, "priya-raman", now=tick(0)).digest
    path = snapshot_path(lib, SAMPLE_SLUG, digest)
    assert "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest() == digest
    # A tampered snapshot is not trusted.
    path.write_bytes(path.read_bytes().replace(b"Lido", b"Pool"))
    assert read_snapshot(lib, SAMPLE_SLUG, digest) is None


# ---------------------------------------------------------------------------
# Request changes, spike


def test_request_changes_blocks_approval_of_that_content(lib: Library) -> None:
    release = lib.load(SAMPLE_SLUG)
    clear_all(lib, release)
    approve(release, lib, "david-osei", now=tick(3))
    with pytest.raises(Refused, match="may not request changes"):
        request_changes(release, lib, "tom-whitfield", "no", now=tick(4))
    with pytest.raises(BadInput):
        request_changes(release, lib, "priya-raman", "  ", now=tick(4))
    request_changes(release, lib, "priya-raman", "Check the 4,200 figure", now=tick(4))
    assert status(release, lib) == DRAFT
    assert publication_refusal(release, lib) is not None
    approve(release, lib, "priya-raman", now=tick(5))  # approving the same words lifts it
    assert status(release, lib) == APPROVED


def test_spike_and_unspike(lib: Library) -> None:
    release = lib.load(SAMPLE_SLUG)
    clear_all(lib, release)
    approve(release, lib, "david-osei", now=tick(3))
    with pytest.raises(BadInput):
        spike(release, lib, "priya-raman", "", now=tick(4))
    spike(release, lib, "priya-raman", "Council vote postponed", now=tick(4))
    lib2, again = reload(lib)
    assert status(again, lib2) == SPIKED
    assert "spiked" in publication_refusal(again, lib2)
    with pytest.raises(Refused):
        approve(again, lib2, "priya-raman", now=tick(5))
    spike(again, lib2, "priya-raman", undo=True, now=tick(6))
    assert status(again, lib2) == APPROVED


# ---------------------------------------------------------------------------
# Publication


def test_publication_records_digest_once_per_format(lib: Library) -> None:
    release = lib.load(SAMPLE_SLUG)
    assert "not approved" in publication_refusal(release, lib)
    clear_all(lib, release)
    approve(release, lib, "david-osei", now=tick(3))
    assert publication_refusal(release, lib) is None
    assert record_publication(release, lib, "priya-raman", "text", now=tick(4))
    assert not record_publication(release, lib, "priya-raman", "text", now=tick(5))
    lib2, again = reload(lib)
    assert status(again, lib2) == PUBLISHED
    published = [e for e in again.history if e.action == "publish"]
    assert len(published) == 1 and published[0].digest == release_digest(again, lib2)
    again.standfirst += " More."
    assert status(again, lib2) == STALE


# ---------------------------------------------------------------------------
# Diff


def test_diff_since_last_approval_survives_a_clone(lib: Library, tmp_path: Path) -> None:
    release = lib.load(SAMPLE_SLUG)
    clear_all(lib, release)
    approve(release, lib, "david-osei", now=tick(3))
    release.quote("okafor").text = release.quote("okafor").text.replace("twenty", "thirty")
    lib.save(release)
    clone = tmp_path / "clone"
    shutil.copytree(lib.root, clone)
    lib2 = Library.open(clone)
    base, text = audit.diff(lib2.load(SAMPLE_SLUG), lib2)
    assert base.label.startswith("approved by david-osei")
    removed = [line for line in text.splitlines() if line.startswith("-") and "twenty" in line]
    added = [line for line in text.splitlines() if line.startswith("+") and "thirty" in line]
    assert removed and added


def test_diff_falls_back_to_submission_and_is_empty_when_unchanged(lib: Library) -> None:
    release = lib.load(SAMPLE_SLUG)
    with pytest.raises(Refused):
        audit.diff(release, lib)
    submit(release, lib, "priya-raman", now=tick(0))
    base, text = audit.diff(release, lib)
    assert base.label.startswith("submitted by priya-raman") and text == ""


def test_document_from_snapshot_renders_like_the_release(lib: Library) -> None:
    from newsroom.export import export_text
    from newsroom.export.text import TextOptions, render_text

    release = lib.load(SAMPLE_SLUG)
    digest = write_snapshot(release, lib)
    payload = read_snapshot(lib, SAMPLE_SLUG, digest)
    rebuilt = document_from_payload(payload, SAMPLE_SLUG)
    options = TextOptions(width=60)
    assert render_text(rebuilt, options) == export_text(release, lib, options)


def test_history_event_fields_round_trip(lib: Library) -> None:
    release = lib.load(SAMPLE_SLUG)
    submit(release, lib, "priya-raman", note="first go", now=tick(0))
    lib2, again = reload(lib)
    assert again.history[-1:] == [
        Event(
            at=tick(0),
            action="submit",
            by="priya-raman",
            digest=release_digest(again, lib2),
            note="first go",
        )
    ]
