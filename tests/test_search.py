"""The archive (newsroom/search): ranking, snippets, freshness, damage, hostile queries.

Every behaviour is checked with SQLite FTS5 and with the scan used where FTS5
is missing (``mode`` fixture), which must agree on what matches.
"""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from conftest import run_newsroom
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsroom import search
from newsroom.bundle import Library
from newsroom.model import Caption, Quote, reference_line
from newsroom.search import Archive, QueryError, query, store


def backdate(root: Path, seconds: int = 3600) -> None:
    """Every file edited a while ago: outside the racy window, so stamps are kept."""
    when = datetime.now(UTC).timestamp() - seconds
    for path in root.rglob("*"):
        if ".newsroom" not in path.parts:
            os.utime(path, (when, when))


def add(
    root: Path,
    slug: str,
    headline: str,
    body: str = "",
    *,
    day: date = date(2026, 1, 5),
    quotes: tuple[tuple[str, str, str], ...] = (),
    caption: str = "",
    notes: tuple[str, ...] = (),
    standfirst: str = "",
) -> None:
    library = Library.open(root)
    release = library.create(slug, headline, today=day)
    release.standfirst = standfirst
    release.body = body
    for number, (speaker, role, words) in enumerate(quotes, start=1):
        release.quotes.append(Quote(id=f"q{number}", speaker=speaker, role=role, text=words))
        release.body += "\n\n" + reference_line("quote", f"q{number}") + "\n"
    if caption:
        release.captions.append(Caption(id="c1", text=caption))
        release.body += "\n\n" + reference_line("caption", "c1") + "\n"
    release.notes_to_editors = list(notes)
    library.save(release)


@pytest.fixture
def archive_root(empty_library: Path) -> Path:
    root = empty_library
    (root / "people.toml").write_text(
        'schema = 1\n\n[people.jane-doe]\nname = "Jane Doe"\nrole = "Chair"\n\n'
        '[people.amira-okafor]\nname = "Cllr Amira Okafor"\nrole = "Councillor"\n',
        encoding="utf-8",
    )
    add(
        root,
        "2026-01-05-parking",
        "Parking charges scrapped at the station",
        "The council has dropped plans for new parking charges at the bus station.",
        quotes=(("amira-okafor", "Vice Chair", "Free parking keeps the high street alive."),),
    )
    add(
        root,
        "2026-02-10-buses",
        "New bus timetable for Eastfield",
        "Buses will run every ten minutes. Parking near stops is unchanged.",
        day=date(2026, 2, 10),
        quotes=(("jane-doe", "Chair", "A good day for the 42 bus."),),
        caption="Jane Doe at the bus station",
        notes=("The timetable starts on 1 March.",),
    )
    add(
        root,
        "2026-03-01-library",
        "Library to open on Sundays",
        "Readers welcome the longer hours at the café and reading room.",
        day=date(2026, 3, 1),
        standfirst="Sunday opening from April.",
    )
    return root


@pytest.fixture(params=["fts5", "scan"])
def mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "scan":
        monkeypatch.setattr(store, "_fts5", False)
        monkeypatch.setattr(search, "_noticed", False)
    return request.param


def slugs(results: search.Results) -> list[str]:
    return [hit.slug for hit in results.hits]


def test_ranked_with_the_headline_first_and_snippets_showing_the_words(archive_root, mode):
    results = Archive(archive_root).search("parking")
    assert results.mode == mode
    assert slugs(results) == ["2026-01-05-parking", "2026-02-10-buses"]
    for hit in results.hits:
        assert hit.snippet.spans, hit
        for start, end in hit.snippet.spans:
            assert hit.snippet.text[start:end].casefold() == "parking"
        assert "\n" not in hit.snippet.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"bus station"', ["2026-01-05-parking", "2026-02-10-buses"]),
        ('"station bus"', []),
        ("timetab*", ["2026-02-10-buses"]),
        ("sundays OR eastfield", ["2026-02-10-buses", "2026-03-01-library"]),
        ("parking NOT timetable", ["2026-01-05-parking"]),
        ("(library OR bus) AND sunday", ["2026-03-01-library"]),
        ("cafe", ["2026-03-01-library"]),  # accents ignored
        ("Okafor", ["2026-01-05-parking"]),  # the speaker's name
        ('"vice chair"', ["2026-01-05-parking"]),  # their role at the time
        ("march", ["2026-02-10-buses"]),  # notes to editors
        ("and", ["2026-03-01-library"]),  # lower case: a word, not an operator
    ],
)
def test_the_query_language(archive_root, mode, text, expected):
    assert sorted(slugs(Archive(archive_root).search(text))) == expected


def test_filters_by_date_and_speaker(archive_root, mode):
    archive = Archive(archive_root)
    assert slugs(archive.search("bus*", since="2026-02-01")) == ["2026-02-10-buses"]
    assert slugs(archive.search("bus*", until="2026-01-31")) == ["2026-01-05-parking"]
    assert slugs(archive.search("bus*", speakers={"jane-doe"})) == ["2026-02-10-buses"]
    assert search.resolve_speakers(str(archive_root), "okafor") == {"amira-okafor"}


def test_quotes_as_results(archive_root, mode):
    results = Archive(archive_root).search("parking", quotes=True)
    [hit] = results.hits
    assert (hit.slug, hit.quote, hit.speaker, hit.name, hit.role) == (
        "2026-01-05-parking",
        "q1",
        "amira-okafor",
        "Cllr Amira Okafor",
        "Vice Chair",
    )
    assert hit.words == "Free parking keeps the high street alive."
    assert [hit.words[s:e] for s, e in hit.spans] == ["parking"]


def test_edits_new_releases_and_deletions_are_seen_by_the_next_search(archive_root, mode):
    backdate(archive_root)
    archive = Archive(archive_root)
    assert slugs(archive.search("zebra")) == []
    library = Library.open(archive_root)
    release = library.load("2026-03-01-library")
    release.body += "\n\nA zebra crossing outside."
    library.save(release)
    assert slugs(archive.search("zebra")) == ["2026-03-01-library"]
    add(archive_root, "2026-04-01-zebra", "Zebra crossing painted")
    assert slugs(archive.search("zebra")) == ["2026-04-01-zebra", "2026-03-01-library"]
    for name in ("release.toml", "body.md"):
        (archive_root / "2026-04-01-zebra" / name).unlink()
    (archive_root / "2026-04-01-zebra").rmdir()
    assert slugs(archive.search("zebra")) == ["2026-03-01-library"]


def test_only_changed_releases_are_read_again(archive_root):
    backdate(archive_root)
    archive = Archive(archive_root)
    archive.refresh()
    assert archive.store.rebuilt == "no search index yet"
    assert len(archive.store.reread) == 3
    archive.refresh()
    assert archive.store.reread == []
    body = archive_root / "2026-02-10-buses" / "body.md"
    body.write_text(body.read_text() + "\nTrams too.\n", encoding="utf-8")
    when = datetime.now(UTC).timestamp() - 3600
    os.utime(body, (when, when))  # out of the racy window: its new stamp is kept
    archive.refresh()
    assert archive.store.reread == ["2026-02-10-buses"]
    assert slugs(archive.search("trams")) == ["2026-02-10-buses"]
    # A new process (a new Archive) trusts the stored stamps too.
    fresh = Archive(archive_root)
    fresh.refresh()
    assert fresh.store.reread == [] and fresh.store.rebuilt is None


def test_replaced_words_are_never_found_and_dead_rows_lead_to_a_rebuild(archive_root, monkeypatch):
    # The full-text table keeps no text (store.py): an edited release gets a new
    # row and its old one is left dead, never matched, and counted.
    backdate(archive_root)
    monkeypatch.setattr(store, "DEAD_MIN", 1)
    archive = Archive(archive_root)
    assert slugs(archive.search("trams")) == []
    body = archive_root / "2026-02-10-buses" / "body.md"
    old = body.read_text()
    assert "bus" in old.lower()
    body.write_text("Trams, and nothing else.\n", encoding="utf-8")
    when = datetime.now(UTC).timestamp() - 3600
    os.utime(body, (when, when))
    assert slugs(archive.search("trams")) == ["2026-02-10-buses"]
    assert slugs(archive.search("sundays")) == ["2026-03-01-library"]  # others unaffected
    with sqlite3.connect(store.search_path(str(archive_root))) as db:
        meta = dict(db.execute("SELECT key, value FROM meta"))
        (rows,) = db.execute("SELECT count(*) FROM release_text_docsize").fetchone()
    assert (meta["count"], meta["dead"], rows) == (3, 1, 4)
    # More dead rows than DEAD_MIN and half the live ones: the next refresh rebuilds.
    body.write_text("Ferries.\n", encoding="utf-8")
    os.utime(body, (when, when + 1))
    archive.refresh()
    assert archive.store.reread == ["2026-02-10-buses"]  # 2 dead, 3 live: not rebuilt yet
    body.write_text("Cycle lanes.\n", encoding="utf-8")
    os.utime(body, (when, when + 2))
    assert slugs(archive.search("cycle")) == ["2026-02-10-buses"]
    assert archive.store.rebuilt == "search index full of replaced releases"
    assert slugs(archive.search("ferries OR trams")) == []
    with sqlite3.connect(store.search_path(str(archive_root))) as db:
        assert dict(db.execute("SELECT key, value FROM meta"))["dead"] == 0


def test_a_renamed_person_is_found_by_their_new_name(archive_root):
    backdate(archive_root)
    archive = Archive(archive_root)
    assert slugs(archive.search("okafor", quotes=True)) == ["2026-01-05-parking"]
    people = archive_root / "people.toml"
    people.write_text(
        people.read_text().replace("Cllr Amira Okafor", "Cllr Amira Stone"), encoding="utf-8"
    )
    assert slugs(archive.search("stone", quotes=True)) == ["2026-01-05-parking"]
    assert archive.store.reread == ["2026-01-05-parking"]  # only the release quoting her


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "foreign"])
def test_a_corrupt_index_is_rebuilt(archive_root, damage):
    backdate(archive_root)
    Archive(archive_root).search("parking")
    path = Path(store.search_path(str(archive_root)))
    data = path.read_bytes()
    if damage == "garbage":
        path.write_bytes(b"not a database at all" * 500)
    elif damage == "truncated":
        path.write_bytes(data[: len(data) // 3])
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        with sqlite3.connect(path) as db:
            db.execute("UPDATE meta SET value = 99 WHERE key = 'format'")
    archive = Archive(archive_root)
    results = archive.search("parking")
    assert slugs(results) == ["2026-01-05-parking", "2026-02-10-buses"]
    assert results.mode == "fts5"
    assert archive.store.rebuilt  # it said why


def test_rows_lost_behind_its_back_are_noticed(archive_root):
    backdate(archive_root)
    Archive(archive_root).search("parking")
    with sqlite3.connect(store.search_path(str(archive_root))) as db:
        db.execute("DELETE FROM releases WHERE slug = '2026-01-05-parking'")
    archive = Archive(archive_root)
    assert slugs(archive.search("parking"))[0] == "2026-01-05-parking"
    assert archive.store.rebuilt == "search index corrupt"


HOSTILE = [
    '"unbalanced',
    "*",
    "**",
    "NOT",
    "NOT parking",
    "parking NOT",
    "OR",
    "a OR",
    "AND b",
    "(",
    ")",
    "(bus",
    "bus)",
    "a" * 10_000,
    "bus\x00",
    "\x1b[31mred",
    "\u202eevil",
    "-",
    "^",
    "NEAR(a b)",
    "",
    "   ",
    '""',
    "bus:*",
    "col:bus",
    "a AND AND b",
    "{a}",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_queries_get_a_message_never_a_traceback(archive_root, mode, text):
    archive = Archive(archive_root)
    try:
        results = archive.search(text)
    except QueryError as error:
        assert str(error).endswith(".")  # a sentence for people
    else:
        assert results.mode == mode  # searched for what words it held


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(list("ab \"*()-:^~+.\\'") + [" OR ", " AND ", " NOT ", "é"]), max_size=20
    ).map("".join)
)
def test_any_text_is_a_query_or_a_query_error(text):
    try:
        node = query.parse(text)
    except QueryError:
        return
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize = 'unicode61 remove_diacritics 2')")
    db.execute("INSERT INTO t VALUES ('a b ab ba')")
    (count,) = db.execute(
        "SELECT count(*) FROM t WHERE t MATCH ?", (query.to_fts(node),)
    ).fetchone()
    db.close()
    # The scan (no FTS5) and FTS5 agree.
    assert bool(count) == query.matches(node, [*query.tokens("a b ab ba"), ""])


def test_the_scan_says_so_once(archive_root, monkeypatch):
    monkeypatch.setattr(store, "_fts5", False)
    monkeypatch.setattr(search, "_noticed", False)
    archive = Archive(archive_root)
    first = archive.search("parking")
    assert first.mode == "scan" and "slower" in first.notice
    assert archive.search("bus").notice is None
    assert not Path(store.search_path(str(archive_root))).exists()


def test_cli_json_shape(archive_root):
    result = run_newsroom("search", "parking", "--json", drafts=archive_root)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"query", "mode", "more", "results"}
    assert data["query"] == "parking" and data["mode"] == "fts5" and data["more"] is False
    first = data["results"][0]
    assert set(first) == {"slug", "headline", "date", "score", "field", "snippet", "highlights"}
    assert first["slug"] == "2026-01-05-parking" and first["date"] == "2026-01-05"
    for start, end in first["highlights"]:
        assert first["snippet"][start:end].casefold() == "parking"
    quotes = json.loads(
        run_newsroom(
            "search", "parking", "--quotes", "--json", "--speaker", "Okafor", drafts=archive_root
        ).stdout
    )
    assert set(quotes["results"][0]) == {
        "slug",
        "headline",
        "date",
        "quote",
        "speaker",
        "name",
        "role",
        "words",
        "score",
        "highlights",
    }
    assert quotes["results"][0]["role"] == "Vice Chair"


def test_cli_filters_and_errors(archive_root):
    listed = run_newsroom("search", "bus*", "--status", "draft", drafts=archive_root)
    assert listed.returncode == 0, listed.stderr
    assert "2026-02-10-buses" in listed.stdout and "»" in listed.stdout
    assert (
        "No matches."
        in run_newsroom("search", "bus*", "--status", "approved", drafts=archive_root).stdout
    )
    for argv, message in [
        (["search", '"open'], "closing quotation mark"),
        (["search", "*"], "must follow"),
        (["search", "bus", "--since", "yesterday"], "not a date"),
        (["search", "bus", "--speaker", "nobody"], "no one"),
    ]:
        result = run_newsroom(*argv, drafts=archive_root)
        assert result.returncode == 2 and message in result.stderr, result.stderr
        assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("bus stat", "bus stat*"),  # the word being typed is a prefix...
        ("bus stat ", "bus stat "),  # ...until a space ends it
        ("li", "li"),  # too short to mean anything yet: whole
        ('"bus stat', '"bus stat"*'),  # an open phrase is closed, its last word a prefix
        ('"bus ', '"bus "'),
        ("park*", "park*"),
        ("bus OR", "bus OR"),  # an operator is left for the parser to explain
        ("", ""),
    ],
)
def test_as_you_type(typed, meant):
    assert query.as_you_type(typed) == meant


@given(st.text(max_size=40))
@settings(max_examples=300, deadline=None)
def test_as_you_type_never_breaks_a_query_that_parsed(text):
    # Whatever is typed, the search box's reading of it parses or says why.
    try:
        query.parse(text)
    except QueryError:
        return
    try:
        query.parse(query.as_you_type(text))
    except QueryError as error:
        pytest.fail(f"{text!r} parsed but {query.as_you_type(text)!r} did not: {error}")


def test_an_interrupted_search_says_so_and_leaves_the_index_alone(archive_root):
    # The search box stops the last keystroke's query when a newer one starts.
    archive = Archive(archive_root)
    archive.refresh()
    archive.interrupt()  # nothing running: nothing happens
    assert slugs(archive.search("parking", refresh=False))[0] == "2026-01-05-parking"
    # As the UI thread would while the query runs (SQLite's progress hook runs in it).
    archive.store.db.set_progress_handler(lambda: archive.interrupt() or 0, 10)
    with pytest.raises(search.Interrupted):
        archive.search("parking", refresh=False)
    archive.store.db.set_progress_handler(None, 0)
    # Not taken for damage: the same index answers the next search.
    assert archive.store.rebuilt == "no search index yet"
    assert slugs(archive.search("parking"))[0] == "2026-01-05-parking"
    assert archive.mode == "fts5"


# ---------------------------------------------------------------------------
# The latest matches first (what the search box shows while it ranks)


def test_the_latest_matches_are_the_same_matches_newest_indexed_first(archive_root):
    backdate(archive_root)
    archive = Archive(archive_root)
    latest = archive.search("parking OR library", order="latest")
    ranked = archive.search("parking OR library")
    assert sorted(slugs(latest)) == sorted(slugs(ranked))
    # A rebuilt index holds the folders in name order: newsroom's slugs start
    # with their date, so the newest release is first.
    assert slugs(latest) == ["2026-03-01-library", "2026-02-10-buses", "2026-01-05-parking"]
    assert all(hit.score == 0.0 for hit in latest.hits)
    assert all(hit.snippet and hit.snippet.spans for hit in latest.hits)
    # One edited since comes first; the limit is kept, and "more" says there is more.
    library = Library.open(archive_root)
    release = library.load("2026-01-05-parking")
    release.body += "\n\nMore parking."
    library.save(release)
    latest = archive.search("parking OR library", order="latest", limit=2)
    assert slugs(latest) == ["2026-01-05-parking", "2026-03-01-library"] and latest.more


def test_prefixes_are_expanded_to_the_index_words_once_they_are_loaded(archive_root):
    backdate(archive_root)
    archive = Archive(archive_root)
    archive.refresh()
    node = query.parse("park* bus")
    assert archive.store.expand("park") is None  # not loaded: searched as a prefix
    assert query.to_fts(node, archive.store.expand) == query.to_fts(node)
    archive.load_vocabulary()
    assert archive.store.expand("park") == ["parking"]
    assert archive.store.expand("zzz") == []
    assert query.to_fts(node, archive.store.expand) == '(("parking") AND "bus")'
    phrase = query.parse('"bus stat"*')
    assert query.to_fts(phrase, archive.store.expand) == '("bus station")'
    for words in ("park*", "timetab*", '"bus stat"*', "sta* NOT bus", "read* OR caf*"):
        expected = sorted(slugs(archive.search(words, refresh=False)))
        assert sorted(slugs(archive.search(words, refresh=False, order="latest"))) == expected


def test_a_vocabulary_read_before_an_edit_is_not_used(archive_root):
    # A word new since the vocabulary was read must still be found by its prefix.
    backdate(archive_root)
    archive = Archive(archive_root)
    archive.refresh()
    archive.load_vocabulary()
    assert archive.store.expand("zebr") == []
    add(archive_root, "2026-04-01-zebra", "Zebra crossing painted")
    archive.refresh()
    assert archive.store.expand("zebr") is None  # stale: a prefix again
    assert slugs(archive.search("zebr*", order="latest")) == ["2026-04-01-zebra"]
    archive.load_vocabulary()
    assert archive.store.expand("zebr") == ["zebra"]
    # Another process's writes count too: its next refresh sees the index moved on.
    other = Archive(archive_root)
    add(archive_root, "2026-04-02-zebu", "A zebu at the farm")
    other.refresh()
    archive.refresh()
    assert archive.store.expand("zeb") is None
    assert slugs(archive.search("zeb*", order="latest"))[0] == "2026-04-02-zebu"


# The fixture's index is only read, so one for every example is right.
@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.text(alphabet="abcdeiklmnoprstuyé", min_size=1, max_size=4),
    st.sampled_from(["", " bus", " NOT station", " OR library", '"bus ']),
)
def test_expanded_and_plain_prefixes_find_the_same_releases(expanded_archive, prefix, rest):
    archive = expanded_archive
    words = f'{rest}{prefix}*"' if rest.startswith('"') else f"{prefix}*{rest}"
    plain = slugs(archive.search(words, refresh=False, order="latest", limit=100))
    saved, archive.store._vocabulary = archive.store._vocabulary, None
    try:
        assert slugs(archive.search(words, refresh=False, order="latest", limit=100)) == plain
    finally:
        archive.store._vocabulary = saved


@pytest.fixture
def expanded_archive(archive_root) -> Archive:
    archive = Archive(archive_root)
    archive.refresh()
    archive.load_vocabulary()
    assert archive.store.expand("par") == ["parking"]
    return archive
