"""A yes/no question that guards quitting, reloading and signing out."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static


class ConfirmModal(ModalScreen[bool]):
    """Ask before something that loses edits or tokens: dismisses True to go ahead."""

    BINDINGS = [
        Binding("escape", "answer(False)", "Cancel"),
        Binding("enter", "answer(True)", "Confirm", show=False),
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
            yield Static("Enter confirms · Escape cancels", classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#cancel", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
