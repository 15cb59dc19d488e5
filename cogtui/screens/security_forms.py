"""The Security screen's forms: change the password, reset a forgotten one, set up an
authenticator app, delete the account. Each is a modal of fields that runs its own call
through the one worker boundary and says what failed on its status line, keeping what was
typed (but never a password that must be typed again)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Label, Static

from cogtui.display import shown
from cogtui.errors import CogtuiError, WrongCredentials
from cogtui.screens.background import cancel, run_blocking
from cogtui.screens.form import FieldsModal
from cogtui.security import Security, otpauth_uri
from cogtui.widgets.field import CodeField, Field
from cogtui.widgets.totp_key import QrScreen, TotpKey

T = TypeVar("T")


class FormModal(FieldsModal[Any]):
    """A Security form: its call runs through the one worker boundary; Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    TEXT = ""

    def __init__(self, security: Security) -> None:
        super().__init__()
        self.security = security
        self.busy = False

    def text(self) -> str:
        return self.TEXT

    def run(self, what: str, call: Callable[[], T], done: Callable[[T], object]) -> None:
        """`call` off the UI, saying so; its failure is one sentence on the status line."""
        if self.busy:
            return
        self.busy = True
        self.say(f"{what}…", working=True)

        def finished(result: T) -> None:
            self.busy = False
            self.say("")
            done(result)

        def failed(error: CogtuiError) -> None:
            self.busy = False
            self.failed(error)

        run_blocking(self, what, call, finished, failed, group="security")

    def failed(self, error: CogtuiError) -> None:
        self.say(str(error))

    def action_cancel(self) -> None:
        cancel(self, "security")
        self.dismiss(None)


def new_passwords(form: FormModal, first: str, second: str) -> str | None:
    """The new password typed twice; None (and the reason said) when it is not."""
    new, again = form.field(first), form.field(second)
    if not new.value:
        form.say("Type a new password.")
        new.focus()
        return None
    if new.value != again.value:
        new.value = again.value = ""  # which one holds the typo? neither is kept
        new.focus()
        form.say("The two new passwords differ; type the new one twice again.")
        return None
    return new.value


class ChangePasswordModal(FormModal):
    """ChangePassword: the current password, the new one twice. Dismisses True when done."""

    TITLE_TEXT = "Change your password"
    TEXT = "Cognito checks the new one against the pool's password policy."

    def fields(self) -> ComposeResult:
        yield Label("Current password")
        yield Field(password=True, secret=True, id="current")
        yield Label("New password")
        yield Field(password=True, secret=True, id="new")
        yield Label("New password, again")
        yield Field(password=True, secret=True, id="again", on_enter=lambda _: self.submit())

    def submit(self) -> None:
        current = self.field("current")
        if not current.value:
            self.say("Type your current password.")
            current.focus()
            return
        new = new_passwords(self, "new", "again")
        if new is None:
            return
        typed = current.value
        self.run(
            "Changing your password",
            lambda: self.security.change_password(typed, new),
            lambda _: self.dismiss(True),
        )

    def failed(self, error: CogtuiError) -> None:
        if isinstance(error, WrongCredentials):
            self.field("current").value = ""
            self.field("current").focus()
        super().failed(error)


class ForgotPasswordModal(FormModal):
    """ForgotPassword, then ConfirmForgotPassword: dismisses with the username when the
    password is reset, for the sign-in screen to sign in with the new one."""

    BINDINGS = [Binding("ctrl+r", "resend", "Send a new code", show=False)]
    TITLE_TEXT = "Reset a forgotten password"
    TEXT = "Cognito sends a code to your verified email or phone number."
    KEYS = "Enter moves on, then goes ahead · ctrl+t shows the code · ctrl+r resends · Escape"

    def __init__(self, security: Security, username: str = "") -> None:
        super().__init__(security)
        self.username = username
        self.sent = False

    def fields(self) -> ComposeResult:
        yield Label("Username")
        yield Field(value=self.username, id="reset-username", on_enter=lambda _: self.send())
        yield Static("", id="reset-where", classes="note", markup=False)
        yield Label("Code")
        yield CodeField(id="reset-code")
        yield Label("New password")
        yield Field(password=True, secret=True, id="reset-new")
        yield Label("New password, again")
        yield Field(password=True, secret=True, id="reset-again", on_enter=lambda _: self.reset())

    def send(self) -> None:
        username = self.field("reset-username").value.strip()
        if not username:
            self.say("Type your username.")
            return

        def sent(delivery: Any) -> None:
            self.sent = True
            where = shown(f"A code was sent{delivery.how_and_where()}.")
            self.query_one("#reset-where", Static).update(where)
            self.field("reset-code").focus()

        self.run("Sending a code", lambda: self.security.forgot_password(username), sent)

    def action_resend(self) -> None:
        self.send()

    def reset(self) -> None:
        username = self.field("reset-username").value.strip()
        code = self.field("reset-code").value.replace(" ", "")
        if not self.sent:
            self.send()
            return
        if not code:
            self.say("Type the code that was sent.")
            self.field("reset-code").focus()
            return
        new = new_passwords(self, "reset-new", "reset-again")
        if new is None:
            return
        self.run(
            "Resetting your password",
            lambda: self.security.confirm_forgot_password(username, code, new),
            lambda _: self.dismiss(username),
        )


class TotpSetupForm(FormModal):
    """AssociateSoftwareToken, the QR code and the secret, the first code and a device
    name, VerifySoftwareToken, then TOTP on and preferred. Dismisses True when done."""

    BINDINGS = [Binding("ctrl+o", "qr_alone", "QR code alone", show=False)]
    TITLE_TEXT = "Set up an authenticator app"
    TEXT = "Scan the code with the app (or type the secret), then enter the code it shows."
    KEYS = "Enter moves on, then verifies · ctrl+o the QR code alone · ctrl+t shows the code"

    def fields(self) -> ComposeResult:
        yield Static("", id="totp-place")
        yield Label("Code shown by the app")
        yield CodeField(id="totp-code")
        yield Label("Name for this app (optional)")
        yield Field(placeholder="phone", id="totp-name", on_enter=lambda _: self.verify())

    def on_mount(self) -> None:
        session = self.security.session
        issuer = session.settings.totp_issuer

        def started(secret: str) -> None:
            uri = otpauth_uri(secret, session.display_name, issuer)
            self.query_one("#totp-place").mount(TotpKey(uri, secret))
            self.field("totp-code").focus()

        self.run("Asking Cognito for a new key", self.security.start_totp, started)

    def action_qr_alone(self) -> None:
        keys = self.query(TotpKey)
        if keys:
            self.app.push_screen(QrScreen(keys.first().lines))

    def verify(self) -> None:
        code = self.field("totp-code").value.replace(" ", "")
        if not code:
            self.say("Type the code the app shows.")
            self.field("totp-code").focus()
            return
        name = self.field("totp-name").value.strip()
        self.run(
            "Checking the code",
            lambda: self.security.finish_totp(code, name),
            lambda _: self.dismiss(True),
        )


class DeleteAccountModal(FormModal):
    """DeleteUser once the username is typed; dismisses True when the account is gone."""

    TITLE_TEXT = "Delete your account"
    KEYS = "Enter deletes · Escape keeps the account"

    def text(self) -> str:
        name = self.security.session.display_name
        return (
            f"This deletes {name} from the pool for good, with every attribute. "
            "Type your username to confirm."
        )

    def fields(self) -> ComposeResult:
        yield Field(placeholder="your username", id="delete-confirm", on_enter=self.delete)

    def delete(self, typed: str) -> None:
        self.run(
            "Deleting your account",
            lambda: self.security.delete_account(typed),
            lambda _: self.dismiss(True),
        )
