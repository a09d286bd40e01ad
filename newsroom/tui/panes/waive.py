"""The approval pane's waive action: an approver lets a blocking check pass, with a reason.

Kept apart from the pane so sign-off identity changes elsewhere merge easily.
The rule itself is ``newsroom.waivers.waive``.
"""

from __future__ import annotations

from textual.widgets import DataTable

from ..screens.form import Field, FormDialog, Values
from ..text import one_line


def highlighted_check(pane) -> str | None:
    """The check id of the row under the check table's cursor, if any."""
    assessment = pane.assessment
    table = pane.query_one("#check-table", DataTable)
    if assessment is None or not table.row_count:
        return None
    key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
    if key is None or not str(key).isdigit():
        return None
    return assessment.checks[int(str(key))].id


def ask_waiver(pane) -> None:
    """Ask which blocking check to waive and why; then record the waiver."""
    assessment = pane.assessment
    waivable = assessment.waivable
    messages = {r.id: r.message for r in reversed(assessment.checks)}
    options = [(f"{cid}: {one_line(messages.get(cid, ''), 50)}", cid) for cid in waivable]
    preferred = highlighted_check(pane)
    chosen = preferred if preferred and preferred in waivable else waivable[0]

    def validate(values: Values) -> str | None:
        if not values["check"]:
            return "Choose the check to waive."
        if not values["reason"].strip():
            return "Say why it may pass: the reason is kept in the history."
        return None

    def done(values: Values | None) -> None:
        if not values:
            return
        from ...waivers import waive

        check_id, reason = values["check"], values["reason"].strip()
        pane.run_step(
            f"waive {check_id}",
            lambda wf, now: waive(
                pane.release, pane.library, check_id, pane.app.user, reason, now=now
            ),
        )

    pane.app.push_screen(
        FormDialog(
            "Waive a blocking check for this version (any edit makes the waiver stale)",
            [
                Field("check", "Check", chosen, kind="select", options=options),
                Field("reason", "Reason"),
            ],
            validate=validate,
            ok_label="Waive",
            id="waive-form",
        ),
        done,
    )
