"""newsroom over real git: a bare repository as the shared remote and two
clones as two volunteers, all inside ``tmp_path``.

HOME points into ``tmp_path`` and the system config is off, so nothing of the
machine's own git set-up is used; each clone has its own user.name/email.
"""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import DRAFTS, EARLY_SLUG, SAMPLE_SLUG, snapshot_tree
from hypothesis import given, settings
from hypothesis import strategies as st

from newsroom import actions, signoff, tomlmerge, workflow
from newsroom.bundle import Library
from newsroom.cli import main
from newsroom.digest import release_digest
from newsroom.git.commits import record_action, record_save
from newsroom.git.conflicts import rebase_in_progress
from newsroom.git.history import release_history
from newsroom.git.repo import find_repo, git_settings
from newsroom.git.run import GitError

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


def git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=check, capture_output=True, text=True, encoding="utf-8"
    )


@pytest.fixture(autouse=True)
def isolated_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in (
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_AUTHOR_NAME",
        "GIT_AUTHOR_EMAIL",
        "GIT_COMMITTER_NAME",
        "GIT_COMMITTER_EMAIL",
        "GIT_CONFIG_GLOBAL",
        "NEWSROOM_USER",
        "NEWSROOM_DRAFTS",
        "EMAIL",
    ):
        monkeypatch.delenv(name, raising=False)
    git(home, "config", "--global", "init.defaultBranch", "main")
    # No identity unless a clone sets one: a commit without it must fail loudly.
    git(home, "config", "--global", "user.useConfigOnly", "true")
    return home


class Volunteer:
    """One clone of the shared library, with its own git identity."""

    def __init__(self, root: Path, name: str, email: str) -> None:
        self.root = root
        self.drafts = root / "drafts"
        git(root, "config", "user.name", name)
        git(root, "config", "user.email", email)

    def library(self) -> Library:
        return Library.open(self.drafts)

    def newsroom(self, *args: str, capsys: pytest.CaptureFixture[str] | None = None) -> int:
        return main(["--drafts", str(self.drafts), *args])

    def log(self, *args: str) -> str:
        return git(self.root, "log", *args).stdout

    def status(self) -> str:
        return git(self.root, "status", "--porcelain").stdout


@pytest.fixture
def office(tmp_path: Path) -> tuple[Path, Volunteer, Volunteer]:
    """The shared remote, Amira's clone holding the sample library, and David's clone."""
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "--quiet", "--bare", str(remote))
    git(tmp_path, "clone", "--quiet", str(remote), "amira")
    amira = Volunteer(
        tmp_path / "amira", "Amira Okafor", "amira.okafor@hollinsbury-progressives.example.org.uk"
    )
    copy_sample(amira.drafts)
    git(amira.root, "add", "drafts")
    git(amira.root, "commit", "--quiet", "-m", "Sample library")
    assert main(["--drafts", str(amira.drafts), "sync"]) == 0
    git(tmp_path, "clone", "--quiet", str(remote), "david")
    david = Volunteer(
        tmp_path / "david", "David Osei", "david.osei@hollinsbury-progressives.example.org.uk"
    )
    return remote, amira, david


def copy_sample(target: Path) -> None:
    """The sample library as it stands, with git turned back on.

    The sample opts out of git (it lives inside newsroom's own repository);
    its bundles start without sign-offs so every test begins from a draft.
    """
    shutil.copytree(
        DRAFTS,
        target,
        ignore=shutil.ignore_patterns(
            ".newsroom", ".*.tmp", ".*.new", ".snapshots", ".lock", ".saving"
        ),
    )
    settings = target / "newsroom.toml"
    text = settings.read_text(encoding="utf-8")
    assert "[git]\nenabled = false\n" in text
    settings.write_text(text.replace("[git]\nenabled = false\n", ""), encoding="utf-8")
    library = Library.open(target)
    for slug in library.slugs():
        release = library.load(slug)
        release.approvals, release.clearances, release.history = [], [], []
        library.save(release)


def _trailers(volunteer: Volunteer, rev: str = "HEAD") -> dict[str, str]:
    out = git(volunteer.root, "log", "-1", "--format=%(trailers:only,unfold)", rev).stdout
    return dict(line.split(": ", 1) for line in out.splitlines() if ": " in line)


def submit_and_clear(volunteer: Volunteer, slug: str = SAMPLE_SLUG) -> str:
    library = volunteer.library()
    release = library.load(slug)
    event = actions.submit(release, library, "amira-okafor", now=NOW)
    assert record_action(library, slug, "submit", event.digest)
    for quote in release.quotes:
        assert actions.clear(release, library, quote.id, quote.speaker, now=NOW)
        assert record_action(
            library,
            slug,
            "clear",
            release_digest(release, library),
            message=f"Quote {quote.id} cleared by {quote.speaker}.",
        )
    return event.digest


def approve(
    volunteer: Volunteer, by: str = "david-osei", slug: str = SAMPLE_SLUG, at: datetime = NOW
) -> str:
    library = volunteer.library()
    release = library.load(slug)
    approval = actions.approve(release, library, by, now=at)
    assert approval is not None
    record_action(library, slug, "approve", approval.digest, approved_by=by)
    return approval.digest


def edit(volunteer: Volunteer, slug: str, **fields: str) -> None:
    library = volunteer.library()
    release = library.load(slug)
    for name, value in fields.items():
        setattr(release, name, value)
    library.save(release)


# ---------------------------------------------------------------------------
# Detection


def test_outside_a_work_tree_nothing_mentions_git(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    library_copy = tmp_path / "drafts"
    copy_sample(library_copy)
    library = Library.open(library_copy)
    assert git_settings(library).enabled
    assert find_repo(library) is None
    release = library.load(SAMPLE_SLUG)
    assert record_action(library, SAMPLE_SLUG, "submit", "sha256:x") is None
    for args in (
        ["list"],
        ["show", SAMPLE_SLUG],
        ["history", SAMPLE_SLUG],
        ["history", SAMPLE_SLUG, "--json"],
    ):
        assert main(["--drafts", str(library_copy), *args]) == 0
    actions.submit(release, library, "amira-okafor", now=NOW)
    assert main(["--drafts", str(library_copy), "history", SAMPLE_SLUG]) == 0
    out, err = capsys.readouterr()
    assert "submit" in out
    assert "git" not in (out + err).lower().replace("digital", "")
    assert "commit" not in (out + err).lower()
    assert not (library_copy / ".git").exists()


def test_without_git_on_path_features_are_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    library_copy = tmp_path / "drafts"
    copy_sample(library_copy)
    git(library_copy, "init", "--quiet")
    assert find_repo(Library.open(library_copy)) is not None
    monkeypatch.setenv("PATH", str(library_copy / "no-such-bin"))
    assert find_repo(Library.open(library_copy)) is None


def test_detection_reports_the_library_folder_inside_the_repository(
    office: tuple[Path, Volunteer, Volunteer],
) -> None:
    _, amira, _ = office
    repo = find_repo(amira.library())
    assert repo is not None
    assert repo.top == amira.root.resolve()
    assert repo.prefix == "drafts"
    assert repo.slug_of(f"drafts/{SAMPLE_SLUG}/release.toml") == SAMPLE_SLUG
    assert repo.slug_of("drafts/newsroom.toml") is None
    assert repo.slug_of("README.md") is None


def test_git_can_be_turned_off_in_newsroom_toml(
    office: tuple[Path, Volunteer, Volunteer], library_copy: Path
) -> None:
    # The sample library opts out: it lives inside newsroom's own repository.
    assert git_settings(Library.open(library_copy)).enabled is False
    _, amira, _ = office
    settings = amira.drafts / "newsroom.toml"
    settings.write_text(
        settings.read_text(encoding="utf-8") + "\n[git]\nenabled = false\n", encoding="utf-8"
    )
    assert find_repo(amira.library()) is None


# ---------------------------------------------------------------------------
# Commits for sign-off actions


def test_record_action_commits_only_the_bundle_with_trailers(
    office: tuple[Path, Volunteer, Volunteer],
) -> None:
    _, amira, _ = office
    # Unrelated work in progress, staged and unstaged, must stay out of the commit.
    (amira.root / "notes.txt").write_text("my own notes\n", encoding="utf-8")
    git(amira.root, "add", "notes.txt")
    edit(amira, EARLY_SLUG, headline="Changed but not committed")
    digest = submit_and_clear(amira)
    commits = amira.log("--format=%s", "-3").splitlines()
    assert commits[-1] == f"Submit {SAMPLE_SLUG} for review"
    assert commits[0] == f"Clear a quote in {SAMPLE_SLUG}"
    files = git(amira.root, "show", "--name-only", "--format=", "HEAD~2").stdout.split()
    assert files and all(f.startswith(f"drafts/{SAMPLE_SLUG}/") for f in files)
    assert f"drafts/{SAMPLE_SLUG}/release.toml" in files
    trailers = _trailers(amira, "HEAD~2")
    assert trailers == {
        "Release": SAMPLE_SLUG,
        "Release-Action": "submit",
        "Release-Digest": digest,
    }
    # The unrelated changes are still there, still staged / unstaged.
    status = amira.status()
    assert "A  notes.txt" in status
    assert f" M drafts/{EARLY_SLUG}/release.toml" in status
    assert f"drafts/{SAMPLE_SLUG}" not in status

    approved = approve(amira)
    trailers = _trailers(amira)
    assert trailers["Approved-by"] == (
        "David Osei <david.osei@hollinsbury-progressives.example.org.uk>"
    )
    assert trailers["Release-Digest"] == approved
    assert "Approve " + SAMPLE_SLUG in amira.log("-1", "--format=%s")


def test_nothing_to_commit_makes_no_commit(office: tuple[Path, Volunteer, Volunteer]) -> None:
    _, amira, _ = office
    before = amira.log("--format=%H")
    assert record_action(amira.library(), SAMPLE_SLUG, "save", "") is None
    assert amira.log("--format=%H") == before


def test_missing_identity_is_a_clear_error_and_the_file_stays_saved(
    office: tuple[Path, Volunteer, Volunteer],
) -> None:
    _, amira, _ = office
    git(amira.root, "config", "--unset", "user.email")
    git(amira.root, "config", "--unset", "user.name")
    edit(amira, SAMPLE_SLUG, headline="Saved before the commit fails")
    with pytest.raises(GitError, match="who you are"):
        record_action(amira.library(), SAMPLE_SLUG, "submit", "sha256:1")
    assert amira.library().load(SAMPLE_SLUG).headline == "Saved before the commit fails"


def test_plain_saves_are_committed_only_with_commit_on_save(
    office: tuple[Path, Volunteer, Volunteer],
) -> None:
    _, amira, _ = office
    before = amira.log("--format=%H")
    edit(amira, SAMPLE_SLUG, standfirst="First change.")
    assert record_save(amira.library(), SAMPLE_SLUG) is None
    assert amira.log("--format=%H") == before
    settings = amira.drafts / "newsroom.toml"
    settings.write_text(
        settings.read_text(encoding="utf-8") + "\n[git]\ncommit_on_save = true\n", encoding="utf-8"
    )
    git(amira.root, "commit", "--quiet", "-m", "Commit saves", "--", "drafts/newsroom.toml")
    library = amira.library()
    assert git_settings(library).commit_on_save is True
    commit = record_save(library, SAMPLE_SLUG)
    assert commit is not None
    assert _trailers(amira)["Release-Action"] == "save"
    assert amira.log("-1", "--format=%s").strip() == f"Save {SAMPLE_SLUG}"


def test_bad_git_setting_names_the_key(office: tuple[Path, Volunteer, Volunteer]) -> None:
    _, amira, _ = office
    settings = amira.drafts / "newsroom.toml"
    settings.write_text(
        settings.read_text(encoding="utf-8") + '\n[git]\ncommit_on_save = "yes"\n', encoding="utf-8"
    )
    with pytest.raises(Exception, match=r"git\.commit_on_save"):
        git_settings(amira.library())


# ---------------------------------------------------------------------------
# Two volunteers


def test_one_submits_the_other_approves_both_sync(
    office: tuple[Path, Volunteer, Volunteer], capsys: pytest.CaptureFixture[str]
) -> None:
    """The whole journey through the command line, as two volunteers would."""
    _, amira, david = office
    assert amira.newsroom("submit", SAMPLE_SLUG, "--as", "amira-okafor") == 0
    assert amira.newsroom("clear", SAMPLE_SLUG, "okafor", "--by", "amira-okafor") == 0
    assert (
        amira.newsroom(
            "clear",
            SAMPLE_SLUG,
            "whitfield",
            "--by",
            "tom-whitfield",
            "--via",
            "email",
            "--as",
            "amira-okafor",
        )
        == 0
    )
    assert amira.status() == ""  # each action is already a commit
    assert _trailers(amira, "HEAD~2")["Release-Action"] == "submit"
    digest = _trailers(amira, "HEAD~2")["Release-Digest"]
    capsys.readouterr()
    assert amira.newsroom("sync") == 0
    assert "Sent 3 commits." in capsys.readouterr().out

    assert david.newsroom("sync") == 0
    out = capsys.readouterr().out
    assert f"Changed: {SAMPLE_SLUG}" in out
    assert "quote okafor cleared by Cllr Amira Okafor" in out
    assert "submit by Cllr Amira Okafor" in out
    library = david.library()
    release = library.load(SAMPLE_SLUG)
    assert signoff.status(release, library) == workflow.IN_REVIEW
    assert release_digest(release, library) == digest

    # David is identified by his git user.email, as in people.toml.
    assert david.newsroom("approve", SAMPLE_SLUG) == 0
    assert _trailers(david) == {
        "Release": SAMPLE_SLUG,
        "Release-Action": "approve",
        "Release-Digest": digest,
        "Approved-by": "David Osei <david.osei@hollinsbury-progressives.example.org.uk>",
    }
    assert david.newsroom("sync") == 0
    capsys.readouterr()
    assert amira.newsroom("sync") == 0
    out = capsys.readouterr().out
    assert f"Changed: {SAMPLE_SLUG} – " in out and "[approved]" in out
    assert f"approved by David Osei ({digest[:15]}…, this version)" in out
    # The approval made on David's clone is valid on Amira's.
    library = amira.library()
    release = library.load(SAMPLE_SLUG)
    assert signoff.status(release, library) == workflow.APPROVED
    assert [a.by for a in signoff.valid_approvals(release, library)] == ["david-osei"]
    assert amira.newsroom("verify", SAMPLE_SLUG) == 0  # snapshots travelled too
    assert amira.status() == "" and david.status() == ""
    assert amira.log("--format=%H") == david.log("--format=%H")
    assert amira.log("--format=%an: %s", "-4").splitlines() == [
        f"David Osei: Approve {SAMPLE_SLUG}",
        f"Amira Okafor: Clear a quote in {SAMPLE_SLUG}",
        f"Amira Okafor: Clear a quote in {SAMPLE_SLUG}",
        f"Amira Okafor: Submit {SAMPLE_SLUG} for review",
    ]


def test_different_releases_merge_cleanly(
    office: tuple[Path, Volunteer, Volunteer], capsys: pytest.CaptureFixture[str]
) -> None:
    _, amira, david = office
    edit(amira, SAMPLE_SLUG, standfirst="Amira's standfirst.")
    record_action(amira.library(), SAMPLE_SLUG, "save", "")
    edit(david, EARLY_SLUG, standfirst="David's standfirst.")
    record_action(david.library(), EARLY_SLUG, "save", "")
    assert amira.newsroom("sync") == 0
    assert david.newsroom("sync") == 0
    assert amira.newsroom("sync") == 0
    for volunteer in (amira, david):
        library = volunteer.library()
        assert library.load(SAMPLE_SLUG).standfirst == "Amira's standfirst."
        assert library.load(EARLY_SLUG).standfirst == "David's standfirst."
    # Rebased, not merged: a straight line of history.
    assert git(amira.root, "rev-list", "--merges", "--count", "HEAD").stdout.strip() == "0"


def test_same_release_different_fields_merge_and_keep_both_histories(
    office: tuple[Path, Volunteer, Volunteer], capsys: pytest.CaptureFixture[str]
) -> None:
    _, amira, david = office
    digest = submit_and_clear(amira)
    assert amira.newsroom("sync") == 0
    assert david.newsroom("sync") == 0
    # Both act on the same release at once: Amira approves, David (also an
    # approver) approves a moment later and records a note of his own.
    approve(amira, by="priya-raman", at=NOW + timedelta(minutes=5))
    approve(david, by="david-osei", at=NOW + timedelta(minutes=6))
    assert amira.newsroom("sync") == 0
    capsys.readouterr()
    assert david.newsroom("sync") == 0
    out = capsys.readouterr().out
    assert f"Merged changes made here and elsewhere to {SAMPLE_SLUG}" in out
    library = david.library()
    release = library.load(SAMPLE_SLUG)
    assert sorted(a.by for a in release.approvals) == ["david-osei", "priya-raman"]
    assert [e.action for e in release.history].count("approve") == 2
    # Sorted by time, each once.
    times = [e.at for e in release.history]
    assert times == sorted(times)
    assert all(a.digest == digest for a in signoff.valid_approvals(release, library))
    assert "<<<<<<<" not in (david.drafts / SAMPLE_SLUG / "release.toml").read_text()
    assert amira.newsroom("sync") == 0
    library = amira.library()
    assert len(signoff.valid_approvals(library.load(SAMPLE_SLUG), library)) == 2


def test_same_field_changed_on_both_sides_is_reported_and_nothing_is_lost(
    office: tuple[Path, Volunteer, Volunteer], capsys: pytest.CaptureFixture[str]
) -> None:
    _, amira, david = office
    edit(amira, SAMPLE_SLUG, headline="Amira's headline")
    record_action(amira.library(), SAMPLE_SLUG, "save", "")
    edit(david, SAMPLE_SLUG, headline="David's headline")
    record_action(david.library(), SAMPLE_SLUG, "save", "")
    assert amira.newsroom("sync") == 0
    before = snapshot_tree(david.drafts)
    head = git(david.root, "rev-parse", "HEAD").stdout
    capsys.readouterr()
    assert david.newsroom("sync") == 1
    err = capsys.readouterr().err
    assert SAMPLE_SLUG in err and "headline" in err and "Nothing was lost" in err
    # Back as before: same files, same commit, no rebase left half-done.
    assert snapshot_tree(david.drafts) == before
    assert git(david.root, "rev-parse", "HEAD").stdout == head
    assert david.status() == ""
    assert not rebase_in_progress(find_repo(david.library()))
    assert david.library().load(SAMPLE_SLUG).headline == "David's headline"
    # Amira's version is on the remote, untouched.
    assert amira.library().load(SAMPLE_SLUG).headline == "Amira's headline"
    git(david.root, "fetch", "--quiet")
    remote_toml = git(david.root, "show", f"origin/main:drafts/{SAMPLE_SLUG}/release.toml").stdout
    assert tomllib.loads(remote_toml)["headline"] == "Amira's headline"


def test_body_conflict_aborts_and_names_the_release(
    office: tuple[Path, Volunteer, Volunteer], capsys: pytest.CaptureFixture[str]
) -> None:
    _, amira, david = office
    for volunteer, text in ((amira, "Amira's opening."), (david, "David's opening.")):
        library = volunteer.library()
        release = library.load(SAMPLE_SLUG)
        release.body = text + "\n" + release.body.split("\n", 1)[1]
        library.save(release)
        record_action(library, SAMPLE_SLUG, "save", "")
    assert amira.newsroom("sync") == 0
    capsys.readouterr()
    assert david.newsroom("sync") == 1
    err = capsys.readouterr().err
    assert f"{SAMPLE_SLUG}: body.md" in err
    body = (david.drafts / SAMPLE_SLUG / "body.md").read_text(encoding="utf-8")
    assert body.startswith("David's opening.") and "<<<<<<<" not in body
    david.library().load(SAMPLE_SLUG)  # loads fine


def test_uncommitted_changes_stop_sync_unless_asked_to_commit(
    office: tuple[Path, Volunteer, Volunteer], capsys: pytest.CaptureFixture[str]
) -> None:
    _, amira, david = office
    edit(amira, SAMPLE_SLUG, standfirst="Not committed yet.")
    capsys.readouterr()
    assert amira.newsroom("sync") == 2
    assert f"uncommitted changes in {SAMPLE_SLUG}" in capsys.readouterr().err
    assert amira.newsroom("sync", "--commit") == 0
    out = capsys.readouterr().out
    assert f"Committed {SAMPLE_SLUG} before syncing." in out
    assert amira.status() == ""
    assert david.newsroom("sync") == 0
    assert david.library().load(SAMPLE_SLUG).standfirst == "Not committed yet."


def test_new_release_is_shared_with_sync_commit(
    office: tuple[Path, Volunteer, Volunteer], capsys: pytest.CaptureFixture[str]
) -> None:
    _, amira, david = office
    assert (
        amira.newsroom(
            "new", "2026-11-25-new-bus-shelters", "--headline", "New bus shelters for Eastfield"
        )
        == 0
    )
    capsys.readouterr()
    assert amira.newsroom("sync") == 0
    assert "Not shared yet (never committed): 2026-11-25-new-bus-shelters" in (
        capsys.readouterr().out
    )
    assert amira.newsroom("sync", "--commit") == 0
    assert david.newsroom("sync") == 0
    out = capsys.readouterr().out
    assert "New release: 2026-11-25-new-bus-shelters – New bus shelters for Eastfield" in out
    assert david.library().exists("2026-11-25-new-bus-shelters")


def test_digest_stable_across_clones_with_autocrlf(
    office: tuple[Path, Volunteer, Volunteer], tmp_path: Path
) -> None:
    remote, amira, _ = office
    digest = approve_ready(amira)
    assert amira.newsroom("sync") == 0
    # A third volunteer whose git converts line ends (as on Windows) and whose
    # files all have new modification times.
    git(
        tmp_path,
        "-c",
        "core.autocrlf=true",
        "clone",
        "--quiet",
        "-c",
        "core.autocrlf=true",
        str(remote),
        "windows",
    )
    raw = (tmp_path / "windows" / "drafts" / SAMPLE_SLUG / "body.md").read_bytes()
    assert b"\r\n" in raw  # the conversion really happened
    library = Library.open(tmp_path / "windows" / "drafts")
    release = library.load(SAMPLE_SLUG)
    assert release_digest(release, library) == digest
    assert signoff.status(release, library) == workflow.APPROVED


def approve_ready(volunteer: Volunteer) -> str:
    submit_and_clear(volunteer)
    return approve(volunteer)


# ---------------------------------------------------------------------------
# History


def test_history_merges_commits_and_events(
    office: tuple[Path, Volunteer, Volunteer], capsys: pytest.CaptureFixture[str]
) -> None:
    _, amira, david = office
    digest = submit_and_clear(amira)
    assert amira.newsroom("sync") == 0
    assert david.newsroom("sync") == 0
    approve(david)
    entries = release_history(david.library(), SAMPLE_SLUG)
    actions = [(e.action, e.source) for e in entries]
    assert ("submit", "event") in actions and ("approve", "event") in actions
    recorded = {e.action: e for e in entries if e.commit}
    assert set(recorded) >= {"submit", "clear", "approve"}
    assert recorded["approve"].approved_by.startswith("David Osei <")
    assert recorded["approve"].digest == digest and recorded["approve"].current is True
    assert recorded["submit"].author.startswith("Amira Okafor <")
    # The commit that brought the sample library in touched the bundle too.
    assert any(e.source == "commit" and e.subject == "Sample library" for e in entries)
    capsys.readouterr()
    assert david.newsroom("history", SAMPLE_SLUG) == 0
    out = capsys.readouterr().out
    approve_line = next(line for line in out.splitlines() if " approve " in line)
    assert "David Osei" in approve_line and "(current)" in approve_line
    assert "commit " + recorded["approve"].short_commit in approve_line


def test_history_marks_earlier_digests(office: tuple[Path, Volunteer, Volunteer]) -> None:
    _, amira, _ = office
    approve_ready(amira)
    edit(amira, SAMPLE_SLUG, headline="Changed after approval")
    entries = release_history(amira.library(), SAMPLE_SLUG)
    approval = next(e for e in entries if e.action == "approve")
    assert approval.current is False


# ---------------------------------------------------------------------------
# init


def test_init_creates_a_library_that_opens(tmp_path: Path) -> None:
    target = tmp_path / "office" / "drafts"
    assert main(["init", str(target), "--organisation", "Eastfield Residents"]) == 0
    library = Library.open(target)
    assert library.settings.organisation == "Eastfield Residents"
    assert library.people == {}
    assert git_settings(library).commit_on_save is False
    assert ".newsroom/" in (target / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "#" in (target / "newsroom.toml").read_text(encoding="utf-8")
    assert find_repo(library) is None


def test_init_refuses_an_existing_library(
    tmp_path: Path, library_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot_tree(library_copy)
    assert main(["init", str(library_copy)]) == 2
    assert "already holds a library" in capsys.readouterr().err
    assert snapshot_tree(library_copy) == before


def test_init_git_makes_a_repository_with_a_first_commit(tmp_path: Path) -> None:
    git(tmp_path, "config", "--global", "user.name", "Priya Raman")
    git(tmp_path, "config", "--global", "user.email", "priya@example.org")
    target = tmp_path / "press"
    assert main(["init", str(target), "--git"]) == 0
    assert (target / ".git").is_dir()
    tracked = git(target, "ls-files").stdout.split()
    assert sorted(tracked) == [
        ".gitattributes",
        ".gitignore",
        "allowed_signers",
        "newsroom.toml",
        "people.toml",
    ]
    assert git(target, "status", "--porcelain").stdout == ""
    assert find_repo(Library.open(target)) is not None
    assert git(target, "symbolic-ref", "--short", "HEAD").stdout.strip() == "main"


def test_init_git_without_identity_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "press"
    assert main(["init", str(target), "--git"]) == 2
    assert "who you are" in capsys.readouterr().err
    assert not target.exists()


def test_init_git_inside_an_existing_repository_commits_there(tmp_path: Path) -> None:
    outer = tmp_path / "branch-site"
    outer.mkdir()
    git(outer, "init", "--quiet")
    git(outer, "config", "user.name", "Priya Raman")
    git(outer, "config", "user.email", "priya@example.org")
    assert main(["init", str(outer / "drafts"), "--git"]) == 0
    assert not (outer / "drafts" / ".git").exists()
    assert "drafts/newsroom.toml" in git(outer, "ls-files").stdout.split()


def test_lock_and_half_written_files_are_never_committed(
    office: tuple[Path, Volunteer, Volunteer],
) -> None:
    _, amira, _ = office
    bundle = amira.drafts / SAMPLE_SLUG
    from newsroom import locks

    # This process has the release open (a foreign lock would make saves refuse).
    locks.acquire(amira.drafts, SAMPLE_SLUG)
    (bundle / ".release.toml.abc.new").write_text("half", encoding="utf-8")
    (bundle / "photo.jpg").write_bytes(b"\xff\xd8 not really a photo")
    submit_and_clear(amira)
    files = git(amira.root, "ls-files", f"drafts/{SAMPLE_SLUG}").stdout.split()
    assert f"drafts/{SAMPLE_SLUG}/photo.jpg" in files
    assert any("/.snapshots/" in f for f in files)  # shared, so `diff` works on every clone
    assert not any(f.endswith((".lock", ".new")) for f in files)


def test_init_gitignore_already_holds_what_locks_need(tmp_path: Path) -> None:
    from newsroom import locks

    target = tmp_path / "drafts"
    assert main(["init", str(target)]) == 0
    before = (target / ".gitignore").read_bytes()
    locks.ensure_gitignored(target)
    assert (target / ".gitignore").read_bytes() == before


# ---------------------------------------------------------------------------
# The structural merge itself


def _approval(by: str, minute: int, digest: str = "sha256:a") -> dict:
    return {"by": by, "at": NOW + timedelta(minutes=minute), "digest": digest}


def test_merge_keeps_both_sides_sign_offs_sorted_and_once() -> None:
    base = {"schema": 1, "headline": "H", "approvals": [_approval("a", 0)]}
    ours = {**base, "approvals": [_approval("a", 0), _approval("c", 9)]}
    theirs = {**base, "standfirst": "New", "approvals": [_approval("a", 0), _approval("b", 5)]}
    merged, conflicts = tomlmerge.merge_release_data(base, ours, theirs)
    assert conflicts == []
    assert [a["by"] for a in merged["approvals"]] == ["a", "b", "c"]
    assert merged["standfirst"] == "New" and merged["headline"] == "H"


def test_merge_respects_a_removal_on_one_side() -> None:
    stale = _approval("a", 0, "sha256:old")
    base = {"approvals": [stale]}
    ours = {"approvals": [_approval("a", 3, "sha256:new")]}  # stale one retired
    theirs = {"approvals": [stale, _approval("b", 4, "sha256:old")]}
    merged, conflicts = tomlmerge.merge_release_data(base, ours, theirs)
    assert conflicts == []
    assert [(a["by"], a["digest"]) for a in merged["approvals"]] == [
        ("a", "sha256:new"),
        ("b", "sha256:old"),
    ]


def test_merge_reports_the_same_field_changed_differently() -> None:
    base = {"headline": "H", "dateline": {"place": "P", "date": "d"}}
    ours = {"headline": "Ours", "dateline": {"place": "Q", "date": "d"}}
    theirs = {"headline": "Theirs", "dateline": {"place": "P", "date": "e"}}
    merged, conflicts = tomlmerge.merge_release_data(base, ours, theirs)
    assert conflicts == ["headline"]
    assert merged["dateline"] == {"place": "Q", "date": "e"}


def test_merge_quotes_by_id() -> None:
    base = {"quotes": [{"id": "q1", "text": "one"}, {"id": "q2", "text": "two"}]}
    ours = {"quotes": [{"id": "q1", "text": "ONE"}, {"id": "q2", "text": "two"}]}
    theirs = {
        "quotes": [
            {"id": "q1", "text": "one"},
            {"id": "q2", "text": "TWO"},
            {"id": "q3", "text": "three"},
        ]
    }
    merged, conflicts = tomlmerge.merge_release_data(base, ours, theirs)
    assert conflicts == []
    assert merged["quotes"] == [
        {"id": "q1", "text": "ONE"},
        {"id": "q2", "text": "TWO"},
        {"id": "q3", "text": "three"},
    ]
    clash = {"quotes": [{"id": "q1", "text": "uno"}, {"id": "q2", "text": "two"}]}
    _, conflicts = tomlmerge.merge_release_data(base, ours, clash)
    assert conflicts == ["quotes[id=q1].text"]


# Property: whatever the two sides add, nothing of either is lost, nothing is
# doubled, and a side that changed nothing leaves the other side's version.

_events = st.lists(
    st.builds(
        lambda by, minute, action: {
            "by": by,
            "action": action,
            "at": NOW + timedelta(minutes=minute),
        },
        st.sampled_from(["a", "b", "c"]),
        st.integers(0, 50),
        st.sampled_from(["submit", "approve", "clear"]),
    ),
    max_size=6,
    unique_by=lambda e: (e["by"], e["at"], e["action"]),
)


@settings(max_examples=60, deadline=None)
@given(base=_events, ours_new=_events, theirs_new=_events, headline=st.sampled_from(["H", "Ours"]))
def test_merge_union_property(base: list, ours_new: list, theirs_new: list, headline: str) -> None:
    ours = {"headline": headline, "history": base + ours_new}
    theirs = {"headline": "H", "history": base + theirs_new}
    merged, conflicts = tomlmerge.merge_release_data(
        {"headline": "H", "history": base}, ours, theirs
    )
    assert conflicts == []
    assert merged["headline"] == headline
    keys = [tomlmerge.identity(e) for e in merged.get("history", [])]
    assert len(keys) == len(set(keys))
    assert set(keys) == {tomlmerge.identity(e) for e in base + ours_new + theirs_new}
    times = [e["at"] for e in merged.get("history", [])]
    assert times == sorted(times)
    same, _ = tomlmerge.merge_release_data(
        {"history": base}, {"history": base}, {"history": base + theirs_new}
    )
    expected: list[str] = []
    for event in sorted(base + theirs_new, key=lambda e: e["at"]):
        if tomlmerge.identity(event) not in expected:
            expected.append(tomlmerge.identity(event))
    assert [tomlmerge.identity(e) for e in same.get("history", [])] == expected


def test_git_package_is_core_no_textual_no_rich() -> None:
    import sys

    code = (
        "import sys, newsroom.git.sync, newsroom.git.history, newsroom.tomlmerge, "
        "newsroom.cli.git_cmds; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_documented_set_up_library_at_the_top_of_the_repository(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """docs/collaboration.md, steps 1 to 4, with the library as the repository itself."""
    git(tmp_path, "config", "--global", "user.name", "Priya Raman")
    git(
        tmp_path,
        "config",
        "--global",
        "user.email",
        "press@hollinsbury-progressives.example.org.uk",
    )
    remote = tmp_path / "host" / "press-office.git"
    remote.parent.mkdir()
    git(tmp_path, "init", "--quiet", "--bare", str(remote))
    office = tmp_path / "press-office"
    assert main(["init", str(office), "--git", "--organisation", "Hollinsbury Progressives"]) == 0
    copy_sample(tmp_path / "sample")
    shutil.copy(tmp_path / "sample" / "people.toml", office / "people.toml")
    git(office, "commit", "--quiet", "-am", "Our settings and people")
    git(office, "remote", "add", "origin", str(remote))
    capsys.readouterr()
    assert main(["--drafts", str(office), "sync"]) == 0
    assert "Published this branch as origin/main (2 commits)." in capsys.readouterr().out
    git(tmp_path, "clone", "--quiet", str(remote), "amira")
    amira = tmp_path / "amira"
    git(amira, "config", "user.name", "Amira Okafor")
    assert (
        main(
            [
                "--drafts",
                str(amira),
                "new",
                "2026-11-26-litter-pick",
                "--headline",
                "Volunteers clear Mill Lane",
            ]
        )
        == 0
    )
    assert main(["--drafts", str(amira), "sync", "--commit"]) == 0
    assert main(["--drafts", str(office), "sync"]) == 0
    out = capsys.readouterr().out
    assert "New release: 2026-11-26-litter-pick – Volunteers clear Mill Lane" in out
    repo = find_repo(Library.open(office))
    assert repo is not None and repo.prefix == ""
    entries = release_history(Library.open(office), "2026-11-26-litter-pick")
    assert [(e.action, e.name) for e in entries] == [("create", "Amira Okafor")]


@pytest.mark.parametrize("keep", ["mine", "theirs"])
def test_keep_settles_a_clash_and_keeps_both_sides_sign_offs(
    office: tuple[Path, Volunteer, Volunteer], capsys: pytest.CaptureFixture[str], keep: str
) -> None:
    _, amira, david = office
    submit_and_clear(amira)
    assert amira.newsroom("sync") == 0
    assert david.newsroom("sync") == 0
    # Amira rewrites headline and body; David rewrites both too, and approves his version.
    for volunteer, who in ((amira, "Amira"), (david, "David")):
        library = volunteer.library()
        release = library.load(SAMPLE_SLUG)
        release.headline = f"{who}'s headline"
        release.body = f"{who}'s opening.\n" + release.body.split("\n", 1)[1]
        library.save(release)
        record_action(library, SAMPLE_SLUG, "save", "")
    approve(david, at=NOW + timedelta(hours=1))
    assert david.newsroom("sync") == 0
    capsys.readouterr()
    assert amira.newsroom("sync") == 1
    assert "--keep mine" in capsys.readouterr().err
    assert amira.newsroom("sync", "--keep", keep) == 0
    out = capsys.readouterr().out
    winner = "Amira" if keep == "mine" else "David"
    assert f"Kept {'your' if keep == 'mine' else 'the other'} version of " in out
    for volunteer in (amira, david):
        if volunteer is david:
            assert david.newsroom("sync") == 0
        library = volunteer.library()
        release = library.load(SAMPLE_SLUG)
        assert release.headline == f"{winner}'s headline"
        assert release.body.startswith(f"{winner}'s opening.")
        # David's approval came through either way; it is valid only for his version.
        assert [a.by for a in release.approvals] == ["david-osei"]
        valid = signoff.valid_approvals(release, library)
        assert bool(valid) == (keep == "theirs")
        assert any(e.action == "submit" for e in release.history)
        assert "<<<<<<<" not in (volunteer.drafts / SAMPLE_SLUG / "body.md").read_text()
    assert amira.status() == "" and david.status() == ""
    # Amira's own wording is still at hand even when she let it go.
    before = git(amira.root, "show", f"newsroom/before-sync:drafts/{SAMPLE_SLUG}/release.toml")
    assert "Amira's headline" in before.stdout


def test_sync_outside_git_is_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    library_copy = tmp_path / "drafts"
    copy_sample(library_copy)
    before = snapshot_tree(library_copy)
    assert main(["--drafts", str(library_copy), "sync"]) == 2
    assert "not inside a git repository" in capsys.readouterr().err
    assert snapshot_tree(library_copy) == before


def test_unreachable_remote_fails_cleanly(
    office: tuple[Path, Volunteer, Volunteer], capsys: pytest.CaptureFixture[str]
) -> None:
    remote, amira, _ = office
    submit_and_clear(amira)
    shutil.rmtree(remote)
    head = git(amira.root, "rev-parse", "HEAD").stdout
    capsys.readouterr()
    assert amira.newsroom("sync") == 1
    assert "could not fetch from the remote" in capsys.readouterr().err
    assert git(amira.root, "rev-parse", "HEAD").stdout == head
    assert amira.status() == ""


def test_sync_json_report(
    office: tuple[Path, Volunteer, Volunteer], capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    _, amira, david = office
    submit_and_clear(amira)
    assert amira.newsroom("sync") == 0
    capsys.readouterr()
    assert david.newsroom("sync", "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True and report["pushed"] == 0
    (change,) = report["arrived"]
    assert change["slug"] == SAMPLE_SLUG and change["kind"] == "changed"
    assert [e["action"] for e in change["events_added"]] == ["submit", "clear", "clear"]


def test_no_remote_is_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    git(tmp_path, "config", "--global", "user.name", "Priya Raman")
    git(tmp_path, "config", "--global", "user.email", "priya@example.org")
    assert main(["init", str(tmp_path / "lib"), "--git"]) == 0
    capsys.readouterr()
    assert main(["--drafts", str(tmp_path / "lib"), "sync"]) == 2
    assert "git remote add origin" in capsys.readouterr().err


def test_new_release_is_committed_with_commit_on_save(
    office: tuple[Path, Volunteer, Volunteer], capsys: pytest.CaptureFixture[str]
) -> None:
    _, amira, _ = office
    slug = "2026-11-27-library-hours"
    assert amira.newsroom("new", slug, "--headline", "Library keeps Saturday hours") == 0
    assert amira.log("-1", "--format=%s").strip() == "Sample library"  # off by default
    shutil.rmtree(amira.drafts / slug)
    settings = amira.drafts / "newsroom.toml"
    settings.write_text(
        settings.read_text(encoding="utf-8") + "\n[git]\ncommit_on_save = true\n", encoding="utf-8"
    )
    git(amira.root, "commit", "--quiet", "-m", "Commit saves", "--", "drafts/newsroom.toml")
    assert amira.newsroom("new", slug, "--headline", "Library keeps Saturday hours") == 0
    assert amira.log("-1", "--format=%s").strip() == f"Start {slug}"
    assert amira.status() == ""


def test_same_new_release_on_both_sides_is_reported(
    office: tuple[Path, Volunteer, Volunteer], capsys: pytest.CaptureFixture[str]
) -> None:
    _, amira, david = office
    slug = "2026-11-28-market-stalls"
    assert amira.newsroom("new", slug, "--headline", "Market stalls return") == 0
    assert david.newsroom("new", slug, "--headline", "Stallholders welcome market plan") == 0
    assert amira.newsroom("sync", "--commit") == 0
    before = snapshot_tree(david.drafts)
    capsys.readouterr()
    assert david.newsroom("sync", "--commit") == 1
    err = capsys.readouterr().err
    assert f"{slug}: headline" in err
    assert snapshot_tree(david.drafts) == before
    assert david.library().load(slug).headline == "Stallholders welcome market plan"


def test_edit_against_removal_is_reported(
    office: tuple[Path, Volunteer, Volunteer], capsys: pytest.CaptureFixture[str]
) -> None:
    _, amira, david = office
    git(amira.root, "rm", "-r", "--quiet", f"drafts/{EARLY_SLUG}")
    git(amira.root, "commit", "--quiet", "-m", "Drop the bus release")
    assert amira.newsroom("sync") == 0
    edit(david, EARLY_SLUG, standfirst="Still wanted.")
    capsys.readouterr()
    assert david.newsroom("sync", "--commit") == 1
    assert f"{EARLY_SLUG}: release.toml" in capsys.readouterr().err
    assert david.library().load(EARLY_SLUG).standfirst == "Still wanted."


def test_folder_names_with_glob_characters_are_taken_literally(tmp_path: Path) -> None:
    top = tmp_path / "branch [2026]*"
    top.mkdir()
    git(top, "init", "--quiet")
    git(top, "config", "user.name", "Amira Okafor")
    git(top, "config", "user.email", "amira@example.org")
    copy_sample(top / "drafts?")
    # A decoy that a glob would also match, with staged work that must stay out.
    copy_sample(top / "draftsX")
    git(top, "add", "draftsX")
    library = Library.open(top / "drafts?")
    git(top, "add", "drafts?")
    git(top, "commit", "--quiet", "-m", "Library", "--", "drafts?")
    release = library.load(SAMPLE_SLUG)
    event = actions.submit(release, library, "amira-okafor", now=NOW)
    assert record_action(library, SAMPLE_SLUG, "submit", event.digest)
    files = git(top, "show", "--name-only", "--format=", "HEAD").stdout.split()
    assert files and all(f.startswith(f"drafts?/{SAMPLE_SLUG}/") for f in files)
    assert git(top, "diff", "--cached", "--name-only").stdout.split()  # draftsX still staged
    entries = release_history(library, SAMPLE_SLUG)
    assert sorted(e.action for e in entries if e.commit) == ["commit", "submit"]


def test_a_clean_text_merge_that_breaks_a_release_is_undone(
    office: tuple[Path, Volunteer, Volunteer], capsys: pytest.CaptureFixture[str]
) -> None:
    _, amira, david = office
    # Amira drops Tom's quote (and its place in the body)...
    library = amira.library()
    release = library.load(SAMPLE_SLUG)
    release.quotes = [q for q in release.quotes if q.id != "whitfield"]
    release.body = "\n".join(
        line for line in release.body.split("\n") if "quote whitfield" not in line
    )
    library.save(release)
    record_action(library, SAMPLE_SLUG, "save", "")
    assert amira.newsroom("sync") == 0
    # ...while David places it a second time at the top: git merges both cleanly.
    library = david.library()
    release = library.load(SAMPLE_SLUG)
    release.body = "{{< quote whitfield >}}\n\n" + release.body
    library.save(release)
    record_action(library, SAMPLE_SLUG, "save", "")
    before = snapshot_tree(david.drafts)
    head = git(david.root, "rev-parse", "HEAD").stdout
    capsys.readouterr()
    assert david.newsroom("sync") == 1
    err = capsys.readouterr().err
    assert f"{SAMPLE_SLUG}: the merged version does not load" in err and "whitfield" in err
    assert snapshot_tree(david.drafts) == before
    assert git(david.root, "rev-parse", "HEAD").stdout == head
    assert david.status() == ""
    git(david.root, "fetch", "--quiet")
    assert (
        "whitfield"
        not in git(david.root, "show", f"origin/main:drafts/{SAMPLE_SLUG}/body.md").stdout
    )


def test_sync_says_why_git_is_off(library_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    git(library_copy, "init", "--quiet")
    assert main(["--drafts", str(library_copy), "sync"]) == 2
    assert "[git] enabled = false" in capsys.readouterr().err


def test_a_bad_git_setting_is_a_warning_after_the_action(
    office: tuple[Path, Volunteer, Volunteer], capsys: pytest.CaptureFixture[str]
) -> None:
    _, amira, _ = office
    settings = amira.drafts / "newsroom.toml"
    settings.write_text(
        settings.read_text(encoding="utf-8") + '\n[git]\nenabled = "yes"\n', encoding="utf-8"
    )
    capsys.readouterr()
    assert amira.newsroom("submit", SAMPLE_SLUG, "--as", "amira-okafor") == 0
    err = capsys.readouterr().err
    assert "saved, but not committed" in err and "git.enabled" in err
    assert signoff.status(amira.library().load(SAMPLE_SLUG), amira.library()) == "in review"
    assert amira.newsroom("sync") == 2
    assert "git.enabled" in capsys.readouterr().err


def test_a_clone_whose_checkout_failed_joins_the_shared_branch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bare repository made without a default branch name says HEAD is master;
    the library was pushed as main, so a clone checks nothing out."""
    git(tmp_path, "config", "--global", "--unset", "init.defaultBranch")
    git(tmp_path, "config", "--global", "user.name", "Priya Raman")
    git(tmp_path, "config", "--global", "user.email", "priya@example.org")
    git(tmp_path, "init", "--quiet", "--bare", "--initial-branch=master", "host.git")
    assert main(["init", str(tmp_path / "office"), "--git"]) == 0
    git(tmp_path / "office", "remote", "add", "origin", str(tmp_path / "host.git"))
    assert main(["--drafts", str(tmp_path / "office"), "sync"]) == 0
    git(tmp_path, "clone", "--quiet", "host.git", "amira")
    amira = tmp_path / "amira"
    assert not (amira / "newsroom.toml").exists()  # nothing checked out
    assert (
        main(["--drafts", str(amira), "new", "2026-12-01-first", "--headline", "Our first release"])
        == 0
    )
    capsys.readouterr()
    assert main(["--drafts", str(amira), "sync", "--commit"]) == 0
    assert "Sent 1 commit." in capsys.readouterr().out
    assert git(amira, "symbolic-ref", "--short", "HEAD").stdout.strip() == "main"
    log = git(amira, "log", "--format=%s", "origin/main").stdout.splitlines()
    assert log == ["Start 2026-12-01-first", "Start the newsroom library"]
    assert git(amira, "ls-remote", "--heads", "origin").stdout.count("refs/heads/") == 1


_fields = st.dictionaries(
    st.sampled_from(["headline", "standfirst", "about", "imprint"]),
    st.sampled_from(["a", "b", "c"]),
    max_size=4,
)


@settings(max_examples=80, deadline=None)
@given(base=_fields, ours=_fields, theirs=_fields, prefer=st.sampled_from([None, "ours", "theirs"]))
def test_merge_fields_three_way_property(
    base: dict, ours: dict, theirs: dict, prefer: str | None
) -> None:
    merged, conflicts = tomlmerge.merge_release_data(base, ours, theirs, prefer)
    for key in {*base, *ours, *theirs}:
        b, o, t = (side.get(key, tomlmerge.MISSING) for side in (base, ours, theirs))
        got = merged.get(key, tomlmerge.MISSING)
        if o == t or b == t:
            assert got == o and key not in conflicts
        elif b == o:
            assert got == t and key not in conflicts
        else:
            assert key in conflicts
            assert got == (t if prefer == "theirs" else o)


def test_final_export_is_committed_once(
    office: tuple[Path, Volunteer, Volunteer], tmp_path: Path
) -> None:
    _, amira, _ = office
    digest = approve_ready(amira)
    (amira.root / "unrelated.txt").write_text("staged elsewhere\n", encoding="utf-8")
    git(amira.root, "add", "unrelated.txt")
    out = tmp_path / "lido.txt"
    assert amira.newsroom("export", SAMPLE_SLUG, "-o", str(out)) == 0
    assert out.exists()
    assert amira.log("-1", "--format=%s").strip() == f"Publish {SAMPLE_SLUG}"
    trailers = _trailers(amira)
    assert trailers["Release-Action"] == "publish" and trailers["Release-Digest"] == digest
    assert "Exported as text." in amira.log("-1", "--format=%b")
    assert "A  unrelated.txt" in amira.status()
    # The same export again records nothing and commits nothing.
    head = git(amira.root, "rev-parse", "HEAD").stdout
    assert amira.newsroom("export", SAMPLE_SLUG, "-o", str(out)) == 0
    assert git(amira.root, "rev-parse", "HEAD").stdout == head
    # A draft export never commits.
    assert amira.newsroom("export", EARLY_SLUG, "--draft", "-o", str(tmp_path / "d.txt")) == 0
    assert git(amira.root, "rev-parse", "HEAD").stdout == head


def test_export_all_commits_each_publication(
    office: tuple[Path, Volunteer, Volunteer], tmp_path: Path
) -> None:
    _, amira, _ = office
    approve_ready(amira)
    assert (
        amira.newsroom("export", "--all", "--out", str(tmp_path / "out"), "--status", "approved")
        == 0
    )
    assert amira.log("-1", "--format=%s").strip() == f"Publish {SAMPLE_SLUG}"
