"""Sending to 500 contacts over loopback vs the floor of smtplib sending the same
500 prepared messages over one connection (issue 19: within 1.5x).

    .venv/bin/python benchmarks/send_bench.py [--contacts 500] [--runs 5]

The server is aiosmtpd's Sink (accepts and drops everything) in its own
process on 127.0.0.1, plain SMTP (no TLS: the encryption would cost both
sides alike and hide the difference). "newsroom" is the whole of
``sending.send_release`` in-process: loading the release and press list,
checking the gate, rendering the message once, one message per recipient
with its own To and Message-ID, the ledger replaced after each recipient,
the history event at the end. The floor is ``smtplib.SMTP.sendmail`` of the
same bytes, prepared before the clock starts. Runs alternate; medians.
"""

from __future__ import annotations

import argparse
import shutil
import smtplib
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
SLUG = "2026-11-24-lido-reopens"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise SystemExit("the SMTP sink did not start")


def make_library(folder: Path, port: int, contacts: int) -> Path:
    from newsroom.cli import main

    root = folder / "drafts"
    shutil.copytree(
        REPO / "drafts",
        root,
        ignore=shutil.ignore_patterns(".newsroom", ".lock", ".saving", ".*.tmp"),
    )
    with (root / "newsroom.toml").open("a", encoding="utf-8") as handle:
        handle.write(f'\n[send]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n')
    for command in (
        ("clear", SLUG, "okafor", "--by", "amira-okafor"),
        ("clear", SLUG, "whitfield", "--by", "tom-whitfield"),
        ("approve", SLUG, "--as", "david-osei"),
    ):
        assert main(["--drafts", str(root), *command]) == 0
    lines = ["schema = 1\n"]
    for number in range(contacts):
        lines.append(
            f'\n[[contact]]\nname = "Reporter {number}"\n'
            f'email = "reporter{number}@outlet{number % 40}.example.co.uk"\n'
            f'tags = ["news"]\n'
        )
    (root / "press.toml").write_text("".join(lines), encoding="utf-8")
    return root


def fresh_copy(template: Path, folder: Path) -> Path:
    target = folder / f"run-{time.monotonic_ns()}"
    shutil.copytree(template, target)
    return target


def time_newsroom(root: Path) -> float:
    from newsroom.bundle import Library
    from newsroom.sending import send_release, send_settings
    from newsroom.sending.transport import SMTPTransport

    start = time.perf_counter()
    library = Library.open(root)
    report = send_release(library, SLUG, SMTPTransport(send_settings(library)), by="priya-raman")
    elapsed = time.perf_counter() - start
    assert report.count("sent") == len(report.outcomes), report.summary()
    return elapsed


def prepared(root: Path) -> tuple[str, list[tuple[str, bytes]]]:
    from newsroom.bundle import Library
    from newsroom.sending import plan

    the_plan = plan(Library.open(root), SLUG)
    template = the_plan.template
    assert template is not None
    return template.sender, [
        (c.email, template.message_for(c, template.message_id(c))) for c in the_plan.to_send
    ]


def time_floor(port: int, sender: str, messages: list[tuple[str, bytes]]) -> float:
    start = time.perf_counter()
    smtp = smtplib.SMTP("127.0.0.1", port)
    for recipient, data in messages:
        smtp.sendmail(sender, [recipient], data)
    smtp.quit()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    port = free_port()
    sink = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            f"127.0.0.1:{port}",
            "-c",
            "aiosmtpd.handlers.Sink",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(port)
        with tempfile.TemporaryDirectory(prefix="newsroom-send-bench-") as temp:
            folder = Path(temp)
            template = make_library(folder, port, args.contacts)
            sender, messages = prepared(template)
            ours, floor = [], []
            time_newsroom(fresh_copy(template, folder))  # warm up both
            time_floor(port, sender, messages)
            for _ in range(args.runs):
                ours.append(time_newsroom(fresh_copy(template, folder)))
                floor.append(time_floor(port, sender, messages))
    finally:
        sink.terminate()
        sink.wait()
    m_ours, m_floor = statistics.median(ours), statistics.median(floor)
    ratio = m_ours / m_floor
    print("| what | median s | min | max |\n| --- | --- | --- | --- |")
    print(
        f"| newsroom send, {args.contacts} contacts | {m_ours:.3f} | {min(ours):.3f} | "
        f"{max(ours):.3f} |"
    )
    print(
        f"| smtplib floor, same messages, one connection | {m_floor:.3f} | {min(floor):.3f} | "
        f"{max(floor):.3f} |"
    )
    print(f"\nratio {ratio:.2f}x (budget 1.5x): {'PASS' if ratio <= 1.5 else 'FAIL'}")


if __name__ == "__main__":
    main()
