"""The sign-in screen: username and password, then whatever challenge Cognito sets."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Label, Static

from cogtui.display import shown
from cogtui.errors import ClientSecretRequired, CodeMismatch, CogtuiError
from cogtui.screens.background import cancel, run_blocking
from cogtui.screens.challenges import (
    ChallengeCodeModal,
    ClientSecretModal,
    MfaChoiceModal,
    NewPasswordModal,
    TotpSetupModal,
)
from cogtui.screens.confirm import ConfirmModal
from cogtui.screens.passwordless import PasswordModal, SignInChoiceModal, TouchKeyModal
from cogtui.session import Challenge, Outcome, Session, SignedIn
from cogtui.widgets.field import Field, fit_height


class SignInScreen(Screen[str | None]):
    """Dismisses with the username once Cognito hands out tokens."""

    BINDINGS = [
        Binding("ctrl+q", "app.quit", "Quit", key_display="^q", priority=True),
        Binding("escape", "stop", "Stop signing in", show=False),
        Binding("ctrl+r", "forgot", "Forgot password", key_display="^r"),
    ]

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
        self.signed_in_as: str | None = None  # signed in; the device question is open
        self.typed_password = ""  # for a password chosen after SELECT_CHALLENGE

    def compose(self) -> ComposeResult:
        settings = self.session.settings
        yield Header(icon="")
        with Center(), Vertical(id="sign-in", classes="form"):
            yield Label("Sign in", classes="dialog-title")
            yield Static(
                shown(f"Pool {settings.user_pool_id} · app client {settings.client_id}"),
                classes="muted",
                markup=False,
            )
            if self.reauth_user:
                kept = " Your unsaved edits are kept." if self.keeps_edits else ""
                yield Static(
                    shown(f"Your session has ended: sign in again as {self.reauth_user}.{kept}"),
                    classes="notice",
                    markup=False,
                )
            if self.notice:
                yield Static(shown(self.notice), classes="notice", markup=False)
            if self.demo_credentials:
                user, password = self.demo_credentials
                yield Static(
                    Text.assemble(
                        "Demo user: ", (shown(user), "bold"), "   password: ", (password, "bold")
                    ),
                    classes="notice",
                )
            yield Label("Username")
            yield Field(
                value=self.reauth_user or "",
                placeholder="username or email",
                id="username",
            )
            choice = self.session.settings.auth_flow == "choice"
            yield Label("Password (empty: a code or a passkey)" if choice else "Password")
            yield Field(
                placeholder="password",
                password=True,
                secret=True,
                id="password",
                on_enter=lambda _: self.sign_in_requested(),
            )
            yield Static("", id="sign-in-problem", classes="problem", markup=False)
            yield Button("Sign in", variant="primary", id="sign-in-button")
        yield Footer(compact=True)

    def on_resize(self, event: events.Resize) -> None:
        fit_height(self.query("#sign-in Field, #sign-in Button"), event.size.height)

    def on_mount(self) -> None:
        self.sub_title = self.session.settings.user_pool_id
        if self.first_problem:
            self.show_problem(self.first_problem)
        self.field("password" if self.reauth_user else "username").focus()

    def field(self, name: str) -> Field:
        return self.query_one(f"#{name}", Field)

    def action_forgot(self) -> None:
        """Reset a forgotten password, then sign in here with the new one."""
        from cogtui.screens.security_forms import ForgotPasswordModal
        from cogtui.security import Security

        if self.busy:
            return
        typed = self.field("username").value.strip()

        def reset(username: str | None) -> None:
            if username:
                self.field("username").value = username
                self.field("password").value = ""
                self.field("password").focus()
                problem = self.query_one("#sign-in-problem", Static)
                problem.add_class("working")
                problem.update("Your password is reset: sign in with the new one.")

        self.app.push_screen(ForgotPasswordModal(Security(self.session), typed), reset)

    def show_problem(self, text: str) -> None:
        problem = self.query_one("#sign-in-problem", Static)
        problem.remove_class("working")
        problem.update(shown(f"⚠ {text}") if text else "")

    # -- signing in -------------------------------------------------------------------
    @on(Button.Pressed, "#sign-in-button")
    def button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.sign_in_requested()

    def sign_in_requested(self) -> None:
        if self.busy:
            return
        username = self.field("username").value.strip()
        password = self.field("password").value
        if not username:
            self.show_problem("Type your username.")
            self.field("username").focus()
            return
        if not password and self.session.settings.auth_flow != "choice":
            self.show_problem("Type your password.")
            self.field("password").focus()
            return
        self.start_sign_in(username, password)

    def action_stop(self) -> None:
        """Escape while a call hangs: stop waiting for it (its answer is dropped)."""
        if self.busy:
            cancel(self, "sign-in")
            if self.signed_in_as:  # only the device choice was in flight
                self.set_busy(None)
                self.dismiss(self.signed_in_as)
                return
            self.refused(CogtuiError("Stopped waiting for Cognito; nothing was signed in."))

    def set_busy(self, doing: str | None) -> None:
        """Say what is in flight on the form and hold the button, or let go of it."""
        self.busy = doing is not None
        self.query_one("#sign-in-button", Button).loading = self.busy
        status = self.query_one("#sign-in-problem", Static)
        status.set_class(self.busy, "working")
        status.update(doing or "")

    def start_sign_in(self, username: str, password: str, secret: str | None = None) -> None:
        self.set_busy("Signing in…")
        self.typed_password = password

        def sign_in() -> Outcome:
            if secret:
                self.session.set_client_secret(secret)
            return self.session.sign_in(username, password)

        def failed(error: CogtuiError) -> None:
            if isinstance(error, ClientSecretRequired):
                self.ask_client_secret(username, password)
            else:
                self.refused(error)

        run_blocking(self, "Signing in", sign_in, self.handle, failed, group="sign-in")

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
        self.typed_password = ""
        self.show_problem(str(error))
        password = self.field("password")
        password.value = ""
        password.focus()

    def handle(self, outcome: Outcome, problem: str = "") -> None:
        self.set_busy(None)
        if isinstance(outcome, SignedIn):
            self.field("password").value = ""
            self.typed_password = ""
            if outcome.notice:
                self.app.notify(outcome.notice, severity="warning", timeout=10)
            if outcome.ask_remember:
                self.ask_remember(outcome.username)
            else:
                self.dismiss(outcome.username)
            return
        challenge = outcome
        if challenge.name == "WEB_AUTHN":
            self.use_passkey(challenge, problem)
            return
        modal: Any
        if challenge.name == "SELECT_CHALLENGE":
            modal = SignInChoiceModal(challenge, problem)
        elif challenge.name == "NEW_PASSWORD_REQUIRED":
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
            elif challenge.name == "SELECT_CHALLENGE" and answer[0].startswith("PASSWORD"):
                self.with_password(challenge, answer[0])
            else:
                self.set_busy("Checking your answer…")
                self.respond(challenge, *answer)

        self.app.push_screen(modal, answered)

    def with_password(self, challenge: Challenge, way: str) -> None:
        """The password chosen as the way to sign in: the one typed, or asked for now."""
        if self.typed_password:
            self.set_busy("Checking your password…")
            self.respond(challenge, way, {"PASSWORD": self.typed_password})
            return

        def given(answer: tuple[str, dict[str, str]] | None) -> None:
            if answer is None:
                self.refused(CogtuiError("Sign-in cancelled."))
            else:
                self.set_busy("Checking your password…")
                self.respond(challenge, way, {"PASSWORD": answer[0]})

        self.app.push_screen(PasswordModal(challenge), given)

    def use_passkey(self, challenge: Challenge, problem: str) -> None:
        """WEB_AUTHN: the key signs Cognito's challenge; "Touch your security key" shows
        until it has, and Escape stops waiting."""
        waiting = TouchKeyModal("Signing in with your passkey.", self.stop_waiting_for_key)
        self.set_busy("Waiting for your security key…")
        if problem:
            self.show_problem(problem)
        self.session.key_wait()  # here, before the worker: an early Escape is not lost

        def done(outcome: Outcome) -> None:
            waiting.finish(lambda: self.handle(outcome))

        def failed(error: CogtuiError) -> None:
            waiting.finish(lambda: self.refused(error))

        self.app.push_screen(waiting)
        run_blocking(
            self,
            "Waiting for the security key",
            lambda: self.session.respond(challenge, ""),
            done,
            failed,
            group="sign-in",
        )

    def stop_waiting_for_key(self) -> None:
        self.session.stop_waiting()
        cancel(self, "sign-in")
        self.refused(CogtuiError("Stopped waiting for the security key; nothing was signed in."))

    def ask_remember(self, username: str) -> None:
        """The pool lets the user choose: remember this device (no MFA code here next
        time) or only track it. Asked once; either way the sign-in is done."""
        self.signed_in_as = username

        def answered(remember: bool | None) -> None:
            self.set_busy("Remembering this device…" if remember else "Saving your choice…")

            def done(_: object) -> None:
                self.set_busy(None)
                if remember:
                    self.app.notify("This device is remembered: signing in here needs no code.")
                self.dismiss(username)

            def failed(error: CogtuiError) -> None:
                self.set_busy(None)
                reason = error.message.rstrip(".")
                self.app.notify(
                    f"Signed in, but your choice about this device was not saved: {reason}.",
                    severity="warning",
                    timeout=10,
                )
                self.dismiss(username)

            run_blocking(
                self,
                "Remembering this device",
                lambda: self.session.remember_device(bool(remember)),
                done,
                failed,
                group="sign-in",
            )

        question = ConfirmModal(
            "Remember this device?",
            "Signing in here will then need your password but no MFA code. The Security "
            "screen lists your devices and can forget this one.",
            confirm="Remember",
            cancel="Not now",
        )
        self.app.push_screen(question, answered)

    def respond(self, challenge: Challenge, answer: str, attributes: dict[str, str]) -> None:
        def failed(error: CogtuiError) -> None:
            code = getattr(error, "code", "")
            again = isinstance(error, CodeMismatch) or (
                challenge.name == "NEW_PASSWORD_REQUIRED" and code.startswith("Invalid")
            )
            if again:  # the same challenge again, with the reason
                self.handle(challenge, str(error))
            else:
                self.refused(error)

        run_blocking(
            self,
            "Checking your answer",
            lambda: self.session.respond(challenge, answer, attributes),
            self.handle,
            failed,
            group="sign-in",
        )
