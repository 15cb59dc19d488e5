"""What a sign-in step ends in: signed in, or a challenge Cognito wants answered."""

from __future__ import annotations

import ast
import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass, field

CODE_CHALLENGES = {
    "SMS_MFA": "SMS_MFA_CODE",
    "SOFTWARE_TOKEN_MFA": "SOFTWARE_TOKEN_MFA_CODE",
    "EMAIL_OTP": "EMAIL_OTP_CODE",
    "SMS_OTP": "SMS_OTP_CODE",  # USER_AUTH: a code instead of the password
}
CHALLENGES = {
    *CODE_CHALLENGES,
    "NEW_PASSWORD_REQUIRED",
    "SELECT_MFA_TYPE",
    "MFA_SETUP",
    "SELECT_CHALLENGE",  # USER_AUTH: the user picks how to sign in
    "WEB_AUTHN",  # USER_AUTH: a passkey
}
# USER_AUTH's first factors, as the sign-in choice names them.
CHOICE_LABELS = {
    "WEB_AUTHN": "a passkey on a security key",
    "EMAIL_OTP": "a code by email (no password)",
    "SMS_OTP": "a code by text message (no password)",
    "PASSWORD_SRP": "the password (it never leaves this machine)",
    "PASSWORD": "the password (sent to Cognito over TLS)",
}
MFA_LABELS = {
    "SMS_MFA": "a code by text message",
    "SOFTWARE_TOKEN_MFA": "a code from an authenticator app",
    "EMAIL_OTP": "a code by email",
}


def secret_hash(client_secret: str, username: str, client_id: str) -> str:
    """SECRET_HASH = base64(HMAC-SHA256(client secret, username + client id))."""
    digest = hmac.new(client_secret.encode(), (username + client_id).encode(), hashlib.sha256)
    return base64.b64encode(digest.digest()).decode()


def parse_list(value: str | None) -> list[str]:
    """A list in a challenge parameter: JSON from AWS, a Python repr from moto."""
    if not value:
        return []
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError:
        try:
            parsed = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            return [part.strip() for part in value.strip("[]").split(",") if part.strip()]
    return [str(item) for item in parsed] if isinstance(parsed, list | tuple) else []


@dataclass(frozen=True)
class SignedIn:
    """Sign-in finished; the tokens are in the vault. `ask_remember`: this device was just
    registered and the pool wants the user asked whether to remember it; `notice`: a
    sentence the user should read (a forgotten device, a device that could not be set up)."""

    username: str
    ask_remember: bool = False
    notice: str | None = None


@dataclass(frozen=True)
class Challenge:
    """Cognito wants one more answer before it hands out tokens."""

    name: str
    session: str | None = field(repr=False)
    username: str  # the name Cognito wants back in USERNAME (never an alias)
    # SRP's SECRET_BLOCK is among the parameters; the session and the TOTP secret are secrets.
    parameters: Mapping[str, str] = field(default_factory=dict, repr=False)
    secret_code: str | None = field(default=None, repr=False)  # MFA_SETUP: the TOTP secret
    notice: str | None = None  # a sentence to show before the prompt
    available: tuple[str, ...] = ()  # SELECT_CHALLENGE: what the user may choose

    @property
    def choices(self) -> list[str]:
        """SELECT_CHALLENGE: the ways to sign in that cogtui can do, of those offered, in
        CHOICE_LABELS's order (no password first, the password sent to Cognito last)."""
        return [name for name in CHOICE_LABELS if name in self.available]

    @property
    def required_attributes(self) -> list[str]:
        """NEW_PASSWORD_REQUIRED: attributes the user must give, without the prefix."""
        names = parse_list(self.parameters.get("requiredAttributes"))
        return [name.removeprefix("userAttributes.") for name in names]

    @property
    def mfa_options(self) -> list[str]:
        """SELECT_MFA_TYPE: what the user may choose; MFA_SETUP: what they may set up."""
        key = "MFAS_CAN_CHOOSE" if self.name == "SELECT_MFA_TYPE" else "MFAS_CAN_SETUP"
        return parse_list(self.parameters.get(key))

    @property
    def destination(self) -> str:
        """Where a code was sent, masked by Cognito (empty when it does not say)."""
        return self.parameters.get("CODE_DELIVERY_DESTINATION", "")

    @property
    def prompt(self) -> str:
        """One line that tells the user what to enter."""
        where = f" sent to {self.destination}" if self.destination else ""
        return {
            "SMS_MFA": f"Enter the code from the text message{where}.",
            "SMS_OTP": f"Enter the code from the text message{where}.",
            "SELECT_CHALLENGE": "Cognito offers these ways to sign in as this user.",
            "WEB_AUTHN": "Touch your security key to sign in with its passkey.",
            "EMAIL_OTP": f"Enter the code from the email{where}.",
            "SOFTWARE_TOKEN_MFA": "Enter the code from your authenticator app.",
            "NEW_PASSWORD_REQUIRED": "Choose a new password to finish signing in.",
            "SELECT_MFA_TYPE": "Choose how to receive your sign-in code.",
            "MFA_SETUP": "Add this secret to an authenticator app, then enter the code it shows.",
        }.get(self.name, f"Cognito asks for {self.name}.")


Outcome = SignedIn | Challenge
