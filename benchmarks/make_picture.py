"""Draw a picture of our own (never downloaded): the lido gates at dusk.

Used for the sample library's picture, the tests and the media benchmark::

    python benchmarks/make_picture.py OUT.jpg [--size 1600x1067] [--gps] [--no-xmp]

The file carries XMP with a caption, creator, credit and copyright notice,
and (with ``--gps``) EXIF with an orientation and a GPS position, so the
tests can see metadata come in and the location not go out.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import Image, ImageDraw  # noqa: E402

from newsroom.media.xmp import with_xmp  # noqa: E402

SAMPLE_FIELDS = {
    "caption": "Cllr Amira Okafor (left) and Tom Whitfield at the closed lido gates "
    "on Station Road.",
    "creator": "Priya Raman",
    "credit": "Hollinsbury Progressives",
    "copyright": "© 2026 Hollinsbury Progressives",
}


def draw_scene(width: int, height: int) -> Image.Image:
    """Sky, hedge, railings, a chained gate and two figures, in flat colours."""
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    horizon = int(height * 0.62)
    for y in range(horizon):  # dusk sky: a vertical gradient
        t = y / max(horizon - 1, 1)
        draw.line(
            [(0, y), (width, y)], fill=(int(40 + 200 * t), int(70 + 110 * t), int(140 + 60 * t))
        )
    draw.rectangle([0, horizon, width, height], fill=(86, 92, 80))  # pavement
    draw.rectangle([0, int(height * 0.45), width, horizon], fill=(46, 96, 52))  # hedge
    bar = max(width // 160, 2)
    for x in range(0, width, width // 40):  # railings
        draw.rectangle([x, int(height * 0.38), x + bar, horizon], fill=(30, 34, 38))
    gate_left, gate_right = int(width * 0.38), int(width * 0.62)
    draw.rectangle(
        [gate_left, int(height * 0.30), gate_right, horizon], outline=(20, 20, 24), width=bar * 2
    )
    chain_y = int(height * 0.50)
    for x in range(gate_left, gate_right, bar * 6):  # the chain
        draw.ellipse(
            [x, chain_y - bar * 2, x + bar * 6, chain_y + bar * 2],
            outline=(170, 170, 160),
            width=max(bar // 2, 1),
        )
    for centre, coat in ((0.28, (150, 40, 60)), (0.74, (40, 60, 130))):  # two people
        cx = int(width * centre)
        head = int(height * 0.05)
        draw.ellipse(
            [cx - head, int(height * 0.34), cx + head, int(height * 0.34) + 2 * head],
            fill=(224, 182, 150),
        )
        draw.rectangle(
            [
                cx - int(head * 1.4),
                int(height * 0.34) + 2 * head,
                cx + int(head * 1.4),
                int(height * 0.80),
            ],
            fill=coat,
        )
    draw.text((int(width * 0.43), int(height * 0.32)), "LIDO", fill=(240, 230, 200))
    return image


def make_picture(
    path: Path,
    width: int = 1600,
    height: int = 1067,
    *,
    gps: bool = False,
    xmp: bool = True,
    fields: dict[str, str] | None = None,
    quality: int = 88,
) -> Path:
    image = draw_scene(width, height)
    exif = Image.Exif()
    if gps:
        exif[0x0112] = 1  # orientation: upright
        exif[0x010F] = "Newsroom Test Camera"
        exif[0x8825] = {1: "N", 2: (51.0, 30.0, 12.5), 3: "W", 4: (0.0, 7.0, 39.0)}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, exif=exif.tobytes() if gps else b"")
    data = buffer.getvalue()
    if xmp:
        data = with_xmp(data, fields if fields is not None else SAMPLE_FIELDS)
    path.write_bytes(data)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--size", default="1600x1067")
    parser.add_argument("--gps", action="store_true")
    parser.add_argument("--no-xmp", action="store_true")
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.lower().split("x"))
    make_picture(args.out, width, height, gps=args.gps, xmp=not args.no_xmp)
    print(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
