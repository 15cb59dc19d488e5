"""One modal per sign-in challenge, and the client-secret prompt.

Each challenge modal dismisses with (answer, attributes) or None (Escape cancels sign-in);
the sign-in screen sends the answer and shows the next challenge or the reason it failed.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from cogtui.profile import problem_with
from cogtui.session import MFA_LABELS, Challenge

Answer = tuple[str, dict[str, str]] | None


class ChallengeModal(ModalScreen[Answer]):
    """What every challenge modal shares: a title, the prompt, a problem line, Escape."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel sign-in")]
    TITLE_TEXT = "One more step"
    KEYS = "Enter continues · Escape cancels sign-in"

    def __init__(self, challenge: Challenge, problem: str = "") -> None:
        super().__init__()
        self.challenge = challenge
        self.problem = problem

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog challenge"):
            yield Label(self.TITLE_TEXT, classes="dialog-title")
            yield Static(self.challenge.prompt, classes="dialog-text")
            yield from self.fields()
            yield Static(f"⚠ {self.problem}" if self.problem else "", classes="problem")
            yield Static(self.KEYS, classes="dialog-keys")

    def fields(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        inputs = self.query(Input)
        if inputs:
            inputs.first().focus()


class ChallengeCodeModal(ChallengeModal):
    """SMS_MFA, SOFTWARE_TOKEN_MFA, EMAIL_OTP: a one-time code."""

    TITLE_TEXT = "Sign-in code"

    def fields(self) -> ComposeResult:
        yield Input(
            placeholder="code", id="code", password=True, restrict=r"[0-9 ]*", max_length=10
        )

    @on(Input.Submitted, "#code")
    def given(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self.dismiss((event.value.replace(" ", ""), {}))


class TotpSetupModal(ChallengeCodeModal):
    """MFA_SETUP: the secret to add to an authenticator app (the user must see it), a code."""

    TITLE_TEXT = "Set up an authenticator app"

    def fields(self) -> ComposeResult:
        secret = self.challenge.secret_code or ""
        grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
        yield Static("Secret key (type it into the app, or paste it):", classes="muted")
        yield Static(grouped, id="totp-secret", classes="secret")
        yield Label("Code shown by the app")
        yield from super().fields()


class MfaChoiceModal(ChallengeModal):
    """SELECT_MFA_TYPE: how the sign-in code should come."""

    TITLE_TEXT = "Choose how to get your code"
    KEYS = "up/down choose · Enter continues · Escape cancels sign-in"

    def fields(self) -> ComposeResult:
        yield OptionList(
            *[Option(MFA_LABELS.get(o, o), id=o) for o in self.challenge.mfa_options],
            id="mfa-options",
        )

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss((event.option.id or "", {}))


class NewPasswordModal(ChallengeModal):
    """NEW_PASSWORD_REQUIRED: a new password, twice, and any attributes the pool requires."""

    TITLE_TEXT = "Choose a new password"
    KEYS = "Enter moves on, then continues · Escape cancels sign-in"

    def fields(self) -> ComposeResult:
        yield Label("New password")
        yield Input(password=True, id="new-password", classes="field")
        yield Label("New password, again")
        yield Input(password=True, id="new-password-again", classes="field")
        for name in self.challenge.required_attributes:
            yield Label(f"{name} (required by the pool)")
            yield Input(id=f"attr-{name.replace(':', '-')}", name=name, classes="field attr")

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        event.stop()
        fields = list(self.query(".field").results(Input))
        empty = next((field for field in fields if not field.value), None)
        if empty is not None and fields.index(empty) > fields.index(event.input):
            empty.focus()
            return
        problem = self.check(fields)
        if problem:
            self.query_one(".problem", Static).update(f"⚠ {problem}")
            return
        attributes = {field.name or "": field.value for field in fields if field.has_class("attr")}
        self.dismiss((fields[0].value, attributes))

    @staticmethod
    def check(fields: list[Input]) -> str | None:
        password, again, *attributes = fields
        if not password.value:
            return "Type a new password."
        if password.value != again.value:
            return "The two passwords differ."
        for field in attributes:
            if not field.value:
                return f"The pool requires {field.name}."
            problem = problem_with(field.name or "", field.value)
            if problem:
                return f"{field.name}: {problem}."
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
            yield Input(password=True, placeholder="client secret", id="client-secret")
            yield Static("Enter continues · Escape cancels", classes="dialog-keys")

    @on(Input.Submitted)
    def given(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self.dismiss(event.value.strip())
