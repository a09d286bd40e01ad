"""Settings: ``newsroom.toml`` edited field by field, validated as you type.

Only the fields you change are written, through ``newsroom.tomledit``
(tomlkit), so comments and layout in the file survive. A field's error shows
under it; the whole file is read back through the same loader the rest of
newsroom uses before anything is written. Saved settings take effect at once:
``NewsroomApp.settings_changed`` tells the open editor and the library.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, Select, Static, TextArea

from ...errors import BundleError
from ...model import CHECK_SEVERITIES, Settings
from ..commands import Command
from .choice import ChoiceDialog


@dataclass(frozen=True)
class SettingField:
    path: tuple[str, ...]
    label: str
    kind: str = "text"  # text | long | int | bool | list | severity

    @property
    def name(self) -> str:
        return "-".join(self.path)


def _fields() -> list[tuple[str, list[SettingField]]]:
    from ...checks import CHECKS

    f = SettingField
    return [
        (
            "Organisation",
            [
                f(("organisation", "name"), "Name"),
                f(
                    ("organisation", "political"),
                    "Political material (the imprint check applies)",
                    "bool",
                ),
                f(("organisation", "timezone"), "Timezone (IANA, e.g. Europe/London)"),
                f(("organisation", "website"), "Website"),
                f(("organisation", "email"), "Email"),
            ],
        ),
        (
            "Defaults for new releases",
            [
                f(("defaults", "about"), "About us (boilerplate)", "long"),
                f(("defaults", "imprint"), "Digital imprint"),
                f(("defaults", "intro"), "Quote introduction ({name}, {role}, {organisation})"),
                f(("defaults", "contact", "name"), "Media contact: name"),
                f(("defaults", "contact", "role"), "Media contact: role"),
                f(("defaults", "contact", "phone"), "Media contact: phone"),
                f(("defaults", "contact", "email"), "Media contact: email"),
            ],
        ),
        (
            "Rules",
            [
                f(("rules", "approvers"), "Approvers (person ids, comma-separated)", "list"),
                f(("rules", "approver_roles"), "Approver roles (comma-separated)", "list"),
                f(("rules", "approvals_required"), "Approvals required", "int"),
                f(
                    ("rules", "require_clearance"),
                    "Quotes must be cleared by their speakers",
                    "bool",
                ),
                f(("rules", "require_signatures"), "Approvals must be signed", "bool"),
                f(("rules", "allowed_signers"), "Allowed signers file"),
            ],
        ),
        (
            "Checks",
            [
                f(("checks", "headline_max"), "Longest headline (characters)", "int"),
                f(("checks", "standfirst_max"), "Longest standfirst (characters)", "int"),
                *[
                    f(("checks", check_id), f"{check_id}: {spec.description}", "severity")
                    for check_id, spec in CHECKS.items()
                ],
            ],
        ),
        (
            "Export",
            [
                f(("export", "width"), "Text width (20 to 200)", "int"),
                f(("export", "from"), "Email From"),
                f(("export", "reply_to"), "Email Reply-To"),
            ],
        ),
    ]


def current_value(settings: Settings, path: tuple[str, ...]) -> Any:
    """What the loaded settings say for ``path`` (the default when the file is silent)."""
    table, *rest = path
    key = rest[-1]
    if table == "organisation":
        return {
            "name": settings.organisation,
            "political": settings.political,
            "timezone": settings.timezone,
            "website": settings.website,
            "email": settings.email,
        }[key]
    if table == "defaults":
        if rest[0] == "contact":
            return getattr(settings.default_contact, key)
        return getattr(settings, f"default_{key}")
    if table == "rules":
        return getattr(settings.rules, key)
    if table == "export":
        return {
            "width": settings.width,
            "from": settings.from_address,
            "reply_to": settings.reply_to,
            "press_list": settings.press_list,
        }[key]
    if key in ("headline_max", "standfirst_max"):
        return getattr(settings, key)
    return settings.check_severity.get(key, "")


def as_text(spec: SettingField, value: Any) -> str:
    if spec.kind == "list":
        return ", ".join(value)
    if spec.kind == "bool":
        return "true" if value else "false"
    return "" if value is None else str(value)


def parse(spec: SettingField, text: str) -> Any:
    """The TOML value for what was typed; ValueError with a message when it is not one."""
    if spec.kind == "int":
        try:
            return int(text.strip())
        except ValueError:
            raise ValueError("write a whole number") from None
    if spec.kind == "list":
        return [part.strip() for part in text.split(",") if part.strip()]
    if spec.kind == "bool":
        return text == "true"
    if spec.kind == "severity":
        return text or None  # the default: the key is removed
    return text


class SettingsScreen(Screen):
    """ctrl+s saves the fields changed; escape goes back (asks when unsaved)."""

    DEFAULT_CSS = """
    SettingsScreen #settings-form { height: 1fr; padding: 0 1; }
    SettingsScreen .section { text-style: bold; margin-top: 1; color: $accent; }
    SettingsScreen .field-error { height: auto; }
    SettingsScreen TextArea { height: 5; }
    SettingsScreen #settings-problem { padding: 0 1; height: auto; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "close", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__(id="settings")
        self.sections = _fields()
        self.specs = {spec.name: spec for _, specs in self.sections for spec in specs}
        self.load_error = ""
        self.initial: dict[str, str] = {}
        self.errors: dict[str, str] = {}

    @property
    def library(self):
        return self.app.library

    def compose(self) -> ComposeResult:
        settings = self.library.settings
        try:
            settings = self.library.reload_settings()
        except BundleError as error:
            self.load_error = str(error)
        yield Header()
        yield Static(self._problem_text(), id="settings-problem", classes="error", markup=False)
        with VerticalScroll(id="settings-form"):
            for title, specs in self.sections:
                yield Label(title, classes="section")
                for spec in specs:
                    text = as_text(spec, current_value(settings, spec.path))
                    self.initial[spec.name] = text
                    yield Label(spec.label, markup=False)
                    yield self._widget(spec, text)
                    yield Static("", id=f"error-{spec.name}", classes="field-error", markup=False)
        yield Footer()

    def _widget(self, spec: SettingField, text: str):
        widget_id = f"setting-{spec.name}"
        disabled = bool(self.load_error)
        if spec.kind == "bool":
            return Select(
                [("yes", "true"), ("no", "false")],
                value=text,
                id=widget_id,
                allow_blank=False,
                disabled=disabled,
            )
        if spec.kind == "severity":
            return Select(
                [(level, level) for level in CHECK_SEVERITIES],
                value=text or Select.NULL,
                id=widget_id,
                disabled=disabled,
                prompt="default",
            )
        if spec.kind == "long":
            return TextArea(
                text, id=widget_id, soft_wrap=True, tab_behavior="focus", disabled=disabled
            )
        return Input(text, id=widget_id, disabled=disabled)

    def on_mount(self) -> None:
        self.title = "newsroom"
        self.sub_title = "Settings (newsroom.toml)"

    def _problem_text(self) -> str:
        if self.load_error:
            return (
                f"{self.load_error}\nnewsroom.toml cannot be read, so it cannot be "
                "edited here; fix it in a text editor (nothing will be overwritten)."
            )
        return ""

    # -- values ------------------------------------------------------------------

    def text_of(self, name: str) -> str:
        widget = self.query_one(f"#setting-{name}")
        if isinstance(widget, Select):
            return "" if widget.value is Select.NULL else str(widget.value)
        if isinstance(widget, TextArea):
            return widget.text
        return self.query_one(f"#setting-{name}", Input).value

    def changes(self) -> tuple[list, dict[str, str]]:
        """(changes for tomledit, field errors) for every field that differs from the file."""
        changes, errors = [], {}
        for name, spec in self.specs.items():
            text = self.text_of(name)
            if text == self.initial[name]:
                continue
            try:
                changes.append((spec.path, parse(spec, text)))
            except ValueError as error:
                errors[name] = str(error)
        return changes, errors

    @property
    def unsaved(self) -> bool:
        return (
            bool(self.specs)
            and self.is_mounted
            and any(self.text_of(name) != self.initial[name] for name in self.specs)
        )

    def validate(self) -> tuple[list, bool]:
        """Show every error under its field; (changes, whether they may be saved)."""
        from ...tomledit import settings_candidate

        changes, errors = self.changes()
        general = self.load_error
        if not errors and changes and not general:
            try:
                settings_candidate(self.library.root, changes)
            except BundleError as error:
                name = (error.key or "").replace(".", "-")
                if name in self.specs:
                    errors[name] = error.message
                else:
                    general = str(error)
        for name in self.specs:
            self.query_one(f"#error-{name}", Static).update(errors.get(name, ""))
        self.query_one("#settings-problem", Static).update(
            self._problem_text() or (general if general != self.load_error else "")
        )
        self.errors = errors
        return changes, not errors and not general

    @on(Input.Changed)
    @on(Select.Changed)
    @on(TextArea.Changed)
    def _changed(self, event) -> None:
        event.stop()
        if self.is_mounted and len(self.initial) == len(self.specs):
            self.validate()

    # -- actions -----------------------------------------------------------------

    def palette(self) -> list[Command]:
        return [
            Command("Save settings", "Write the changed fields to newsroom.toml", self.action_save),
            Command("Close settings", "Back to where you were", self.action_close),
        ]

    def action_save(self) -> bool:
        from ...tomledit import update_settings

        changes, ok = self.validate()
        if not ok:
            self.notify("Not saved: fix the fields marked in red.", severity="error")
            return False
        if not changes:
            self.notify("Nothing had changed; newsroom.toml was not written.")
            return True
        try:
            settings = update_settings(self.library.root, changes)
        except BundleError as error:
            self.query_one("#settings-problem", Static).update(str(error))
            return False
        for name in self.specs:
            self.initial[name] = self.text_of(name)
        self.app.settings_changed(settings)
        self.notify(f"Saved {len(changes)} setting(s) to newsroom.toml.")
        return True

    def action_close(self) -> None:
        if not self.unsaved:
            self.dismiss()
            return

        def answered(answer: str | None) -> None:
            if answer == "save" and self.action_save():
                self.dismiss()
            elif answer == "discard":
                self.dismiss()

        self.app.push_screen(
            ChoiceDialog(
                "Save the changed settings to newsroom.toml?",
                [("save", "Save"), ("discard", "Discard"), ("cancel", "Cancel")],
                id="settings-unsaved",
            ),
            answered,
        )
