"""App plumbing kept out of `app.py`: plain-text notifications, crashes told in one
sentence, secrets kept out of TEXTUAL_LOG, keys in order, the palette built from the keys."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.text import Text
from textual import events
from textual.app import SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import Input
from textual.worker import WorkerFailed

from cogtui.display import shown
from cogtui.widgets.field import KeyGate


class Crash(Exception):
    """An unexpected error in the app itself, told in one sentence.

    Textual's own crash report prints every local variable of every frame: passwords,
    tokens and codes among them. This one names only the kind of error.
    """

    def __init__(self, error: BaseException) -> None:
        cause = error.error if isinstance(error, WorkerFailed) else error
        self.kind = type(cause).__name__
        super().__init__(
            f"cogtui: an unexpected error ({self.kind}) stopped the app; "
            "nothing unsaved could be kept."
        )

    def __rich__(self) -> Text:
        return Text(str(self))


def redacted(item: object) -> object:
    """What TEXTUAL_LOG may record of a logged object: never a typed character or a secret."""
    if isinstance(item, events.Key) and item.is_printable:
        return "Key(<typed>)"
    if isinstance(item, events.Paste):
        return "Paste(<text>)"
    field = getattr(item, "control", None)  # an Input's messages (Changed, Blurred...) name it
    if isinstance(field, Input) and (field.password or getattr(field, "secret", False)):
        return f"{type(item).__qualname__}(input={field!r}, <hidden>)"
    if type(item).__name__ == "Traceback":  # rich's, with locals
        return "<traceback hidden>"
    return item


def keep_secrets_out_of_the_log() -> None:
    """Textual writes every message it dispatches (each key, each Input.Changed) to the
    TEXTUAL_LOG file; pass what it logs through `redacted` first."""
    from textual import Logger

    original = Logger.__call__
    if getattr(original, "redacting", False):
        return

    def logged(self: Logger, *args: object, **kwargs: object) -> None:
        original(self, *map(redacted, args), **{key: redacted(v) for key, v in kwargs.items()})

    logged.redacting = True  # type: ignore[attr-defined]
    Logger.__call__ = logged  # type: ignore[method-assign]


def own_bindings(node: object) -> set[tuple[str, str]]:
    """(action, description) of the bindings cogtui's own classes declare for this node."""
    return {
        (binding.action, binding.description)
        for cls in type(node).__mro__
        if cls.__module__.startswith("cogtui")
        for binding in cls.__dict__.get("BINDINGS", ())
        if isinstance(binding, Binding)
    }


class AppBase(KeyGate):
    """What every cogtui app shares, whatever it shows."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        keep_secrets_out_of_the_log()
        super().__init__(*args, **kwargs)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification is plain text: messages carry server text and user values."""
        super().notify(
            shown(message), title=shown(title), severity=severity, timeout=timeout, markup=False
        )

    def _handle_exception(self, error: Exception) -> None:
        # The one hook Textual has for an unhandled error; it still exits with code 1.
        super()._handle_exception(error if isinstance(error, Crash) else Crash(error))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """cogtui's own keys on the current screen, as commands, and Textual's theme picker;
        not the widgets' internals (cursor, page, copy, focus) or Textual's Quit and Keys."""
        yield from (c for c in super().get_system_commands(screen) if c.title == "Theme")
        seen = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if not binding.description or not active.enabled or binding.action in seen:
                continue
            if (binding.action, binding.description) not in own_bindings(active.node):
                continue
            if binding.action.startswith("move("):
                continue  # cursor motion is for keys, not for a search box
            seen.add(binding.action)
            key = binding.key_display or self.get_key_display(binding)
            help_text = binding.tooltip or f"Key: {key}"

            def run(action: str = binding.action, node: object = active.node) -> None:
                self.call_later(self.run_action, action, node)

            yield SystemCommand(binding.description, help_text, run)
