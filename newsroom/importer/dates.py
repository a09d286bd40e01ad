"""Dates in datelines and embargo lines, British style first."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from .text import DATE, DATE_RE, MONTHS, WEEKDAYS

LONDON = "Europe/London"

_TIME_RE = re.compile(
    r"(?<![\w.:])(?:(?P<h>\d{1,2})(?:[:.](?P<mi>\d{2}))?\s*(?P<ap>am|pm|a\.m\.|p\.m\.)"
    r"|(?P<h2>\d{1,2})[:.](?P<mi2>\d{2})(?:\s*(?:hrs|hours|h)\b)?"
    r"|(?P<word>midnight|noon|midday))(?![\w])",
    re.IGNORECASE,
)


def date_from_match(match: re.Match[str], default_year: int | None) -> tuple[date | None, bool]:
    """The date a DATE match names, and whether its year was written."""
    day = match.group("d1") or match.group("d2")
    month_name = (match.group("m1") or match.group("m2") or "").lower().rstrip(".")
    year_text = match.group("y")
    year = int(year_text) if year_text else default_year
    if year is None or month_name not in MONTHS:
        return None, bool(year_text)
    try:
        return date(year, MONTHS[month_name], int(day)), bool(year_text)
    except ValueError:
        return None, bool(year_text)


def find_date(
    text: str, default_year: int | None
) -> tuple[date | None, bool, re.Match[str] | None]:
    match = DATE_RE.search(text)
    if not match:
        return None, False, None
    day, has_year = date_from_match(match, default_year)
    return day, has_year, match


def parse_embargo(line: str, default_year: int) -> tuple[datetime | None, str]:
    """The moment an embargo line names, in Europe/London, and a problem if any."""
    day, has_year, match = find_date(line, default_year)
    if day is None or match is None:
        return None, "no date found in the embargo line"
    rest = line[: match.start()] + " " + line[match.end() :]
    problem = "" if has_year else f"the embargo has no year; assumed {day.year}"
    when = time(0, 0)
    found = _TIME_RE.search(rest)
    if found:
        if found.group("word"):
            when = time(12, 0) if found.group("word").lower() in {"noon", "midday"} else time(0, 0)
        else:
            hour = int(found.group("h") or found.group("h2"))
            minute = int(found.group("mi") or found.group("mi2") or 0)
            marker = (found.group("ap") or "").lower().replace(".", "")
            if marker == "pm" and hour < 12:
                hour += 12
            if marker == "am" and hour == 12:
                hour = 0
            if hour > 23 or minute > 59:
                return None, f"{found.group(0)!r} is not a time of day"
            when = time(hour, minute)
    weekday = match.group("wd")
    if weekday and not day.strftime("%A").lower().startswith(weekday.lower().rstrip(".")[:3]):
        problem = (problem + "; " if problem else "") + (
            f"{weekday} does not match {day:%A} {day.day} {day:%B %Y}"
        )
    return datetime.combine(day, when, tzinfo=ZoneInfo(LONDON)), problem


_PLACE = r"(?-i:[A-Z][\w'’.\-]*(?:\s+(?:upon|on|in|under|by|le|de|[A-Z][\w'’.\-]*)){0,3})"
_DATELINES = [
    re.compile(rf"^(?P<place>{_PLACE}),\s*(?P<date>{DATE})\s*(?:[-–—:]+|\.)\s*", re.IGNORECASE),
    re.compile(rf"^(?P<date>{DATE}),\s*(?P<place>{_PLACE})\s*[-–—:]+\s*", re.IGNORECASE),
    re.compile(r"^(?P<place>[A-Z][A-Z'’.\-]+(?:\s+[A-Z][A-Z'’.\-]+){0,3})\s*[-–—]+\s+"),
    re.compile(rf"^(?P<date>{DATE})\s*[-–—:]+\s*", re.IGNORECASE),
]
_NOT_PLACES = (
    set(MONTHS)
    | set(WEEKDAYS)
    | {
        "today",
        "breaking",
        "update",
        "news",
        "the",
    }
)


def find_dateline(text: str) -> tuple[str, re.Match[str] | None]:
    """(place, match) for a dateline opening ``text``; match is None when there is none."""
    for pattern in _DATELINES:
        match = pattern.match(text)
        if not match:
            continue
        groups = match.groupdict()
        place = (groups.get("place") or "").strip()
        if place and place.split()[0].lower().rstrip(".") in _NOT_PLACES:
            continue
        if not text[match.end() :].strip():
            continue
        if place.isupper():
            place = place.title()
        return place, match
    return "", None
