"""The verification-code modal: where the code went, the code, resend, later."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from cogtui.display import shown
from cogtui.errors import CodeExpired, CogtuiError, NotSignedIn, SessionExpired
from cogtui.screens.background import cancel, run_blocking
from cogtui.session import Session
from cogtui.widgets.field import CodeField, Field

if TYPE_CHECKING:
    from cogtui.cognito import CodeDelivery


def where(delivery: CodeDelivery, sent: str = "A code was sent") -> str:
    """Where the code went, as Cognito masked it, safe to show."""
    return shown(f"{sent}{delivery.how_and_where()}.")


class VerifyCodeModal(ModalScreen[str]):
    """Dismisses "verified", "later" (Escape), or "expired" when the session has ended."""

    BINDINGS = [
        Binding("escape", "later", "Later"),
        Binding("ctrl+r", "resend", "Resend code", key_display="^r"),
    ]

    def __init__(self, session: Session, delivery: CodeDelivery) -> None:
        super().__init__()
        self.session = session
        self.delivery = delivery
        self.in_flight = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="code-dialog"):
            yield Label(
                shown(f"Verify {self.delivery.attribute}"), classes="dialog-title", markup=False
            )
            yield Static(where(self.delivery), id="code-where", classes="dialog-text", markup=False)
            yield CodeField(id="code", on_enter=lambda _: self.action_verify())
            yield Static("", id="code-problem", classes="note", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Verify", variant="primary", id="verify")
                yield Button("Resend", id="resend")
                yield Button("Later", id="later")
            yield Static(
                "Enter verifies · ctrl+t shows the code · ctrl+r resends · Escape: later",
                classes="dialog-keys",
            )

    def on_mount(self) -> None:
        self.query_one("#code", Field).focus()

    def problem(self, text: str) -> None:
        warn = text and not text.endswith("…")
        self.query_one("#code-problem", Static).update(f"⚠ {text}" if warn else text)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        {"verify": self.action_verify, "resend": self.action_resend, "later": self.action_later}[
            event.button.id or "later"
        ]()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "later":
            return True  # even while a call hangs: its answer is then dropped
        return not self.in_flight  # one request at a time; the answer comes back here

    def action_verify(self) -> None:
        if self.in_flight:
            return
        code = self.query_one("#code", Field).value.replace(" ", "")
        if not code:
            self.problem("Type the code first.")
            return
        self.busy("Verifying…")
        attribute = self.delivery.attribute
        run_blocking(
            self,
            "Verifying the code",
            lambda: self.session.verify(attribute, code),
            lambda _: self.verified(),
            self.refused,
            group="code",
        )

    def action_later(self) -> None:
        cancel(self, "code")
        self.dismiss("later")

    def action_resend(self) -> None:
        if self.in_flight:
            return
        self.busy("Sending a new code…")
        attribute = self.delivery.attribute
        run_blocking(
            self,
            "Sending a new code",
            lambda: self.session.send_code(attribute),
            self.resent,
            self.refused,
            group="code",
        )

    def busy(self, doing: str | None) -> None:
        """Say what is in flight and hold the buttons, or let go of them."""
        self.in_flight = doing is not None
        self.query_one(".dialog-buttons").loading = self.in_flight
        self.problem(doing or "")
        self.refresh_bindings()

    def verified(self) -> None:
        self.app.clear_notifications()  # "not verified yet" is no longer true
        self.app.notify(f"{self.delivery.attribute} is verified.", severity="information")
        self.dismiss("verified")

    def refused(self, error: CogtuiError) -> None:
        self.busy(None)
        if isinstance(error, SessionExpired | NotSignedIn):
            self.dismiss("expired")
            return
        code = self.query_one("#code", Field)
        code.value = ""
        code.focus()
        if isinstance(error, CodeExpired):
            self.problem(f"{error} Press ctrl+r or Resend.")
            self.query_one("#resend", Button).focus()
        else:
            self.problem(str(error))

    def resent(self, delivery: CodeDelivery) -> None:
        self.busy(None)
        if delivery.destination:  # a server that does not say where went to the same place
            self.delivery = delivery
        self.query_one("#code-where", Static).update(where(self.delivery, "A new code was sent"))
        self.query_one("#code", Field).focus()
