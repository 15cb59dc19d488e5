"""The sign-in screen: username and password, then whatever challenge Cognito sets."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, Static

from cogtui.errors import ClientSecretRequired, CodeMismatch, CogtuiError
from cogtui.screens.challenges import (
    ChallengeCodeModal,
    ClientSecretModal,
    MfaChoiceModal,
    NewPasswordModal,
    TotpSetupModal,
)
from cogtui.session import Challenge, Outcome, Session, SignedIn
from cogtui.widgets.field import Field


class SignInScreen(Screen[str | None]):
    """Dismisses with the username once Cognito hands out tokens."""

    BINDINGS = [Binding("ctrl+q", "app.quit", "Quit", key_display="^q", priority=True)]

    def __init__(
        self,
        session: Session,
        *,
        demo_credentials: tuple[str, str] | None = None,
        notice: str | None = None,
        problem: str | None = None,
        reauth_user: str | None = None,
        keeps_edits: bool = False,
    ) -> None:
        super().__init__()
        self.session = session
        self.demo_credentials = demo_credentials
        self.notice = notice
        self.first_problem = problem
        self.reauth_user = reauth_user
        self.keeps_edits = keeps_edits
        self.busy = False

    def compose(self) -> ComposeResult:
        settings = self.session.settings
        yield Header(icon="")
        with Center(), Vertical(id="sign-in", classes="form"):
            yield Label("Sign in", classes="dialog-title")
            yield Static(
                f"Pool {settings.user_pool_id} · app client {settings.client_id}",
                classes="muted",
            )
            if self.reauth_user:
                kept = " Your unsaved edits are kept." if self.keeps_edits else ""
                yield Static(
                    f"Your session has ended: sign in again as {self.reauth_user}.{kept}",
                    classes="notice",
                )
            if self.notice:
                yield Static(self.notice, classes="notice")
            if self.demo_credentials:
                user, password = self.demo_credentials
                yield Static(
                    f"Demo user: [b]{user}[/b]   password: [b]{password}[/b]", classes="notice"
                )
            yield Label("Username")
            yield Field(
                value=self.reauth_user or "",
                placeholder="username or email",
                id="username",
                on_enter=self.username_given,
            )
            yield Label("Password")
            yield Input(placeholder="password", password=True, id="password")
            yield Static("", id="sign-in-problem", classes="problem")
            yield Button("Sign in", variant="primary", id="sign-in-button")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = self.session.settings.user_pool_id
        if self.first_problem:
            self.show_problem(self.first_problem)
        if self.reauth_user:
            self.query_one("#password", Input).focus()
        else:
            self.query_one("#username", Input).focus()

    def show_problem(self, text: str) -> None:
        problem = self.query_one("#sign-in-problem", Static)
        problem.remove_class("working")
        problem.update(f"⚠ {text}" if text else "")

    # -- signing in -------------------------------------------------------------------
    def username_given(self, _: str) -> None:
        self.set_focus(self.query_one("#password", Input))  # now: the next key is for it

    @on(Input.Submitted, "#password")
    @on(Button.Pressed, "#sign-in-button")
    def sign_in_requested(self, event: Input.Submitted | Button.Pressed) -> None:
        event.stop()
        if self.busy:
            return
        username = self.query_one("#username", Input).value.strip()
        password = self.query_one("#password", Input).value
        if not username:
            self.show_problem("Type your username.")
            self.query_one("#username", Input).focus()
            return
        if not password:
            self.show_problem("Type your password.")
            self.query_one("#password", Input).focus()
            return
        self.start_sign_in(username, password)

    def set_busy(self, doing: str | None) -> None:
        """Say what is in flight on the form and hold the button, or let go of it."""
        self.busy = doing is not None
        self.query_one("#sign-in-button", Button).loading = self.busy
        status = self.query_one("#sign-in-problem", Static)
        status.set_class(self.busy, "working")
        status.update(doing or "")

    def start_sign_in(self, username: str, password: str, secret: str | None = None) -> None:
        self.set_busy("Signing in…")
        self.sign_in(username, password, secret)

    @work(thread=True, exclusive=True, group="sign-in")
    def sign_in(self, username: str, password: str, secret: str | None = None) -> None:
        try:
            if secret:
                self.session.set_client_secret(secret)
            outcome = self.session.sign_in(username, password)
        except ClientSecretRequired:
            self.app.call_from_thread(self.ask_client_secret, username, password)
            return
        except CogtuiError as error:
            self.app.call_from_thread(self.refused, error)
            return
        self.app.call_from_thread(self.handle, outcome)

    def ask_client_secret(self, username: str, password: str) -> None:
        self.set_busy(None)

        def given(secret: str | None) -> None:
            if secret:
                self.start_sign_in(username, password, secret)
            else:
                self.refused(CogtuiError("Signing in needs the app client's secret."))

        self.app.push_screen(ClientSecretModal(), given)

    def refused(self, error: CogtuiError) -> None:
        """One sentence on the screen; the username stays, the password is cleared."""
        self.set_busy(None)
        self.show_problem(str(error))
        password = self.query_one("#password", Input)
        password.value = ""
        password.focus()

    def handle(self, outcome: Outcome, problem: str = "") -> None:
        self.set_busy(None)
        if isinstance(outcome, SignedIn):
            self.query_one("#password", Input).value = ""
            self.dismiss(outcome.username)
            return
        challenge = outcome
        modal: Any
        if challenge.name == "NEW_PASSWORD_REQUIRED":
            modal = NewPasswordModal(challenge, problem)
        elif challenge.name == "SELECT_MFA_TYPE":
            modal = MfaChoiceModal(challenge, problem)
        elif challenge.name == "MFA_SETUP":
            modal = TotpSetupModal(challenge, problem)
        else:
            modal = ChallengeCodeModal(challenge, problem)

        def answered(answer: tuple[str, dict[str, str]] | None) -> None:
            if answer is None:
                self.refused(CogtuiError("Sign-in cancelled."))
            else:
                self.set_busy("Checking your answer…")
                self.respond(challenge, *answer)

        self.app.push_screen(modal, answered)

    @work(thread=True, exclusive=True, group="sign-in")
    def respond(self, challenge: Challenge, answer: str, attributes: dict[str, str]) -> None:
        try:
            outcome = self.session.respond(challenge, answer, attributes)
        except CodeMismatch as error:  # the same challenge again, with the reason
            self.app.call_from_thread(self.handle, challenge, str(error))
            return
        except CogtuiError as error:
            code = getattr(error, "code", "")
            if challenge.name == "NEW_PASSWORD_REQUIRED" and code.startswith("Invalid"):
                self.app.call_from_thread(self.handle, challenge, str(error))
            else:
                self.app.call_from_thread(self.refused, error)
            return
        self.app.call_from_thread(self.handle, outcome)
