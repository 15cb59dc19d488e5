"""The one base of the modals made of fields: the sign-in challenges and the Security
forms. A title, a line of text, the fields, one status line, the keys; the first field has
the focus; on a short terminal (80x24) the fields are drawn without borders, so the status
line stays in view."""

from __future__ import annotations

from typing import TypeVar

from textual import events
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from cogtui.display import shown
from cogtui.widgets.field import Field, fit_height

R = TypeVar("R")


class FieldsModal(ModalScreen[R]):
    """Subclasses give TITLE_TEXT, KEYS, `text()` and `fields()`; `say` fills the status."""

    TITLE_TEXT = ""
    KEYS = "Enter moves on, then goes ahead · Escape cancels"

    def text(self) -> str:
        return ""

    def fields(self) -> ComposeResult:
        yield from ()

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Label(self.TITLE_TEXT, classes="dialog-title")
            text = self.text()
            if text:
                yield Static(shown(text), classes="dialog-text", markup=False)
            yield from self.fields()
            yield Static("", id="form-status", classes="problem", markup=False)
            yield Static(self.KEYS, classes="dialog-keys", markup=False)

    def on_mount(self) -> None:
        fields = self.query(Field)
        if fields:
            fields.first().focus()

    def on_resize(self, event: events.Resize) -> None:
        fit_height(self.query(Field), event.size.height)

    def field(self, name: str) -> Field:
        return self.query_one(f"#{name}", Field)

    def say(self, text: str, working: bool = False) -> None:
        """A problem (with ⚠), or what is in flight (`working`), or nothing."""
        status = self.query_one("#form-status", Static)
        status.set_class(working, "working")
        status.update(shown(text if working or not text else f"⚠ {text}"))
        if text:
            self.call_after_refresh(status.scroll_visible, animate=False)
