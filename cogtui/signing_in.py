"""Signing in: SRP or the password, every challenge, the app client's secret, and this
machine as a remembered device. A part of `Session` (its sign-in half), kept apart so each
half reads on its own; the other half holds the tokens and makes the signed-in calls."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar

from cogtui import errors
from cogtui.challenge import CHALLENGES, CODE_CHALLENGES, Challenge, Outcome, SignedIn, secret_hash
from cogtui.config import Settings
from cogtui.vault import DeviceMaterial, Tokens, Vault

if TYPE_CHECKING:
    from cogtui.cognito import CognitoClient

T = TypeVar("T")


class SignIn:
    """The sign-in steps of a Session (which supplies what is declared here)."""

    settings: Settings
    vault: Vault
    username: str | None
    login_name: str | None
    _client_secret: str | None
    _device: DeviceMaterial | None
    _waiting: threading.Event  # set: stop waiting for the security key
    _lock: threading.RLock

    if TYPE_CHECKING:  # Session's own

        @property
        def cognito(self) -> CognitoClient: ...

        def call(self, request: Callable[[str], T]) -> T: ...

        def _keep(self, found: Tokens, generation: int | None = None) -> None: ...

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
        """Start signing in with SRP (default), USER_PASSWORD_AUTH or USER_AUTH, as this machine's
        device when it is one: a remembered device proves itself instead of an MFA code.
        A device Cognito no longer knows is dropped, and the sign-in starts again without."""
        self.login_name = username
        found = self.vault.device_for(username)
        self._device = found if found is not None and found.provable else None
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
        flow = flow or self.settings.auth_flow
        if flow == "choice":
            return self._sign_in_choice(username, password)
        if flow == "password":
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

    def _srp(self, username: str, password: str) -> Any:
        # pycognito does the SRP math; cogtui makes the calls, so challenges stay in one place.
        from pycognito.aws_srp import AWSSRP

        return AWSSRP(
            username=username,
            password=password,
            pool_id=self.settings.user_pool_id,
            client_id=self.settings.client_id,
            client=object(),  # never used: pycognito would otherwise make a boto3 client
            client_secret=self.client_secret(),
        )

    def _sign_in_srp(self, username: str, password: str) -> Outcome:
        srp = self._srp(username, password)
        reply = self.cognito.initiate_auth(
            "USER_SRP_AUTH", self._with_device(srp.get_auth_params())
        )
        return self._after_srp(srp, reply, username)

    def _sign_in_choice(self, username: str, password: str) -> Outcome:
        """USER_AUTH: with a password, SRP is asked for straight away (the password never
        leaves); without one, Cognito answers SELECT_CHALLENGE with what this user may use."""
        parameters = {"USERNAME": username}
        srp = None
        if password:
            srp = self._srp(username, password)
            parameters["PREFERRED_CHALLENGE"] = "PASSWORD_SRP"
            parameters["SRP_A"] = srp.get_auth_params()["SRP_A"]
        parameters = self._with_secret(username, self._with_device(parameters))
        return self._after_srp(srp, self.cognito.initiate_auth("USER_AUTH", parameters), username)

    def _after_srp(self, srp: Any, reply: Mapping[str, Any], username: str) -> Outcome:
        """PASSWORD_VERIFIER answered with the SRP proof, when that is what came."""
        if srp is not None and reply.get("ChallengeName") == "PASSWORD_VERIFIER":
            try:
                answer = srp.process_challenge(reply["ChallengeParameters"], {"USERNAME": username})
            except (KeyError, ValueError, TypeError):  # SRP_B, SALT or SECRET_BLOCK is bad
                from cogtui.replies import not_understood

                raise not_understood(self.cognito.where) from None
            reply = self.cognito.respond_to_auth_challenge(
                "PASSWORD_VERIFIER", reply.get("Session"), self._with_device(answer)
            )
        return self._outcome(reply, username)

    def stop_waiting(self) -> None:
        """Stop waiting for the security key (Escape while it waits for a touch)."""
        self._waiting.set()

    def key_wait(self) -> threading.Event:
        """A fresh event for the next use of the security key, which `stop_waiting` sets.
        Made by the caller before the work starts (the UI thread), so an Escape that comes
        before the key is reached is not lost."""
        self._waiting = threading.Event()
        return self._waiting

    def _passkey_answer(self, challenge: Challenge) -> str:
        """WEB_AUTHN: the authenticator's assertion for Cognito's request options."""
        import json

        from cogtui import passkeys
        from cogtui.replies import not_understood

        try:
            options = json.loads(challenge.parameters["CREDENTIAL_REQUEST_OPTIONS"])
            rp_id = options["rpId"]
        except (KeyError, ValueError, TypeError):
            raise not_understood(self.cognito.where) from None
        if not isinstance(rp_id, str) or not rp_id:
            raise not_understood(self.cognito.where)
        credential = passkeys.default_authenticator().authenticate(
            options, passkeys.origin_for(rp_id), self._waiting
        )
        return json.dumps(credential)

    def respond(
        self, challenge: Challenge, answer: str, attributes: Mapping[str, str] | None = None
    ) -> Outcome:
        """Answer a challenge: a code, a new password (and attributes), an MFA choice, a
        way to sign in (SELECT_CHALLENGE; `attributes` holds the PASSWORD it needs), or
        a passkey (WEB_AUTHN: the authenticator is asked, `answer` is unused)."""
        responses = {"USERNAME": challenge.username}
        session = challenge.session
        srp = None
        if challenge.name == "SELECT_CHALLENGE":
            responses["ANSWER"] = answer
            password = (attributes or {}).get("PASSWORD", "")
            if answer == "PASSWORD":
                responses["PASSWORD"] = password
            elif answer == "PASSWORD_SRP":
                srp = self._srp(challenge.username, password)
                responses["SRP_A"] = srp.get_auth_params()["SRP_A"]
        elif challenge.name == "WEB_AUTHN":
            responses["CREDENTIAL"] = self._passkey_answer(challenge)
        elif challenge.name in CODE_CHALLENGES:
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
        return self._after_srp(srp, reply, challenge.username)

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
        available = reply.get("AvailableChallenges") or []
        if not isinstance(available, list) or not all(isinstance(a, str) for a in available):
            from cogtui.replies import not_understood

            raise not_understood(self.cognito.where)
        challenge = Challenge(
            name=name,
            session=reply.get("Session"),
            username=parameters.get("USERNAME") or parameters.get("USER_ID_FOR_SRP") or username,
            parameters=parameters,
            available=tuple(available),
        )
        if name == "DEVICE_SRP_AUTH":
            return self._prove_device(challenge)
        if name not in CHALLENGES:
            raise errors.Unsupported(
                f"Cognito asked for a {name} challenge, which cogtui cannot answer."
            )
        if name == "MFA_SETUP":
            return self._start_totp_setup(challenge)
        if name == "SELECT_CHALLENGE" and not challenge.choices:
            offered = ", ".join(challenge.available) or "nothing"
            raise errors.Unsupported(
                f"Cognito offers no way to sign in that cogtui can do (it offers {offered})."
            )
        return challenge

    # -- this machine as a device -----------------------------------------------------------
    def _prove_device(self, challenge: Challenge) -> Outcome:
        """DEVICE_SRP_AUTH, then DEVICE_PASSWORD_VERIFIER, with the device's SRP."""
        from cogtui.devices import DeviceProof
        from cogtui.replies import not_understood

        if self._device is None or not self._device.provable:
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
        # The tokens are bound to this key from now on: a refresh must name it, so it is
        # kept even when the device is not registered (then without its password).
        key_only = replace(device, password="")
        if self.vault.in_memory:  # gone when this run ends: never registered, never asked
            return self._keep_device(signed_in, key_only)
        replaced = self.vault.device_for(signed_in.username, exact_user=True)
        try:
            ask = self.call(
                lambda token: self.cognito.confirm_device(
                    token, device.key, verifier, device_name(self.settings)
                )
            )
        except errors.CogtuiError as error:
            reason = error.message.rstrip(".")
            notice = f"Signed in, but this device could not be registered: {reason}."
            return self._keep_device(replace(signed_in, notice=notice), key_only)
        if replaced is not None and replaced.key != device.key:
            self._forget_replaced(replaced)
        return self._keep_device(replace(signed_in, ask_remember=ask), device)

    def _keep_device(self, signed_in: SignedIn, device: DeviceMaterial) -> SignedIn:
        """Keep the device in the vault; a keyring failure is a notice, not a failed sign-in."""
        try:
            self.vault.keep_device(device)
        except errors.CogtuiError as error:
            reason = error.message.rstrip(".")
            notice = f"Signed in, but this device's key could not be stored: {reason}."
            return replace(signed_in, ask_remember=False, notice=notice)
        self._device = device if device.provable else None
        return signed_in

    def _forget_replaced(self, old: DeviceMaterial) -> None:
        """This machine signed in under another name and became a new device: the one it
        was before is forgotten, so the list holds no device whose password is gone."""
        # A device that lingers on the list is no harm: the sign-in stands either way.
        with contextlib.suppress(errors.CogtuiError):
            self.call(lambda token: self.cognito.forget_device(token, old.key))

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
