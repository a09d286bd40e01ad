"""Everything that touches pixels: Pillow is imported here and nowhere else.

- ``inspect`` opens a candidate file once, decodes it fully (a truncated
  JPEG or a decompression bomb fails here, before anything is written) and
  reads the caption, creator, credit and copyright already in it (XMP first,
  then IPTC, then EXIF).
- ``make_renditions`` writes the web rendition (JPEG, long edge at most
  2,000 px, at most 1 MB) and the thumbnail, with EXIF orientation applied
  and no EXIF at all (so no GPS, no camera serial numbers). The XMP that
  carries the record's caption, creator, credit and copyright is added to
  each outgoing copy by ``xmp.with_xmp`` at export time, so editing a
  caption never re-encodes a picture.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from .xmp import read_xmp

# Formats a news desk can open; anything else is refused with its name.
ACCEPTED = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "TIFF": ".tif"}
WEB_LONG_EDGE = 2000
WEB_MAX_BYTES = 1_000_000
THUMB_LONG_EDGE = 400
HIGHRES_QUALITY = 92

# IPTC IIM datasets (record 2) newsroom reads on add.
_IPTC = {(2, 120): "caption", (2, 80): "creator", (2, 110): "credit", (2, 116): "copyright"}
# EXIF tags used when neither XMP nor IPTC says anything.
_EXIF = {0x010E: "caption", 0x013B: "creator", 0x8298: "copyright"}


class ImageProblem(ValueError):
    """The file cannot be used as a picture; the message says why, plainly."""


@dataclass
class ImageInfo:
    format: str
    width: int  # after EXIF orientation: as the picture will be seen
    height: int
    metadata: dict[str, str] = field(default_factory=dict)


def _heif_brand(head: bytes) -> bool:
    return head[4:8] == b"ftyp" and head[8:12] in {
        b"heic",
        b"heix",
        b"hevc",
        b"heim",
        b"heis",
        b"mif1",
        b"msf1",
        b"avif",
    }


def _open(path: Path) -> ImageFile.ImageFile:
    """Open and fully decode ``path``; every failure becomes an ``ImageProblem``."""
    with path.open("rb") as handle:
        head = handle.read(16)
    if _heif_brand(head):
        raise ImageProblem(
            "is a HEIC/HEIF (or AVIF) picture, which newsroom cannot read without a "
            "plugin; export it from your phone or photo app as JPEG and add that"
        )
    with warnings.catch_warnings():
        # Pillow only warns between its limit and twice it: treat both as a bomb.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(path)
            if image.format not in ACCEPTED:
                raise ImageProblem(
                    f"is a {image.format} image; newsroom takes JPEG, PNG, WebP or TIFF"
                )
            if image.format == "JPEG":
                # Decode at reduced scale when the web rendition is all we need:
                # the whole stream is still read, so truncation is still caught.
                image.draft("RGB", (WEB_LONG_EDGE, WEB_LONG_EDGE))
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageProblem(
                "has too many pixels to be a photograph (over Pillow's decompression-bomb "
                f"limit of {Image.MAX_IMAGE_PIXELS:,}); it may be a malicious file"
            ) from None
        except UnidentifiedImageError:
            raise ImageProblem(
                "is not a picture newsroom can read (not JPEG, PNG, WebP or TIFF)"
            ) from None
        except (OSError, SyntaxError, ValueError) as error:
            if isinstance(error, ImageProblem):
                raise
            raise ImageProblem(f"is damaged or incomplete ({error}); nothing was added") from None
    return image


def _metadata(image: ImageFile.ImageFile) -> dict[str, str]:
    found: dict[str, str] = {}
    raw = image.info.get("xmp") or image.info.get("XML:com.adobe.xmp")
    if raw:
        found.update(read_xmp(raw if isinstance(raw, bytes) else raw.encode("utf-8")))
    try:
        from PIL import IptcImagePlugin

        iptc = IptcImagePlugin.getiptcinfo(image) or {}
    except (OSError, SyntaxError, ValueError, IndexError):
        iptc = {}
    for key, name in _IPTC.items():
        item = iptc.get(key)
        if isinstance(item, list):
            item = b"; ".join(item)
        if item and name not in found:
            found[name] = item.decode("utf-8", "replace").strip()
    exif = image.getexif()
    for tag, name in _EXIF.items():
        value = exif.get(tag)
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        if isinstance(value, str) and value.strip() and name not in found:
            found[name] = value.strip("\x00 ")
    return {key: " ".join(value.split()) for key, value in found.items() if value.strip()}


def _oriented(image: Image.Image) -> Image.Image:
    return ImageOps.exif_transpose(image) or image


def inspect(path: Path) -> tuple[ImageInfo, Image.Image]:
    """The file's format, oriented size and metadata, and the decoded picture."""
    image = _open(path)
    metadata = _metadata(image)
    fmt = image.format or ""
    # Sizes as seen: the draft may have shrunk the decode, so scale from the header.
    full_w, full_h = _full_size(path, image)
    orientation = image.getexif().get(0x0112, 1)
    if orientation in (5, 6, 7, 8):
        full_w, full_h = full_h, full_w
    oriented = _oriented(image)
    return ImageInfo(fmt, full_w, full_h, metadata), oriented


def _full_size(path: Path, image: Image.Image) -> tuple[int, int]:
    if image.format == "JPEG" and getattr(image, "_size", None) is not None:
        with Image.open(path) as header_only:
            return header_only.size
    return image.size


def _jpeg(image: Image.Image, long_edge: int, max_bytes: int | None, quality: int = 85) -> bytes:
    picture = image
    if picture.mode not in ("RGB", "L"):
        background = Image.new("RGB", picture.size, "white")
        rgba = picture.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        picture = background
    if max(picture.size) > long_edge:
        picture = picture.copy()
        picture.thumbnail((long_edge, long_edge), Image.Resampling.LANCZOS)
    while True:
        buffer = io.BytesIO()
        # No exif=, no icc_profile beyond sRGB: nothing of the camera leaves.
        picture.save(buffer, "JPEG", quality=quality, optimize=True, progressive=False)
        data = buffer.getvalue()
        if max_bytes is None or len(data) <= max_bytes or quality <= 40:
            return data
        quality -= 10


def make_renditions(oriented: Image.Image) -> tuple[bytes, bytes]:
    """(web JPEG, thumbnail JPEG) from a decoded, oriented picture."""
    web = _jpeg(oriented, WEB_LONG_EDGE, WEB_MAX_BYTES)
    with Image.open(io.BytesIO(web)) as small:
        small.load()
        thumb = _jpeg(small, THUMB_LONG_EDGE, None, quality=80)
    return web, thumb


def make_highres(path: Path) -> bytes:
    """The full-size outgoing copy: oriented, re-encoded without any metadata."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(path) as image:
            image.load()
            return _jpeg(_oriented(image), 1 << 30, None, quality=HIGHRES_QUALITY)


def jpeg_size(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        return image.size
