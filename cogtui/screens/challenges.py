"""One modal per sign-in challenge, and the client-secret prompt.

Each challenge modal dismisses with (answer, attributes) or None (Escape cancels sign-in);
the sign-in screen sends the answer and shows the next challenge or the reason it failed.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from cogtui.display import shown
from cogtui.profile import problem_with
from cogtui.screens.form import FieldsModal
from cogtui.session import MFA_LABELS, Challenge
from cogtui.widgets.field import CodeField, Field
from cogtui.widgets.totp_key import QrScreen, TotpKey

Answer = tuple[str, dict[str, str]] | None


class ChallengeModal(FieldsModal[Answer]):
    """What every challenge modal shares: a title, the prompt, a problem line, Escape."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel sign-in")]
    TITLE_TEXT = "One more step"
    KEYS = "Enter continues · Escape cancels sign-in"

    def __init__(self, challenge: Challenge, problem: str = "") -> None:
        super().__init__()
        self.challenge = challenge
        self.problem = problem

    def text(self) -> str:
        notice = self.challenge.notice
        return f"{notice} {self.challenge.prompt}" if notice else self.challenge.prompt

    def on_mount(self) -> None:  # Textual calls FieldsModal.on_mount too: it focuses
        if self.problem:
            self.say(self.problem)


class ChallengeCodeModal(ChallengeModal):
    """SMS_MFA, SOFTWARE_TOKEN_MFA, EMAIL_OTP: a one-time code."""

    TITLE_TEXT = "Sign-in code"
    KEYS = "Enter continues · ctrl+t shows the code · Escape cancels sign-in"

    def fields(self) -> ComposeResult:
        yield CodeField(id="code", on_enter=self.given)

    def given(self, value: str) -> None:
        if value.strip():
            self.dismiss((value.replace(" ", ""), {}))
        else:
            self.say("Type the code first.")


class TotpSetupModal(ChallengeCodeModal):
    """MFA_SETUP: the secret to add to an authenticator app (the user must see it), a code."""

    TITLE_TEXT = "Set up an authenticator app"
    BINDINGS = [Binding("ctrl+o", "qr_alone", "QR code alone", show=False)]

    def action_qr_alone(self) -> None:
        self.app.push_screen(QrScreen(self.query_one(TotpKey).lines))

    def fields(self) -> ComposeResult:
        from cogtui.security import otpauth_uri

        secret = self.challenge.secret_code or ""
        settings = getattr(self.app, "settings", None)
        session = getattr(self.app, "session", None)
        issuer = settings.totp_issuer if settings else "Cognito"
        account = (session.login_name if session else None) or self.challenge.username
        yield TotpKey(otpauth_uri(secret, account, issuer), secret)
        yield Label("Code shown by the app")
        yield from super().fields()


class ChoiceModal(ChallengeModal):
    """A challenge answered by picking one of a list: `choices()` gives (answer, label)."""

    KEYS = "up/down choose · Enter continues · Escape cancels sign-in"
    LIST_ID = ""

    def choices(self) -> list[tuple[str, str]]:
        raise NotImplementedError

    def fields(self) -> ComposeResult:
        options = [Option(Text(shown(label)), id=answer) for answer, label in self.choices()]
        yield OptionList(*options, id=self.LIST_ID)

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss((event.option.id or "", {}))


class MfaChoiceModal(ChoiceModal):
    """SELECT_MFA_TYPE: how the sign-in code should come."""

    TITLE_TEXT = "Choose how to get your code"
    LIST_ID = "mfa-options"

    def choices(self) -> list[tuple[str, str]]:
        return [(o, MFA_LABELS.get(o, o)) for o in self.challenge.mfa_options]


class NewPasswordModal(ChallengeModal):
    """NEW_PASSWORD_REQUIRED: a new password, twice, and any attributes the pool requires."""

    TITLE_TEXT = "Choose a new password"
    KEYS = "Enter moves on, then continues · Escape cancels sign-in"

    def fields(self) -> ComposeResult:
        yield Label("New password")
        yield Field(password=True, secret=True, id="new-password", on_enter=self.submitted)
        yield Label("New password, again")
        yield Field(password=True, secret=True, id="new-password-again", on_enter=self.submitted)
        for index, name in enumerate(self.challenge.required_attributes):
            yield Label(Text(f"{shown(name)} (required by the pool)"))
            yield Field(
                id=f"attr-{index}",
                name=name,
                classes="attr",
                on_enter=self.submitted,
            )

    def submitted(self, _: str) -> None:
        """Enter: on to the next empty field, or, with every field filled, continue."""
        fields = list(self.query(Field))
        here = fields.index(self.focused) if self.focused in fields else -1
        empty = next((field for field in fields if not field.value), None)
        if empty is not None and fields.index(empty) > here:
            empty.focus()
            return
        problem = self.check(fields)
        if problem:
            self.say(problem)
            return
        attributes = {field.name or "": field.value for field in fields if field.has_class("attr")}
        self.dismiss((fields[0].value, attributes))

    def check(self, fields: list[Field]) -> str | None:
        password, again, *attributes = fields
        if not password.value:
            password.focus()
            return "Type a new password."
        if password.value != again.value:
            password.value = again.value = ""  # neither is worth keeping: which is the typo?
            password.focus()
            return "The two passwords differ; type the new one twice again."
        for field in attributes:
            name = field.name or ""
            if not field.value:
                field.focus()
                return f"The pool requires {name}."
            problem = problem_with(name, field.value)
            if problem:
                field.focus()
                return f"{name}: {problem}."
        return None


class ClientSecretModal(ModalScreen[str | None]):
    """The app client has a secret: ask for it once; it is kept in the keyring."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("This app client has a secret", classes="dialog-title")
            yield Static(
                "Cognito needs the app client's secret to sign in. It is kept in the keyring "
                "with your tokens, never in the config file.",
                classes="dialog-text",
            )
            yield Field(
                password=True,
                secret=True,
                placeholder="client secret",
                id="client-secret",
                on_enter=self.given,
            )
            yield Static("Enter continues · Escape cancels", classes="dialog-keys")

    def on_mount(self) -> None:
        self.query_one(Field).focus()

    def given(self, value: str) -> None:
        if value.strip():
            self.dismiss(value.strip())
