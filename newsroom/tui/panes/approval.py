"""Approval pane (placeholder until sign-off lands)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label

from ...model import Release


class ApprovalPane(Vertical):
    def __init__(self, release: Release, **kwargs) -> None:
        super().__init__(**kwargs)
        self.release = release

    def compose(self) -> ComposeResult:
        yield Label("Approval", classes="pane-title")

    def focus_first(self) -> None:
        pass

    def refresh_from(self, release: Release) -> None:
        self.release = release

    def request_checks(self) -> None:
        pass
