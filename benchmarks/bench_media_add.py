"""Adding a 24-megapixel JPEG vs Pillow's own open + thumbnail + save, side by side.

    python benchmarks/bench_media_add.py [--runs 3]

The picture (6000×4000, drawn by make_picture.py, never downloaded) is made
once in a temporary folder. "newsroom" is ``media.add_picture`` into a fresh
copy of an empty library each run (original kept, web rendition and
thumbnail made, release.toml saved); "pillow" is ``Image.open`` +
``thumbnail((2000, 2000))`` + ``save`` of the same file. The best of the runs
is reported, and the ratio (the target: at most 1.3).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_picture import make_picture  # noqa: E402
from PIL import Image  # noqa: E402

from newsroom import media  # noqa: E402
from newsroom.bundle import Library


def pillow_baseline(source: Path, out: Path) -> None:
    with Image.open(source) as image:
        image.thumbnail((2000, 2000))
        image.save(out, "JPEG", quality=85)


def newsroom_add(source: Path, root: Path) -> None:
    if root.exists():
        shutil.rmtree(root)
    root.mkdir()
    (root / "newsroom.toml").write_text('schema = 1\n[organisation]\nname = "Bench"\n')
    library = Library.open(root)
    release = library.create("bench", "Benchmark")
    media.add_picture(library, release, source, picture_id="big")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        source = make_picture(folder / "big.jpg", 6000, 4000, gps=True, quality=90)
        size = source.stat().st_size
        timings: dict[str, list[float]] = {"pillow": [], "newsroom": []}
        for _ in range(args.runs):  # interleaved, so both see the same machine load
            start = time.perf_counter()
            pillow_baseline(source, folder / "out.jpg")
            timings["pillow"].append(time.perf_counter() - start)
            start = time.perf_counter()
            newsroom_add(source, folder / "library")
            timings["newsroom"].append(time.perf_counter() - start)
    best = {name: min(values) for name, values in timings.items()}
    print(f"24 MP JPEG ({size / 1e6:.1f} MB), best of {args.runs}:")
    print(f"  pillow open+thumbnail+save: {best['pillow']:.3f} s")
    print(f"  newsroom media add:         {best['newsroom']:.3f} s")
    print(f"  ratio: {best['newsroom'] / best['pillow']:.2f} (target at most 1.3)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
