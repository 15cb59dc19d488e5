"""The review modal: exactly what one save will send, and what changed elsewhere."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Label, Static

from cogtui.display import shown
from cogtui.profile import Change, Conflict
from cogtui.screens.confirm import changes
from cogtui.screens.dialog import Dialog


def change_line(change: Change) -> Text:
    """`name: old -> new`, `name: clear (was old)` or `name: add new`."""
    line = Text.assemble((shown(change.name), "bold"), ": ")
    if not change.new:
        line.append("clear", style="bold")
        line.append(f" (was {shown(change.old)})", style="dim")
    elif change.old is None:
        line.append("add ")
        line.append(shown(change.new), style="bold")
    else:
        line.append(shown(change.old), style="dim")
        line.append(" → ")
        line.append(shown(change.new), style="bold")
    return line


def conflict_line(conflict: Conflict) -> Text:
    """`name: changed elsewhere to X (you loaded Y) · yours: Z`."""

    def value(text: str | None) -> str:
        return shown(text) if text else "(none)"

    line = Text.assemble((shown(conflict.name), "bold"), ": now ")
    line.append(value(conflict.theirs), style="bold")
    line.append(f" (you loaded {value(conflict.loaded)}) · yours: ", style="dim")
    line.append(value(conflict.mine) if conflict.mine else "clear", style="bold")
    return line


class ReviewModal(Dialog[str | None]):
    """Dismisses "save" (Enter), "theirs" (t: keep what was saved elsewhere) or None."""

    BINDINGS = [
        Binding("escape", "answer('cancel')", "Back"),
        Binding("enter", "answer('confirm')", "Save", show=False),
        Binding("t", "answer('theirs')", "Take theirs", show=False),
    ]
    CLASSES = "review"

    def __init__(
        self,
        changes_: list[Change],
        conflicts: list[Conflict] | None = None,
        notes: list[str] | None = None,
    ) -> None:
        self.changes = changes_
        self.conflicts = conflicts or []
        self.notes = notes or []
        count = len(changes_)
        buttons = [("confirm", "Save", "primary"), ("cancel", "Back", "default")]
        keys = "Enter saves · Escape goes back to editing"
        if self.conflicts:
            buttons.insert(1, ("theirs", "Take theirs", "warning"))
            keys = "Enter saves yours · t takes theirs · Escape goes back"
        super().__init__(
            f"Save {changes(count)}?",
            "One request will send only these attributes (a cleared one as a blank value):",
            buttons=tuple(buttons),
            keys=keys,
            focus="confirm",
        )

    def body(self) -> ComposeResult:
        with VerticalScroll(id="change-list"):
            for change in self.changes:
                yield Static(change_line(change), classes="change")
        if self.conflicts:
            yield Label(
                Text("Changed elsewhere since you loaded them:", style="bold"),
                classes="conflicts-title",
            )
            for conflict in self.conflicts:
                yield Static(conflict_line(conflict), classes="conflict")
        for note in self.notes:
            yield Static(shown(f"⚠ {note}"), classes="review-note", markup=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "answer" and parameters == ("theirs",):
            return bool(self.conflicts)
        return True

    def answer(self, button_id: str) -> None:
        self.dismiss({"confirm": "save", "theirs": "theirs"}.get(button_id))
