"""Generate a realistic synthetic library for benchmarks.

    python benchmarks/make_library.py N DIR [--seed S]

Writes ``DIR/newsroom.toml``, ``DIR/people.toml`` (500 people) and N bundles:
bodies of 100 to 3,000 words of plausible local-news prose built from word
lists, 0-4 quotes each placed in the body by reference, notes to editors,
contacts, internal notes, some embargoes and captions, a few spiked or
submitted releases, and approvals on 30% of them whose digests are computed
by ``newsroom.digest`` (so they are valid; some of those are published).

The same N and seed give the same files, byte for byte. Files are written
plainly (no fsync): this is test data, and fsyncing 20,000 files would make
generation take minutes.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from newsroom.codec import people_to_toml, release_to_toml
from newsroom.model import (  # noqa: E402
    Approval,
    Caption,
    Clearance,
    Contact,
    Dateline,
    Embargo,
    Event,
    Person,
    Quote,
    Release,
    reference_line,
    slugify,
)
from newsroom.tomlio import dumps_toml

PEOPLE = 500
ORGANISATION = "Hollinsbury Progressives"

SETTINGS_TOML = """\
schema = 1

[organisation]
name = "Hollinsbury Progressives"
political = true
timezone = "Europe/London"
website = "https://hollinsbury-progressives.example.org.uk"
email = "press@hollinsbury-progressives.example.org.uk"

[defaults]
about = \"\"\"
Hollinsbury Progressives is the local branch of the Progressive Alliance for \\
the town of Hollinsbury and its surrounding villages. The branch has four \\
councillors on Hollinsbury Town Council and campaigns on parks, buses and \\
affordable homes.
\"\"\"
imprint = "Promoted by Priya Raman on behalf of Hollinsbury Progressives, both at 14 Mill Lane, Hollinsbury HB2 4QT."
intro = "Commenting on the news, {name}, {role}, said:"

[defaults.contact]
name = "Priya Raman"
role = "Press Officer"
phone = "07700 900461"
email = "press@hollinsbury-progressives.example.org.uk"

[rules]
approvers = ["priya-raman", "david-osei"]
approver_roles = ["Branch Chair"]
approvals_required = 1
require_clearance = true
require_signatures = false

[export]
width = 72
from = "Hollinsbury Progressives <press@hollinsbury-progressives.example.org.uk>"
reply_to = "press@hollinsbury-progressives.example.org.uk"

[checks]
headline_max = 110
"""

FIRST_NAMES = (
    "Amira Tom Priya David Helen Sarah James Fatima Oliver Grace Mohammed Emily Daniel Aisha "
    "George Chloe Samuel Zainab Harry Lucy Kwame Isla Arjun Megan Rhys Niamh Tariq Ellen "
    "Patrick Ruth Kofi Hannah Joseph Anya Callum Bethan Imran Rosa Owen Maryam Lewis Freya "
    "Dev Siobhan Marcus Leah Ravi Alice Gareth Nadia"
).split()
SURNAMES = (
    "Okafor Whitfield Raman Osei Marsh Hughes Patel Khan Evans Davies Thomas Roberts Walker "
    "Wright Robinson Thompson White Hall Green Wood Clarke Jackson Ahmed Begum Singh Murphy "
    "Kelly Byrne Campbell Stewart Morgan Price Lloyd Jenkins Bailey Harris Martin Cooper "
    "Ward Turner Hill Moore Baker Lewis Young Allen King Scott Mensah Nowak"
).split()
ROLES = (
    "Branch Chair",
    "Vice Chair of Hollinsbury Progressives",
    "Press Officer",
    "Town Councillor for Eastfield",
    "Town Councillor for Mill Ward",
    "County Councillor for Hollinsbury North",
    "Branch Secretary",
    "Treasurer",
    "Campaigns Organiser",
    "Chair of the Friends of Hollinsbury Lido",
    "Secretary of the Eastfield Bus Users' Group",
    "Head Teacher of St Anne's Primary",
    "Chair of the Station Road Residents' Association",
    "Youth Officer",
    "Parliamentary candidate for Hollinsbury and Vale",
    "Allotments Officer",
    "Manager of the Hollinsbury Food Bank",
    "Chair of the Hollinsbury Cycling Club",
)
ORGANISATIONS = (
    ORGANISATION,
    ORGANISATION,
    ORGANISATION,
    "Friends of Hollinsbury Lido",
    "Eastfield Bus Users' Group",
    "Station Road Residents' Association",
    "Hollinsbury Food Bank",
    "St Anne's Primary School",
    "Hollinsbury Cycling Club",
    "Valley Allotment Society",
)
PLACES = (
    "Hollinsbury",
    "Eastfield",
    "Mill Green",
    "Upper Vale",
    "Stanton Cross",
    "Brookside",
    "Hollinsbury Vale",
    "Netherby",
    "Ashcombe",
    "Westgate",
)
STREETS = (
    "Station Road",
    "Mill Lane",
    "the High Street",
    "Church Walk",
    "Vale Road",
    "Market Square",
    "Brook Street",
    "the Eastfield estate",
    "Canal Side",
    "Park Avenue",
)
SUBJECTS = (
    "the town council",
    "the county council",
    "residents",
    "the bus company",
    "local families",
    "the committee",
    "campaigners",
    "volunteers",
    "the trust",
    "shopkeepers",
    "parents",
    "the health board",
    "pensioners",
    "the planning inspector",
    "the school governors",
    "local businesses",
    "the housing association",
    "the police and crime commissioner",
)
THINGS = (
    "the lido",
    "the 42 bus",
    "the library",
    "the youth centre",
    "the allotments",
    "the new cycle lane",
    "the food bank",
    "the community hall",
    "the skate park",
    "the recycling centre",
    "the pedestrian crossing",
    "the affordable homes scheme",
    "the GP surgery",
    "the footbridge",
    "street lighting",
    "the market",
    "the playground",
    "the flood defences",
    "the car park charges",
    "the council tax rise",
)
VERBS = (
    "has welcomed",
    "has criticised",
    "voted to fund",
    "agreed to review",
    "pledged to protect",
    "refused to reopen",
    "promised to repair",
    "confirmed plans for",
    "delayed a decision on",
    "launched a consultation on",
    "set aside money for",
    "called for an inquiry into",
    "backed proposals for",
    "warned against cutting",
    "raised concerns about",
)
ADJECTIVES = (
    "long-awaited",
    "controversial",
    "popular",
    "much-loved",
    "overdue",
    "ambitious",
    "modest",
    "vital",
    "crumbling",
    "busy",
    "new",
    "historic",
    "temporary",
    "expanded",
)
TIMES = (
    "next April",
    "this summer",
    "by the end of the year",
    "within six weeks",
    "before Christmas",
    "from January",
    "at its next meeting",
    "on Monday night",
    "last week",
    "in the spring",
    "over the next three years",
)
NUMBERS = (
    "£310,000",
    "4,200 signatures",
    "£18,000",
    "seven to two",
    "more than 600 residents",
    "£2.4 million",
    "twelve months",
    "three in ten households",
    "£45 a year",
    "1,100 pupils",
)
CONNECTIVES = (
    "However,",
    "Meanwhile,",
    "In a statement,",
    "According to the minutes,",
    "Last year,",
    "At the meeting,",
    "Since then,",
    "As a result,",
    "Despite this,",
    "In response,",
)
QUOTE_OPENERS = (
    "This is a victory for everyone in {place}.",
    "We cannot accept the state of {thing}.",
    "I am delighted that {subject} have listened.",
    "People in {place} deserve better.",
    "For too long {thing} has been left to decline.",
    "It is simply wrong to ignore {subject}.",
    "We will keep fighting for {thing}.",
    "Thank you to {subject} for their patience.",
    "This decision shows what {subject} can achieve together.",
    "Nobody in {place} should have to wait this long.",
)
HEADLINE_TEMPLATES = (
    "{Subject} {verb} {adj} {thing} in {place}",
    "{place} {thing_title} saved after {subject} {verb2}",
    "Residents urged to respond as {subject} {verb} {thing}",
    "{Subject} {verb} {thing} as {number} back the campaign",
    "{adj_title} plans for {thing} in {place} move a step closer",
    "Fresh row over {thing} after {subject} {verb} {adj} scheme",
)
CAPTION_TEXTS = (
    "Campaigners outside {thing} on {street}",
    "{name} with volunteers in {place}",
    "Residents at the public meeting in {place}",
    "{thing_title} on {street}",
)


class Prose:
    """Sentences of local news made from the word lists above."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def pick(self, options: tuple[str, ...] | list[str]) -> str:
        return self.rng.choice(options)

    def sentence(self) -> str:
        r = self.pick
        kind = self.rng.randrange(7)
        if kind == 0:
            text = f"{r(SUBJECTS)} {r(VERBS)} {r(THINGS)} on {r(STREETS)} {r(TIMES)}"
        elif kind == 1:
            text = (
                f"{r(CONNECTIVES)} {r(SUBJECTS)} said the {r(ADJECTIVES)} work on "
                f"{r(THINGS)} would cost {r(NUMBERS)}"
            )
        elif kind == 2:
            text = (
                f"the {r(ADJECTIVES)} plan for {r(THINGS)} in {r(PLACES)} was first "
                f"proposed {r(TIMES)}, and {r(SUBJECTS)} {r(VERBS)} it"
            )
        elif kind == 3:
            text = (
                f"{r(CONNECTIVES)} {r(NUMBERS)} were recorded, and {r(SUBJECTS)} "
                f"{r(VERBS)} {r(THINGS)}"
            )
        elif kind == 4:
            text = (
                f"{r(SUBJECTS)} in {r(PLACES)} have asked why {r(THINGS)} near "
                f"{r(STREETS)} is still {r(ADJECTIVES)}"
            )
        elif kind == 5:
            text = f"a report to {r(SUBJECTS)} found that {r(THINGS)} needs {r(NUMBERS)} {r(TIMES)}"
        else:
            text = (
                f"{r(SUBJECTS)} {r(VERBS)} {r(THINGS)}, while {r(SUBJECTS)} {r(VERBS)} {r(THINGS)}"
            )
        if self.rng.random() < 0.08:
            text += f" (see **{r(NUMBERS)}**)"
        return text[0].upper() + text[1:] + "."

    def paragraph(self, words: int) -> str:
        sentences: list[str] = []
        count = 0
        while count < words:
            sentence = self.sentence()
            sentences.append(sentence)
            count += len(sentence.split())
        return " ".join(sentences)

    def body_paragraphs(self, words: int) -> list[str]:
        paragraphs: list[str] = []
        count = 0
        while count < words:
            size = min(words - count, self.rng.randint(30, 110))
            roll = self.rng.random()
            if roll < 0.05 and paragraphs:
                items = [self.sentence() for _ in range(self.rng.randint(2, 5))]
                text = "\n".join(f"- {item}" for item in items)
            elif roll < 0.08 and paragraphs:
                text = f"## {self.pick(THINGS).capitalize()} in {self.pick(PLACES)}"
            else:
                text = self.paragraph(size)
                if self.rng.random() < 0.05:
                    text += (
                        f" More at [{self.pick(PLACES)}]"
                        f"(https://hollinsbury.example.org.uk/{self.rng.randrange(999)})."
                    )
            paragraphs.append(text)
            count += len(text.split())
        return paragraphs

    def quote_text(self) -> str:
        paragraphs = []
        for _ in range(self.rng.randint(1, 3)):
            opener = self.pick(QUOTE_OPENERS).format(
                place=self.pick(PLACES), thing=self.pick(THINGS), subject=self.pick(SUBJECTS)
            )
            paragraphs.append(f"{opener} {self.paragraph(self.rng.randint(20, 60))}")
        return "\n\n".join(paragraphs)

    def headline(self) -> str:
        r = self.pick
        thing = r(THINGS)
        text = r(HEADLINE_TEMPLATES).format(
            Subject=r(SUBJECTS).capitalize(),
            subject=r(SUBJECTS),
            verb=r(VERBS),
            verb2=r(("campaigned", "stepped in", "rallied", "objected", "raised the alarm")),
            adj=r(ADJECTIVES),
            thing=thing,
            thing_title=thing.removeprefix("the ").capitalize(),
            place=r(PLACES),
            number=r(NUMBERS),
            adj_title=r(ADJECTIVES).capitalize(),
        )
        return text[0].upper() + text[1:]


def make_people(rng: random.Random) -> dict[str, Person]:
    people: dict[str, Person] = {
        "priya-raman": Person(
            "priya-raman",
            "Priya Raman",
            "Press Officer",
            ORGANISATION,
            "press@hollinsbury-progressives.example.org.uk",
            "07700 900461",
        ),
        "david-osei": Person(
            "david-osei",
            "David Osei",
            "Branch Chair",
            ORGANISATION,
            "david.osei@hollinsbury-progressives.example.org.uk",
        ),
    }
    while len(people) < PEOPLE:
        first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
        person_id = f"{first}-{last}".lower()
        if person_id in people:
            person_id = f"{person_id}-{len(people)}"
        title = "Cllr " if rng.random() < 0.15 else ""
        organisation = rng.choice(ORGANISATIONS)
        domain = slugify(organisation) + ".example.org.uk"
        people[person_id] = Person(
            id=person_id,
            name=f"{title}{first} {last}",
            role=rng.choice(ROLES),
            organisation=organisation,
            email=f"{first}.{last}@{domain}".lower() if rng.random() < 0.8 else "",
            phone=f"07700 900{rng.randrange(1000):03d}" if rng.random() < 0.5 else "",
        )
    return people


def make_release(
    rng: random.Random,
    index: int,
    people: dict[str, Person],
    person_ids: list[str],
    taken: set[str],
) -> Release:
    prose = Prose(rng)
    day = date(2016, 1, 1) + timedelta(days=rng.randrange(3650))
    headline = prose.headline()
    slug = slugify(headline, prefix=day.isoformat())
    if slug in taken:
        slug = f"{slug[:70]}-{index}"
    taken.add(slug)

    words = int(100 * 30 ** rng.random())  # 100 to 3,000, most a few hundred
    paragraphs = prose.body_paragraphs(words)

    quotes: list[Quote] = []
    for number in range(rng.choice((0, 1, 1, 2, 2, 2, 3, 4))):
        speaker = rng.choice(person_ids)
        quotes.append(
            Quote(
                id=f"q{number + 1}",
                speaker=speaker,
                role=people[speaker].role,
                intro=rng.choice(
                    (
                        "Commenting on the news, {name}, {role}, said:",
                        "{name}, {role}, said:",
                        "",
                        "Responding, {name} said:",
                    )
                ),
                text=prose.quote_text(),
            )
        )
    captions: list[Caption] = []
    if rng.random() < 0.1:
        captions.append(
            Caption(
                id="photo",
                text=rng.choice(CAPTION_TEXTS).format(
                    thing=rng.choice(THINGS),
                    street=rng.choice(STREETS),
                    place=rng.choice(PLACES),
                    name=people[rng.choice(person_ids)].name,
                    thing_title=rng.choice(THINGS).removeprefix("the ").capitalize(),
                ),
                credit="Photo: Hollinsbury Progressives",
                file=f"photos/{slug[:40]}.jpg",
            )
        )
    # Every quote and caption is placed in the body, after the lead paragraph.
    references = [reference_line("quote", q.id) for q in quotes]
    references += [reference_line("caption", c.id) for c in captions]
    for reference in references:
        position = rng.randint(1, len(paragraphs))
        paragraphs.insert(position, reference)

    release = Release(
        slug=slug,
        headline=headline,
        standfirst=prose.paragraph(rng.randint(15, 30)) if rng.random() < 0.4 else "",
        created=day,
        dateline=Dateline(place=rng.choice(PLACES), date=day if rng.random() < 0.7 else None),
        body="\n\n".join(paragraphs) + "\n",
        quotes=quotes,
        captions=captions,
        notes_to_editors=[
            prose.paragraph(rng.randint(15, 40)) for _ in range(rng.choice((0, 1, 2, 2, 3)))
        ],
        contact=Contact(
            "Priya Raman",
            "Press Officer",
            "07700 900461",
            "press@hollinsbury-progressives.example.org.uk",
        ),
        about=(
            "Hollinsbury Progressives is the local branch of the Progressive Alliance for "
            "the town of Hollinsbury and its surrounding villages.\n"
        ),
        imprint=(
            "Promoted by Priya Raman on behalf of Hollinsbury Progressives, both at "
            "14 Mill Lane, Hollinsbury HB2 4QT."
        ),
        internal_notes=prose.sentence() if rng.random() < 0.5 else "",
    )
    if rng.random() < 0.1:
        release.embargo = Embargo(
            until=datetime(day.year, day.month, day.day, 0, 1, tzinfo=UTC) + timedelta(days=1),
            timezone="Europe/London",
        )
    at = datetime(day.year, day.month, day.day, 9, 30, tzinfo=UTC)
    if rng.random() < 0.3:
        release.history.append(Event(at=at, action="submit", by="priya-raman"))
    elif rng.random() < 0.04:
        release.history.append(
            Event(at=at, action="spike", by="david-osei", note="Overtaken by events.")
        )
    return release


def approve(release: Release, settings, people, rng: random.Random) -> None:
    """Valid clearances and a valid approval (sometimes publication) for the current content."""
    from newsroom.digest import digest, quote_digest

    day = release.created or date(2020, 1, 1)
    at = datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC)
    for quote in release.quotes:
        bound = quote_digest(quote, people)
        release.clearances.append(
            Clearance(quote=quote.id, by=quote.speaker, at=at, digest=bound, via="email")
        )
        release.history.append(
            Event(
                at=at,
                action="clear",
                by=quote.speaker,
                digest=bound,
                extra={"quote": quote.id, "via": "email"},
            )
        )
    current = digest(release, settings, people)
    at = at + timedelta(hours=1)
    approver = rng.choice(("priya-raman", "david-osei"))
    release.approvals.append(
        Approval(by=approver, at=at, digest=current, role=people[approver].role)
    )
    release.history.append(Event(at=at, action="approve", by=approver, digest=current))
    if rng.random() < 0.5:
        release.history.append(
            Event(at=at + timedelta(hours=1), action="publish", by="priya-raman", digest=current)
        )


def make_library(count: int, root: Path, seed: int = 1) -> list[str]:
    """Write the library; returns the slugs in the order made."""
    import tomllib

    from newsroom.codec import settings_from_toml

    rng = random.Random(f"newsroom-bench-{seed}")
    root.mkdir(parents=True, exist_ok=True)
    (root / "newsroom.toml").write_text(SETTINGS_TOML, encoding="utf-8")
    settings = settings_from_toml(tomllib.loads(SETTINGS_TOML), root / "newsroom.toml")
    people = make_people(rng)
    (root / "people.toml").write_bytes(dumps_toml(people_to_toml(people, {})))
    person_ids = sorted(people)
    taken: set[str] = set()
    slugs = []
    for index in range(count):
        release = make_release(rng, index, people, person_ids, taken)
        if rng.random() < 0.3:
            approve(release, settings, people, rng)
        directory = root / release.slug
        directory.mkdir(exist_ok=True)
        (directory / "release.toml").write_bytes(dumps_toml(release_to_toml(release)))
        (directory / "body.md").write_bytes(release.body.encode("utf-8"))
        # Last touched around the release's date, as in a real library.
        day = release.created or date(2020, 1, 1)
        touched = datetime(day.year, day.month, day.day, 9, tzinfo=UTC).timestamp()
        touched += rng.randrange(3 * 86400)
        for name in ("release.toml", "body.md"):
            os.utime(directory / name, (touched, touched))
        slugs.append(release.slug)
    return slugs


def make_editor_library(root: Path, words: int = 5000, seed: int = 1) -> str:
    """A library holding one release with a body of ``words`` words and two quotes."""
    import tomllib

    from newsroom.codec import settings_from_toml

    rng = random.Random(f"newsroom-editor-{seed}")
    root.mkdir(parents=True, exist_ok=True)
    (root / "newsroom.toml").write_text(SETTINGS_TOML, encoding="utf-8")
    settings_from_toml(tomllib.loads(SETTINGS_TOML), root / "newsroom.toml")
    people = make_people(rng)
    (root / "people.toml").write_bytes(dumps_toml(people_to_toml(people, {})))
    release = make_release(rng, 0, people, sorted(people), set())
    prose = Prose(rng)
    paragraphs = prose.body_paragraphs(words)
    release.quotes = release.quotes[:2] or [
        Quote(id="q1", speaker="david-osei", role="Branch Chair", text=prose.quote_text())
    ]
    release.captions = []
    for quote in release.quotes:
        paragraphs.insert(rng.randint(1, len(paragraphs)), reference_line("quote", quote.id))
    release.body = "\n\n".join(paragraphs) + "\n"
    release.approvals, release.history, release.clearances = [], [], []
    directory = root / release.slug
    directory.mkdir()
    (directory / "release.toml").write_bytes(dumps_toml(release_to_toml(release)))
    (directory / "body.md").write_bytes(release.body.encode("utf-8"))
    return release.slug


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int, help="number of releases")
    parser.add_argument("directory", type=Path, help="the library folder to create")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.directory.exists() and any(args.directory.iterdir()):
        print(f"make_library: {args.directory} is not empty", file=sys.stderr)
        return 2
    started = time.perf_counter()
    make_library(args.count, args.directory, args.seed)
    elapsed = time.perf_counter() - started
    print(f"{args.count} releases in {args.directory} ({elapsed:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
