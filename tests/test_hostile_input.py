"""Hostile and odd input through the command line: a clear message, nothing on disk changed.

Most cases run ``newsroom.cli.main`` in-process (fast); a few run the real
``python -m newsroom`` to prove there is no traceback and the exit code holds.
"""

from __future__ import annotations

import errno
import os
import re
import unicodedata
from pathlib import Path

import pytest
import tomli_w
from conftest import EARLY_SLUG, SAMPLE_SLUG, run_newsroom
from conftest import snapshot_tree as _snapshot_everything

from newsroom import fsio
from newsroom.bundle import Library
from newsroom.cli import main as cli_main
from newsroom.errors import BundleError
from newsroom.layout import BODY_FILE, PEOPLE_FILE, RELEASE_FILE, SETTINGS_FILE

FORMATS = ("text", "md", "html", "eml", "ninjs")

# Terminal control: C0 except tab/newline/CR, DEL, and the C1 block (U+0080-U+009F),
# which xterm-like terminals also obey (U+009B is CSI, U+009D is OSC).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def snapshot_tree(root: Path) -> dict[str, bytes]:
    """The library's content: everything but ``.newsroom/`` (newsroom's private caches)."""
    return {
        name: data
        for name, data in _snapshot_everything(root).items()
        if not name.startswith(".newsroom/")
    }


def run(capsys, library: Path, *args: str) -> tuple[int, str, str]:
    code = cli_main(["--drafts", str(library), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_clear_error(err: str, file_hint: str) -> None:
    assert err.startswith("newsroom: "), err
    assert file_hint in err, err
    assert "Traceback" not in err


# -- broken files ----------------------------------------------------------------

MALFORMED = [
    (b'schema = 1\nheadline = "unterminated\n', "release.toml:2:"),
    (b"schema = 1\n[dateline\nplace = 'x'\n", "release.toml:2:"),
    (b"schema = 1\nheadline = 1\nheadline = 2\n", "release.toml:3:"),
    (b"schema = 1\n= nothing\n", "release.toml:2:"),
    (b'schema = 1\nheadline = """never closed\n', "release.toml:"),
    (b"\xef\xbb\xbfschema = 1\nheadline = [1, 2\n", "release.toml:"),
]


@pytest.mark.parametrize("raw, where", MALFORMED, ids=[str(i) for i in range(len(MALFORMED))])
@pytest.mark.parametrize("command", ["show", "export", "check", "list"])
def test_malformed_release_toml(
    library_copy: Path, capsys, raw: bytes, where: str, command: str
) -> None:
    (library_copy / SAMPLE_SLUG / RELEASE_FILE).write_bytes(raw)
    before = snapshot_tree(library_copy)
    args = [command] if command == "list" else [command, SAMPLE_SLUG]
    if command == "export":
        args.append("--draft")
    code, out, err = run(capsys, library_copy, *args)
    assert code == 2
    assert_clear_error(err, where)
    assert "not valid TOML" in err
    assert snapshot_tree(library_copy) == before


def test_every_truncation_of_release_toml_is_handled(library_copy: Path) -> None:
    """Cut the file at every 7th byte: it either loads or fails with a BundleError."""
    path = library_copy / SAMPLE_SLUG / RELEASE_FILE
    whole = path.read_bytes()
    failures = 0
    for cut in range(0, len(whole), 7):
        path.write_bytes(whole[:cut])
        before = snapshot_tree(library_copy / SAMPLE_SLUG)
        try:
            Library.open(library_copy).load(SAMPLE_SLUG)
        except BundleError as error:
            failures += 1
            assert str(error).startswith(str(path.parent)), error
        assert snapshot_tree(library_copy / SAMPLE_SLUG) == before
    assert failures > len(whole) // 14  # most cuts really are broken


def test_truncated_toml_through_the_real_cli(library_copy: Path) -> None:
    path = library_copy / SAMPLE_SLUG / RELEASE_FILE
    whole = path.read_bytes()
    path.write_bytes(whole[: whole.index(b"[[quotes]]") + 20])
    before = snapshot_tree(library_copy)
    result = run_newsroom("show", SAMPLE_SLUG, drafts=library_copy)
    assert result.returncode == 2
    assert_clear_error(result.stderr, f"{RELEASE_FILE}:")
    assert snapshot_tree(library_copy) == before


@pytest.mark.parametrize("name", [PEOPLE_FILE, SETTINGS_FILE])
def test_malformed_library_files(library_copy: Path, capsys, name: str) -> None:
    (library_copy / name).write_bytes(b"schema = 1\n[people.x\n")
    before = snapshot_tree(library_copy)
    for args in (["list"], ["show", SAMPLE_SLUG], ["new", "2026-11-25-x", "--headline", "X"]):
        code, _, err = run(capsys, library_copy, *args)
        assert code == 2
        assert_clear_error(err, f"{name}:2:")
    assert snapshot_tree(library_copy) == before


# -- bytes that are not text ------------------------------------------------------------


@pytest.mark.parametrize("name", [RELEASE_FILE, BODY_FILE])
def test_nul_bytes_are_refused_with_line_and_column(library_copy: Path, capsys, name: str) -> None:
    path = library_copy / SAMPLE_SLUG / name
    raw = path.read_bytes()
    second_line = raw.index(b"\n") + 1
    path.write_bytes(raw[:second_line] + b"ab\x00cd" + raw[second_line:])
    before = snapshot_tree(library_copy)
    code, _, err = run(capsys, library_copy, "show", SAMPLE_SLUG)
    assert code == 2
    assert_clear_error(err, f"{name}:2:3")
    assert "NUL" in err
    assert snapshot_tree(library_copy) == before


@pytest.mark.parametrize("name", [RELEASE_FILE, BODY_FILE, PEOPLE_FILE])
def test_invalid_utf8_is_refused_with_line_and_column(
    library_copy: Path, capsys, name: str
) -> None:
    path = (library_copy / name) if name == PEOPLE_FILE else (library_copy / SAMPLE_SLUG / name)
    raw = path.read_bytes()
    cut = raw.index(b"\n") + 1
    path.write_bytes(raw[:cut] + b"caf\xe9 latin-1\n" + raw[cut:])
    before = snapshot_tree(library_copy)
    code, _, err = run(capsys, library_copy, "show", SAMPLE_SLUG)
    assert code == 2
    assert_clear_error(err, f"{name}:2:4")
    assert "UTF-8" in err
    assert snapshot_tree(library_copy) == before


def test_byte_order_mark_is_read_and_kept(library_copy: Path, capsys) -> None:
    directory = library_copy / SAMPLE_SLUG
    for name in (RELEASE_FILE, BODY_FILE):
        path = directory / name
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    code, out, err = run(capsys, library_copy, "show", SAMPLE_SLUG)
    assert code == 0, err
    assert "Hollinsbury Lido" in out and "\ufeff" not in out
    library = Library.open(library_copy)
    release = library.load(SAMPLE_SLUG)
    release.headline = "Edited with a BOM"
    release.body += "\nMore.\n"
    library.save(release)
    for name in (RELEASE_FILE, BODY_FILE):
        assert (directory / name).read_bytes().startswith(b"\xef\xbb\xbf")
    assert Library.open(library_copy).load(SAMPLE_SLUG).headline == "Edited with a BOM"


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_crlf_and_lone_cr_line_ends_are_kept_on_save(
    library_copy: Path, capsys, newline: str
) -> None:
    path = library_copy / SAMPLE_SLUG / BODY_FILE
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    code, out, err = run(capsys, library_copy, "export", "--draft", SAMPLE_SLUG)
    assert code == 0, err
    assert "\r" not in out  # the export chooses its own line ends
    library = Library.open(library_copy)
    release = library.load(SAMPLE_SLUG)
    assert "\r" not in release.body
    release.body += "An added paragraph.\n"
    library.save(release)
    raw = path.read_bytes().decode("utf-8")
    assert raw.endswith(f"An added paragraph.{newline}")
    assert raw.count(newline) == text.count("\n") + 1
    if newline == "\r":
        assert "\n" not in raw
    else:
        assert "\n" not in raw.replace("\r\n", "")


# -- size -----------------------------------------------------------------------------


@pytest.mark.slow
def test_a_ten_megabyte_body(library_copy: Path, capsys, tmp_path: Path) -> None:
    path = library_copy / SAMPLE_SLUG / BODY_FILE
    paragraph = "The council's budget papers run to many pages, and so does this. " * 3 + "\n\n"
    big = path.read_text(encoding="utf-8") + paragraph * (10_000_000 // len(paragraph))
    path.write_text(big, encoding="utf-8")
    assert path.stat().st_size > 10_000_000
    before = snapshot_tree(library_copy)
    code, out, err = run(capsys, library_copy, "list")
    assert code == 0, err
    assert SAMPLE_SLUG in out
    out_file = tmp_path / "big.txt"
    code, _, err = run(capsys, library_copy, "export", "--draft", SAMPLE_SLUG, "-o", str(out_file))
    assert code == 0, err
    assert out_file.stat().st_size > 9_000_000
    assert snapshot_tree(library_copy) == before
    # An edit to a huge release saves and reloads exactly.
    library = Library.open(library_copy)
    release = library.load(SAMPLE_SLUG)
    release.body += "One more line.\n"
    library.save(release)
    assert Library.open(library_copy).load(SAMPLE_SLUG).body == release.body


@pytest.mark.parametrize(
    "line",
    [
        "word " * 200_000,  # a million characters of words
        "x" * 1_000_000,  # one million-character word
        "https://example.org/" + "a" * 999_980,  # one enormous URL
    ],
    ids=["words", "one-word", "url"],
)
def test_a_million_character_line(library_copy: Path, capsys, tmp_path: Path, line: str) -> None:
    path = library_copy / SAMPLE_SLUG / BODY_FILE
    path.write_text(path.read_text(encoding="utf-8") + "\n" + line + "\n", encoding="utf-8")
    before = snapshot_tree(library_copy)
    code, out, err = run(capsys, library_copy, "show", SAMPLE_SLUG)
    assert code == 0, err
    out_file = tmp_path / "out.txt"
    code, _, err = run(capsys, library_copy, "export", "--draft", SAMPLE_SLUG, "-o", str(out_file))
    assert code == 0, err
    exported = out_file.read_text(encoding="utf-8")
    # No word is split; a line longer than the width is only ever one word.
    assert max((len(x.split()) for x in exported.splitlines() if len(x) > 72), default=1) == 1
    assert snapshot_tree(library_copy) == before


NESTED = {
    "blockquotes": "> " * 5_000 + "deep\n",
    "lists": "".join("  " * i + "- item\n" for i in range(1_000)),
    "bullets on one line": "- " * 5_000 + "deep\n",
    "brackets": "[" * 10_000 + "x" + "](y)" * 10_000 + "\n",
    "emphasis": "*" * 20_000 + "x" + "*" * 20_000 + "\n",
    "html": "<div>" * 10_000 + "\n",
    "backticks": "`" * 10_000 + "x\n",
}


@pytest.mark.parametrize("kind", list(NESTED))
def test_deeply_nested_markdown_does_not_recurse_to_death(
    library_copy: Path, capsys, tmp_path: Path, kind: str
) -> None:
    path = library_copy / SAMPLE_SLUG / BODY_FILE
    path.write_text(path.read_text(encoding="utf-8") + "\n" + NESTED[kind], encoding="utf-8")
    before = snapshot_tree(library_copy)
    for fmt in FORMATS:
        out_file = tmp_path / f"out.{fmt}"
        code, _, err = run(
            capsys,
            library_copy,
            "export",
            "--draft",
            "--format",
            fmt,
            SAMPLE_SLUG,
            "-o",
            str(out_file),
        )
        assert code == 0, (fmt, err)
        assert out_file.stat().st_size > 0
    assert snapshot_tree(library_copy) == before


# -- Unicode ------------------------------------------------------------------------------

# Emoji with skin tone and ZWJ, Arabic and Hebrew, decomposed accents (NFD),
# combining marks stacked, a flag.
UNICODE = "Zoë 👩🏽‍⚕️ مرحبا שלום Cafe\u0301 Ame\u0301lie Z\u0335\u0331a\u0338 🇬🇧"


def _every_text_field(value: str) -> dict:
    return {
        "schema": 1,
        "headline": f"Headline {value}",
        "standfirst": f"Standfirst {value}",
        "about": f"About {value}",
        "imprint": f"Promoted by {value}",
        "internal_notes": f"Internal {value}",
        "notes_to_editors": [f"Note {value}"],
        "dateline": {"place": f"Place {value}"},
        "contact": {
            "name": f"Contact {value}",
            "role": f"Role {value}",
            "phone": f"0770 {value}",
            "email": f"press{value}@example.org",
        },
        "quotes": [
            {
                "id": "q1",
                "speaker": "jane-doe",
                "role": f"Quote role {value}",
                "intro": f"Intro {value} {{name}} said:",
                "text": f"Quote text {value}",
            }
        ],
        "captions": [{"id": "c1", "text": f"Caption {value}", "credit": f"Credit {value}"}],
    }


def _write_release(root: Path, slug: str, data: dict, body: str) -> None:
    settings = root / SETTINGS_FILE
    if b"[export]" not in settings.read_bytes():  # eml needs a From address
        with settings.open("a", encoding="utf-8") as handle:
            handle.write('\n[export]\nfrom = "Press Office <press@example.org>"\n')
    (root / slug).mkdir()
    (root / slug / RELEASE_FILE).write_bytes(tomli_w.dumps(data).encode("utf-8"))
    (root / slug / BODY_FILE).write_text(body, encoding="utf-8")


def test_unicode_in_every_field_is_shown_and_stored_as_nfc(empty_library: Path, capsys) -> None:
    slug = "2026-11-25-unicode"
    _write_release(
        empty_library,
        slug,
        _every_text_field(UNICODE),
        f"Body {UNICODE}\n\n{{{{< quote q1 >}}}}\n\n{{{{< caption c1 >}}}}\n",
    )
    nfc = unicodedata.normalize("NFC", UNICODE)
    code, out, err = run(capsys, empty_library, "show", slug)
    assert code == 0, err
    assert nfc in out or UNICODE in out
    for fmt in FORMATS:
        code, out, err = run(capsys, empty_library, "export", "--draft", "--format", fmt, slug)
        assert code == 0, (fmt, err)
        if fmt in ("text", "md"):
            assert "Café" in out and "👩🏽‍⚕️" in out and "שלום" in out and "مرحبا" in out
    # An edit stores every field, and the body, in NFC.
    library = Library.open(empty_library)
    release = library.load(slug)
    release.standfirst += " edited"
    release.body += "Edited.\n"
    library.save(release)
    for name in (RELEASE_FILE, BODY_FILE):
        text = (empty_library / slug / name).read_text(encoding="utf-8")
        assert unicodedata.is_normalized("NFC", text), name
        assert "Cafe\u0301" not in text and "Café" in text
    reloaded = Library.open(empty_library).load(slug)
    assert reloaded.headline == unicodedata.normalize("NFC", f"Headline {UNICODE}")


def test_new_stores_an_nfd_headline_as_nfc(empty_library: Path, capsys) -> None:
    code, _, err = run(
        capsys, empty_library, "new", "2026-11-25-cafe", "--headline", "Cafe\u0301 reopens"
    )
    assert code == 0, err
    raw = (empty_library / "2026-11-25-cafe" / RELEASE_FILE).read_text(encoding="utf-8")
    assert 'headline = "Café reopens"' in raw


def test_no_edit_save_of_an_nfd_file_changes_no_byte(empty_library: Path) -> None:
    slug = "2026-11-25-nfd"
    _write_release(empty_library, slug, {"schema": 1, "headline": "Cafe\u0301"}, "Cafe\u0301\n")
    before = snapshot_tree(empty_library / slug)
    library = Library.open(empty_library)
    library.save(library.load(slug))
    assert snapshot_tree(empty_library / slug) == before


# -- markup and escape sequences ---------------------------------------------------------------

HOSTILE = (
    "[bold red]Boom[/] [link=https://evil.example]click[/link] "
    "\x1b[31mred\x1b[0m \x1b]8;;https://evil.example\x07hyper\x1b]8;;\x07 "
    "\x1b]0;owned title\x1b\\ \x9b2J\x9d0;c1 title\x9c bell\x07 bs\x08 del\x7f \x1bc end"
)


def _hostile_library(root: Path) -> str:
    people = {
        "schema": 1,
        "people": {
            "jane-doe": {
                "name": f"Jane {HOSTILE}",
                "role": f"Chair {HOSTILE}",
                "organisation": f"Org {HOSTILE}",
            }
        },
    }
    (root / PEOPLE_FILE).write_bytes(tomli_w.dumps(people).encode("utf-8"))
    slug = "2026-11-25-hostile"
    _write_release(
        root,
        slug,
        _every_text_field(HOSTILE),
        f"Body {HOSTILE}\n\n{{{{< quote q1 >}}}}\n\n{{{{< caption c1 >}}}}\n\n"
        f"- list {HOSTILE}\n\n> quoted {HOSTILE}\n\n`code {HOSTILE}`\n",
    )
    return slug


def test_markup_and_escapes_never_reach_the_terminal_or_an_export(
    empty_library: Path, capsys
) -> None:
    slug = _hostile_library(empty_library)
    before = snapshot_tree(empty_library)
    outputs = {}
    for args in (
        ["show", slug],
        ["list"],
        ["check", slug],
        ["check", "--json", slug],
        ["history", slug],
        ["history", "--json", slug],
        ["diff", slug],
        ["verify", slug],
        *(["export", "--draft", "--format", fmt, slug] for fmt in FORMATS),
    ):
        code, out, err = run(capsys, empty_library, *args)
        assert code in (0, 1), (args, err)
        outputs[" ".join(args)] = out
        for stream in (out, err):
            bad = CONTROL.search(stream)
            assert bad is None, f"{args}: raw control {bad.group()!r} at {bad.start()}"
    # Markup is shown literally, not interpreted or dropped.
    assert "[bold red]Boom[/]" in outputs[f"show {slug}"]
    assert "[bold red]Boom[/]" in outputs[f"export --draft --format text {slug}"]
    assert snapshot_tree(empty_library) == before


def test_list_json_escapes_every_control_character(empty_library: Path, capsys) -> None:
    """JSON escapes C0 itself; DEL and C1 (U+009B is CSI to xterm) must be escaped too."""
    import json

    slug = _hostile_library(empty_library)
    code, out, err = run(capsys, empty_library, "list", "--json")
    assert code == 0, err
    bad = CONTROL.search(out)
    assert bad is None, f"raw control {bad.group()!r} in list --json"
    (row,) = json.loads(out)
    assert row["slug"] == slug and "[bold red]Boom[/]" in row["headline"]


def test_escapes_never_reach_the_terminal_through_the_real_cli(empty_library: Path) -> None:
    slug = _hostile_library(empty_library)
    for args in (("show", slug), ("list",), ("export", "--draft", slug)):
        result = run_newsroom(*args, drafts=empty_library)
        assert result.returncode == 0, result.stderr
        assert CONTROL.search(result.stdout) is None, args
        assert "Traceback" not in result.stderr


def test_escapes_in_an_error_message_are_not_printed_raw(library_copy: Path, capsys) -> None:
    path = library_copy / SAMPLE_SLUG / RELEASE_FILE
    path.write_bytes(b'schema = 1\n"\x1b[2J" = 1\nheadline = "\x1b]0;x\x07"\n')
    code, _, err = run(capsys, library_copy, "show", SAMPLE_SLUG)
    assert code == 2
    assert CONTROL.search(err) is None, repr(err)


# -- links, permissions, a full disk -------------------------------------------------------------


def test_symlinked_bundle_pointing_outside_drafts_is_refused(
    library_copy: Path, capsys, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    for name in (RELEASE_FILE, BODY_FILE):
        (outside / name).write_bytes((library_copy / SAMPLE_SLUG / name).read_bytes())
    (library_copy / "2026-11-25-linked").symlink_to(outside, target_is_directory=True)
    before = snapshot_tree(outside)
    for args in (["show", "2026-11-25-linked"], ["export", "--draft", "2026-11-25-linked"]):
        code, out, err = run(capsys, library_copy, *args)
        assert code == 2
        assert_clear_error(err, "2026-11-25-linked")
        assert "link" in err and out == ""
    code, out, err = run(capsys, library_copy, "list")
    assert "2026-11-25-linked" not in out or "invalid" in out
    library = Library.open(library_copy)
    release = library.load(SAMPLE_SLUG)
    release.slug = "2026-11-25-linked"
    with pytest.raises(BundleError, match="link"):
        library.save(release)
    assert snapshot_tree(outside) == before


def test_symlinked_file_inside_a_bundle_is_refused(
    library_copy: Path, capsys, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.toml"
    secret.write_text('schema = 1\nheadline = "from outside"\n', encoding="utf-8")
    target = library_copy / SAMPLE_SLUG / RELEASE_FILE
    target.unlink()
    target.symlink_to(secret)
    code, out, err = run(capsys, library_copy, "show", SAMPLE_SLUG)
    assert code == 2
    assert_clear_error(err, RELEASE_FILE)
    assert "from outside" not in out


def _chmod_works(directory: Path) -> bool:
    probe = directory / ".probe"
    directory.chmod(0o555)
    try:
        probe.write_bytes(b"")
    except PermissionError:
        return True
    else:
        probe.unlink()
        return False
    finally:
        directory.chmod(0o755)


def test_read_only_drafts_for_real(library_copy: Path, capsys) -> None:
    if not _chmod_works(library_copy):
        pytest.skip(
            "running as root (or on a filesystem without permissions): chmod does not "
            "stop writes here; test_read_only_drafts_simulated covers this"
        )
    before = snapshot_tree(library_copy)
    for path in [library_copy, *library_copy.iterdir()]:
        if path.is_dir():
            path.chmod(0o555)
    try:
        code, _, err = run(capsys, library_copy, "new", "2026-11-25-x", "--headline", "X")
        assert code == 2 and "Traceback" not in err and err.startswith("newsroom: ")
        code, out, err = run(capsys, library_copy, "list")
        assert code == 0, err
        library = Library.open(library_copy)
        release = library.load(SAMPLE_SLUG)
        release.headline = "Cannot be saved"
        with pytest.raises(BundleError, match="unchanged"):
            library.save(release)
    finally:
        for path in [library_copy, *library_copy.iterdir()]:
            if path.is_dir():
                path.chmod(0o755)
    assert snapshot_tree(library_copy) == before


def _deny_writes(monkeypatch, code: int) -> None:
    """Every file creation in newsroom.fsio fails as on a read-only or full disk."""

    def refuse(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(fsio.tempfile, "mkstemp", refuse)
    real_mkdir = Path.mkdir

    def mkdir(self, *args, **kwargs):
        if code == errno.EACCES and not self.exists():
            raise PermissionError(code, os.strerror(code), str(self))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", mkdir)


def test_read_only_drafts_simulated(library_copy: Path, capsys, monkeypatch) -> None:
    before = snapshot_tree(library_copy)
    _deny_writes(monkeypatch, errno.EACCES)
    code, _, err = run(capsys, library_copy, "new", "2026-11-25-x", "--headline", "X")
    assert code == 2
    assert err.startswith("newsroom: ") and "Permission denied" in err
    code, out, err = run(capsys, library_copy, "list")
    assert code == 0 and SAMPLE_SLUG in out, err
    library = Library.open(library_copy)
    release = library.load(SAMPLE_SLUG)
    release.headline = "Cannot be saved"
    with pytest.raises(BundleError, match="Permission denied.*unchanged"):
        library.save(release)
    monkeypatch.undo()
    assert snapshot_tree(library_copy) == before


@pytest.mark.parametrize("files", [(RELEASE_FILE,), (RELEASE_FILE, BODY_FILE)])
def test_full_disk_leaves_the_old_files_byte_for_byte(
    library_copy: Path, monkeypatch, files: tuple[str, ...]
) -> None:
    before = snapshot_tree(library_copy)
    library = Library.open(library_copy)
    release = library.load(SAMPLE_SLUG)
    release.headline = "Will not fit"
    if BODY_FILE in files:
        release.body += "Nor will this.\n"
    real_fdopen = os.fdopen
    writes = []

    def fdopen(fd, *args, **kwargs):
        handle = real_fdopen(fd, *args, **kwargs)
        real_write = handle.write

        def write(data):
            writes.append(len(data))
            real_write(data[: len(data) // 2])  # half of it lands, then the disk is full
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        handle.write = write
        return handle

    monkeypatch.setattr(fsio.os, "fdopen", fdopen)
    with pytest.raises(BundleError) as caught:
        library.save(release)
    monkeypatch.undo()
    assert writes, "the write was never attempted"
    assert "No space left on device" in str(caught.value)
    assert "unchanged" in str(caught.value)
    assert snapshot_tree(library_copy) == before  # no temp file left either
    assert Library.open(library_copy).load(SAMPLE_SLUG).headline.startswith("Hollinsbury")


def test_full_disk_through_the_cli(library_copy: Path, capsys, monkeypatch) -> None:
    before = snapshot_tree(library_copy)
    _deny_writes(monkeypatch, errno.ENOSPC)
    code, _, err = run(capsys, library_copy, "new", "2026-11-25-x", "--headline", "X")
    monkeypatch.undo()
    assert code == 2
    assert "No space left on device" in err and "Traceback" not in err
    assert snapshot_tree(library_copy) == before
    assert not (library_copy / "2026-11-25-x").exists()


def test_an_unknown_slug_and_a_path_as_slug(library_copy: Path, capsys) -> None:
    before = snapshot_tree(library_copy)
    for slug in ("no-such-release", "../drafts", "/etc/passwd", "a" * 200, "UPPER"):
        code, _, err = run(capsys, library_copy, "show", slug)
        assert code == 2, slug
        assert err.startswith("newsroom: ") and "Traceback" not in err
    assert snapshot_tree(library_copy) == before
    assert EARLY_SLUG  # the sample library is still whole
