"""The checks a release must pass before review and approval.

A registry of small functions. Adding a check is one function and one
decorator line::

    @check("standfirst", "error", "a standfirst is present")
    def _standfirst(ctx):
        if not ctx.release.standfirst.strip():
            yield Finding("no standfirst", "standfirst")

Each function yields ``Finding``s (message, where, optionally a level that
overrides the check's default); ``run_checks`` turns them into ``Result``s.

Every check has a severity: ``error`` blocks submission and approval (an
approver may waive it, except ``cleared``: see ``newsroom.waivers``),
``warning`` is shown only, ``off`` does not run. The default is the
registered level; ``newsroom.toml [checks] <id> = "warning"`` overrides it,
and the older ``[rules] blocking_checks`` list is still honoured (listed:
error, not listed: warning) where ``[checks]`` says nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .bundle import Library
from .export.document import Document, Prose, QuoteBlock, build_document
from .layout import BODY_FILE
from .model import REFERENCE_PATTERN, Release, Rules, Settings
from .signoff import clearance_state

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    message: str
    where: str = ""
    level: str | None = None


@dataclass(frozen=True)
class Result:
    id: str
    level: str
    message: str
    where: str

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "level": self.level, "message": self.message, "where": self.where}


@dataclass
class Context:
    """What a check may look at. Expensive views are computed once, on demand."""

    release: Release
    library: Library
    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    @cached_property
    def document(self) -> Document:
        return build_document(self.release, self.library.settings, self.library.people)

    @cached_property
    def export_lines(self) -> list[str]:
        from .export.text import TextOptions, render_text

        options = TextOptions(width=self.library.settings.width)
        return render_text(self.document, options).split("\n")

    @cached_property
    def used_quotes(self) -> list[str]:
        """Quote ids placed in the body, in order, each once."""
        seen: list[str] = []
        for _, kind, ref_id in self.release.references():
            if kind == "quote" and ref_id not in seen:
                seen.append(ref_id)
        return seen


CheckFunction = Callable[[Context], Iterable[Finding]]


@dataclass(frozen=True)
class Check:
    id: str
    level: str
    description: str
    function: CheckFunction


CHECKS: dict[str, Check] = {}


def check(check_id: str, level: str, description: str) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check under ``check_id`` with its default level."""

    def register(function: CheckFunction) -> CheckFunction:
        if check_id in CHECKS:
            raise ValueError(f"check {check_id!r} is registered twice")
        CHECKS[check_id] = Check(check_id, level, description, function)
        return function

    return register


OFF = "off"
# Old check ids a ``[rules] blocking_checks`` list may name for a newer check.
LEGACY_NAMES = {"headline-length": "headline"}
# Checks no waiver can pass: they protect the people quoted.
NOT_WAIVABLE = frozenset({"cleared"})


def severity(check_id: str, settings: Settings) -> str:
    """error, warning or off for ``check_id`` under ``settings``."""
    configured = settings.check_severity.get(check_id)
    if configured:
        return configured
    legacy = settings.rules.blocking_checks
    if legacy is not None:
        listed = check_id in legacy or LEGACY_NAMES.get(check_id) in legacy
        return ERROR if listed else WARNING
    return CHECKS[check_id].level


def unknown_names(settings: Settings) -> list[str]:
    """Check ids newsroom.toml names that no check has (a typo, or a newer newsroom)."""
    named = list(settings.check_severity)
    named += [n for n in settings.rules.blocking_checks or () if n not in named]
    return [name for name in named if name not in CHECKS]


def run_checks(release: Release, library: Library, *, now: datetime | None = None) -> list[Result]:
    """Every registered check's findings, in registry order, at its severity."""
    ctx = Context(release, library, now or datetime.now(UTC))
    results = []
    for spec in CHECKS.values():
        level = severity(spec.id, library.settings)
        if level == OFF:
            continue
        for finding in spec.function(ctx):
            found = WARNING if level == WARNING else (finding.level or ERROR)
            results.append(Result(spec.id, found, finding.message, finding.where))
    return results


def is_blocking(result: Result, rules: Rules | None = None) -> bool:
    """An error blocks; ``rules`` is no longer needed (severity is applied in run_checks)."""
    return result.level == ERROR


def blocking(results: Iterable[Result], rules: Rules | None = None) -> list[Result]:
    return [result for result in results if is_blocking(result)]


# ---------------------------------------------------------------------------
# Helpers


def body_where(line: int) -> str:
    return f"{BODY_FILE} line {line}"


def published_text(release: Release) -> Iterator[tuple[str, str]]:
    """(where, text) for every published field a person types, body line by line."""
    yield "headline", release.headline
    yield "standfirst", release.standfirst
    yield "dateline.place", release.dateline.place
    for number, line in enumerate(release.body.split("\n"), start=1):
        if not REFERENCE_PATTERN.match(line):
            yield body_where(number), line
    for quote in release.quotes:
        yield f"quotes[{quote.id}].role", quote.role
        yield f"quotes[{quote.id}].intro", quote.intro
        yield f"quotes[{quote.id}].text", quote.text
    for caption in release.captions:
        yield f"captions[{caption.id}].text", caption.text
        yield f"captions[{caption.id}].credit", caption.credit
    for index, note in enumerate(release.notes_to_editors):
        yield f"notes_to_editors[{index}]", note
    for key in ("name", "role", "phone", "email"):
        yield f"contact.{key}", getattr(release.contact, key)
    yield "about", release.about
    yield "imprint", release.imprint


# ---------------------------------------------------------------------------
# The checks


@check("headline", ERROR, "a headline is present")
def _headline(ctx: Context) -> Iterator[Finding]:
    if not ctx.document.headline:
        yield Finding("no headline", "headline")


@check(
    "headline-length", WARNING, "the headline is not longer than [checks] headline_max characters"
)
def _headline_length(ctx: Context) -> Iterator[Finding]:
    headline = ctx.document.headline
    limit = ctx.library.settings.headline_max
    if len(headline) > limit:
        yield Finding(
            f"the headline is {len(headline)} characters; the limit is {limit}", "headline"
        )


@check(
    "standfirst-length",
    WARNING,
    "the standfirst is not longer than [checks] standfirst_max characters",
)
def _standfirst_length(ctx: Context) -> Iterator[Finding]:
    standfirst = ctx.release.standfirst.strip()
    limit = ctx.library.settings.standfirst_max
    if len(standfirst) > limit:
        yield Finding(
            f"the standfirst is {len(standfirst)} characters; the limit is {limit}",
            "standfirst",
        )


@check("lead", WARNING, "the body opens with a lead paragraph")
def _lead(ctx: Context) -> Iterator[Finding]:
    for block in ctx.document.blocks:
        if isinstance(block, Prose):
            return
        if isinstance(block, QuoteBlock):
            yield Finding("the body opens with a quote; write a lead paragraph above it", BODY_FILE)
            return
    yield Finding("no lead paragraph: the body has no prose", BODY_FILE)


@check("references", ERROR, "every quote and caption placed in the body exists")
def _references(ctx: Context) -> Iterator[Finding]:
    for number, kind, ref_id in ctx.release.references():
        lookup = {
            "quote": ctx.release.quote,
            "caption": ctx.release.caption,
            "picture": ctx.release.picture,
        }[kind]
        if lookup(ref_id) is None:
            yield Finding(f"refers to {kind} {ref_id!r}, which is not defined", body_where(number))


@check("quotes-used", WARNING, "every quote defined is placed in the body")
def _quotes_used(ctx: Context) -> Iterator[Finding]:
    for quote in ctx.release.quotes:
        if quote.id not in ctx.used_quotes:
            yield Finding(
                f"quote {quote.id!r} is never placed in the body "
                f"(add a line {{{{< quote {quote.id} >}}}} or delete it)",
                f"quotes[{quote.id}]",
            )


@check("attribution", ERROR, "every quote has a speaker with a role")
def _attribution(ctx: Context) -> Iterator[Finding]:
    for quote in ctx.release.quotes:
        if not quote.speaker:
            yield Finding(f"quote {quote.id!r} has no speaker", f"quotes[{quote.id}].speaker")
        elif quote.speaker not in ctx.library.people:
            yield Finding(
                f"quote {quote.id!r}: no person {quote.speaker!r} in people.toml",
                f"quotes[{quote.id}].speaker",
            )
        if not quote.role.strip():
            yield Finding(
                f"quote {quote.id!r} gives the speaker no role", f"quotes[{quote.id}].role"
            )
        if not quote.text.strip():
            yield Finding(f"quote {quote.id!r} has no words", f"quotes[{quote.id}].text")


@check(
    "cleared",
    ERROR,
    "every quote placed in the body is cleared by its speaker (when [rules] require_clearance)",
)
def _cleared(ctx: Context) -> Iterator[Finding]:
    if not ctx.library.settings.rules.require_clearance:
        return
    for quote_id in ctx.used_quotes:
        quote = ctx.release.quote(quote_id)
        if quote is None:
            continue
        state = clearance_state(ctx.release, quote, ctx.library)
        if state != "cleared":
            speaker = quote.speaker or "its speaker"
            yield Finding(
                f"quote {quote_id!r} is {state}: {speaker} must clear the wording",
                f"quotes[{quote_id}]",
            )


@check("contact", WARNING, "a media contact is given")
def _contact(ctx: Context) -> Iterator[Finding]:
    if not ctx.document.has_contact:
        yield Finding("no media contact", "contact")
    elif not (ctx.document.contact_phone or ctx.document.contact_email):
        yield Finding("the media contact has no phone number or email", "contact", WARNING)


@check("imprint", ERROR, "a digital imprint is present when the organisation is political")
def _imprint(ctx: Context) -> Iterator[Finding]:
    if ctx.library.settings.political and not ctx.document.imprint:
        yield Finding("no imprint; newsroom.toml marks the organisation political", "imprint")


@check(
    "embargo", ERROR, "an embargo's zone is known; a past embargo or a time with no offset is said"
)
def _embargo(ctx: Context) -> Iterator[Finding]:
    embargo = ctx.release.embargo
    if embargo.until is None:
        return
    zone = embargo.timezone or ctx.library.settings.timezone
    if embargo.timezone:
        try:
            ZoneInfo(embargo.timezone)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            yield Finding(f"unknown timezone {embargo.timezone!r}", "embargo.timezone")
            return
    line = ctx.document.embargo
    if line is None:  # not possible with a time set; keeps mypy and a future change honest
        return
    if embargo.until.tzinfo is None or embargo.until.utcoffset() is None:
        # Read as local time in the zone (the export and the digest do the
        # same): say so, so a writer who meant another zone sees it.
        yield Finding(
            f"the embargo time has no offset: read as {zone} time, {line.describe()}",
            "embargo.until",
            WARNING,
        )
    if line.until <= ctx.now:
        # A warning: an old release may be re-sent, and blocking would make a
        # past release impossible to approve; the writer still sees it.
        yield Finding(
            f"the embargo ({line.until.isoformat()}) has already passed",
            "embargo.until",
            WARNING,
        )


_MARKER = re.compile(r"(?<![A-Za-z0-9])(TODO|TK|XX+)(?![A-Za-z0-9])")


@check("markers", ERROR, "no leftover TODO, TK or XX markers")
def _markers(ctx: Context) -> Iterator[Finding]:
    for where, text in published_text(ctx.release):
        for match in _MARKER.finditer(text):
            yield Finding(f"leftover marker {match.group(1)!r}", where)


@check("width", WARNING, "no line of the plain-text export is longer than [export] width")
def _width(ctx: Context) -> Iterator[Finding]:
    width = ctx.library.settings.width
    for number, line in enumerate(ctx.export_lines, start=1):
        if len(line) > width:
            start = line.strip()[:30]
            yield Finding(
                f"export line {number} is {len(line)} characters (width {width}): "
                f"{start!r}… (a long word or address cannot be wrapped)",
                f"export line {number}",
            )


@check("settings", WARNING, "newsroom.toml names only checks that exist")
def _settings(ctx: Context) -> Iterator[Finding]:
    for name in unknown_names(ctx.library.settings):
        yield Finding(
            f"newsroom.toml names an unknown check {name!r}; checks are: " + ", ".join(CHECKS),
            "newsroom.toml [checks]",
        )


# ---------------------------------------------------------------------------
# Pictures (docs/format.md, "Pictures")


def _picture_where(index: int) -> str:
    return f"release.toml: media[{index}]"


@check("picture-rights", ERROR, "every picture has a credit line and a copyright notice")
def _picture_rights(ctx: Context) -> Iterator[Finding]:
    for index, picture in enumerate(ctx.release.media):
        missing = [
            label
            for label, value in (
                ("credit line", picture.credit),
                ("copyright notice", picture.copyright),
            )
            if not value.strip()
        ]
        if missing:
            yield Finding(
                f"picture {picture.id!r} has no {' and no '.join(missing)}", _picture_where(index)
            )


@check("picture-file", ERROR, "every picture's file is there and is the one recorded")
def _picture_file(ctx: Context) -> Iterator[Finding]:
    if not ctx.release.media:
        return
    from .media import file_problem

    for index, picture in enumerate(ctx.release.media):
        problem = file_problem(ctx.library, ctx.release, picture)
        if problem:
            yield Finding(problem, _picture_where(index))


@check(
    "picture-text",
    WARNING,
    "every picture has alt text and a caption naming someone in the release",
)
def _picture_text(ctx: Context) -> Iterator[Finding]:
    if not ctx.release.media:
        return
    from .media import caption_names_someone

    # The people in the release: those quoted, the contact, and anyone in the
    # directory the text names in full.
    people = ctx.library.people
    text = f"{ctx.release.standfirst}\n{ctx.release.body}"
    names = [people[q.speaker].name for q in ctx.release.quotes if q.speaker in people]
    names += [ctx.release.contact.name] + [p.name for p in people.values() if p.name in text]
    for index, picture in enumerate(ctx.release.media):
        if not picture.alt.strip():
            yield Finding(
                f"picture {picture.id!r} has no alt text (for readers who cannot see it)",
                _picture_where(index),
            )
        if not caption_names_someone(picture.caption, [n for n in names if n]):
            yield Finding(
                f"picture {picture.id!r}: the caption names nobody in the release; "
                "desks want everyone pictured named",
                _picture_where(index),
            )


@check("picture-size", WARNING, "every picture is at least 1,000 px on its long edge")
def _picture_size(ctx: Context) -> Iterator[Finding]:
    from .media import MIN_LONG_EDGE

    for index, picture in enumerate(ctx.release.media):
        long_edge = max(picture.width, picture.height)
        if long_edge < MIN_LONG_EDGE:
            yield Finding(
                f"picture {picture.id!r} is {long_edge} px on its long edge; news "
                f"desks want at least {MIN_LONG_EDGE:,}",
                _picture_where(index),
            )
