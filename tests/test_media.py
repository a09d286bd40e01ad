"""Pictures in the bundle: adding (metadata in), bad input, renditions (metadata
out), the digest and diff, the checks, and the CLI."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from conftest import SAMPLE_SLUG, snapshot_tree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from newsroom import media
from newsroom.bundle import Library
from newsroom.checks import run_checks
from newsroom.cli import main
from newsroom.digest import release_digest
from newsroom.errors import BundleError
from newsroom.media.xmp import build_xmp, read_xmp, with_xmp

REPO = Path(__file__).resolve().parents[1]


def _make_picture():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "make_picture", REPO / "benchmarks" / "make_picture.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_picture = _make_picture().make_picture


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    return make_picture(tmp_path / "Gates at Dusk.jpg", 1200, 800, gps=True)


def _bare(library: Library):
    release = library.load(SAMPLE_SLUG)
    return release


# ---------------------------------------------------------------------------
# Adding: the file, the record, metadata in


def test_add_copies_records_and_prefills_from_the_files_xmp(library: Library, photo: Path):
    release = _bare(library)
    original = photo.read_bytes()
    added = media.add_picture(library, release, photo, fields={"alt": "Two people at a gate"})
    picture = added.picture
    assert picture.id == "gates-at-dusk"
    assert picture.caption.startswith("Cllr Amira Okafor (left)")
    assert (picture.creator, picture.credit) == ("Priya Raman", "Hollinsbury Progressives")
    assert picture.copyright == "© 2026 Hollinsbury Progressives"
    assert picture.alt == "Two people at a gate"
    assert set(added.prefilled) == {"caption", "creator", "credit", "copyright"}
    assert (picture.width, picture.height) == (1200, 800)
    stored = library.root / SAMPLE_SLUG / "media" / "gates-at-dusk.jpg"
    assert stored.read_bytes() == original  # the original, untouched
    assert photo.read_bytes() == original
    reloaded = Library.open(library.root).load(SAMPLE_SLUG)
    assert reloaded.picture("gates-at-dusk") == picture
    text = (library.root / SAMPLE_SLUG / "release.toml").read_text(encoding="utf-8")
    assert '[[media]]\nid = "gates-at-dusk"\nfile = "gates-at-dusk.jpg"' in text


def test_given_fields_win_over_the_files_metadata(library: Library, photo: Path):
    release = _bare(library)
    added = media.add_picture(
        library,
        release,
        photo,
        picture_id="p1",
        fields={"credit": "Jo Bell", "caption": "Jo Bell at the gates"},
    )
    assert added.picture.credit == "Jo Bell"
    assert added.picture.caption == "Jo Bell at the gates"
    assert "credit" not in added.prefilled


def _corrupt(path: Path, kind: str) -> Path:
    if kind == "text":
        path.write_text("not a picture at all\n")
    elif kind == "truncated":
        data = make_picture(path, 800, 600).read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif kind == "heic":
        path.write_bytes(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64)
    elif kind == "bomb":
        # A tiny PNG claiming a huge canvas: Pillow's limit must stop it.
        Image.new("1", (12000, 12000)).save(path, "PNG")
    elif kind == "gif":
        Image.new("RGB", (10, 10)).save(path, "GIF")
    return path


@pytest.mark.parametrize(
    "kind, message",
    [
        ("text", "not a picture newsroom can read"),
        ("truncated", "damaged or incomplete"),
        ("heic", "HEIC/HEIF"),
        ("bomb", "decompression-bomb"),
        ("gif", "GIF image"),
    ],
)
def test_bad_files_are_refused_and_nothing_is_written(
    library: Library, tmp_path: Path, kind: str, message: str
):
    source = _corrupt(tmp_path / f"bad-{kind}.jpg", kind)
    before = snapshot_tree(library.root)
    release = _bare(library)
    records = list(release.media)
    with pytest.raises(BundleError) as caught:
        media.add_picture(library, release, source)
    assert message in str(caught.value)
    assert str(source) in str(caught.value)
    assert release.media == records
    assert snapshot_tree(library.root) == before


def test_symlink_huge_file_and_duplicate_id_are_refused(
    library: Library, photo: Path, tmp_path: Path, monkeypatch
):
    release = _bare(library)
    link = tmp_path / "link.jpg"
    link.symlink_to(photo)
    before = snapshot_tree(library.root)
    with pytest.raises(BundleError, match="symbolic link"):
        media.add_picture(library, release, link)
    monkeypatch.setattr(media, "MAX_FILE_BYTES", 1000)
    with pytest.raises(BundleError, match="at most"):
        media.add_picture(library, release, photo)
    assert snapshot_tree(library.root) == before
    monkeypatch.undo()
    media.add_picture(library, release, photo, picture_id="gates")
    after_first = snapshot_tree(library.root)
    with pytest.raises(BundleError, match="duplicate picture id 'gates'"):
        media.add_picture(library, release, photo, picture_id="gates")
    assert snapshot_tree(library.root) == after_first


def test_duplicate_id_in_release_toml_is_an_error_with_its_key(library: Library):
    path = library.root / SAMPLE_SLUG / "release.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text + '\n[[media]]\nid = "x"\nfile = "x.jpg"\n\n[[media]]\nid = "x"\nfile = "y.jpg"\n',
        encoding="utf-8",
    )
    with pytest.raises(BundleError, match=r"media\[2\]\.id: duplicate picture id 'x'"):
        Library.open(library.root).load(SAMPLE_SLUG)


def test_remove_refuses_while_placed_then_drops_record_and_file(library: Library, photo):
    release = library.load(SAMPLE_SLUG)
    release.body = release.body.replace("{{< caption gates >}}", "{{< picture lido-gates >}}")
    library.save(release)
    with pytest.raises(BundleError, match="body.md:5:1: places picture 'lido-gates'"):
        media.remove_picture(library, release, "lido-gates")
    release.body = release.body.replace("{{< picture lido-gates >}}\n", "")
    library.save(release)
    media.remove_picture(library, release, "lido-gates")
    assert not (library.root / SAMPLE_SLUG / "media" / "lido-gates.jpg").exists()
    assert Library.open(library.root).load(SAMPLE_SLUG).media == []


# ---------------------------------------------------------------------------
# Metadata out: renditions


def test_renditions_apply_orientation_strip_exif_and_carry_the_records_xmp(
    library: Library, tmp_path: Path
):
    # A 3000×1500 picture stored sideways (orientation 6: rotate 90° to view).
    source = tmp_path / "sideways.jpg"
    image = Image.new("RGB", (3000, 1500), "navy")
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 1.0)}
    image.save(source, "JPEG", exif=exif.tobytes())
    release = _bare(library)
    picture = media.add_picture(
        library,
        release,
        source,
        fields={
            "credit": "Jo Bell",
            "copyright": "© Jo Bell",
            "caption": "Jo Bell",
            "creator": "Jo",
        },
    ).picture
    assert (picture.width, picture.height) == (1500, 3000)  # as seen
    out = media.outgoing(library, release, picture, ("web", "thumbnail", "highres"))
    assert max(out["web"].width, out["web"].height) == 2000
    assert out["web"].height > out["web"].width
    assert len(out["web"].data) <= 1_000_000
    assert max(out["thumbnail"].width, out["thumbnail"].height) <= 400
    for rendition in out.values():
        with Image.open(io.BytesIO(rendition.data)) as copy:
            exif_out = copy.getexif()
            assert 0x8825 not in exif_out and 0x0112 not in exif_out  # no GPS, no rotation
            assert read_xmp(copy.info["xmp"]) == {
                "caption": "Jo Bell",
                "creator": "Jo",
                "credit": "Jo Bell",
                "copyright": "© Jo Bell",
            }
    assert (library.root / SAMPLE_SLUG / "media" / picture.file).read_bytes() == source.read_bytes()
    cache = library.root / ".newsroom" / "renditions" / picture.sha256
    assert {p.name for p in cache.iterdir()} >= {"web.jpg", "thumbnail.jpg"}


_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=80)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.fixed_dictionaries({}, optional={k: _TEXT for k in media.FIELDS}))
def test_xmp_round_trip(fields: dict[str, str]) -> None:
    """What we write into a copy reads back as the same (cleaned, trimmed) text."""
    jpeg = b"\xff\xd8\xff\xd9"
    data = with_xmp(jpeg, fields)
    packet = data[4 + 2 + len(b"http://ns.adobe.com/xap/1.0/\x00") : -2]
    assert packet == build_xmp(fields)
    expected = {}
    for key, value in fields.items():
        cleaned = "".join(
            c for c in value if c in "\t\n" or (ord(c) >= 0x20 and c not in "\ufffe\uffff")
        ).strip()
        if cleaned:
            expected[key] = cleaned
    got = read_xmp(packet)
    assert set(got) == set(expected)
    for key in got:  # XML normalises line ends; compare what a reader sees
        assert " ".join(got[key].split()) == " ".join(expected[key].split())


def test_xmp_with_entities_is_ignored() -> None:
    bomb = b'<!DOCTYPE x [<!ENTITY a "aaaa">]><x:xmpmeta xmlns:x="adobe:ns:meta/"/>'
    assert read_xmp(bomb) == {}


# ---------------------------------------------------------------------------
# Sign-off: digest, diff, checks


def test_editing_or_replacing_a_picture_changes_the_digest_and_diff_names_it(
    library: Library, tmp_path: Path
):
    from datetime import UTC, datetime

    from newsroom.audit import diff
    from newsroom.digest import write_snapshot
    from newsroom.model import Event

    release = library.load(SAMPLE_SLUG)
    base = release_digest(release, library)
    write_snapshot(release, library)
    release.history.append(
        Event(at=datetime(2026, 11, 25, tzinfo=UTC), action="submit", by="priya-raman", digest=base)
    )
    release.media[0].credit = "Someone else"
    assert release_digest(release, library) != base
    _, text = diff(release, library)
    assert "picture 'lido-gates' changed: credit" in text
    release.media[0].credit = "Hollinsbury Progressives"
    assert release_digest(release, library) == base
    release.media[0].sha256 = "0" * 64  # another file
    _, text = diff(release, library)
    assert "picture 'lido-gates' changed: the picture file itself" in text


def test_a_release_without_pictures_keeps_its_digest(library: Library):
    release = library.load("2026-11-20-bus-route-consultation")
    from newsroom.digest import canonical_payload
    from newsroom.export import build_document

    payload = canonical_payload(build_document(release, library.settings, library.people))
    assert "media" not in payload


def _ids(results, level=None):
    return [(r.id, r.message) for r in results if level is None or r.level == level]


def test_picture_checks(library: Library, tmp_path: Path):
    release = library.load(SAMPLE_SLUG)
    assert not [r for r in run_checks(release, library) if r.id.startswith("picture")]
    small = tmp_path / "small.jpg"
    make_picture(small, 640, 480, xmp=False)
    media.add_picture(
        library, release, small, picture_id="small", fields={"caption": "A crowd at the market"}
    )
    found = {r.id: r for r in run_checks(release, library) if "'small'" in r.message}
    assert found["picture-rights"].level == "error"
    assert "no credit line and no copyright notice" in found["picture-rights"].message
    assert found["picture-size"].level == "warning"
    messages = [r.message for r in run_checks(release, library) if r.id == "picture-text"]
    assert any("no alt text" in m for m in messages)
    assert any("names nobody" in m for m in messages)
    # A file swapped behind the tool's back blocks.
    stored = library.root / SAMPLE_SLUG / "media" / "small.jpg"
    make_picture(stored, 700, 480, xmp=False)
    problems = [r for r in run_checks(release, library) if r.id == "picture-file"]
    assert problems and "changed since it was added" in problems[0].message


def test_hash_cache_does_not_rehash_unchanged_files(library: Library, monkeypatch):
    release = library.load(SAMPLE_SLUG)
    path = media.picture_path(library, SAMPLE_SLUG, release.media[0])
    assert media.cached_sha256(library, path) == release.media[0].sha256
    monkeypatch.setattr(media, "sha256_file", lambda p: pytest.fail("re-hashed"))
    assert media.cached_sha256(library, path) == release.media[0].sha256


# ---------------------------------------------------------------------------
# CLI


def test_cli_add_list_remove(library_copy: Path, photo: Path, capsys):
    slug = "2026-11-20-bus-route-consultation"
    args = ["--drafts", str(library_copy), "media"]
    assert (
        main(
            [
                *args,
                "add",
                slug,
                str(photo),
                "--id",
                "stop",
                "--alt",
                "A bus stop",
                "--credit",
                "Jo Bell",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "Added picture 'stop'" in out and "{{< picture stop >}}" in out
    assert main([*args, "list", slug, "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["id"] == "stop" and rows[0]["alt"] == "A bus stop"
    assert rows[0]["credit"] == "Jo Bell" and rows[0]["placed"] == []
    assert main([*args, "add", slug, str(photo), "--id", "stop"]) == 2
    assert "duplicate picture id 'stop'" in capsys.readouterr().err
    bad = photo.with_name("notes.jpg")
    bad.write_text("hello")
    assert main([*args, "add", slug, str(bad)]) == 2
    assert "notes.jpg: is not a picture" in capsys.readouterr().err
    assert main([*args, "remove", slug, "stop"]) == 0
    assert not (library_copy / slug / "media" / "stop.jpg").exists()
    assert Library.open(library_copy).load(slug).media == []


def test_cli_md_page_bundle(library_copy: Path, tmp_path: Path, capsys):
    body = library_copy / SAMPLE_SLUG / "body.md"
    body.write_text(
        body.read_text(encoding="utf-8").replace(
            "{{< caption gates >}}", "{{< picture lido-gates >}}"
        ),
        encoding="utf-8",
    )
    out = tmp_path / "site" / "lido"
    assert (
        main(
            [
                "--drafts",
                str(library_copy),
                "export",
                SAMPLE_SLUG,
                "--format",
                "md",
                "--draft",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert sorted(p.name for p in out.iterdir()) == ["index.md", "lido-gates-web.jpg"]
    assert "](<lido-gates-web.jpg>)" in (out / "index.md").read_text(encoding="utf-8")
    with Image.open(out / "lido-gates-web.jpg") as web:
        assert web.format == "JPEG"


def test_export_refuses_a_swapped_picture(library_copy: Path, capsys):
    stored = library_copy / SAMPLE_SLUG / "media" / "lido-gates.jpg"
    make_picture(stored, 900, 600, xmp=False)
    assert (
        main(["--drafts", str(library_copy), "export", SAMPLE_SLUG, "--format", "html", "--draft"])
        == 2
    )
    assert "changed since it was added" in capsys.readouterr().err


# ---------------------------------------------------------------------------
# The email's 5 MB budget, and a placed picture in strict HTML


def test_pictures_over_five_megabytes_leave_the_largest_out_with_a_note(library: Library):
    import os

    from newsroom.export.document import build_document
    from newsroom.export.eml import MAX_MESSAGE_BYTES, build_message
    from newsroom.export.pictures import fit_attachments

    # Random bytes do not compress: 1.2, 1.5 and 2.6 MB become about 1.6, 2.0
    # and 3.5 MB of base64 on the wire, over 5 MB together.
    files = [
        ("small.jpg", os.urandom(1_200_000)),
        ("middle.jpg", os.urandom(1_500_000)),
        ("large.jpg", os.urandom(2_600_000)),
    ]
    kept, left_out = fit_attachments(files, MAX_MESSAGE_BYTES, 20_000)
    assert left_out == ["large.jpg"] and [name for name, _ in kept] == ["small.jpg", "middle.jpg"]
    release = library.load(SAMPLE_SLUG)
    document = build_document(release, library.settings, library.people, draft=True)
    message = build_message(document, from_address="press@example.org", attachments=files)
    wire = message.as_bytes()
    assert len(wire) <= MAX_MESSAGE_BYTES
    names = [part.get_filename() for part in message.iter_attachments()]
    assert names == ["small.jpg", "middle.jpg"]
    body = message.get_body(("plain",)).get_content()
    assert "large.jpg" in body  # the note says which picture stayed behind
    # Nothing is left out when everything fits.
    assert fit_attachments(files[:1], MAX_MESSAGE_BYTES, 20_000) == (files[:1], [])


def test_a_placed_picture_is_a_figure_in_strict_html(library: Library):
    import html5lib

    from newsroom.export import render

    release = library.load(SAMPLE_SLUG)
    assert release.media, "the sample lido release has a picture"
    picture = release.media[0]
    release.body += f"\n\n{{{{< picture {picture.id} >}}}}\n"
    page = render(release, library, "html", draft=True)
    parser = html5lib.HTMLParser(
        strict=True, tree=html5lib.getTreeBuilder("etree"), namespaceHTMLElements=False
    )
    tree = parser.parse(page)  # raises on the first parse error
    # Text captions are figures too: the picture's is the one with an image.
    (figure,) = [figure for figure in tree.iter("figure") if list(figure.iter("img"))]
    (image,) = figure.iter("img")
    assert image.get("alt") == picture.alt and image.get("src").startswith("data:image/jpeg")
    caption = "".join(next(figure.iter("figcaption")).itertext())
    assert picture.credit in caption
