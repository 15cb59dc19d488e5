"""The add-attribute modal: a name (standard, or custom with `custom:`), then a value."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, Static

from cogtui.display import shown
from cogtui.errors import UsageError
from cogtui.profile import STANDARD_ATTRIBUTES, attribute_name, is_read_only, problem_with
from cogtui.widgets.field import Field


class AddAttributeModal(ModalScreen[tuple[str, str] | str | None]):
    """Dismisses with (typed name, value) on Enter in the value; with the name alone when
    the user has that attribute already and chose to edit it; None on Escape."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel"),
    ]

    def __init__(self, present: set[str]) -> None:
        super().__init__()
        self.present = present
        self.free = [name for name in STANDARD_ATTRIBUTES if name not in present]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Add an attribute", classes="dialog-title")
            yield Static(
                "Standard: " + ", ".join(self.free) if self.free else "Every standard one is set.",
                classes="dialog-text muted",
            )
            yield Label("Name (→ takes the suggestion; other names become custom:NAME)")
            yield Field(
                placeholder="nickname or team",
                id="name",
                on_enter=self.name_given,
                suggester=SuggestFromList(self.free, case_sensitive=False),
            )
            yield Static("", id="name-note", classes="note", markup=False)
            yield Label("Value")
            yield Field(placeholder="value", id="value", on_enter=self.value_given)
            yield Static("", id="value-note", classes="note", markup=False)
            yield Static(
                "Enter moves on, then adds to the draft · Escape cancels", classes="dialog-keys"
            )

    def name_and_problem(self) -> tuple[str | None, str | None]:
        typed = self.query_one("#name", Input).value
        if not typed.strip():
            return None, "Type a name."
        try:
            name = attribute_name(typed)
        except UsageError as error:
            return None, str(error)
        if is_read_only(name):  # refused here, before a value is typed for nothing
            return None, f"{name} is read-only: only Cognito or an administrator sets it."
        return name, None

    @on(Input.Changed)
    def changed(self) -> None:
        name, problem = self.name_and_problem()
        typed = self.query_one("#name", Input).value.strip()
        note = problem if typed and problem else ""
        if name in self.present:
            note = f"You have {name} already: Enter edits it."
        elif name and name != typed:
            note = f"will be saved as {name}"
        self.query_one("#name-note", Static).update(shown(note))
        value = self.query_one("#value", Input).value
        value_problem = problem_with(name, value) if name else None
        self.query_one("#value-note", Static).update(
            shown(f"⚠ {value_problem}") if value_problem else ""
        )

    def name_given(self, typed: str) -> None:
        name, problem = self.name_and_problem()
        if problem:
            self.query_one("#name-note", Static).update(shown(f"⚠ {problem}"))
            return
        if name in self.present:
            self.dismiss(name)  # the row is there: edit it rather than replace it unseen
            return
        self.set_focus(self.query_one("#value", Field))  # now: the next key is for it

    def value_given(self, value: str) -> None:
        name, problem = self.name_and_problem()
        if name in self.present:
            self.dismiss(name)
            return
        if problem:
            self.query_one("#name-note", Static).update(shown(f"⚠ {problem}"))
            self.query_one("#name", Field).focus()  # the value typed stays in its field
            return
        if not value:
            self.query_one("#value-note", Static).update("⚠ Type a value.")
            return
        self.dismiss((self.query_one("#name", Input).value, value))
