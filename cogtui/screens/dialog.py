"""The one dialog base: a question, some text, buttons, a line of keys.

The confirm, review and sign-out modals are this with their own body and answers. Every
text a dialog shows from the server or the user goes in as plain text, never markup.
"""

from __future__ import annotations

from typing import TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

R = TypeVar("R")


class Dialog(ModalScreen[R]):
    """Subclasses set the title, the buttons as (id, label, variant), and the keys line;
    `answer(id)` decides what a button (or its key) does. The safe button has the focus."""

    BINDINGS = [
        Binding("left", "app.focus_previous", show=False),
        Binding("right", "app.focus_next", show=False),
    ]
    CLASSES = ""

    def __init__(
        self,
        title: str,
        text: str | Text = "",
        buttons: tuple[tuple[str, str, str], ...] = (),
        keys: str = "",
        focus: str = "",
    ) -> None:
        super().__init__()
        self.title_text = title
        self.text = text
        self.buttons = buttons
        self.keys = keys
        self.safe_button = focus or (buttons[-1][0] if buttons else "")

    def compose(self) -> ComposeResult:
        with Vertical(classes=f"dialog {self.CLASSES}".strip()):
            yield Label(Text(self.title_text), classes="dialog-title")
            if self.text:
                yield Static(
                    Text(self.text) if isinstance(self.text, str) else self.text,
                    classes="dialog-text",
                )
            yield from self.body()
            with Horizontal(classes="dialog-buttons"):
                for button_id, label, variant in self.buttons:
                    yield Button(label, variant=variant, id=button_id)  # type: ignore[arg-type]
            yield Static("", id="dialog-status", classes="note", markup=False)
            if self.keys:
                yield Static(self.keys, classes="dialog-keys", markup=False)

    def body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        if self.safe_button:
            self.query_one(f"#{self.safe_button}", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.answer(event.button.id or "")

    def action_answer(self, button_id: str) -> None:
        self.answer(button_id)

    def answer(self, button_id: str) -> None:
        raise NotImplementedError

    def status(self, text: str) -> None:
        self.query_one("#dialog-status", Static).update(text)
