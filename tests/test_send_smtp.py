"""Sending over a real SMTP server on loopback (aiosmtpd, started here): one message
per recipient, retries, per-recipient failures, exactly once across a SIGKILL, the
queue raced by two processes. Assertions are on what the server received and on
the ledger and release files on disk."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from datetime import UTC, datetime
from email.utils import getaddresses
from pathlib import Path

import pytest
from conftest import EARLY_SLUG, REPO, SAMPLE_SLUG
from smtp_server import PASSWORD, USER, Server

from newsroom.bundle import Library
from newsroom.cli import main

CONTACTS = [f"reporter{n}@outlet{n}.example.co.uk" for n in range(1, 7)]


@pytest.fixture(autouse=True)
def hermetic(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("NEWSROOM_USER", raising=False)
    monkeypatch.delenv("NEWSROOM_DRAFTS", raising=False)
    monkeypatch.setenv("NEWSROOM_SMTP_PASSWORD", PASSWORD)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    empty = tmp_path / "gitconfig"
    empty.write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


@pytest.fixture
def server(tmp_path: Path):
    with Server(tmp_path) as running:
        yield running


def run(root: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--drafts", str(root), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def ready(library_copy: Path, server: Server, capsys: pytest.CaptureFixture[str]) -> Path:
    """The sample library: release approved, [send] pointing at the server, six contacts."""
    with (library_copy / "newsroom.toml").open("a", encoding="utf-8") as handle:
        handle.write(server.settings_toml())
    for command in (
        ("clear", SAMPLE_SLUG, "okafor", "--by", "amira-okafor"),
        ("clear", SAMPLE_SLUG, "whitfield", "--by", "tom-whitfield"),
        ("approve", SAMPLE_SLUG, "--as", "david-osei"),
    ):
        assert run(library_copy, capsys, *command)[0] == 0
    (library_copy / "press.toml").write_text("schema = 1\n", encoding="utf-8")
    for number, email in enumerate(CONTACTS, start=1):
        tags = ["--tag", "health"] if number % 2 else ["--tag", "transport"]
        code, _, err = run(
            library_copy,
            capsys,
            "press",
            "add",
            email,
            "--name",
            f"Reporter Nümber {number}",
            "--outlet",
            f"Outlet {number}",
            *tags,
        )
        assert code == 0, err
    return library_copy


def ledger(root: Path, slug: str = SAMPLE_SLUG) -> dict:
    return tomllib.loads((root / slug / "sent.toml").read_text(encoding="utf-8"))


def sent_entries(root: Path) -> list[dict]:
    return [e for e in ledger(root).get("recipient", []) if e["status"] == "sent"]


def test_one_message_per_recipient_over_starttls_with_auth(
    ready: Path, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(ready, capsys, "send", SAMPLE_SLUG, "--as", "priya-raman")
    assert code == 0, err
    received = server.handler.received
    assert sorted(r.recipients[0] for r in received) == sorted(CONTACTS)
    for item in received:
        assert item.tls and item.login == USER
        assert len(item.recipients) == 1
        message = item.message
        # No other contact's address in any header: To names this recipient alone.
        headers = "\n".join(f"{k}: {v}" for k, v in message.items())
        others = [c for c in CONTACTS if c != item.recipients[0]]
        assert not any(other in headers for other in others)
        assert [a for _, a in getaddresses(message.get_all("To"))] == item.recipients
        assert message["Cc"] is None and message["Bcc"] is None and message["X-Unsent"] is None
        assert message["Subject"].startswith("EMBARGOED until ")
        assert message["List-Unsubscribe"].strip().startswith("<mailto:")
        body = message.get_body(("plain",)).get_content()
        assert "To be taken off it" in body and "Lido" in body
    ids = {r.message["Message-ID"] for r in received}
    assert len(ids) == len(CONTACTS)
    entries = sent_entries(ready)
    assert {e["message_id"] for e in entries} == ids
    release = tomllib.loads((ready / SAMPLE_SLUG / "release.toml").read_text(encoding="utf-8"))
    actions = [e["action"] for e in release["history"]]
    assert "send" in actions and "publish" in actions
    sent_event = [e for e in release["history"] if e["action"] == "send"][-1]
    assert sent_event["digest"] == entries[0]["digest"] and sent_event["by"] == "priya-raman"
    # Running it again sends nothing more.
    code, out, _ = run(ready, capsys, "send", SAMPLE_SLUG)
    assert code == 0 and "sent 0" in out and len(server.handler.received) == len(CONTACTS)


def test_tags_choose_recipients_and_resend_is_explicit(
    ready: Path, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(ready, capsys, "send", SAMPLE_SLUG, "--tag", "transport")[0] == 0
    assert sorted(r.recipients[0] for r in server.handler.received) == CONTACTS[1::2]
    assert run(ready, capsys, "send", SAMPLE_SLUG, "--tag", "transport", "--resend")[0] == 0
    assert len(server.handler.received) == 6
    first, again = server.handler.to(CONTACTS[1])
    assert first.message["Message-ID"] != again.message["Message-ID"]


def test_451_is_retried_and_550_reported_without_stopping_the_rest(
    ready: Path, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    server.handler.temporary[CONTACTS[0]] = 2
    server.handler.permanent.add(CONTACTS[2])
    code, out, err = run(ready, capsys, "send", SAMPLE_SLUG)
    assert code == 1
    assert f"failed {CONTACTS[2]} (550 5.1.1 mailbox unavailable)" in err
    assert len(server.handler.to(CONTACTS[0])) == 1
    assert sorted(r.recipients[0] for r in server.handler.received) == sorted(
        set(CONTACTS) - {CONTACTS[2]}
    )
    latest = {e["email"]: e for e in ledger(ready)["recipient"]}
    assert latest[CONTACTS[2]]["status"] == "failed"
    assert latest[CONTACTS[2]]["reply"].startswith("550")
    # The failed one is tried again next time; nobody else gets a second copy.
    server.handler.permanent.clear()
    assert run(ready, capsys, "send", SAMPLE_SLUG)[0] == 0
    assert len(server.handler.received) == len(CONTACTS)


def test_draft_is_refused_and_nothing_sent(
    ready: Path, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(ready, capsys, "send", EARLY_SLUG)
    assert code == 1 and "not approved" in err and "only an approved release is sent" in err
    assert server.handler.received == []
    assert not (ready / EARLY_SLUG / "sent.toml").exists()


def test_opted_out_contact_is_skipped_and_logged(
    ready: Path, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(ready, capsys, "press", "opt-out", CONTACTS[3])[0] == 0
    text = (ready / "press.toml").read_text(encoding="utf-8")
    assert "opted_out = " in text
    code, out, _ = run(ready, capsys, "send", SAMPLE_SLUG)
    assert code == 0 and "skipped 1 (opted out)" in out
    assert server.handler.to(CONTACTS[3]) == []
    skipped = [e for e in ledger(ready)["recipient"] if e["status"] == "skipped"]
    assert [e["email"] for e in skipped] == [CONTACTS[3]]


def test_server_down_is_a_clear_message_and_nothing_recorded(
    ready: Path, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    server.stop()
    code, _, err = run(ready, capsys, "send", SAMPLE_SLUG)
    assert code == 1 and f"cannot reach the mail server 127.0.0.1:{server.port}" in err
    assert not (ready / SAMPLE_SLUG / "sent.toml").exists()
    release = (ready / SAMPLE_SLUG / "release.toml").read_text(encoding="utf-8")
    assert 'action = "send"' not in release


def test_wrong_password_refused_before_sending(
    ready: Path, server: Server, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSROOM_SMTP_PASSWORD", "wrong")
    code, _, err = run(ready, capsys, "send", SAMPLE_SLUG)
    assert code == 1 and "refused the login" in err
    assert server.handler.received == [] and not (ready / SAMPLE_SLUG / "sent.toml").exists()


def _subprocess_env(root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO)
    env["NEWSROOM_DRAFTS"] = str(root)
    return env


def test_sigkill_mid_list_then_resume_gives_exactly_one_message_each(
    ready: Path, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    server.handler.kill_at = 3
    process = subprocess.Popen(
        [sys.executable, "-m", "newsroom", "send", SAMPLE_SLUG],
        env=_subprocess_env(ready),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    server.handler.kill_pid = process.pid
    process.communicate(timeout=120)
    assert process.returncode == -9
    assert len(server.handler.received) == 3
    assert len(sent_entries(ready)) == 3  # the ledger is true to what the server took
    code, out, err = run(ready, capsys, "send", SAMPLE_SLUG)
    assert code == 0, err
    for contact in CONTACTS:
        assert len(server.handler.to(contact)) == 1, contact
    assert len(sent_entries(ready)) == len(CONTACTS)


def test_queued_send_raced_by_two_due_processes_goes_out_once(
    ready: Path, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    from newsroom.sending.run import queue

    library = Library.open(ready)
    # Queued "yesterday" for a time that has now passed.
    past = datetime(2026, 1, 1, tzinfo=UTC)
    queue(library, SAMPLE_SLUG, datetime(2026, 1, 2, 9, tzinfo=UTC), [], by="priya-raman", now=past)
    assert ledger(ready)["queued"][0]["state"] == "queued"
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "newsroom", "send", "--due"],
            env=_subprocess_env(ready),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    for contact in CONTACTS:
        assert len(server.handler.to(contact)) == 1, contact
    assert ledger(ready)["queued"][0]["state"] == "done"
    # And a third run, later, finds nothing due.
    assert run(ready, capsys, "send", "--due")[0] == 0
    assert len(server.handler.received) == len(CONTACTS)


def test_at_queues_and_refuses_the_past(
    ready: Path, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(ready, capsys, "send", SAMPLE_SLUG, "--at", "2099-12-03T09:00")
    assert code == 0 and "queued" in out
    queued = ledger(ready)["queued"][0]
    assert queued["at"].isoformat() == "2099-12-03T09:00:00+00:00"  # Europe/London in winter
    assert run(ready, capsys, "send", "--due")[0] == 0 and server.handler.received == []
    code, _, err = run(ready, capsys, "send", SAMPLE_SLUG, "--at", "2001-01-01T09:00")
    assert code == 1 and "in the past" in err


def test_dry_run_shows_recipients_and_first_message_and_sends_nothing(
    ready: Path, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(ready, capsys, "send", SAMPLE_SLUG, "--dry-run", "--tag", "health")
    assert code == 0
    assert out.count("to      ") == 3 and "--- the first message" in out
    assert "To: Reporter =?utf-8?" in out or "To: =?utf-8?" in out
    assert server.handler.received == [] and not (ready / SAMPLE_SLUG / "sent.toml").exists()


def test_security_none_refused_off_this_machine(
    library_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with (library_copy / "newsroom.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[send]\nhost = "smtp.example.org"\nsecurity = "none"\n')
    code, _, err = run(library_copy, capsys, "send", SAMPLE_SLUG)
    assert code == 2 and "send.security" in err and "smtp.example.org" in err


def test_send_is_committed_with_trailers_and_shown_in_history(
    ready: Path, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = (ready / "newsroom.toml").read_text(encoding="utf-8")
    (ready / "newsroom.toml").write_text(
        settings.replace("enabled = false", "enabled = true"), encoding="utf-8"
    )

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(ready), *args], check=True, capture_output=True, text=True
        ).stdout

    git("init", "-q")
    git("config", "user.name", "Priya Raman")
    git("config", "user.email", "priya@example.org")
    git("add", "-A")
    git("commit", "-qm", "start")
    code, _, err = run(ready, capsys, "send", SAMPLE_SLUG, "--as", "priya-raman")
    assert code == 0, err
    message = git("log", "-1", "--format=%B")
    assert message.startswith(f"Send {SAMPLE_SLUG} to the press list")
    assert "Release-Action: send" in message and "Release-Digest: sha256:" in message
    assert f"{SAMPLE_SLUG}/sent.toml" in git("show", "--name-only", "--format=", "HEAD")
    code, out, _ = run(ready, capsys, "history", SAMPLE_SLUG)
    assert code == 0 and "send" in out and "sent 6" in out


def test_password_file_readable_by_others_is_refused_and_own_file_used(
    ready: Path,
    server: Server,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.delenv("NEWSROOM_SMTP_PASSWORD")
    secrets = tmp_path / "config" / "newsroom" / "secrets.toml"
    secrets.parent.mkdir(parents=True)
    secrets.write_text(f'[smtp."127.0.0.1"]\npassword = "{PASSWORD}"\n', encoding="utf-8")
    secrets.chmod(0o644)
    code, _, err = run(ready, capsys, "send", SAMPLE_SLUG)
    assert code == 1 and "readable by others" in err and "chmod 600" in err
    assert server.handler.received == []
    secrets.chmod(0o600)
    assert run(ready, capsys, "send", SAMPLE_SLUG)[0] == 0
    assert len(server.handler.received) == len(CONTACTS)


def test_a_password_in_the_library_is_refused(
    ready: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (ready / "newsroom.toml").read_text(encoding="utf-8")
    (ready / "newsroom.toml").write_text(
        text.replace("[send]\n", '[send]\npassword = "x"\n'), encoding="utf-8"
    )
    code, _, err = run(ready, capsys, "send", SAMPLE_SLUG)
    assert code != 0 and "send.password" in err and "refused" in err


def test_via_sendmail_pipes_one_message_per_recipient(
    ready: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stand-in sendmail that files each message by recipient; exit 75 once is retried."""
    bin_dir, box = tmp_path / "bin", tmp_path / "box"
    bin_dir.mkdir()
    box.mkdir()
    script = bin_dir / "sendmail"
    script.write_text(
        "#!/bin/sh\n"
        f'box="{box}"\n'
        "for last; do :; done\n"
        'if [ "$last" = "' + CONTACTS[0] + '" ] && [ ! -e "$box/tempfailed" ]; then\n'
        '  touch "$box/tempfailed"; echo "try later" >&2; exit 75; fi\n'
        'if [ "$last" = "' + CONTACTS[1] + '" ]; then echo "no such user" >&2; exit 67; fi\n'
        'cat >> "$box/$last"\n',
        encoding="utf-8",
    )
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    code, out, err = run(ready, capsys, "send", SAMPLE_SLUG, "--via", "sendmail")
    assert code == 1 and "sendmail exit 67: no such user" in err
    delivered = sorted(p.name for p in box.iterdir() if p.name != "tempfailed")
    assert delivered == sorted(set(CONTACTS) - {CONTACTS[1]})
    first = (box / CONTACTS[0]).read_bytes()
    assert first.count(b"\nMessage-ID: ") == 1 and b"\r\n" not in first


def test_release_open_in_an_editor_elsewhere_is_refused(
    ready: Path, server: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    import json
    import socket

    (ready / SAMPLE_SLUG / ".lock").write_text(
        json.dumps(
            {
                "user": "tom",
                "host": socket.gethostname(),
                "pid": 1,
                "since": "2026-11-25T10:00:00Z",
                "token": "abc",
            }
        ),
        encoding="utf-8",
    )
    code, _, err = run(ready, capsys, "send", SAMPLE_SLUG)
    assert code == 1 and "tom" in err
    assert server.handler.received == [] and not (ready / SAMPLE_SLUG / "sent.toml").exists()
