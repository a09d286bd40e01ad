"""A volunteer's whole journey, by keys only, in a real terminal (tmux).

The real `newsroom` program on a copy of the sample library: `n` in the library,
a 140-character headline, a lead, three context paragraphs, a photo caption
(ctrl+g), a new speaker (F4), a seven-paragraph quote (ctrl+k), the speaker's
clearance, submit, approve (F5) and a plain-text export (ctrl+e). The exported
text is then compared word for word with what was typed, and the files on disk
are read back. The release is our own (a made-up Eastfield residents' group).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from waiting import wait_until

from .test_tmux import NEWSROOM, TMUX, screen_until, tmux, wait_for
from .test_tmux_typing import start, stop, wait_file

pytestmark = [
    pytest.mark.skipif(TMUX is None, reason="tmux is not installed"),
    pytest.mark.skipif(not NEWSROOM.exists(), reason="the newsroom script is not installed"),
]

HEADLINE = (
    "Mill Road parents ask for a safe crossing before the new school term, "
    "as the county council shelves the Eastfield speed limit decision again"
)
SPEAKER = "Margaret Oduya"
ROLE = "Chair of the Mill Road Residents' Association"
ORGANISATION = "Mill Road Residents' Association"
LEAD = (
    f"{SPEAKER}, {ROLE}, has asked Northshire County Council for a zebra crossing "
    "outside St Anne's Primary School in Eastfield before pupils go back in January."
)
CONTEXT = [
    "The county council's highways committee was due to decide in October whether to cut "
    "the limit on Mill Road from 30mph to 20mph. It has now put the decision back to March, "
    "for the second year running.",
    "Residents counted fourteen near misses at the school gate between September and "
    "November, among them a six-year-old pulled back from the kerb by a volunteer "
    "crossing patrol.",
    "More than 600 people have signed the association's petition, which Hollinsbury "
    "Progressives councillors will hand in at the full council meeting on 10 December.",
]
CAPTION = "Parents and pupils waiting to cross Mill Road, Eastfield, at the end of the school day"
CREDIT = ORGANISATION
QUOTE = [
    "Every morning I watch parents hold their children back at the kerb and wait for a gap "
    "in the traffic that never comes.",
    "We are not asking for a bypass or a new road. We are asking for a zebra crossing and a "
    "lower limit outside a primary school.",
    "The county council has had our survey since the summer. It shows fourteen near misses "
    "in a single term, and those are only the ones people told us about.",
    "Putting the decision off again means another winter of dark mornings on a road where "
    "drivers still do forty.",
    "Our members have given up their evenings to count cars, knock on doors and collect "
    "signatures. They deserve an answer, not another delay.",
    "I am grateful to our ward councillors for taking the petition to the town hall, and to "
    "the crossing patrol volunteers who stand in the road for us in all weathers.",
    "We will keep asking until there is a safe way across Mill Road, before someone is hurt.",
]
CLEARANCE_NOTE = "Agreed the wording by email"
APPROVAL_NOTE = "Checked the figures against the survey"


def keys(session: str, *names: str) -> None:
    tmux("send-keys", "-t", session, *names)


def type_(session: str, text: str) -> None:
    tmux("send-keys", "-t", session, "-l", text)


def new_release(drafts: Path, before: set[str]) -> Path:
    def made() -> set[str]:
        return {p.name for p in drafts.iterdir() if (p / "release.toml").exists()} - before

    (slug,) = wait_until(made, "a new release folder")
    return drafts / slug


def paragraphs(text: str) -> list[str]:
    """The text's paragraphs, each one's lines joined: word for word, whatever the wrapping."""
    return [" ".join(block.split()) for block in text.split("\n\n") if block.strip()]


def expected_paragraphs(drafts: Path) -> list[str]:
    settings = tomllib.loads((drafts / "newsroom.toml").read_text("utf-8"))
    defaults = settings["defaults"]
    contact = defaults["contact"]
    intro = defaults["intro"].format(name=SPEAKER, role=ROLE)
    quote = [f"“{words}" for words in QUOTE]
    quote[-1] += "”"
    return paragraphs(
        "\n\n".join(
            [
                "FOR IMMEDIATE RELEASE",
                HEADLINE,
                LEAD,
                *CONTEXT,
                f"[Photo: {CAPTION}. Picture: {CREDIT}]",
                intro,
                *quote,
                "ENDS",
                f"Media contact {contact['name']}, {contact['role']} Phone: {contact['phone']} "
                f"Email: {contact['email']}",
                f"About {settings['organisation']['name']}",
                defaults["about"],
                defaults["imprint"],
            ]
        )
    )


def test_a_release_drafted_approved_and_exported_by_keys(drafts: Path, tmp_path: Path):
    assert len(HEADLINE) == 140 and len(QUOTE) == 7
    before = {p.name for p in drafts.iterdir()}
    exported = tmp_path / "crossing.txt"
    session = start(drafts, size=(120, 40))
    try:
        # The library: `n`, the headline, enter.
        wait_for(session, "Residents urged")
        keys(session, "n")
        wait_for(session, "New release")
        type_(session, HEADLINE)
        wait_for(session, "speed limit decision again")
        keys(session, "Enter")
        wait_for(session, "Drafting F2")
        folder = new_release(drafts, before)
        # The new release opens with the cursor in the body (it has a headline).
        wait_for(session, "0 words")
        type_(session, LEAD)
        for paragraph in CONTEXT:
            keys(session, "Enter", "Enter")
            type_(session, paragraph)
        keys(session, "Enter", "Enter")

        # ctrl+g: a new caption, placed at the cursor.
        keys(session, "C-g")
        wait_for(session, "Place which caption")
        keys(session, "Enter")  # "+ New caption…" is the only choice
        wait_for(session, "New caption c1")
        type_(session, CAPTION)
        keys(session, "Tab")
        type_(session, CREDIT)
        keys(session, "Enter")
        wait_for(session, "{{< caption c1 >}}")

        # F4: add the speaker to the directory.
        keys(session, "F4")
        wait_for(session, "Helen Marsh")
        keys(session, "a")
        wait_for(session, "Add a person")
        type_(session, SPEAKER)
        keys(session, "Tab", "Tab")  # past the id, proposed from the name
        type_(session, ROLE)
        keys(session, "Tab")
        type_(session, ORGANISATION)
        keys(session, "Enter")
        wait_file(drafts / "people.toml", lambda text: "margaret-oduya" in text)

        # F2, ctrl+k: a new quote by her, seven paragraphs, placed at the cursor.
        keys(session, "F2")
        wait_for(session, "Body (Markdown")
        keys(session, "C-k")
        wait_for(session, "Place which quote")
        keys(session, "Enter")
        wait_for(session, "New quote q1")
        type_(session, "Margaret")  # typed at the closed speaker list: it chooses her
        # Chosen, and her role filled in from the directory.
        screen_until(
            session,
            lambda screen: any(
                "Margaret Oduya" in line and "▼" in line for line in screen.splitlines()
            ),
            "Margaret Oduya chosen in the speaker list",
        )
        wait_for(session, "Speaker's role")
        keys(session, "Tab", "Tab", "Tab")  # role, introduction, words
        for number, paragraph in enumerate(QUOTE):
            if number:
                keys(session, "Enter", "Enter")
            type_(session, paragraph)
        wait_for(session, "hurt.")
        keys(session, "Tab", "Enter")  # to the attribution line; enter is OK
        wait_for(session, "{{< quote q1 >}}")
        keys(session, "C-s")
        wait_for(session, "Saved.")

        # F5: the speaker's clearance, submit, approve.
        keys(session, "F5")
        wait_for(session, "Clearances and approvals")
        keys(session, "c")
        wait_for(session, "Record that the speaker cleared")
        keys(session, "Tab", "Tab", "Tab")  # quote, cleared by, how: to the note
        type_(session, CLEARANCE_NOTE)
        keys(session, "Enter")
        wait_for(session, "clearance of q1")
        keys(session, "u")
        wait_for(session, "for review as it")
        keys(session, "Enter")
        wait_for(session, "Status: in review")
        keys(session, "a")
        wait_for(session, "Approve this version")
        type_(session, APPROVAL_NOTE)
        keys(session, "Enter")
        wait_for(session, "Status: approved")

        # ctrl+e: the export dialog, plain text, to a file of our choosing.
        keys(session, "C-e")
        wait_for(session, "Write to file")
        keys(session, "C-u")  # the path field has the cursor; clear the proposed path
        type_(session, str(exported))
        keys(session, "C-s")
        text = wait_file(exported, lambda t: "ENDS" in t)
        wait_for(session, "Wrote the final text export")
    finally:
        stop(session)

    # The export, word for word, paragraph by paragraph; no line past the width.
    assert paragraphs(text) == expected_paragraphs(drafts)
    assert "DRAFT" not in text
    assert max(len(line) for line in text.splitlines()) <= 72

    # The files on disk.
    people = tomllib.loads((drafts / "people.toml").read_text("utf-8"))["people"]
    assert people["margaret-oduya"] == {"name": SPEAKER, "role": ROLE, "organisation": ORGANISATION}
    release = tomllib.loads((folder / "release.toml").read_text("utf-8"))
    assert release["headline"] == HEADLINE
    (quote,) = release["quotes"]
    assert quote["speaker"] == "margaret-oduya" and quote["role"] == ROLE
    assert quote["text"].strip().split("\n\n") == QUOTE
    assert release["captions"] == [{"id": "c1", "text": CAPTION, "credit": CREDIT}]
    (clearance,) = release["clearances"]
    assert (clearance["quote"], clearance["by"], clearance["via"], clearance["note"]) == (
        "q1",
        "margaret-oduya",
        "email",
        CLEARANCE_NOTE,
    )
    (approval,) = release["approvals"]
    assert approval["by"] == "priya-raman" and approval.get("note") == APPROVAL_NOTE
    assert [entry["action"] for entry in release["history"]] == [
        "clear",
        "submit",
        "approve",
        "publish",
    ]
    assert approval["digest"] == release["history"][-1]["digest"]
    body = (folder / "body.md").read_text("utf-8")
    assert paragraphs(body) == [LEAD, *CONTEXT, "{{< caption c1 >}}", "{{< quote q1 >}}"]
