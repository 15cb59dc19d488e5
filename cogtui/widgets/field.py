"""An Input whose Enter is handled in order with the keys typed before and after it."""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.widgets import Input


class Field(Input):
    """Enter calls `on_enter(value)` at once; keys that arrive after it go where focus went.

    Textual forwards every key it has read to the widget focused at that moment, so keys
    typed right after Enter (a fast typist, a pasted burst, tmux send-keys) are already
    queued here before the focus moves. Handling Enter inside this widget's own queue, and
    sending the later keys back to the app, keeps them in order: the username never
    swallows the password, and a key pressed after an edit acts on the table.

    For the same reason this input's own bindings (right takes a suggestion, backspace,
    ctrl+u) run here too: Textual would run them only once the key has bubbled up to the
    app, which is after an Enter typed behind them.
    """

    def __init__(
        self, *args: object, on_enter: Callable[[str], None] | None = None, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.on_enter = on_enter
        self.handed_over = False

    async def _on_key(self, event: events.Key) -> None:
        if self.handed_over:
            event.stop()
            event.prevent_default()
            self.app.post_message(events.Key(event.key, event.character))
            return
        if event.key == "enter" and self.on_enter is not None:
            event.stop()
            event.prevent_default()
            self.validate(self.value)
            self.on_enter(self.value)
            self.handed_over = self.is_attached and self.screen.focused is not self
            return
        if await self.run_own_binding(event.key):
            event.stop()
            event.prevent_default()
            return
        await super()._on_key(event)

    async def run_own_binding(self, key: str) -> bool:
        """Run this input's (non-priority) binding for `key` now; False if it has none."""
        for binding in self._bindings.key_to_bindings.get(key, ()):
            if not binding.priority and await self.app.run_action(binding.action, self):
                return True
        return False

    def _on_focus(self, event: events.Focus) -> None:
        self.handed_over = False
        super()._on_focus(event)
