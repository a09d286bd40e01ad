"""Who is at the keyboard: found once from the environment, asked once if need be.

The answer for a library where nothing matches (no ``NEWSROOM_USER``, no
matching git email or username) is remembered in the user's own config
(``userconfig``), never in the shared library files.
"""

from __future__ import annotations

import re

from textual.app import App

from ..model import Person
from .screens.form import Field, FormDialog, Values
from .text import one_line

NEW = "+new"


def find_identity(app: App, *, ask: bool) -> None:
    """Set ``app.user`` from the environment; with ``ask``, ask when nobody matches."""
    from ..identity import IdentityError, from_environment
    from ..signing import configured_key

    library = app.library
    app.signing_key = configured_key(library.root)
    if not ask:
        app.refresh_title()
        return
    try:
        identity = from_environment(library)
    except IdentityError as error:  # NEWSROOM_USER names nobody: say so, do not guess
        app.notify(str(error), severity="error", markup=False, timeout=20)
        app.refresh_title()
        return
    if identity.person:
        app.set_user(identity.person, identity.source)
        return
    app.push_screen(who_are_you(app), lambda values: _chosen(app, values))


def _new_id(name: str, taken) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-") or "me"
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def who_are_you(app: App) -> FormDialog:
    library = app.library
    options = [
        (one_line(p.name) or pid, pid)
        for pid, p in sorted(library.people.items(), key=lambda item: item[1].name.casefold())
    ]
    options.append(("Someone new: add me to people.toml", NEW))

    def validate(values: Values) -> str | None:
        if not values["person"]:
            return "Choose yourself, or add yourself."
        if values["person"] == NEW and not values["name"].strip():
            return "Say your name."
        return None

    return FormDialog(
        "Who are you? newsroom records who submits, clears and approves. "
        "Your answer is remembered on this computer only.",
        [
            Field("person", "I am", "", kind="select", options=options),
            Field("name", "New: your name"),
            Field("email", "New: your email (as in git, if you use it)"),
        ],
        validate=validate,
        ok_label="That's me",
        id="who-are-you",
    )


def _chosen(app: App, values: Values | None) -> None:
    from ..errors import BundleError
    from ..identity import SOURCE_REMEMBERED
    from ..userconfig import ConfigError, remember_person

    if not values:
        app.notify(
            "newsroom does not know who you are: sign-off stays off until you say "
            "(restart, or set NEWSROOM_USER).",
            severity="warning",
            timeout=15,
        )
        return
    library = app.library
    person = values["person"]
    if person == NEW:
        person = _new_id(values["name"], library.people)
        library.people[person] = Person(
            id=person, name=values["name"].strip(), email=values["email"].strip()
        )
        try:
            library.save_people()
        except BundleError as error:
            library.people.pop(person, None)
            app.notify(f"Could not add you: {error}", severity="error", markup=False)
            return
    try:
        remember_person(library.root, person)
    except ConfigError as error:
        app.notify(f"Not remembered: {error}", severity="warning", markup=False)
    app.set_user(person, SOURCE_REMEMBERED)
