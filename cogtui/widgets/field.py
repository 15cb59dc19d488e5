"""The one input field of every form, and the key gate that keeps a burst of keys in order.

Textual forwards each key it reads to the widget focused at that moment, and a widget
handles its keys later, in its own queue. So in a burst (a paste of keystrokes, a password
manager's auto-type, tmux send-keys, a slow SSH link) the keys after a Tab or an Enter are
already on their way to the old field when it moves the focus: the password lands in the
username field. The gate fixes the order: when a field reads Tab, shift+tab or Enter (a
priority binding, so at the moment the app reads the key), the app holds every later key
until the field has handled everything typed before it and moved on; then the held keys
go, in order, to wherever the focus is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Input

from cogtui.display import shown


class KeyGate(App[Any]):
    """App mixin: keys can be held back while a field finishes what was typed before them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._holding = False
        self._held: list[events.Key] = []

    def hold_keys(self) -> None:
        self._holding = True

    def release_keys(self) -> None:
        """Let the held keys go, after every message already in the app's queue."""
        self.call_later(self._release)

    async def _release(self) -> None:
        self._holding = False
        while self._held and not self._holding:  # a held Tab may start holding again
            await super().on_event(self._held.pop(0))

    async def on_event(self, event: events.Event) -> None:
        if self._holding and isinstance(event, events.Key) and not event.is_forwarded:
            self._held.append(event)
            return
        await super().on_event(event)


class Field(Input):
    """An Input for every form: Tab, shift+tab and Enter act in order with the keys around
    them. Enter calls `on_enter(value)`, or moves to the next field when there is none.
    A `secret` field (passwords, codes, client secrets) keeps its value out of logs."""

    BINDINGS = [
        Binding("tab", "boundary('tab')", show=False, priority=True),
        Binding("shift+tab", "boundary('shift+tab')", show=False, priority=True),
        Binding("enter", "boundary('enter')", show=False, priority=True),
    ]

    class Boundary(Message):
        """Tab, shift+tab or Enter, queued behind the keys typed before it."""

        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    def __init__(
        self,
        *args: Any,
        on_enter: Callable[[str], object] | None = None,
        secret: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.on_enter = on_enter
        self.secret = secret

    def validate_value(self, value: str) -> str:
        """What the field holds and draws: control characters (from a paste, or a value
        from the server) as visible escapes, never raw on the terminal."""
        return shown(value)

    def action_boundary(self, key: str) -> None:
        if isinstance(self.app, KeyGate):
            self.app.hold_keys()
        self.post_message(self.Boundary(key))

    async def _on_field_boundary(self, message: Field.Boundary) -> None:
        message.stop()
        try:
            if message.key == "tab" or (message.key == "enter" and self.on_enter is None):
                self.screen.focus_next()
            elif message.key == "shift+tab":
                self.screen.focus_previous()
            else:
                self.validate(self.value)
                assert self.on_enter is not None
                self.on_enter(self.value)
        finally:
            if isinstance(self.app, KeyGate):
                self.app.release_keys()

    async def _on_key(self, event: events.Key) -> None:
        # This input's own bindings (backspace, ctrl+u, right takes a suggestion) run here,
        # in order: Textual would run them only once the key has bubbled up to the app,
        # after the keys typed behind them.
        for binding in self._bindings.key_to_bindings.get(event.key, ()):
            if not binding.priority and await self.app.run_action(binding.action, self):
                event.stop()
                event.prevent_default()
                return
        await super()._on_key(event)


class CodeField(Field):
    """A one-time code: digits (spaces allowed), masked until ctrl+t shows it. A code is a
    secret while it is valid, so no screenshot holds one, but the user may check it."""

    BINDINGS = [Binding("ctrl+t", "reveal", "Show the code", show=False)]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("placeholder", "code")
        super().__init__(password=True, secret=True, restrict=r"[0-9 ]*", max_length=10, **kwargs)

    def action_reveal(self) -> None:
        self.password = not self.password


SHORT = 30  # rows: below this, forms draw their fields and buttons without borders


def fit_height(widgets: Iterable[Widget], height: int) -> None:
    """Borderless fields and buttons on a short terminal (80x24), so a whole form shows."""
    for widget in widgets:
        if isinstance(widget, Input | Button):
            widget.compact = height < SHORT
