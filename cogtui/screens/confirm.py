"""A yes/no question that guards quitting, reloading and signing out."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static


def changes(count: int, kind: str = "") -> str:
    """The count in words: 1 change, 3 unsaved changes."""
    return " ".join(filter(None, (str(count), kind, "change" if count == 1 else "changes")))


class ConfirmModal(ModalScreen[bool]):
    """Ask before something that loses edits or tokens: dismisses True to go ahead.

    The safe button has the focus, so Enter alone never loses anything; `y` goes ahead.
    """

    BINDINGS = [
        Binding("escape,n", "answer(False)", "Cancel"),
        Binding("y", "answer(True)", "Confirm"),
        Binding("left", "app.focus_previous", show=False),
        Binding("right", "app.focus_next", show=False),
    ]

    def __init__(
        self, question: str, detail: str = "", confirm: str = "OK", cancel: str = "Cancel"
    ) -> None:
        super().__init__()
        self.question = question
        self.detail = detail
        self.confirm = confirm
        self.cancel = cancel

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.question, classes="dialog-title")
            if self.detail:
                yield Static(self.detail, classes="dialog-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.confirm, variant="warning", id="confirm")
                yield Button(self.cancel, id="cancel")
            yield Static(
                f"y: {self.confirm} · Escape: {self.cancel} · ←/→ and Enter pick a button",
                classes="dialog-keys",
            )

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
