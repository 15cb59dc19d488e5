"""Choice-based sign-in's screens: how to sign in (SELECT_CHALLENGE), the password when it
is chosen after all, and "Touch your security key" while a passkey is being used."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding

from cogtui.challenge import CHOICE_LABELS
from cogtui.screens.challenges import ChallengeModal, ChoiceModal
from cogtui.screens.dialog import Dialog
from cogtui.widgets.field import Field


class SignInChoiceModal(ChoiceModal):
    """SELECT_CHALLENGE: a passkey, a code by email or text message, or the password."""

    TITLE_TEXT = "Choose how to sign in"
    LIST_ID = "sign-in-options"

    def choices(self) -> list[tuple[str, str]]:
        return [(c, CHOICE_LABELS[c]) for c in self.challenge.choices]


class PasswordModal(ChallengeModal):
    """The password, when it was left empty and then chosen as the way to sign in."""

    TITLE_TEXT = "Your password"
    KEYS = "Enter continues · Escape cancels sign-in"

    def text(self) -> str:
        return "Type your password to sign in with it."

    def fields(self) -> ComposeResult:
        yield Field(password=True, secret=True, placeholder="password", on_enter=self.given)

    def given(self, value: str) -> None:
        if value:
            self.dismiss((value, {}))
        else:
            self.say("Type your password first.")


class TouchKeyModal(Dialog[None]):
    """Shown while the security key waits for a touch; Escape (or the button) stops
    waiting, once. `finish(then)` closes it when the work is over: at once, or, if another
    screen (Help, the palette) is on top, as soon as that one closes; then `then` runs."""

    BINDINGS = [Binding("escape", "answer('stop')", "Stop waiting")]

    def __init__(self, doing: str, stop: Callable[[], None]) -> None:
        super().__init__(
            "Touch your security key",
            f"{doing} Its light blinks while it waits: touch it.",
            buttons=(("stop", "Stop waiting", "default"),),
            keys="Escape: stop waiting",
        )
        self.stop = stop
        self.over = False
        self.then: Callable[[], None] | None = None

    def answer(self, button_id: str) -> None:
        if self.over or not self.is_active:
            return
        self.over = True
        self.stop()
        self.dismiss(None)

    def finish(self, then: Callable[[], None]) -> None:
        if self.over:  # the user stopped waiting: what came after is not theirs
            return
        self.over = True
        if self.is_active:
            self.dismiss(None)
            then()
        else:
            self.then = then

    def on_screen_resume(self) -> None:
        if self.then is not None:
            then, self.then = self.then, None
            self.dismiss(None)
            then()
