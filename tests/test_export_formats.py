"""Markdown, HTML, email and ninjs exports, each checked by its real consumer.

- md: the front matter parsed back with ``tomllib``; the body parsed with
  markdown-it (raw HTML *on*, as a careless site would have it).
- html: ``html5lib`` with ``strict=True`` (any parse error fails).
- eml: ``email.parser`` with ``policy.default``; no defects anywhere.
- ninjs: ``jsonschema`` against IPTC's ninjs 3.1 schema.

Golden files live in tests/golden/formats/; regenerate them with
``NEWSROOM_UPDATE_GOLDEN=1 pytest tests/test_export_formats.py``.
"""

from __future__ import annotations

import functools
import json
import os
import re
import tomllib
from datetime import date, datetime
from email import policy
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import html5lib
import pytest
from conftest import SAMPLE_SLUG
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from newsroom.bundle import Library
from newsroom.digest import release_digest
from newsroom.export import EXTENSIONS, FORMATS, ExportError, build_document, render
from newsroom.export.document import QuoteBlock, clean
from newsroom.export.text import DRAFT_MARK, TextOptions, quote_paragraphs, render_text
from newsroom.model import (
    Approval,
    Dateline,
    Embargo,
    Event,
    Person,
    Quote,
    Release,
    Settings,
)

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden" / "formats"
SCHEMA = Path(__file__).resolve().parents[1] / ".." / "shared" / "schemas" / "ninjs-schema_3.1.json"
NOW = datetime(2026, 11, 25, 9, 30, tzinfo=ZoneInfo("Europe/London"))
MARKER = "INTERNAL-ONLY-7f3c9a"


# ---------------------------------------------------------------------------
# Consumers


def parse_html(page: str):
    """The page as an element tree; html5lib raises on the first parse error."""
    parser = html5lib.HTMLParser(
        strict=True, tree=html5lib.getTreeBuilder("etree"), namespaceHTMLElements=False
    )
    return parser.parse(page)


def text_of(element) -> str:
    return "".join(element.itertext())


def parse_md(page: str) -> tuple[dict, str]:
    assert page.startswith("+++\n")
    matter, sep, body = page[4:].partition("\n+++\n")
    assert sep, "front matter not closed"
    return tomllib.loads(matter), body


_MD_HTML_ON = MarkdownIt("commonmark", {"html": True})


def md_blocks(body: str) -> list[tuple[str, str]]:
    """(block kind, plain text) for every inline run; raw HTML fails the test."""
    blocks = []
    stack: list[str] = []
    for token in _MD_HTML_ON.parse(body):
        assert token.type != "html_block", f"raw HTML got through: {token.content!r}"
        if token.nesting == 1:
            stack.append(token.tag)
        elif token.nesting == -1:
            stack.pop()
        elif token.type == "inline":
            parts = []
            for child in token.children or []:
                assert child.type != "html_inline", f"raw HTML got through: {child.content!r}"
                if child.type in {"text", "code_inline"}:
                    parts.append(child.content)
                elif child.type == "softbreak":
                    parts.append("\n")
            blocks.append(("/".join(stack), "".join(parts)))
    return blocks


def parse_eml(raw: bytes):
    message = BytesParser(policy=policy.default).parsebytes(raw)
    for part in message.walk():
        assert part.defects == [], part.defects
    return message


def ninjs_validator():
    if not SCHEMA.is_file():
        pytest.skip(f"ninjs schema not found at {SCHEMA} (shared/ is beside the repo in CI)")
    return _validator()


@functools.cache
def _validator():
    from jsonschema import Draft202012Validator

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


_RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$")
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$")


def check_ninjs(item: dict) -> None:
    """Schema-valid, plus the formats jsonschema checks only with extra packages."""
    errors = sorted(ninjs_validator().iter_errors(item), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]
    for key in ("versionCreated", "embargoedUntil", "firstCreated"):
        if key in item:
            assert _RFC3339.match(item[key]), (key, item[key])
    assert _URI.match(item["uri"])
    assert _URI.match(item["standard"]["schema"])


# ---------------------------------------------------------------------------
# The sample release


@pytest.fixture
def sample(library: Library) -> Release:
    return library.load(SAMPLE_SLUG)


def normalise_eml(raw: bytes) -> bytes:
    """The Message-ID is random by design; everything else is fixed by NOW."""
    raw = re.sub(rb"(?m)^Message-ID:.*\r\n(?:[ \t].*\r\n)*", b"Message-ID: <normalised>\r\n", raw)
    return normalise_pictures(raw)


def normalise_pictures(data: bytes) -> bytes:
    """JPEG bytes depend on the libjpeg Pillow was built with: golden files hold placeholders.

    The pictures themselves are checked by tests/test_media_export.py.
    """
    data = re.sub(
        rb"data:image/jpeg;base64,[A-Za-z0-9+/=]+", b"data:image/jpeg;base64,<jpeg>", data
    )
    data = re.sub(rb'"sizeInBytes": \d+', b'"sizeInBytes": 0', data)
    # A base64 attachment: lines of base64 up to the next MIME boundary.
    data = re.sub(
        rb"(Content-Disposition: attachment;[^\r]*\r\n(?:[^\r\n]+\r\n)*\r\n)"
        rb"(?:[A-Za-z0-9+/=]+\r\n)+",
        rb"\1<jpeg>\r\n",
        data,
    )
    # The MIME boundary is random by design, like the Message-ID.
    return re.sub(rb"===============\d+==", b"===============<boundary>==", data)


# The text export has its own golden tests (tests/test_export_text.py).
@pytest.mark.parametrize("fmt", ["md", "html", "eml", "ninjs"])
def test_sample_release_matches_golden_file(library: Library, sample: Release, fmt: str) -> None:
    output = render(sample, library, fmt, now=NOW)
    data = (
        normalise_eml(output)
        if isinstance(output, bytes)
        else normalise_pictures(output.encode("utf-8"))
    )
    golden = GOLDEN / f"{SAMPLE_SLUG}{EXTENSIONS[fmt]}"
    if os.environ.get("NEWSROOM_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(data)
    assert golden.is_file(), f"missing {golden}; run with NEWSROOM_UPDATE_GOLDEN=1"
    assert data == golden.read_bytes()


def test_every_format_renders_the_same_document(library: Library, sample: Release) -> None:
    """The headline, each quote's words and the notes reach every format."""
    document = build_document(sample, library.settings, library.people)
    quote = next(b for b in document.blocks if isinstance(b, QuoteBlock))
    for fmt in FORMATS:
        output = render(sample, library, fmt, now=NOW)
        if fmt == "eml":
            output = parse_eml(output).get_body(("plain",)).get_content()
        elif fmt == "ninjs":
            output = json.loads(output)["bodies"][0]["value"]
        flat = " ".join(output.split()).replace("&#x27;", "'")
        for fact in (document.headline, quote.paragraphs[1], document.notes_to_editors[2]):
            assert " ".join(fact.split()) in flat, (fmt, fact)


# --- Markdown


def test_md_front_matter_parses_and_carries_the_facts(library: Library, sample: Release) -> None:
    matter, body = parse_md(render(sample, library, "md"))
    assert matter["title"] == sample.headline
    assert matter["date"] == date(2026, 11, 26)
    assert matter["slug"] == SAMPLE_SLUG
    assert matter["draft"] is False
    extra = matter["extra"]
    assert extra["embargo"] == sample.embargo.until
    assert extra["speakers"] == ["Cllr Amira Okafor", "Tom Whitfield"]
    assert extra["digest"] == release_digest(sample, library)
    assert extra["digest"].startswith("sha256:")


# Zola 0.19 refuses any other top-level key in a page's front matter.
ZOLA_PAGE_KEYS = {
    "title",
    "description",
    "date",
    "updated",
    "weight",
    "draft",
    "slug",
    "path",
    "aliases",
    "authors",
    "in_search_index",
    "template",
    "taxonomies",
    "extra",
}


def test_md_front_matter_keys_are_ones_zola_accepts(library: Library, sample: Release) -> None:
    for draft in (False, True):
        matter, _ = parse_md(render(sample, library, "md", draft=draft))
        assert set(matter) <= ZOLA_PAGE_KEYS


def test_render_refuses_an_unknown_format(library: Library, sample: Release) -> None:
    with pytest.raises(ValueError, match="unknown export format 'pdf'"):
        render(sample, library, "pdf")
    assert set(EXTENSIONS) == set(FORMATS)


def test_md_quotes_are_blockquotes_followed_by_attribution(
    library: Library, sample: Release
) -> None:
    _, body = parse_md(render(sample, library, "md"))
    blocks = md_blocks(body)
    quoted = [i for i, (kind, _) in enumerate(blocks) if kind.startswith("blockquote")]
    assert len(quoted) == 4  # three paragraphs from Okafor, one from Whitfield
    assert blocks[quoted[0]][1].startswith("“For three summers")
    assert not blocks[quoted[0]][1].endswith("”")  # British: only the last closes
    assert blocks[quoted[2]][1].endswith("end of June.”")
    after_first = blocks[quoted[2] + 1]
    assert after_first == ("p", "— Cllr Amira Okafor, Vice Chair of Hollinsbury Progressives")
    assert blocks[quoted[3] + 1][1] == "— Tom Whitfield, Chair of the Friends of Hollinsbury Lido"
    headings = [text for kind, text in blocks if kind == "h1"]
    assert headings == [sample.headline]


def test_md_draft_is_marked_in_title_front_matter_and_body(
    library: Library, sample: Release
) -> None:
    page = render(sample, library, "md", draft=True)
    matter, body = parse_md(page)
    assert matter["draft"] is True
    assert matter["title"].startswith(DRAFT_MARK)
    texts = [text for _, text in md_blocks(body)]
    assert texts[0] == DRAFT_MARK and texts[-1] == DRAFT_MARK


def test_md_body_html_and_shortcodes_are_made_inert(library: Library, sample: Release) -> None:
    sample.body = (
        "Lead with <script>alert(1)</script> and <b>bold</b> and {{< shortcode >}} inline.\n\n"
        "<div onclick=x>block html</div>\n\n"
        "An autolink <https://example.org/a> stays, and `<code>` in a span stays.\n\n"
        "```\n<pre> in a fence {{ stays }}\n```\n"
    )
    _, body = parse_md(render(sample, library, "md"))
    blocks = md_blocks(body)  # fails on any html token
    texts = "\n".join(text for _, text in blocks)
    assert "<script>alert(1)</script>" in texts
    assert "<div onclick=x>block html</div>" in texts
    assert "{{" not in body.replace("{{ stays }}", "")
    assert "<https://example.org/a>" in body
    assert "`<code>`" in body
    assert "<pre> in a fence {{ stays }}" in body


def test_md_fence_left_open_in_the_body_does_not_swallow_the_quote(
    library: Library, sample: Release
) -> None:
    sample.body = "Lead.\n\n```\nunclosed code\n\n{{< quote whitfield >}}\n"
    _, body = parse_md(render(sample, library, "md"))
    blocks = md_blocks(body)
    assert (
        "blockquote/p",
        "“We are thrilled, and a little exhausted. Our volunteers will be at "
        "the gates on Saturday morning with tea, cake and a sign-up sheet for the opening "
        "gala.”",
    ) in blocks
    assert ("p", "ENDS") in blocks


# --- HTML


def test_html_is_strict_semantic_and_printable(library: Library, sample: Release) -> None:
    page = render(sample, library, "html")
    tree = parse_html(page)
    assert tree.find("head/meta[@charset]").get("charset") == "utf-8"
    assert tree.get("lang") == "en-GB"
    assert tree.find(".//script") is None
    style = tree.find("head/style").text
    assert "@media print" in style
    article = tree.find("body/article")
    assert text_of(article.find("header/h1")) == sample.headline
    figures = article.findall("figure")
    quotes = [f for f in figures if f.find("blockquote") is not None]
    assert [text_of(f.find("figcaption/cite")) for f in quotes] == [
        "Cllr Amira Okafor",
        "Tom Whitfield",
    ]
    assert text_of(quotes[0].find("figcaption")) == (
        "Cllr Amira Okafor, Vice Chair of Hollinsbury Progressives"
    )
    paragraphs = [text_of(p) for p in quotes[0].findall("blockquote/p")]
    assert len(paragraphs) == 3 and paragraphs[2].endswith("June.”")
    photo = next(f for f in figures if f.find("blockquote") is None)
    assert "closed lido gates" in text_of(photo.find("figcaption"))
    assert text_of(article.find("p")).startswith("HOLLINSBURY, 26 November 2026 – ")
    digest = tree.find("head/meta[@name='newsroom-digest']").get("content")
    assert digest == release_digest(sample, library)


def test_html_draft_is_marked_and_not_indexed(library: Library, sample: Release) -> None:
    tree = parse_html(render(sample, library, "html", draft=True))
    assert text_of(tree.find("head/title")).startswith(DRAFT_MARK)
    assert "noindex" in tree.find("head/meta[@name='robots']").get("content")
    marks = [p for p in tree.iter("p") if p.get("class") == "draft"]
    assert [text_of(p) for p in marks] == [DRAFT_MARK, DRAFT_MARK]


def test_html_caption_file_with_a_script_scheme_is_not_an_image(
    library: Library, sample: Release
) -> None:
    sample.captions[0].file = "javascript:alert(1)"
    tree = parse_html(render(sample, library, "html"))
    assert tree.find(".//img") is None
    sample.captions[0].file = 'photos/gates & "lido".jpg'
    tree = parse_html(render(sample, library, "html"))
    assert tree.find(".//img").get("src") == 'photos/gates & "lido".jpg'


# --- Email


def test_eml_headers_and_body(library: Library, sample: Release) -> None:
    raw = render(sample, library, "eml", now=NOW)
    message = parse_eml(raw)
    assert message["Subject"] == f"EMBARGOED: {sample.headline}"
    assert message["From"] == library.settings.from_address
    assert message["Reply-To"] == library.settings.reply_to
    assert [str(a.addr_spec) for a in message["To"].addresses] == library.settings.press_list
    assert parsedate_to_datetime(message["Date"]) == NOW
    assert re.fullmatch(
        r"<[^<>@\s]+@hollinsbury-progressives\.example\.org\.uk>", message["Message-ID"]
    )
    # The sample has a picture: text first, then the web rendition attached.
    assert message.get_content_type() == "multipart/mixed"
    parts = list(message.iter_parts())
    assert [p.get_content_type() for p in parts] == ["text/plain", "image/jpeg"]
    assert parts[1].get_filename() == "lido-gates-web.jpg"
    assert message.get_body(("plain",)).get_content_charset() == "utf-8"
    document = build_document(sample, library.settings, library.people)
    expected = render_text(document, TextOptions(width=72, crlf=True))
    assert message.get_body(("plain",)).get_content() == expected
    assert render(sample, library, "text", crlf=True) == expected  # the text export itself
    head, _, wire_body = raw.partition(b"\r\n\r\n")
    # RFC 5322: 998 octets at most; 78 where the header can fold (a Message-ID cannot).
    assert all(len(line) <= 998 for line in head.split(b"\r\n"))
    assert all(len(line) <= 78 for line in head.split(b"\r\n") if b"Message-ID" not in line)
    assert all(len(line) <= 76 for line in wire_body.split(b"\r\n"))  # quoted-printable
    assert b"\n" not in raw.replace(b"\r\n", b"")


def test_eml_width_capped_at_78_and_to_overrides_press_list(
    library: Library, sample: Release
) -> None:
    library.settings.width = 120
    message = parse_eml(render(sample, library, "eml", to=["Desk <desk@paper.example>"]))
    assert message["To"] == "Desk <desk@paper.example>"
    body = message.get_body(("plain",)).get_content()
    assert max(len(line) for line in body.splitlines()) <= 78
    assert max(len(line) for line in body.splitlines()) > 72  # the cap, not the default


def test_eml_without_embargo_has_plain_subject_and_draft_is_marked(
    library: Library, sample: Release
) -> None:
    sample.embargo = Embargo()
    message = parse_eml(render(sample, library, "eml", draft=True))
    assert message["Subject"] == f"{DRAFT_MARK}: {sample.headline}"
    body = message.get_body(("plain",)).get_content()
    assert body.startswith(DRAFT_MARK) and body.rstrip().endswith(DRAFT_MARK)


def test_eml_from_falls_back_to_the_organisation_address(library: Library, sample: Release) -> None:
    library.settings.from_address = ""
    library.settings.press_list = []
    message = parse_eml(render(sample, library, "eml"))
    assert message["From"] == (
        "Hollinsbury Progressives <press@hollinsbury-progressives.example.org.uk>"
    )
    assert "To" not in message  # no press list and no --to: the sender fills it in


def test_eml_needs_a_usable_from_address(library: Library, sample: Release) -> None:
    library.settings.from_address = ""
    library.settings.email = ""
    with pytest.raises(ExportError, match="export.from"):
        render(sample, library, "eml")
    library.settings.from_address = "not an address"
    with pytest.raises(ExportError, match="export.from"):
        render(sample, library, "eml")
    library.settings.from_address = "Press <press@example.org>"
    with pytest.raises(ExportError, match="--to: 'nobody'"):
        render(sample, library, "eml", to=["nobody"])
    library.settings.press_list = ["desk@paper.example", "news desk at the paper"]
    with pytest.raises(ExportError, match="export.press_list"):
        render(sample, library, "eml")


# --- ninjs


def test_ninjs_validates_and_carries_the_release(library: Library, sample: Release) -> None:
    item = json.loads(render(sample, library, "ninjs", now=NOW))
    check_ninjs(item)
    assert item["headlines"] == [
        {"role": "main", "contentType": "text/plain", "value": sample.headline}
    ]
    assert item["pubStatus"] == "usable"
    assert item["embargoedUntil"] == "2026-11-26T00:01:00Z"
    assert item["located"] == "Hollinsbury"
    assert item["by"] == "Hollinsbury Progressives"
    assert item["version"] == "1"
    assert item["versionCreated"] == "2026-11-25T09:30:00Z"
    assert [p["name"] for p in item["people"]] == ["Cllr Amira Okafor", "Tom Whitfield"]
    assert {"role": "newsroom-digest", "value": release_digest(sample, library)} in item["altIds"]
    kinds = {body["contentType"]: body["value"] for body in item["bodies"]}
    assert kinds["text/plain"] == render(sample, library, "text")
    article = parse_html(f"<!DOCTYPE html><title>t</title>{kinds['text/html']}")
    assert text_of(article.find("body/article/header/h1")) == sample.headline
    assert "edNote" not in item


def test_ninjs_draft_is_withheld_and_marked(library: Library, sample: Release) -> None:
    item = json.loads(render(sample, library, "ninjs", draft=True))
    check_ninjs(item)
    assert item["pubStatus"] == "withheld"
    assert DRAFT_MARK in item["edNote"]
    assert all(DRAFT_MARK in body["value"] for body in item["bodies"])


def test_ninjs_version_counts_published_contents(library: Library, sample: Release) -> None:
    current = release_digest(sample, library)
    sample.history.append(Event(at=NOW, action="publish", digest="sha256:older"))
    assert json.loads(render(sample, library, "ninjs"))["version"] == "2"
    sample.history.append(Event(at=NOW, action="publish", digest=current))
    sample.history.append(Event(at=NOW, action="publish", digest=current, note="format: md"))
    assert json.loads(render(sample, library, "ninjs"))["version"] == "2"


def test_ninjs_uri_is_stable(library: Library, sample: Release) -> None:
    first = json.loads(render(sample, library, "ninjs"))["uri"]
    sample.headline = "Something else entirely"
    assert json.loads(render(sample, library, "ninjs"))["uri"] == first
    assert first.startswith("tag:hollinsbury-progressives.example.org.uk,2026:")


# ---------------------------------------------------------------------------
# Hostile text


HOSTILE_HEADLINE = (
    '<script>alert("x")</script> & Co ]]> {{< quote q1 >}} +++ '
    "\x1b[31mRED\x1b[0m \x1b]8;;http://evil.example\x07link\x1b]8;;\x07 "
    "🏊‍♀️ שלום عربي e\u0301 q\u0301\u0327 # -- `code` *star* =?utf-8?q?x?="
)
HOSTILE_QUOTE = (
    '+++\n<img src=x onerror=alert(1)> "quoted" & ]]> {{ .Site }} 👩🏽‍🚒\n\n'
    "مرحبا بالعالم \u202eevil\u202c a\u0308\u0301 \x1b[2J\x9b31m cleared"
)


def hostile_release(
    headline: str, quote: str, name: str = 'Ada <Lovelace> & "Co"', draft_embargo: bool = True
) -> tuple[Release, Library]:
    settings = Settings(
        organisation="Test & <Group>",
        website="https://test-group.example.org",
        from_address="Test Group <press@test-group.example.org>",
        reply_to="press@test-group.example.org",
        press_list=["desk@paper.example"],
    )
    people = {"p1": Person(id="p1", name=name, role="Chair & <Treasurer>")}
    release = Release(
        slug="hostile",
        headline=headline,
        standfirst=f"Standfirst {headline}",
        dateline=Dateline(place="Hollinsbury", date=date(2026, 11, 24)),
        embargo=Embargo(until=datetime(2026, 12, 1, 0, 1, tzinfo=ZoneInfo("UTC")))
        if draft_embargo
        else Embargo(),
        body="Lead paragraph.\n\n{{< quote q1 >}}\n\nClosing paragraph.\n",
        quotes=[
            Quote(
                id="q1",
                speaker="p1",
                role="Chair & <Treasurer>",
                intro="{name}, {role}, said:",
                text=quote,
            )
        ],
        notes_to_editors=[f"Note {headline}"],
        internal_notes=f"{MARKER} do not publish",
        approvals=[Approval(by="p1", at=NOW, digest="sha256:x", note=f"{MARKER} approval")],
        history=[Event(at=NOW, action="submit", note=f"{MARKER} history")],
    )
    return release, Library(root=Path("."), settings=settings, people=people)


def expected_html_text(text: str) -> str:
    """What a browser shows: the HTML export maps noncharacters to U+FFFD."""
    return re.sub(
        "[\ufdd0-\ufdef" + "".join(f"\\U{p:04x}fffe\\U{p:04x}ffff" for p in range(17)) + "]",
        "\ufffd",
        text,
    )


def check_all_formats(release: Release, library: Library) -> None:
    """Every format: parses with its consumer, and the text comes back exactly."""
    for draft in (False, True):
        document = build_document(release, library.settings, library.people, draft=draft)
        quote = next(b for b in document.blocks if isinstance(b, QuoteBlock))
        marked = quote_paragraphs(quote.paragraphs, TextOptions())
        outputs = {fmt: render(release, library, fmt, draft=draft, now=NOW) for fmt in FORMATS}

        # html: strict parse; headline, quote and speaker come back as text
        tree = parse_html(outputs["html"])
        article = tree.find("body/article")
        assert text_of(article.find("header/h1")) == expected_html_text(document.headline)
        figure = next(f for f in article.findall("figure") if f.find("blockquote") is not None)
        assert [text_of(p) for p in figure.findall("blockquote/p")] == [
            expected_html_text(p) for p in marked
        ]
        assert text_of(figure.find("figcaption/cite")) == expected_html_text(quote.speaker_name)
        assert tree.find(".//script") is None and tree.find(".//img") is None

        # md: front matter round-trips, body holds no HTML, text comes back
        matter, body = parse_md(outputs["md"])
        title = f"{DRAFT_MARK}: {document.headline}" if draft else document.headline
        assert matter["title"] == (title if document.headline else title + "hostile")
        assert matter["extra"]["speakers"] == [name for _, name, _ in document.speakers]
        blocks = md_blocks(body)
        if document.headline:
            assert ("h1", document.headline) in blocks
        quoted = [text for kind, text in blocks if kind == "blockquote/p"]
        assert quoted == marked

        # ninjs: JSON round-trips and validates
        item = json.loads(outputs["ninjs"])
        check_ninjs(item)
        assert item["headlines"][0]["value"] == document.headline
        assert [p["name"] for p in item.get("people", [])] == [n for _, n, _ in document.speakers]

        # eml: parses with no defects; subject and body exact
        message = parse_eml(outputs["eml"])
        subject = document.headline or "hostile"
        if document.embargo:
            subject = f"EMBARGOED: {subject}"
        if draft:
            subject = f"{DRAFT_MARK}: {subject}"
        assert message["Subject"] == subject
        expected = render_text(document, TextOptions(width=72, crlf=True))
        assert message.get_body(("plain",)).get_content() == expected

        for fmt, output in outputs.items():
            raw = output if isinstance(output, bytes) else output.encode("utf-8")
            assert MARKER.encode() not in raw, fmt
            assert b"\x1b" not in raw and b"\xc2\x9b" not in raw, fmt


def test_hostile_headline_and_quote_survive_every_format() -> None:
    release, library = hostile_release(HOSTILE_HEADLINE, HOSTILE_QUOTE)
    check_all_formats(release, library)
    page = render(release, library, "html")
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co ]]&gt;" in page
    assert "[31m" not in page and "evil.example" not in page
    # NFC: e + acute composes to é; q + acute + cedilla has no precomposed form.
    assert "🏊‍♀️ שלום عربي é q\u0327\u0301" in page
    headline = clean(HOSTILE_HEADLINE)
    item = json.loads(render(release, library, "ninjs"))
    assert "RED" in item["headlines"][0]["value"] and "\x1b" not in headline
    matter, _ = parse_md(render(release, library, "md"))
    assert "]]>" in matter["title"] and "+++" in matter["title"]
    message = parse_eml(render(release, library, "eml"))
    assert "=?utf-8?q?x?=" in message["Subject"]


def test_internal_notes_approvals_and_history_reach_no_format(
    library: Library, sample: Release
) -> None:
    sample.internal_notes = f"{MARKER} lottery bid"
    sample.approvals.append(
        Approval(by="david-osei", at=NOW, digest="sha256:x", note=f"{MARKER} ok")
    )
    sample.history.append(Event(at=NOW, action="submit", by="priya-raman", note=MARKER))
    for fmt in FORMATS:
        for draft in (False, True):
            output = render(sample, library, fmt, draft=draft)
            raw = output if isinstance(output, bytes) else output.encode("utf-8")
            assert MARKER.encode() not in raw, (fmt, draft)
            assert b"lottery" not in raw, (fmt, draft)


HOSTILE_PIECES = [
    "<",
    ">",
    "&",
    '"',
    "'",
    "]]>",
    "{{",
    "}}",
    "{{<",
    "+++",
    "---",
    "#",
    "*",
    "_",
    "`",
    "\\",
    "[",
    "](",
    "!",
    "|",
    "~",
    "-",
    "1.",
    "=",
    "=?utf-8?b?",
    "?=",
    "\x1b[31m",
    "\x1b]0;title\x07",
    "\x9b2J",
    "\x00",
    "\r\n",
    "\t",
    "\u2028",
    "\u00a0",
    "🏊",
    "👩🏽‍🚒",
    "שלום",
    "عربي",
    "\u202e",
    "e\u0301",
    "\u0308",
    "\ufdd0",
    "\U0010ffff",
    "&amp;",
    "&#x1b;",
    "<!--",
    "-->",
    "<![CDATA[",
    "\u200b",
    " ",
    "  ",
]
hostile_text = st.lists(
    st.one_of(
        st.sampled_from(HOSTILE_PIECES),
        st.text(st.characters(blacklist_categories=("Cs",)), max_size=6),
    ),
    max_size=14,
).map("".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(headline=hostile_text, quote=hostile_text, name=hostile_text, embargo=st.booleans())
@example(headline="1.", quote="2) x", name="- a", embargo=False)  # list markers
@example(headline="=?utf-8?q?x?=", quote="+++", name="\ufdd0", embargo=True)
@example(headline="](🏊<]]><![CDATA[<D\tæ", quote="x", name="", embargo=True)  # lost space
@example(headline="x" * 70 + " " + "y" * 5, quote="x", name="", embargo=False)  # folding
def test_random_text_round_trips_through_every_format(
    headline: str, quote: str, name: str, embargo: bool
) -> None:
    if not clean(quote).strip():
        quote = quote + "words"
    release, library = hostile_release(headline, quote, name or "Someone", embargo)
    check_all_formats(release, library)


BODY_PIECES = HOSTILE_PIECES + [
    "\n",
    "\n\n",
    "    ",
    "> ",
    "- ",
    "1. ",
    "```",
    "~~~",
    "<div>",
    "</div>",
    "<b>",
    "<a href=x>",
    "<https://example.org/a_b>",
    "<me@example.org>",
    "<?php",
    "<!DOCTYPE",
    "{{< x >}}",
    "{%",
    "[link](https://example.org)",
    "![img](a.png)",
    "&copy;",
    "&#x3c;",
    "\\<",
    "`",
    "``",
]
body_text = st.lists(st.sampled_from(BODY_PIECES) | st.text(max_size=4), max_size=25).map("".join)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=body_text)
@example(body="``<b>`` and `` ` `` <b>x</b> {{< y >}}")
@example(body="<https://e.org/{{x}}> <a\n\n<b>")
@example(body="{{{< x >}}")
@example(body="- `a\n- <b>x`")  # looks like a code span, is two list items
@example(body="```\n<b>")  # a fence left open must not swallow the rest of the page
def test_random_body_markdown_never_becomes_html(body: str) -> None:
    """The author's Markdown: no tag survives into md (HTML on) or into html."""
    release, library = hostile_release("Headline", "Words.")
    release.body = body
    _, page = parse_md(render(release, library, "md"))
    md_blocks(page)  # fails on any raw HTML token
    # A shortcode opener may stand literally in the page only inside code.
    in_code = 0
    for token in _MD_HTML_ON.parse(page):
        if token.type in {"fence", "code_block"}:
            in_code += token.content.count("{{<") + token.content.count("{{%")
        for child in token.children or []:
            if child.type == "code_inline":
                in_code += child.content.count("{{<") + child.content.count("{{%")
    assert page.count("{{<") + page.count("{{%") <= in_code
    tree = parse_html(render(release, library, "html"))
    allowed = {
        "p",
        "a",
        "img",
        "em",
        "strong",
        "code",
        "pre",
        "ul",
        "ol",
        "li",
        "blockquote",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "br",
        "span",
        "figure",
        "figcaption",
        "cite",
        "article",
        "header",
        "footer",
        "section",
        "h1",
        "time",
        "small",
    }
    for element in tree.find("body/article").iter():
        assert element.tag in allowed | {"article"}, element.tag
