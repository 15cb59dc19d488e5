"""The review modal: exactly what one save will send, before it is sent."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from cogtui.profile import Change
from cogtui.screens.confirm import changes


def change_line(change: Change) -> Text:
    """`name: old -> new`, `name: clear (was old)` or `name: add new`."""
    line = Text.assemble((change.name, "bold"), ": ")
    if not change.new:
        line.append("clear", style="bold")
        line.append(f" (was {change.old})", style="dim")
    elif change.old is None:
        line.append("add ")
        line.append(change.new, style="bold")
    else:
        line.append(change.old, style="dim")
        line.append(" → ")
        line.append(change.new, style="bold")
    return line


class ReviewModal(ModalScreen[bool]):
    """Lists the change set; Enter sends it in one UpdateUserAttributes, Escape goes back."""

    BINDINGS = [
        Binding("escape", "answer(False)", "Back"),
        Binding("enter", "answer(True)", "Save", show=False),
    ]

    def __init__(self, changes: list[Change]) -> None:
        super().__init__()
        self.changes = changes

    def compose(self) -> ComposeResult:
        count = len(self.changes)
        with Vertical(classes="dialog review"):
            yield Label(f"Save {changes(count)}?", classes="dialog-title")
            yield Static(
                "One request will send only these attributes (a cleared one as a blank value):",
                classes="dialog-text",
            )
            with VerticalScroll(id="change-list"):
                for change in self.changes:
                    yield Static(change_line(change), classes="change")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", variant="primary", id="confirm")
                yield Button("Back", id="cancel")
            yield Static("Enter saves · Escape goes back to editing", classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#confirm", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
