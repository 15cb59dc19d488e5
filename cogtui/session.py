"""Signing in (every challenge), keeping tokens fresh, and the calls a signed-in user makes."""

from __future__ import annotations

import ast
import base64
import hashlib
import hmac
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, TypeVar

from cogtui import errors, tokens
from cogtui.config import Settings
from cogtui.vault import Tokens, Vault

if TYPE_CHECKING:
    from cogtui.cognito import CodeDelivery, CognitoClient, User

T = TypeVar("T")
CODE_CHALLENGES = {
    "SMS_MFA": "SMS_MFA_CODE",
    "SOFTWARE_TOKEN_MFA": "SOFTWARE_TOKEN_MFA_CODE",
    "EMAIL_OTP": "EMAIL_OTP_CODE",
}
CHALLENGES = {*CODE_CHALLENGES, "NEW_PASSWORD_REQUIRED", "SELECT_MFA_TYPE", "MFA_SETUP"}
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


def is_loopback(endpoint_url: str | None) -> bool:
    """Whether the endpoint is on this machine (a local emulator)."""
    from urllib.parse import urlparse

    host = urlparse(endpoint_url or "").hostname or ""
    return host == "localhost" or host.startswith("127.") or host == "::1"


@dataclass(frozen=True)
class SignedIn:
    """Sign-in finished; the tokens are in the vault."""

    username: str


@dataclass(frozen=True)
class Challenge:
    """Cognito wants one more answer before it hands out tokens."""

    name: str
    session: str | None
    username: str  # the name Cognito wants back in USERNAME (never an alias)
    parameters: Mapping[str, str] = field(default_factory=dict)
    secret_code: str | None = None  # MFA_SETUP: the TOTP secret for the authenticator app

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
            "EMAIL_OTP": f"Enter the code from the email{where}.",
            "SOFTWARE_TOKEN_MFA": "Enter the code from your authenticator app.",
            "NEW_PASSWORD_REQUIRED": "Choose a new password to finish signing in.",
            "SELECT_MFA_TYPE": "Choose how to receive your sign-in code.",
            "MFA_SETUP": "Add this secret to an authenticator app, then enter the code it shows.",
        }.get(self.name, f"Cognito asks for {self.name}.")


Outcome = SignedIn | Challenge


class Session:
    """One user of one app client: sign-in, stored tokens, refresh, and authorised calls."""

    def __init__(
        self,
        settings: Settings,
        vault: Vault,
        cognito: CognitoClient | None = None,
        max_attempts: int | None = None,
    ) -> None:
        self.settings = settings
        self.vault = vault
        self._cognito = cognito
        # An emulator on this machine answers an operation it lacks with HTTP 500, which
        # botocore retries with back-off for seconds before the user hears why; AWS's 500s
        # are worth retrying.
        local = is_loopback(settings.endpoint_url)
        self._max_attempts = max_attempts or (1 if local else 3)
        self.username: str | None = None
        self._tokens: Tokens | None = None

    @property
    def cognito(self) -> CognitoClient:
        """The Cognito client, made (and botocore imported) on first use."""
        if self._cognito is None:
            from cogtui.cognito import CognitoClient

            s = self.settings
            self._cognito = CognitoClient(
                s.region, s.client_id, s.endpoint_url, max_attempts=self._max_attempts
            )
        return self._cognito

    # -- client secret ------------------------------------------------------------------
    def set_client_secret(self, secret: str) -> None:
        self.vault.save_client_secret(secret)

    def _with_secret(self, username: str, parameters: dict[str, str]) -> dict[str, str]:
        secret = self.vault.client_secret()
        if secret:
            parameters["SECRET_HASH"] = secret_hash(secret, username, self.settings.client_id)
        return parameters

    # -- sign-in ------------------------------------------------------------------------
    def sign_in(self, username: str, password: str, flow: str | None = None) -> Outcome:
        """Start signing in with SRP (default) or USER_PASSWORD_AUTH."""
        if (flow or self.settings.auth_flow) == "password":
            parameters = self._with_secret(username, {"USERNAME": username, "PASSWORD": password})
            return self._outcome(
                self.cognito.initiate_auth("USER_PASSWORD_AUTH", parameters), username
            )
        return self._sign_in_srp(username, password)

    def _sign_in_srp(self, username: str, password: str) -> Outcome:
        # pycognito does the SRP math; cogtui makes the calls, so challenges stay in one place.
        from pycognito.aws_srp import AWSSRP

        srp = AWSSRP(
            username=username,
            password=password,
            pool_id=self.settings.user_pool_id,
            client_id=self.settings.client_id,
            client=object(),  # never used: pycognito would otherwise make a boto3 client
            client_secret=self.vault.client_secret(),
        )
        reply = self.cognito.initiate_auth("USER_SRP_AUTH", srp.get_auth_params())
        if reply.get("ChallengeName") == "PASSWORD_VERIFIER":
            answer = srp.process_challenge(reply["ChallengeParameters"], {"USERNAME": username})
            reply = self.cognito.respond_to_auth_challenge(
                "PASSWORD_VERIFIER", reply.get("Session"), answer
            )
        return self._outcome(reply, username)

    def respond(
        self, challenge: Challenge, answer: str, attributes: Mapping[str, str] | None = None
    ) -> Outcome:
        """Answer a challenge: a code, a new password (and attributes), or an MFA choice."""
        responses = {"USERNAME": challenge.username}
        session = challenge.session
        if challenge.name in CODE_CHALLENGES:
            responses[CODE_CHALLENGES[challenge.name]] = answer.strip()
        elif challenge.name == "NEW_PASSWORD_REQUIRED":
            responses["NEW_PASSWORD"] = answer
            for name, value in (attributes or {}).items():
                responses[f"userAttributes.{name}"] = value
        elif challenge.name == "SELECT_MFA_TYPE":
            responses["ANSWER"] = answer
        elif challenge.name == "MFA_SETUP":
            session = self.cognito.verify_software_token(session or "", answer.strip())
        reply = self.cognito.respond_to_auth_challenge(
            challenge.name, session, self._with_secret(challenge.username, responses)
        )
        return self._outcome(reply, challenge.username)

    def _outcome(self, reply: Mapping[str, Any], username: str) -> Outcome:
        result = reply.get("AuthenticationResult")
        if result:
            found = Tokens(result["IdToken"], result["AccessToken"], result.get("RefreshToken"))
            self._keep(found)
            return SignedIn(self.username or username)
        name = str(reply.get("ChallengeName", ""))
        parameters = dict(reply.get("ChallengeParameters") or {})
        challenge = Challenge(
            name=name,
            session=reply.get("Session"),
            username=parameters.get("USERNAME") or parameters.get("USER_ID_FOR_SRP") or username,
            parameters=parameters,
        )
        if name not in CHALLENGES:
            raise errors.Unsupported(
                f"Cognito asked for a {name} challenge, which cogtui cannot answer."
            )
        if name == "MFA_SETUP":
            return self._start_totp_setup(challenge)
        return challenge

    def _start_totp_setup(self, challenge: Challenge) -> Challenge:
        if challenge.mfa_options and "SOFTWARE_TOKEN_MFA" not in challenge.mfa_options:
            methods = ", ".join(challenge.mfa_options)
            raise errors.Unsupported(
                f"This pool requires setting up MFA by {methods}, which cogtui cannot do yet."
            )
        secret, session = self.cognito.associate_software_token(challenge.session or "")
        return Challenge(
            challenge.name, session, challenge.username, challenge.parameters, secret_code=secret
        )

    def _keep(self, found: Tokens) -> None:
        """Make these the session's tokens and store them."""
        problem = tokens.mismatch(found, self.settings.user_pool_id, self.settings.client_id)
        if problem:
            raise errors.CognitoError(f"Cognito's answer cannot be used: {problem}.")
        if self._tokens and not found.refresh_token:  # a refresh does not return a new one
            found = Tokens(found.id_token, found.access_token, self._tokens.refresh_token)
        self._tokens = found
        self.username = tokens.identity(found).username
        self.vault.save_tokens(self.username, found)

    # -- stored tokens ---------------------------------------------------------------------
    def resume(self) -> bool:
        """Pick up the stored tokens of the current user, refreshing them if due."""
        user = self.vault.current_user()
        stored = self.vault.load_tokens(user, with_refresh=False) if user else None
        if not user or not stored:
            return False
        if tokens.mismatch(stored, self.settings.user_pool_id, self.settings.client_id):
            return False  # never send tokens of another pool or client
        self.username, self._tokens = user, stored
        try:
            self.access_token()
        except errors.SessionExpired:
            return False
        return True

    def identity(self) -> tokens.Identity:
        if not self._tokens:
            raise errors.NotSignedIn("Nobody is signed in; run `cogtui login` first.")
        return tokens.identity(self._tokens)

    @property
    def id_token(self) -> str | None:
        return self._tokens.id_token if self._tokens else None

    def access_token(self) -> str:
        """A fresh access token, refreshed first when it expires within a minute."""
        if not self._tokens:
            raise errors.NotSignedIn("Nobody is signed in; run `cogtui login` first.")
        if tokens.identity(self._tokens).expires_soon():
            self.refresh()
        return self._tokens.access_token

    def refresh(self) -> None:
        """Trade the refresh token for new tokens; a dead refresh token ends the session."""
        if not self._tokens or not self.username:
            raise errors.NotSignedIn("Nobody is signed in; run `cogtui login` first.")
        refresh_token = self._tokens.refresh_token or self.vault.refresh_token(self.username)
        if not refresh_token:
            self._end_session()
        self._tokens = replace(self._tokens, refresh_token=refresh_token)
        # For REFRESH_TOKEN_AUTH the hash takes the username in the token, never an alias.
        parameters = self._with_secret(self.username, {"REFRESH_TOKEN": refresh_token or ""})
        try:
            reply = self.cognito.initiate_auth("REFRESH_TOKEN_AUTH", parameters)
        except (errors.SessionExpired, errors.WrongCredentials):
            self._end_session()
        self._outcome(reply, self.username)

    def _end_session(self) -> None:
        if self.username:
            self.vault.forget(self.username)
        self._tokens = None
        raise errors.SessionExpired("Your session has ended; sign in again.")

    def call(self, request: Callable[[str], T]) -> T:
        """Run a request with a fresh access token; refresh and retry once if it is refused."""
        token = self.access_token()
        try:
            return request(token)
        except errors.SessionExpired:
            self.refresh()
            return request(self.access_token())

    def sign_out(self, everywhere: bool = False) -> None:
        """Forget the tokens (after GlobalSignOut when `everywhere`)."""
        user = self.username or self.vault.current_user()
        try:
            if everywhere and (self._tokens or self.resume()):
                self.call(self.cognito.global_sign_out)
        finally:  # the local sign-out happens even when the server refuses the global one
            if user:
                self.vault.forget(user)
            self._tokens = None
            self.username = None

    # -- the signed-in user's profile -------------------------------------------------------
    def get_user(self) -> User:
        return self.call(self.cognito.get_user)

    def update_attributes(self, changes: Mapping[str, str]) -> list[CodeDelivery]:
        metadata = self.settings.client_metadata
        return self.call(
            lambda token: self.cognito.update_user_attributes(token, changes, metadata)
        )

    def send_code(self, attribute: str) -> CodeDelivery:
        metadata = self.settings.client_metadata
        return self.call(
            lambda token: self.cognito.get_user_attribute_verification_code(
                token, attribute, metadata
            )
        )

    def verify(self, attribute: str, code: str) -> None:
        self.call(lambda token: self.cognito.verify_user_attribute(token, attribute, code.strip()))
