"""One signed-in user of one app client: the tokens (stored, kept fresh, signed out) and the
calls that user makes. Signing in, the other half of a Session, is in signing_in.py."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, NoReturn, TypeVar

from cogtui import errors, tokens
from cogtui.challenge import (
    MFA_LABELS,
    Challenge,
    Outcome,
    SignedIn,
    parse_list,
    secret_hash,
)
from cogtui.config import Settings
from cogtui.profile import applied
from cogtui.signing_in import SignIn
from cogtui.vault import DeviceMaterial, Tokens, Vault

if TYPE_CHECKING:
    from cogtui.cognito import CodeDelivery, CognitoClient, User

__all__ = [
    "MFA_LABELS",
    "Challenge",
    "Outcome",
    "Saved",
    "Session",
    "SignedIn",
    "parse_list",
    "secret_hash",
]
T = TypeVar("T")


@dataclass(frozen=True)
class Saved:
    """A save that Cognito took, and the attributes it holds now (None: reloading failed)."""

    deliveries: list[CodeDelivery]
    user: User | None
    reply_lost: bool = False  # the answer never came, but Cognito holds the changes
    reload_problem: str | None = None


class Session(SignIn):
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
        self._device: DeviceMaterial | None = None  # this machine's device, in this sign-in
        self._waiting = threading.Event()

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
            parameters = {"REFRESH_TOKEN": refresh_token or ""}
            device = self.vault.device_for(username, exact_user=True)
            if device is not None:
                parameters["DEVICE_KEY"] = device.key  # with device tracking, it is required
            parameters = self._with_secret(username, parameters)
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
