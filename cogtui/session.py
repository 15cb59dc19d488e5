"""Signing in (every challenge), keeping tokens fresh, and the calls a signed-in user makes."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from cogtui import errors, tokens
from cogtui.challenge import (
    CHALLENGES,
    CODE_CHALLENGES,
    MFA_LABELS,
    Challenge,
    Outcome,
    SignedIn,
    parse_list,
    secret_hash,
)
from cogtui.config import Settings
from cogtui.profile import applied
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
DEVICE_CHALLENGES = {"DEVICE_SRP_AUTH", "DEVICE_PASSWORD_VERIFIER"}


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
        self._device: DeviceMaterial | None = None  # this machine's device, in this sign-in

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
        """Start signing in with SRP (default) or USER_PASSWORD_AUTH, as this machine's
        device when it is one: a remembered device proves itself instead of an MFA code.
        A device Cognito no longer knows is dropped, and the sign-in starts again without."""
        self.login_name = username
        self._device = self.vault.device_for(username)
        try:
            return self._sign_in(username, password, flow)
        except errors.DeviceUnknown:
            if self._device is None:
                raise
            self.vault.forget_device(self._device.username)
            self._device = None
        from cogtui.devices import FORGOTTEN, FORGOTTEN_ASKS

        outcome = self._sign_in(username, password, flow)
        note = (FORGOTTEN_ASKS if isinstance(outcome, Challenge) else FORGOTTEN) + "."
        return replace(outcome, notice=" ".join(filter(None, (note, outcome.notice))))

    def _sign_in(self, username: str, password: str, flow: str | None) -> Outcome:
        if (flow or self.settings.auth_flow) == "password":
            parameters = self._with_device({"USERNAME": username, "PASSWORD": password})
            parameters = self._with_secret(username, parameters)
            return self._outcome(
                self.cognito.initiate_auth("USER_PASSWORD_AUTH", parameters), username
            )
        return self._sign_in_srp(username, password)

    def _with_device(self, parameters: dict[str, str]) -> dict[str, str]:
        if self._device is not None:
            parameters["DEVICE_KEY"] = self._device.key
        return parameters

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
        reply = self.cognito.initiate_auth(
            "USER_SRP_AUTH", self._with_device(srp.get_auth_params())
        )
        if reply.get("ChallengeName") == "PASSWORD_VERIFIER":
            try:
                answer = srp.process_challenge(reply["ChallengeParameters"], {"USERNAME": username})
            except (KeyError, ValueError, TypeError):  # SRP_B, SALT or SECRET_BLOCK is bad
                from cogtui.replies import not_understood

                raise not_understood(self.cognito.where) from None
            reply = self.cognito.respond_to_auth_challenge(
                "PASSWORD_VERIFIER", reply.get("Session"), self._with_device(answer)
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
        responses = self._with_secret(challenge.username, self._with_device(responses))
        try:
            reply = self.cognito.respond_to_auth_challenge(challenge.name, session, responses)
        except errors.DeviceUnknown:
            self._drop_device()
            raise errors.DeviceUnknown(
                "Cognito no longer knows this device (it was forgotten); sign in again.",
                "ResourceNotFoundException",
            ) from None
        return self._outcome(reply, challenge.username)

    def _outcome(self, reply: Mapping[str, Any], username: str) -> Outcome:
        result = reply.get("AuthenticationResult")
        if result:
            found = Tokens(result["IdToken"], result["AccessToken"], result.get("RefreshToken"))
            self._keep(found)
            signed_in = SignedIn(self.username or username)
            if "NewDeviceMetadata" in result:
                return self._register_device(signed_in, result["NewDeviceMetadata"])
            return signed_in
        name = str(reply.get("ChallengeName", ""))
        parameters = dict(reply.get("ChallengeParameters") or {})
        challenge = Challenge(
            name=name,
            session=reply.get("Session"),
            username=parameters.get("USERNAME") or parameters.get("USER_ID_FOR_SRP") or username,
            parameters=parameters,
        )
        if name == "DEVICE_SRP_AUTH":
            return self._prove_device(challenge)
        if name not in CHALLENGES:
            raise errors.Unsupported(
                f"Cognito asked for a {name} challenge, which cogtui cannot answer."
            )
        if name == "MFA_SETUP":
            return self._start_totp_setup(challenge)
        return challenge

    # -- this machine as a device -----------------------------------------------------------
    def _prove_device(self, challenge: Challenge) -> Outcome:
        """DEVICE_SRP_AUTH, then DEVICE_PASSWORD_VERIFIER, with the device's SRP."""
        from cogtui.devices import DeviceProof
        from cogtui.replies import not_understood

        if self._device is None:
            raise errors.CognitoError(
                "Cognito asked this machine to prove it is a remembered device, but it holds "
                "no device key; sign in again."
            )
        proof = DeviceProof(self._device, self.settings, self.client_secret())
        start = self._with_secret(challenge.username, proof.start(challenge.username))
        reply = self.cognito.respond_to_auth_challenge("DEVICE_SRP_AUTH", challenge.session, start)
        if reply.get("ChallengeName") != "DEVICE_PASSWORD_VERIFIER":
            raise not_understood(self.cognito.where)
        try:
            answer = proof.answer(dict(reply.get("ChallengeParameters") or {}))
        except (KeyError, ValueError, TypeError):
            raise not_understood(self.cognito.where) from None
        reply = self.cognito.respond_to_auth_challenge(
            "DEVICE_PASSWORD_VERIFIER", reply.get("Session"), answer
        )
        return self._outcome(reply, challenge.username)

    def _register_device(self, signed_in: SignedIn, metadata: object) -> SignedIn:
        """ConfirmDevice for the device Cognito just made, and keep its material. The
        sign-in stands whatever happens here; a failure is a notice."""
        from cogtui.devices import device_name, new_device

        made = new_device(signed_in.username, self.login_name, metadata)
        if made is None:
            return replace(signed_in, notice="Cognito's new device key is malformed; ignored.")
        device, verifier = made
        if self.vault.in_memory:  # gone when this run ends: never registered, never asked
            self._device = replace(device, password="")  # only its key, for the refresh
            return signed_in
        try:
            ask = self.call(
                lambda token: self.cognito.confirm_device(
                    token, device.key, verifier, device_name(self.settings)
                )
            )
        except errors.CogtuiError as error:
            reason = error.message.rstrip(".")
            notice = f"Signed in, but this device could not be registered: {reason}."
            return replace(signed_in, notice=notice)
        self.vault.keep_device(device)
        self._device = device
        return replace(signed_in, ask_remember=ask)

    def device(self) -> DeviceMaterial | None:
        """This machine's device for the signed-in user, if it is one."""
        with self._lock:
            username = self.username
        return self.vault.device_for(username) if username else None

    def remember_device(self, remembered: bool) -> None:
        """Remember this device (a later sign-in skips MFA) or only track it."""
        device = self.device()
        if device is None:
            raise errors.CogtuiError("This machine is not one of your devices.")
        self.call(lambda token: self.cognito.update_device_status(token, device.key, remembered))

    def _drop_device(self) -> None:
        if self._device is not None:
            self.vault.forget_device(self._device.username)
            self._device = None

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
            parameters = {"REFRESH_TOKEN": refresh_token or ""}
            device = self.vault.device_for(username) or self._device
            if device is not None and device.username == username:
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
