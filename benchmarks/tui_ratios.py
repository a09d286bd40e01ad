"""The editor's two speed ratios from issue 4, measured in one run.

    .venv/bin/python benchmarks/tui_ratios.py [--runs N]

1. Process start to the library's first frame (every row of the sample library
   shown, library index warm) against a bare Textual app showing a DataTable and
   a Footer.
2. Per keystroke in the body of a 5,000-word release, preview shown, against a
   bare TextArea holding the same text (benchmarks/tui_probe.py does the typing).

Prints medians and ratios; asserts nothing. Each newsroom run starts from a
fresh copy of its library, so a recovery file left by the previous run (the
probe ends the app without saving, like a crash) is never offered.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PROBE = HERE / "tui_probe.py"

BARE_FOOTER = """
import json, sys, time
from textual.app import App
from textual.widgets import DataTable, Footer

class Bare(App):
    BINDINGS = [("n", "bell", "New"), ("d", "bell", "Duplicate")]
    def compose(self):
        yield DataTable(cursor_type="row")
        yield Footer()
    def on_mount(self):
        table = self.query_one(DataTable)
        table.add_columns("Status", "Date", "Headline", "Speakers", "Approvals")
        table.add_row("draft", "2026-11-20", "Residents urged to respond", "Helen Marsh", "0/1")
        table.add_row("draft", "2026-11-24", "Hollinsbury Lido to reopen", "Tom Whitfield", "0/1")

async def main():
    app = Bare()
    async with app.run_test(size=(120, 40)) as pilot:
        while app.query_one(DataTable).row_count < 2:
            await pilot.pause(0.01)
        await pilot.pause()
        print(json.dumps({"at": time.time()}), flush=True)

import asyncio
asyncio.run(main())
"""


def run(args: list[str]) -> dict:
    out = subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=ROOT)
    lines = out.stdout.strip().splitlines()
    if not lines:
        raise SystemExit(f"no report from {args}: {out.stderr[-2000:]}")
    data = json.loads(lines[-1])
    if "error" in data:
        raise SystemExit(f"{args[0]}: {data['error']}")
    return data


def first_frame(work: Path, runs: int) -> tuple[float, float]:
    drafts = work / "ff" / "drafts"
    shutil.copytree(ROOT / "drafts", drafts, ignore=shutil.ignore_patterns(".newsroom", ".lock"))
    count = sum(1 for p in drafts.iterdir() if (p / "release.toml").exists())
    # One run to build the library index: later starts read it warm, as every
    # start after the first does in real use.
    run([str(PROBE), "newsroom-first-frame", str(drafts), str(count)])
    ours, bare = [], []
    for _ in range(runs):
        start = time.time()
        ours.append(
            run([str(PROBE), "newsroom-first-frame", str(drafts), str(count)])["at"] - start
        )
        start = time.time()
        bare.append(run(["-c", BARE_FOOTER])["at"] - start)
    return statistics.median(ours), statistics.median(bare)


def keystrokes(work: Path, runs: int) -> tuple[float, float]:
    sys.path.insert(0, str(HERE))
    sys.path.insert(0, str(ROOT))
    import make_library

    source = work / "editor-source"
    if not (source / "newsroom.toml").exists():
        make_library.make_editor_library(source)
    ours, bare = [], []
    for _ in range(runs):
        library = work / "editor"
        shutil.rmtree(library, ignore_errors=True)
        shutil.copytree(source, library, ignore=shutil.ignore_patterns(".newsroom", ".lock"))
        ours.extend(run([str(PROBE), "newsroom-editor", str(library)])["keystrokes"])
        bare.extend(run([str(PROBE), "bare-editor", str(library)])["keystrokes"])
    return statistics.median(ours), statistics.median(bare)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="newsroom-tui-ratios-") as tmp:
        work = Path(tmp)
        ours, bare = first_frame(work, args.runs)
        print(
            f"first frame: newsroom {ours * 1000:.0f} ms, bare DataTable+Footer "
            f"{bare * 1000:.0f} ms, ratio {ours / bare:.2f} (budget 1.5)"
        )
        ours, bare = keystrokes(work, args.runs)
        print(
            f"keystroke, 5,000 words, preview shown: newsroom {ours * 1000:.1f} ms, "
            f"bare TextArea {bare * 1000:.1f} ms, ratio {ours / bare:.2f} (budget 1.25)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
