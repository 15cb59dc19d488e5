"""Signing out: here (the tokens leave the keyring) or everywhere (GlobalSignOut too)."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from cogtui.errors import CogtuiError, KeyringUnavailable
from cogtui.screens.confirm import changes
from cogtui.session import Session


class SignOutModal(ModalScreen[bool]):
    """Asks, signs out, then dismisses True; "Stay" (Escape) dismisses False."""

    BINDINGS = [
        Binding("escape", "choose(None)", "Stay"),
        Binding("h", "choose('here')", "Sign out here"),
        Binding("g", "choose('everywhere')", "Sign out everywhere"),
        Binding("left", "app.focus_previous", show=False),
        Binding("right", "app.focus_next", show=False),
    ]

    def __init__(self, session: Session, unsaved: int = 0) -> None:
        super().__init__()
        self.session = session
        self.unsaved = unsaved
        self.in_flight = False

    def compose(self) -> ComposeResult:
        detail = (
            "Here: the stored tokens are removed from this machine. "
            "Everywhere: Cognito also ends your sessions on every other device."
        )
        if self.unsaved:
            detail += f" {changes(self.unsaved, 'unsaved')} will be lost."
        with Vertical(classes="dialog"):
            yield Label(f"Sign out {self.session.username or ''}?", classes="dialog-title")
            yield Static(detail, classes="dialog-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Sign out here", variant="warning", id="here")
                yield Button("Everywhere", variant="error", id="everywhere")
                yield Button("Stay", id="stay")
            yield Static("", id="sign-out-status", classes="note")
            yield Static("h: here · g: everywhere · Escape: stay", classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#stay", Button).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not self.in_flight

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_choose(None if event.button.id == "stay" else event.button.id)

    def action_choose(self, where: str | None) -> None:
        if where is None:
            self.dismiss(False)
            return
        everywhere = where == "everywhere"
        self.in_flight = True
        self.query_one(".dialog-buttons").loading = True
        status = "Signing out everywhere…" if everywhere else "Signing out…"
        self.query_one("#sign-out-status", Static).update(status)
        self.sign_out(everywhere)

    @work(thread=True, exclusive=True, group="sign-out")
    def sign_out(self, everywhere: bool) -> None:
        try:
            self.session.sign_out(everywhere=everywhere)
        except CogtuiError as error:
            self.app.call_from_thread(self.signed_out, everywhere, error)
            return
        self.app.call_from_thread(self.signed_out, everywhere, None)

    def signed_out(self, everywhere: bool, error: CogtuiError | None) -> None:
        if isinstance(error, KeyringUnavailable):
            self.notify(f"The stored tokens could not be removed: {error}", severity="error")
        elif error is not None:  # the tokens here are gone even when GlobalSignOut fails
            message = f"Signed out on this machine, but not everywhere: {error}"
            self.notify(message, severity="warning", timeout=8)
        elif everywhere:
            self.notify("Signed out everywhere; the stored tokens are removed.")
        else:
            self.notify("Signed out; the stored tokens are removed.")
        self.dismiss(True)
