"""Signing out: here (the tokens leave the keyring, the refresh token is revoked) or
everywhere (GlobalSignOut too)."""

from __future__ import annotations

from textual.binding import Binding

from cogtui.display import shown
from cogtui.errors import CogtuiError, KeyringUnavailable
from cogtui.screens.background import run_blocking
from cogtui.screens.confirm import changes
from cogtui.screens.dialog import Dialog
from cogtui.session import Session


class SignOutModal(Dialog[bool]):
    """Asks, signs out, then dismisses True; "Stay" (Escape) dismisses False."""

    BINDINGS = [
        Binding("escape", "answer('stay')", "Stay"),
        Binding("h", "answer('here')", "Sign out here"),
        Binding("g", "answer('everywhere')", "Sign out everywhere"),
    ]

    def __init__(self, session: Session, unsaved: int = 0) -> None:
        here = (
            "the tokens held in memory for this run are forgotten"
            if session.vault.in_memory
            else "the stored tokens are removed from this machine's keyring"
        )
        detail = (
            f"Here: {here} and the refresh token is revoked. "
            "Everywhere: Cognito also ends your sessions on every other device."
        )
        if session.device() is not None:
            detail += " This machine stays one of your devices: the Security screen forgets it."
        if unsaved:
            detail += f" {changes(unsaved, 'unsaved')} will be lost."
        super().__init__(
            shown(f"Sign out {session.display_name}?"),
            detail,
            buttons=(
                ("here", "Sign out here", "warning"),
                ("everywhere", "Everywhere", "error"),
                ("stay", "Stay", "default"),
            ),
            keys="h: here · g: everywhere · Escape: stay",
        )
        self.session = session
        self.in_flight = False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not self.in_flight

    def answer(self, button_id: str) -> None:
        if self.in_flight:
            return
        if button_id not in ("here", "everywhere"):
            self.dismiss(False)
            return
        everywhere = button_id == "everywhere"
        self.in_flight = True
        self.query_one(".dialog-buttons").loading = True
        self.status("Signing out everywhere…" if everywhere else "Signing out…")
        run_blocking(
            self,
            "Signing out",
            lambda: self.session.sign_out(everywhere=everywhere),
            lambda note: self.signed_out(everywhere, note, None),
            lambda error: self.signed_out(everywhere, None, error),
            group="sign-out",
        )

    def signed_out(self, everywhere: bool, note: str | None, error: CogtuiError | None) -> None:
        if isinstance(error, KeyringUnavailable):
            self.notify(f"The stored tokens could not be removed: {error}", severity="error")
        elif error is not None:  # the tokens here are gone even when GlobalSignOut fails
            self.notify(str(error), severity="warning", timeout=8)
        elif note:
            self.notify(f"Signed out; the stored tokens are removed. {note}", severity="warning")
        elif everywhere:
            self.notify("Signed out everywhere; the stored tokens are removed.")
        else:
            self.notify("Signed out; the stored tokens are removed and the refresh token revoked.")
        self.dismiss(True)
