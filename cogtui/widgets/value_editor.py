"""The editor under the attribute table: one value, checked as it is typed, never sent."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.validation import ValidationResult, Validator
from textual.widgets import Input, Label, Static

from cogtui.display import shown
from cogtui.profile import problem_with
from cogtui.widgets.field import Field


class AttributeValue(Validator):
    """The same check the save path makes (`profile.problem_with`), for the editor."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name

    def validate(self, value: str) -> ValidationResult:
        problem = problem_with(self.name, value)
        return self.failure(problem) if problem else self.success()


class ValueEditor(Vertical):
    """Hidden until `open`; Enter hands the value to `on_enter` (see `Field` for why)."""

    def __init__(self, on_enter: Callable[[str], None], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.on_enter = on_enter

    def compose(self) -> ComposeResult:
        yield Label("", id="editor-label")
        yield Field(id="editor-input", validate_on=["changed"], on_enter=self.on_enter)
        yield Static("", id="editor-problem", markup=False)

    def open(self, name: str, value: str) -> Field:
        """Show the editor for `name` holding `value`; returns the input to focus."""
        field = self.query_one(Field)
        field.validators = [AttributeValue(name)]
        field.value = value
        self.query_one("#editor-label", Label).update(
            Text.assemble(
                "Edit ", (shown(name), "bold"), " — Enter keeps it in the draft, Escape cancels"
            )
        )
        self.query_one("#editor-problem", Static).update("")
        self.add_class("open")
        return field

    @property
    def value(self) -> str:
        return self.query_one(Field).value

    def close(self) -> None:
        self.remove_class("open")

    @on(Input.Changed)
    def show_problem(self, event: Input.Changed) -> None:
        result = event.validation_result
        problem = "" if result is None or result.is_valid else result.failure_descriptions[0]
        self.query_one("#editor-problem", Static).update(f"⚠ {problem}" if problem else "")
