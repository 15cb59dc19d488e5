"""A yes/no question that guards quitting, reloading and signing out."""

from __future__ import annotations

from textual.binding import Binding

from cogtui.screens.dialog import Dialog


def changes(count: int, kind: str = "") -> str:
    """The count in words: 1 change, 3 unsaved changes."""
    return " ".join(filter(None, (str(count), kind, "change" if count == 1 else "changes")))


class ConfirmModal(Dialog[bool]):
    """Ask before something that loses edits or tokens: dismisses True to go ahead.

    The safe button has the focus, so Enter alone never loses anything; `y` goes ahead.
    """

    BINDINGS = [
        Binding("escape,n", "answer('cancel')", "Cancel"),
        Binding("y", "answer('confirm')", "Confirm"),
    ]

    def __init__(
        self, question: str, detail: str = "", confirm: str = "OK", cancel: str = "Cancel"
    ) -> None:
        super().__init__(
            question,
            detail,
            buttons=(("confirm", confirm, "warning"), ("cancel", cancel, "default")),
            keys=f"y: {confirm} · Escape: {cancel} · ←/→ and Enter pick a button",
        )

    @classmethod
    def losing_edits(cls, question: str, count: int, confirm: str) -> ConfirmModal:
        """The question before something that throws `count` unsaved edits away."""
        return cls(question, f"{changes(count, 'unsaved')} will be lost.", confirm, "Keep editing")

    def answer(self, button_id: str) -> None:
        self.dismiss(button_id == "confirm")
