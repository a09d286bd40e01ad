"""A small modal form: a few labelled fields, OK / Cancel, inline errors.

Used for every question the app asks (a headline, a note, a person, a quote).
``validate`` returns an error message to show under the form, or None.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from ..widgets.choose import TypeToChoose


@dataclass
class Field:
    name: str
    label: str
    value: str = ""
    kind: str = "input"  # input | text | select | password
    options: list[tuple[str, str]] = field(default_factory=list)  # (label, value)
    placeholder: str = ""


Values = dict[str, str]


class FormDialog(ModalScreen[Values | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "ok", "OK", priority=True),
    ]

    def __init__(
        self,
        title: str,
        fields: list[Field],
        *,
        validate: Callable[[Values], str | None] | None = None,
        on_change: Callable[[FormDialog, str, Values], None] | None = None,
        ok_label: str = "OK",
        id: str | None = None,
        live: bool = False,
    ) -> None:
        super().__init__(id=id)
        # Validate as you type (the error line follows each change), not only on OK.
        self.live = live
        self.form_title = title
        self.fields = fields
        self.validate = validate
        self.on_change = on_change
        self.ok_label = ok_label

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog form"):
            yield Static(self.form_title, markup=False, classes="question")
            with VerticalScroll(classes="fields", can_focus=False):
                for spec in self.fields:
                    yield Label(spec.label, markup=False)
                    widget_id = f"field-{spec.name}"
                    if spec.kind == "text":
                        yield TextArea(
                            spec.value,
                            id=widget_id,
                            soft_wrap=True,
                            tab_behavior="focus",
                            classes="form-text",
                        )
                    elif spec.kind == "select":
                        values = {value for _, value in spec.options}
                        yield TypeToChoose(
                            # Labels quote names and words: never markup.
                            [
                                (Text(label) if isinstance(label, str) else label, value)
                                for label, value in spec.options
                            ],
                            value=spec.value if spec.value in values else Select.NULL,
                            id=widget_id,
                            prompt=spec.placeholder or "Choose…",
                        )
                    else:
                        yield Input(
                            spec.value,
                            id=widget_id,
                            placeholder=spec.placeholder,
                            password=spec.kind == "password",
                        )
            yield Static("", id="form-error", classes="error", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(self.ok_label, id="ok", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        if self.fields:
            # At once, not via the app's queue: keys typed as the form opens
            # belong in its first field.
            self.set_focus(self.query_one(f"#field-{self.fields[0].name}"), scroll_visible=False)

    def values(self) -> Values:
        result: Values = {}
        for spec in self.fields:
            widget = self.query_one(f"#field-{spec.name}")
            if isinstance(widget, TextArea):
                result[spec.name] = widget.text
            elif isinstance(widget, Select):
                value = widget.value
                result[spec.name] = "" if value is Select.NULL else str(value)
            elif isinstance(widget, Input):
                result[spec.name] = widget.value
        return result

    def set_value(self, name: str, value: str) -> None:
        widget = self.query_one(f"#field-{name}", Input)
        with widget.prevent(Input.Changed):
            widget.value = value

    @on(Input.Changed)
    @on(Select.Changed)
    @on(TextArea.Changed)
    def _changed(self, event: Input.Changed | Select.Changed | TextArea.Changed) -> None:
        event.stop()
        widget = event.control
        if self.on_change and widget is not None and widget.id:
            self.on_change(self, widget.id.removeprefix("field-"), self.values())
        if self.live and self.validate:
            self.query_one("#form-error", Static).update(self.validate(self.values()) or "")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_ok()

    @on(Button.Pressed, "#ok")
    def _ok_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_ok()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()

    def action_ok(self) -> None:
        values = self.values()
        problem = self.validate(values) if self.validate else None
        if problem:
            self.query_one("#form-error", Static).update(problem)
            return
        self.dismiss(values)

    def action_cancel(self) -> None:
        self.dismiss(None)
