"""Signing in (every challenge), keeping tokens fresh, and the calls a signed-in user makes."""

from __future__ import annotations

import ast
import base64
import hashlib
import hmac
import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from cogtui import errors, tokens
from cogtui.config import Settings
from cogtui.profile import applied
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


@dataclass(frozen=True)
class SignedIn:
    """Sign-in finished; the tokens are in the vault."""

    username: str


@dataclass(frozen=True)
class Challenge:
    """Cognito wants one more answer before it hands out tokens."""

    name: str
    session: str | None = field(repr=False)
    username: str  # the name Cognito wants back in USERNAME (never an alias)
    # SRP's SECRET_BLOCK is among the parameters; the session and the TOTP secret are secrets.
    parameters: Mapping[str, str] = field(default_factory=dict, repr=False)
    secret_code: str | None = field(default=None, repr=False)  # MFA_SETUP: the TOTP secret

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


@dataclass(frozen=True)
class Saved:
    """A save that Cognito took, and the attributes it holds now (None: reloading failed)."""

    deliveries: list[CodeDelivery]
    user: User | None
    reply_lost: bool = False  # the answer never came, but Cognito holds the changes
    reload_problem: str | None = None


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
        self._max_attempts = max_attempts or 3
        self.username: str | None = None
        self.login_name: str | None = None  # what the user typed to sign in (an alias, maybe)
        self._client_secret: str | None = None  # "" once read and found to be none
        self._tokens: Tokens | None = None
        self._lock = threading.RLock()  # the token state: read and written by workers
        self._refreshing = threading.Lock()  # one refresh at a time
        self._generation = 0  # bumped by every sign-out

    @property
    def cognito(self) -> CognitoClient:
        """The Cognito client, made (and botocore imported) on first use."""
        if self._cognito is None:
            from cogtui.cognito import CognitoClient

            s = self.settings
            self._cognito = CognitoClient(
                s.region,
                s.client_id,
                s.endpoint_url,
                max_attempts=self._max_attempts,
                connect_timeout=s.connect_timeout,
                read_timeout=s.read_timeout,
            )
        return self._cognito

    # -- client secret ------------------------------------------------------------------
    def set_client_secret(self, secret: str) -> None:
        self.vault.save_client_secret(secret)
        self._client_secret = secret

    def client_secret(self) -> str | None:
        """The app client's secret, read from the keyring once per run."""
        if self._client_secret is None:
            self._client_secret = self.vault.client_secret() or ""
        return self._client_secret or None

    def _with_secret(self, username: str, parameters: dict[str, str]) -> dict[str, str]:
        secret = self.client_secret()
        if secret:
            parameters["SECRET_HASH"] = secret_hash(secret, username, self.settings.client_id)
        return parameters

    # -- sign-in ------------------------------------------------------------------------
    def sign_in(self, username: str, password: str, flow: str | None = None) -> Outcome:
        """Start signing in with SRP (default) or USER_PASSWORD_AUTH."""
        self.login_name = username
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
            client_secret=self.client_secret(),
        )
        reply = self.cognito.initiate_auth("USER_SRP_AUTH", srp.get_auth_params())
        if reply.get("ChallengeName") == "PASSWORD_VERIFIER":
            try:
                answer = srp.process_challenge(reply["ChallengeParameters"], {"USERNAME": username})
            except (KeyError, ValueError, TypeError):  # SRP_B, SALT or SECRET_BLOCK is bad
                from cogtui.replies import not_understood

                raise not_understood(self.cognito.where) from None
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

    def _keep(self, found: Tokens, generation: int | None = None) -> None:
        """Make these the session's tokens and store them (unless a sign-out came since
        `generation`: then they are dropped, never written back)."""
        problem = tokens.mismatch(found, self.settings.user_pool_id, self.settings.client_id)
        if problem:
            raise errors.CognitoError(f"Cognito's answer cannot be used: {problem}.")
        with self._lock:
            if generation is not None and generation != self._generation:
                raise errors.NotSignedIn("You signed out while the session was being renewed.")
            if self._tokens and not found.refresh_token:  # a refresh brings no new one
                found = Tokens(found.id_token, found.access_token, self._tokens.refresh_token)
            self._tokens = found
            self.username = tokens.identity(found).username
            self.vault.save_tokens(self.username, found, self.login_name)

    # -- stored tokens ---------------------------------------------------------------------
    def resume(self) -> bool:
        """Pick up the stored tokens of the current user, refreshing them if due."""
        stored = self.vault.load()  # one keyring read
        if stored is None:
            return False
        if tokens.mismatch(stored.tokens, self.settings.user_pool_id, self.settings.client_id):
            return False  # never send tokens of another pool or client
        with self._lock:
            self.username, self._tokens = stored.username, stored.tokens
            self.login_name = stored.login_name
        try:
            self.access_token()
        except (errors.SessionExpired, errors.NotSignedIn):
            return False
        return True

    def identity(self) -> tokens.Identity:
        return tokens.identity(self._current())

    @property
    def display_name(self) -> str:
        """Who is signed in, as the user knows themselves: the name typed at sign-in, else
        the id token's preferred_username or email; the username (a UUID in pools that
        sign in by email) only when there is nothing else."""
        with self._lock:
            found = self._tokens
            if self.login_name:
                return self.login_name
        if found is not None and found.id_token:
            claims = tokens.claims(found.id_token)
            for claim in ("preferred_username", "email"):
                if isinstance(claims.get(claim), str) and claims[claim]:
                    return str(claims[claim])
        return self.username or ""

    @property
    def id_token(self) -> str | None:
        with self._lock:
            return self._tokens.id_token if self._tokens else None

    def _current(self) -> Tokens:
        with self._lock:
            if not self._tokens:
                raise errors.NotSignedIn("Nobody is signed in; run `cogtui login` first.")
            return self._tokens

    def access_token(self) -> str:
        """A fresh access token, refreshed first when it expires within a minute."""
        current = self._current()
        if tokens.identity(current).expires_soon():
            self.refresh(stale=current)
        return self._current().access_token

    def refresh(self, stale: Tokens | None = None) -> None:
        """Trade the refresh token for new tokens; a dead refresh token ends the session.

        One refresh at a time: a caller that waited for another's refresh of the same
        `stale` tokens uses its result. A sign-out meanwhile wins: the new tokens are dropped.
        """
        with self._refreshing:
            with self._lock:
                current, username, generation = self._tokens, self.username, self._generation
            if not current or not username:
                raise errors.NotSignedIn("Nobody is signed in; run `cogtui login` first.")
            if stale is not None and current is not stale:
                return  # renewed by another caller while this one waited
            refresh_token = current.refresh_token
            if not refresh_token:
                self._end_session(generation)
            # For REFRESH_TOKEN_AUTH the hash takes the username in the token, never an alias.
            parameters = self._with_secret(username, {"REFRESH_TOKEN": refresh_token or ""})
            try:
                reply = self.cognito.initiate_auth("REFRESH_TOKEN_AUTH", parameters)
            except (errors.SessionExpired, errors.WrongCredentials):
                self._end_session(generation)
            result = reply.get("AuthenticationResult")
            if not result:
                raise errors.CognitoError(
                    "Cognito answered a refresh with a challenge; sign in again."
                )
            found = Tokens(result["IdToken"], result["AccessToken"], result.get("RefreshToken"))
            self._keep(found, generation)

    def _end_session(self, generation: int | None = None) -> NoReturn:
        with self._lock:
            if generation is None or generation == self._generation:
                if self.username:
                    self.vault.forget(self.username)
                self._tokens = None
        raise errors.SessionExpired("Your session has ended; sign in again.")

    def call(self, request: Callable[[str], T]) -> T:
        """Run a request with a fresh access token; refresh and retry once if it is refused."""
        token = self.access_token()
        used = self._current()
        try:
            return request(token)
        except errors.SessionExpired:
            self.refresh(stale=used)
            return request(self.access_token())

    def forget_here(self) -> None:
        """Drop the tokens from memory and the vault (a late refresh sees the new
        generation and drops its result)."""
        with self._lock:
            self._generation += 1
            self._tokens = None
            self.username = None
            self.vault.forget()  # whatever is stored for this pool and client, corrupt or not

    def sign_out(self, everywhere: bool = False) -> str | None:
        """Forget the tokens here, revoke the refresh token, or (`everywhere`) end every
        session with GlobalSignOut. Returns a sentence when the server could not do its part.

        The tokens here are removed whatever the server says; `everywhere` raises when
        GlobalSignOut could not be sent or was refused.
        """
        failure: errors.CogtuiError | None = None
        if everywhere:
            try:
                if self._tokens is None and not self.resume():
                    raise errors.SessionExpired("the stored session has expired")
                self.call(self.cognito.global_sign_out)
            except errors.CogtuiError as error:
                failure = error
        with self._lock:
            held = self._tokens
        if held is None and not everywhere:
            stored = self.vault.load()
            held = stored.tokens if stored else None
        refresh_token = held.refresh_token if held else None
        self.forget_here()
        if failure is not None:
            reason = failure.message.rstrip(".")
            raise errors.CognitoError(f"Signed out here, but not everywhere: {reason}.")
        if everywhere or not refresh_token:
            return None
        try:
            self.cognito.revoke_token(refresh_token, self.client_secret())
        except errors.Unsupported:
            return (
                "This server cannot revoke tokens (RevokeToken): the refresh token is removed "
                "here but stays valid on the server until it expires."
            )
        except errors.CogtuiError as error:
            reason = error.message.rstrip(".")
            return f"The refresh token is removed here, but revoking it failed: {reason}."
        return None

    # -- the signed-in user's profile -------------------------------------------------------
    def get_user(self) -> User:
        return self.call(self.cognito.get_user)

    def update_attributes(self, changes: Mapping[str, str]) -> list[CodeDelivery]:
        metadata = self.settings.client_metadata
        return self.call(
            lambda token: self.cognito.update_user_attributes(token, changes, metadata)
        )

    def save(self, changes: Mapping[str, str]) -> Saved:
        """UpdateUserAttributes with `changes`, then what Cognito holds now.

        When the answer is lost (the connection dropped, a reply that makes no sense), the
        attributes are read again before anything is said: Cognito may have applied it.
        """
        try:
            deliveries = self.update_attributes(changes)
        except errors.NetworkError as lost:
            try:
                user = self.get_user()
            except errors.CogtuiError:
                raise lost from None
            if not applied(changes, user.attributes):
                raise
            return Saved([], user, reply_lost=True)
        try:
            return Saved(deliveries, self.get_user())
        except errors.CogtuiError as error:
            return Saved(deliveries, None, reload_problem=error.message)

    def send_code(self, attribute: str) -> CodeDelivery:
        metadata = self.settings.client_metadata
        return self.call(
            lambda token: self.cognito.get_user_attribute_verification_code(
                token, attribute, metadata
            )
        )

    def verify(self, attribute: str, code: str) -> None:
        self.call(lambda token: self.cognito.verify_user_attribute(token, attribute, code.strip()))
