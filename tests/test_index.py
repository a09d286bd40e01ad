"""The library index (newsroom/index/): right rows, never trusted over the files.

Every test compares the listing with rows derived the slow, obvious way
(``Library.load`` + ``workflow``), and counts how many releases were read.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import REPO, load_make_library
from hypothesis import given, settings
from hypothesis import strategies as st

from newsroom.bundle import Library
from newsroom.errors import BundleError
from newsroom.index import reader, stamps, store
from newsroom.index.listing import listing
from newsroom.layout import BODY_FILE, JOURNAL_FILE, RELEASE_FILE
from newsroom.safety import _CONTROL, _ESCAPE_SEQUENCE, strip_controls
from newsroom.signoff import status, valid_approvals

make_library = load_make_library()


def expected_rows(root: Path) -> list[dict]:
    """What `newsroom list --json` must say, derived without any cache."""
    library = Library.open(root)
    rows = []
    for slug in library.slugs():
        try:
            release = library.load(slug)
        except BundleError as error:
            rows.append({"slug": slug, "status": "invalid", "error": str(error)})
            continue
        directory = root / slug
        mtime = max(int((directory / name).stat().st_mtime) for name in (RELEASE_FILE, BODY_FILE))
        day = release.dateline.date or release.created
        rows.append(
            {
                "slug": slug,
                "headline": release.headline,
                "status": status(release, library),
                "date": day.isoformat() if day else None,
                "updated": datetime.fromtimestamp(mtime, UTC).isoformat(timespec="seconds"),
                "speakers": release.speakers(library.people),
                "approvals": len(valid_approvals(release, library)),
                "embargo": release.embargo.until.isoformat() if release.embargo.until else None,
            }
        )
    return rows


def backdate(root: Path, seconds: int = 3600) -> None:
    """Make every file look edited a while ago, outside the racy window."""
    when = datetime.now(UTC).timestamp() - seconds
    for path in root.rglob("*"):
        if path.is_file() and ".newsroom" not in path.parts:
            os.utime(path, (when, when))


@pytest.fixture
def generated(tmp_path: Path) -> Path:
    root = tmp_path / "generated"
    make_library.make_library(24, root, seed=7)
    return root


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Slugs whose files the index read (each call of read_release)."""
    calls: list[str] = []
    original = reader.read_release

    def counting(library, slug, toml_bytes, body_bytes):
        calls.append(slug)
        return original(library, slug, toml_bytes, body_bytes)

    monkeypatch.setattr(reader, "read_release", counting)
    return calls


def test_rows_match_the_files_and_the_second_run_reads_nothing(generated, counted):
    expected = expected_rows(generated)
    statuses = {row["status"] for row in expected}
    assert {"draft", "approved"} <= statuses or {"draft", "published"} <= statuses
    first = listing(generated)
    assert first.dicts() == expected
    assert first.rebuilt == "no index yet" and first.written
    assert sorted(counted) == sorted(row["slug"] for row in expected)
    on_disk = store.index_path(generated).read_bytes()

    counted.clear()
    second = listing(generated)
    assert second.dicts() == expected
    assert counted == [] and second.reread == [] and second.rebuilt is None
    assert not second.written
    assert store.index_path(generated).read_bytes() == on_disk


def test_after_one_release_changes_only_it_is_read(generated, counted):
    listing(generated)
    slug = sorted(p.name for p in generated.iterdir() if p.is_dir())[5]
    body = generated / slug / BODY_FILE
    body.write_text(body.read_text(encoding="utf-8") + "\nOne more paragraph.\n", encoding="utf-8")
    backdate(generated / slug, 60)
    counted.clear()
    result = listing(generated)
    assert counted == [slug] and result.reread == [slug]
    assert result.dicts() == expected_rows(generated)
    counted.clear()
    assert listing(generated).reread == [] and counted == []


def test_a_changed_headline_shows_and_an_approval_goes_stale(generated):
    listing(generated)
    rows = {row["slug"]: row for row in expected_rows(generated)}
    slug = next(s for s, row in rows.items() if row["status"] in ("approved", "published"))
    toml = generated / slug / RELEASE_FILE
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace('headline = "', 'headline = "Updated: ', 1), encoding="utf-8")
    backdate(generated / slug, 60)
    row = next(r for r in listing(generated).dicts() if r["slug"] == slug)
    assert row["headline"].startswith("Updated: ")
    assert row["status"] == "stale" and row["approvals"] == 0


def test_people_or_settings_changing_rederives_everything(generated, counted):
    listing(generated)
    people = generated / "people.toml"
    people.write_text(
        people.read_text(encoding="utf-8").replace('name = "David Osei"', 'name = "David K. Osei"'),
        encoding="utf-8",
    )
    counted.clear()
    result = listing(generated)
    assert result.rebuilt and "changed" in result.rebuilt
    assert len(counted) == len(result.rows) == 24
    assert result.dicts() == expected_rows(generated)

    settings_file = generated / "newsroom.toml"
    settings_file.write_text(
        settings_file.read_text(encoding="utf-8").replace(
            "approvals_required = 1", "approvals_required = 2"
        ),
        encoding="utf-8",
    )
    rows = listing(generated).dicts()
    assert rows == expected_rows(generated)
    assert not {"approved", "published"} & {row["status"] for row in rows}


def _corruptions():
    def truncate(data: bytes) -> bytes:
        return data[: len(data) * 2 // 3]

    def flip(data: bytes) -> bytes:
        position = len(data) - 40
        return data[:position] + bytes([data[position] ^ 0x01]) + data[position + 1 :]

    def foreign(data: bytes) -> bytes:
        header, _, rest = data.partition(b"\n")
        return header.replace(b'"format":', b'"format":99')  # 99N: not ours + b"\n" + rest

    def drop_line(data: bytes) -> bytes:
        lines = data.split(b"\n")
        return b"\n".join(lines[:2] + lines[3:])

    def forged_row(data: bytes) -> bytes:
        # A hand edit that keeps the framing but changes a status: the CRC notices.
        return data.replace(b'"status":"draft"', b'"status":"approved"', 1)

    return {
        "truncated": truncate,
        "bit flipped": flip,
        "foreign version": foreign,
        "line missing": drop_line,
        "row edited": forged_row,
        "empty": lambda data: b"",
        "garbage": lambda data: b"\x00\xff" * 50,
        "header only": lambda data: data.partition(b"\n")[0] + b"\n",
        "not json": lambda data: b"[1, 2\n" + data,
    }


@pytest.mark.parametrize("kind", sorted(_corruptions()))
def test_a_damaged_index_is_detected_and_rebuilt(generated, counted, kind):
    expected = expected_rows(generated)
    listing(generated)
    path = store.index_path(generated)
    path.write_bytes(_corruptions()[kind](path.read_bytes()))
    counted.clear()
    result = listing(generated)
    assert result.rebuilt is not None
    assert result.dicts() == expected
    assert len(counted) == len(expected)
    assert result.written
    # ...and the rebuilt index is good again.
    assert listing(generated).reread == []


def test_stamps_not_just_mtime_same_size_edit_with_mtime_put_back(generated, counted):
    listing(generated)
    slug = sorted(p.name for p in generated.iterdir() if p.is_dir())[3]
    toml = generated / slug / RELEASE_FILE
    before = toml.stat()
    text = toml.read_text(encoding="utf-8")
    changed = text.replace("schema = 1", "schema = 1", 1).replace(
        'headline = "', 'headline = "X', 1
    )
    changed = changed.replace("\n\n", "\n", 1)  # same size: one character in, one out
    assert len(changed.encode()) == len(text.encode())
    toml.write_text(changed, encoding="utf-8")
    os.utime(toml, ns=(before.st_atime_ns, before.st_mtime_ns))  # as `rsync -t` might
    counted.clear()
    row = next(r for r in listing(generated).dicts() if r["slug"] == slug)
    assert counted == [slug] and row["headline"].startswith("X")


def test_freshly_modified_files_are_read_but_not_stored(generated, counted):
    backdate(generated)
    slug = sorted(p.name for p in generated.iterdir() if p.is_dir())[0]
    (generated / slug / BODY_FILE).write_text("Just now.\n", encoding="utf-8")
    listing(generated)
    counted.clear()
    again = listing(generated)
    assert counted == [slug]  # racy: could hide a same-size edit in the same tick
    assert again.dicts() == expected_rows(generated)
    backdate(generated / slug)
    listing(generated)
    counted.clear()
    assert listing(generated).reread == [] and counted == []


def test_invalid_missing_linked_and_removed_bundles(generated, tmp_path):
    slugs = sorted(p.name for p in generated.iterdir() if p.is_dir())
    (generated / slugs[0] / RELEASE_FILE).write_text('headline = "unterminated\n', encoding="utf-8")
    (generated / slugs[1] / BODY_FILE).unlink()
    outside = tmp_path / "outside"
    shutil.copytree(generated / slugs[2], outside)
    (generated / "linked-release").symlink_to(outside, target_is_directory=True)
    (generated / "photos").mkdir()  # a folder that is not a bundle
    (generated / "photos" / "a.jpg").write_bytes(b"\xff\xd8")
    shutil.rmtree(generated / slugs[3])
    backdate(generated)
    expected = expected_rows(generated)
    for _ in range(2):  # from the files, then from the index
        result = listing(generated)
        assert result.dicts() == expected
        invalid = {row["slug"] for row in result.dicts() if row["status"] == "invalid"}
        assert invalid == {slugs[0], slugs[1], "linked-release"}
        assert len(result.errors) == 3
        assert any("release.toml:1" in error for error in result.errors)
    assert "linked-release" in listing(generated).reread  # links are never cached
    shutil.rmtree(generated / slugs[4])
    assert listing(generated).dicts() == expected_rows(generated)
    assert slugs[4] not in store.index_path(generated).read_text(encoding="utf-8")


def test_a_save_journal_sends_the_release_through_library_load(generated, counted):
    backdate(generated)
    slug = sorted(p.name for p in generated.iterdir() if p.is_dir())[2]
    # A crash after staging a new body.md and writing the journal.
    staged = f".{BODY_FILE}.crashed.new"
    (generated / slug / staged).write_text("Rolled forward.\n", encoding="utf-8")
    (generated / slug / JOURNAL_FILE).write_text(f"{staged}\t{BODY_FILE}\n", encoding="utf-8")
    result = listing(generated)
    assert slug in result.reread and slug not in counted  # Library.load, not the fast path
    assert (generated / slug / BODY_FILE).read_text(encoding="utf-8") == "Rolled forward.\n"
    assert slug not in store.index_path(generated).read_text(encoding="utf-8")
    assert result.dicts() == expected_rows(generated)


def test_a_read_only_library_still_lists(generated, monkeypatch):
    import newsroom.fsio

    def refuse(path, data):
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(newsroom.fsio, "atomic_write", refuse)
    result = listing(generated)
    assert result.dicts() == expected_rows(generated)
    assert not result.written and not store.index_path(generated).exists()


def test_parallel_build_gives_the_same_rows(generated, monkeypatch, counted):
    monkeypatch.setattr(reader, "PARALLEL_MIN", 4)
    backdate(generated)
    parallel = listing(generated, workers=2)
    assert parallel.dicts() == expected_rows(generated)
    assert len(parallel.reread) == 24
    assert listing(generated).reread == []  # what the workers read was stored


def test_fast_reader_agrees_with_library_load(generated):
    library = Library.open(generated)
    for slug in library.slugs():
        directory = generated / slug
        release = reader.read_release(
            library,
            slug,
            (directory / RELEASE_FILE).read_bytes(),
            (directory / BODY_FILE).read_bytes(),
        )
        assert release == library.load(slug)


def test_bom_and_crlf_bodies_read_as_load_reads_them(library_copy):
    slug = "2026-11-24-lido-reopens"
    body = library_copy / slug / BODY_FILE
    body.write_bytes(b"\xef\xbb\xbf" + body.read_bytes().replace(b"\n", b"\r\n"))
    library = Library.open(library_copy)
    release = reader.read_release(
        library, slug, (library_copy / slug / RELEASE_FILE).read_bytes(), body.read_bytes()
    )
    assert release == library.load(slug)
    assert listing(library_copy).dicts() == expected_rows(library_copy)


def test_list_json_uses_the_index_and_never_imports_textual_or_rich(generated):
    backdate(generated)
    script = textwrap.dedent(f"""
        import io, json, sys
        from contextlib import redirect_stdout
        from newsroom.cli import main
        for _ in range(2):
            out = io.StringIO()
            with redirect_stdout(out):
                code = main(["--drafts", {str(generated)!r}, "list", "--json"])
        print(json.dumps({{"code": code, "rows": json.loads(out.getvalue()),
                          "heavy": sorted(m for m in ("textual", "rich") if m in sys.modules)}}))
    """)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, timeout=120
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["code"] == 0 and report["heavy"] == []
    assert report["rows"] == expected_rows(generated)
    assert store.index_path(generated).exists()


def test_list_human_output_and_exit_code_for_invalid(generated):
    slug = sorted(p.name for p in generated.iterdir() if p.is_dir())[0]
    (generated / slug / RELEASE_FILE).write_text("schema = 99\n", encoding="utf-8")
    script = (
        f"from newsroom.cli import main; import sys; "
        f"sys.exit(main(['--drafts', {str(generated)!r}, 'list']))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, timeout=120
    )
    assert done.returncode == 2
    assert "schema 99 is newer" in done.stderr and slug in done.stderr
    assert done.stdout.count("\n") == 24 and done.stdout.startswith(
        ("draft", "in review", "approved", "published", "spiked", "stale", "invalid")
    )


def test_generator_is_deterministic(tmp_path):
    make_library.make_library(6, tmp_path / "a", seed=3)
    make_library.make_library(6, tmp_path / "b", seed=3)
    files_a = {
        p.relative_to(tmp_path / "a"): p.read_bytes()
        for p in (tmp_path / "a").rglob("*")
        if p.is_file()
    }
    files_b = {
        p.relative_to(tmp_path / "b"): p.read_bytes()
        for p in (tmp_path / "b").rglob("*")
        if p.is_file()
    }
    assert files_a == files_b and len(files_a) == 6 * 2 + 2
    people = Library.open(tmp_path / "a").people
    assert len(people) == 500


def _strip_controls_reference(text: str) -> str:
    """strip_controls without its fast path."""
    if not text:
        return text
    text = _ESCAPE_SEQUENCE.sub("", text)
    return _CONTROL.sub("", text.replace("\x1b", ""))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab £\n\t\x1b[]\\0;m\x07\x9b\x9d\x90\x9c\x7f\x00P")))
def test_strip_controls_fast_path_changes_nothing(text):
    assert strip_controls(text) == _strip_controls_reference(text)


# -- The library folder's stamp and the second stamping process ----------------


def settled(root: Path) -> None:
    """Index built and stored with the library folder's stamp (it must be
    older than the racy window, as a library untouched for an hour is)."""
    backdate(root)
    listing(root)
    when = datetime.now(UTC).timestamp() - 3600
    os.utime(root, (when, when))
    listing(root)
    header = json.loads(store.index_path(root).read_bytes().partition(b"\n")[0])
    assert header["root"] is not None


def test_an_unchanged_library_folder_is_not_listed_again(generated, counted, monkeypatch):
    settled(generated)
    expected = expected_rows(generated)

    def refuse(path):
        raise AssertionError("the folder was listed although its stamp is unchanged")

    monkeypatch.setattr(stamps.os, "scandir", refuse)
    counted.clear()
    result = listing(generated)
    assert result.dicts() == expected and counted == [] and not result.written


@pytest.mark.parametrize("put_mtime_back", [False, True])
def test_a_release_added_changes_the_folder_stamp(generated, counted, tmp_path, put_mtime_back):
    settled(generated)
    before = os.stat(generated)
    make_library.make_library(1, tmp_path / "other", seed=99)
    new = next(
        p for p in (tmp_path / "other").iterdir() if p.is_dir() and not p.name.startswith(".")
    )
    shutil.copytree(new, generated / ("zz-" + new.name[3:]))
    if put_mtime_back:  # as `rsync -t` or `touch -r` might: the ctime still moves
        os.utime(generated, ns=(before.st_atime_ns, before.st_mtime_ns))
    counted.clear()
    result = listing(generated)
    assert result.dicts() == expected_rows(generated)
    assert counted == ["zz-" + new.name[3:]]


def test_a_folder_that_is_not_a_release_keeps_the_folder_stamp_out(generated):
    (generated / "photos").mkdir()
    backdate(generated)
    for _ in range(2):
        listing(generated)
        when = datetime.now(UTC).timestamp() - 3600
        os.utime(generated, (when, when))
    header = json.loads(store.index_path(generated).read_bytes().partition(b"\n")[0])
    assert header["root"] is None
    # ...because a release.toml may appear inside it without the folder changing.
    shutil.copy(next(generated.glob("*/release.toml")), generated / "photos" / RELEASE_FILE)
    (generated / "photos" / BODY_FILE).write_text("Now a release.\n", encoding="utf-8")
    assert "photos" in {row["slug"] for row in listing(generated).dicts()}


def test_a_damaged_index_with_a_good_folder_stamp_lists_the_folder(generated, counted):
    settled(generated)
    path = store.index_path(generated)
    data = path.read_bytes()
    header, _, rest = data.partition(b"\n")
    slugs_line, _, after = rest.partition(b"\n")
    slugs = json.loads(slugs_line)
    # One release missing from the slugs (the CRC no longer matches): the
    # folders are listed from disk, not trusted from the damaged index.
    path.write_bytes(header + b"\n" + json.dumps(slugs[1:]).encode() + b"\n" + after)
    counted.clear()
    result = listing(generated)
    assert result.rebuilt is not None
    assert result.dicts() == expected_rows(generated)
    assert len(counted) == len(slugs)


@pytest.fixture
def two_processes(monkeypatch):
    """The second stamping process engages even for a small library."""
    monkeypatch.setattr(stamps, "PARALLEL_STAT_MIN", 2)


def test_stamping_in_two_processes_agrees_with_one(generated, two_processes):
    settled(generated)
    folders = sorted(
        p.name for p in generated.iterdir() if p.is_dir() and not p.name.startswith(".")
    )
    one = stamps.Stamping(str(generated), folders, parallel=False).result()
    two = stamps.Stamping(str(generated), folders, parallel=True).result()
    assert one == two and len(one) == 2 * len(folders) * stamps.STAMP.size


def test_a_change_in_the_second_process_half_is_seen(generated, counted, two_processes):
    settled(generated)
    slugs = sorted(p.name for p in generated.iterdir() if p.is_dir() and not p.name.startswith("."))
    last = slugs[-1]  # stamped by the child
    body = generated / last / BODY_FILE
    before = body.stat()
    body.write_text(body.read_text(encoding="utf-8").replace("the", "teh", 1), encoding="utf-8")
    os.utime(body, ns=(before.st_atime_ns, before.st_mtime_ns))  # mtime put back
    counted.clear()
    result = listing(generated, workers=2)
    assert counted == [last] and result.dicts() == expected_rows(generated)


def test_stamping_without_a_second_process_still_works(
    generated, counted, two_processes, monkeypatch
):
    settled(generated)

    def no_fork():
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(stamps.os, "fork", no_fork)
    counted.clear()
    result = listing(generated, workers=2)
    assert counted == [] and result.dicts() == expected_rows(generated)


def test_a_missing_body_is_stamped_and_stays_on_the_fast_path(generated, counted):
    slug = sorted(p.name for p in generated.iterdir() if p.is_dir())[5]
    (generated / slug / BODY_FILE).unlink()
    settled(generated)
    counted.clear()
    result = listing(generated)
    assert counted == [] and not result.reread
    assert [row["slug"] for row in result.dicts() if row["status"] == "invalid"] == [slug]
    assert len(result.errors) == 1 and "body.md" in result.errors[0]
