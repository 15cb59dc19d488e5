"""A deterministic stand-in for CognitoClient: fixed replies, fixed (fake, far-future) JWTs.

Snapshots must be the same on every machine and must never show a token: these JWTs are
signed with a throwaway HMAC key, expire in 2100, and are never rendered by the app.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

import jwt

from cogtui import errors
from cogtui.cognito import CodeDelivery, Device, Passkey, User
from cogtui.config import Settings
from cogtui.replies import map_client_error
from cogtui.session import Session
from cogtui.vault import DeviceMaterial, MemoryStore, Tokens, Vault

POOL_ID = "eu-west-1_Snapshot1"
CLIENT_ID = "4snapshotclient00000000000"
USERNAME = "ada"
PASSWORD = "Correct-Horse-9"
CODE = "246810"
FAR_FUTURE = 4102444800  # 2100-01-01
THIS_DEVICE = DeviceMaterial(
    USERNAME, "eu-west-1_0a1b2c3d-0000-4000-8000-000000000003", "-group", "fake-device-password"
)
DEVICES = [  # what ListDevices answers: two other machines, then this one
    Device(
        "eu-west-1_0a1b2c3d-0000-4000-8000-000000000001",
        "office desktop",
        False,
        1_735_000_000.0,
        1_760_000_000.0,
        "203.0.113.7",
    ),
    Device(
        "eu-west-1_0a1b2c3d-0000-4000-8000-000000000002",
        "phone",
        True,
        1_740_000_000.0,
        1_763_000_000.0,
        "2001:db8::1",
    ),
    Device(THIS_DEVICE.key, "ada-laptop", True, 1_764_000_000.0, 1_764_500_000.0, "198.51.100.4"),
]
PASSKEYS = [
    Passkey(
        "q2Zz0l3v2oH4b9mWm4y0LQ",
        "YubiKey 5 NFC",
        "auth.example.com",
        "cross-platform",
        ("usb", "nfc"),
        1_762_000_000.0,
    ),
]
SIGNING_KEY = "a-throwaway-key-for-fake-test-tokens"  # not a secret: fake tokens only
TOTP_SECRET = "FAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE"  # shown by the TOTP setup screen, on purpose
ATTRIBUTES = {
    "sub": "00000000-aaaa-bbbb-cccc-000000000001",
    "given_name": "Ada",
    "family_name": "Lovelace",
    "nickname": "countess",
    "email": "ada@example.com",
    "email_verified": "true",
    "phone_number": "+15555550123",
    "phone_number_verified": "false",
    "birthdate": "1815-12-10",
    "custom:team": "engines",
}


def fake_tokens(username: str = USERNAME) -> Tokens:
    issuer = f"https://cognito-idp.eu-west-1.amazonaws.com/{POOL_ID}"
    common = {"sub": ATTRIBUTES["sub"], "iss": issuer, "exp": FAR_FUTURE, "iat": 1700000000}
    access = {**common, "token_use": "access", "client_id": CLIENT_ID, "username": username}
    id_claims = {**common, "token_use": "id", "aud": CLIENT_ID, "cognito:username": username}
    return Tokens(
        jwt.encode(id_claims, SIGNING_KEY, algorithm="HS256"),
        jwt.encode(access, SIGNING_KEY, algorithm="HS256"),
        "fake-refresh-token",
    )


class FakeCognito:
    """The CognitoClient surface the app uses, answering from memory."""

    def __init__(
        self,
        attributes: Mapping[str, str] | None = None,
        challenges: list[dict[str, Any]] | None = None,
    ) -> None:
        self.attributes = dict(ATTRIBUTES if attributes is None else attributes)
        self.challenges = list(challenges or [])  # returned in turn after the password
        self.calls: list[tuple[str, Any]] = []
        self.client_id = CLIENT_ID
        self.needs_secret = False  # answer like an app client that has a secret
        self.new_device = False  # hand out NewDeviceMetadata at sign-in
        self.refusals: dict[str, list[str]] = {}  # operation -> AWS error codes, in turn
        self.gate = threading.Event()  # clear it to hold every call in flight until set
        self.gate.set()

    def refuse(self, operation: str, *codes: str) -> None:
        """Answer the next calls of `operation` with these AWS error codes, one each."""
        self.refusals.setdefault(operation, []).extend(codes)

    def _answer(self, operation: str, detail: Any = None) -> None:
        """Record the call, then answer once the gate is open (as a slow network would)."""
        self.calls.append((operation, detail))
        if not self.gate.wait(timeout=10):
            raise errors.NetworkError("The fake held this call too long.")

    def _maybe_refuse(self, operation: str, attribute: str) -> None:
        if self.refusals.get(operation):
            code = self.refusals[operation].pop(0)
            reply = {"Error": {"Code": code, "Message": f"{code} for {attribute}"}}
            raise map_client_error(reply, operation, [attribute])

    def _signed_in(self) -> dict[str, Any]:
        if self.challenges:
            return self.challenges.pop(0)
        tokens = fake_tokens()
        result = {
            "IdToken": tokens.id_token,
            "AccessToken": tokens.access_token,
            "RefreshToken": tokens.refresh_token,
        }
        if self.new_device:  # a pool that tracks devices: this sign-in makes one
            result["NewDeviceMetadata"] = {"DeviceKey": THIS_DEVICE.key, "DeviceGroupKey": "-group"}
        return {"AuthenticationResult": result}

    def initiate_auth(self, flow: str, parameters: Mapping[str, str]) -> dict[str, Any]:
        self._answer("InitiateAuth", flow)
        if flow == "REFRESH_TOKEN_AUTH":
            return self._signed_in()
        if self.needs_secret and "SECRET_HASH" not in parameters:
            raise errors.ClientSecretRequired(
                "This app client needs its client secret, and the one given is missing or wrong."
            )
        if parameters.get("USERNAME") != USERNAME:
            raise errors.WrongCredentials("There is no user with that username in this pool.")
        if parameters.get("PASSWORD") != PASSWORD:
            raise errors.WrongCredentials("Incorrect username or password.")
        return self._signed_in()

    def respond_to_auth_challenge(
        self, name: str, session: str | None, responses: Mapping[str, str]
    ) -> dict[str, Any]:
        self._answer("RespondToAuthChallenge", name)
        code = responses.get(f"{name}_CODE") or responses.get("SOFTWARE_TOKEN_MFA_CODE")
        if code is not None and code != CODE:
            raise errors.CodeMismatch("That code is not correct; check it and try again.")
        return self._signed_in()

    def associate_software_token(self, session: str) -> tuple[str, str]:
        return TOTP_SECRET, "fake-session-2"

    def verify_software_token(self, session: str, code: str) -> str:
        if code != CODE:
            raise errors.CodeMismatch("That code is not correct; check it and try again.")
        return "fake-session-3"

    def get_user(self, access_token: str) -> User:
        self._answer("GetUser", None)
        return User(USERNAME, dict(self.attributes), self.mfa_enabled, self.mfa_preferred)

    def update_user_attributes(
        self,
        access_token: str,
        attributes: Mapping[str, str],
        client_metadata: Mapping[str, str] | None = None,
    ) -> list[CodeDelivery]:
        self._answer("UpdateUserAttributes", dict(attributes))
        deliveries = []
        for name, value in attributes.items():
            if name == "email":  # kept at the old value until verified, as AWS can
                deliveries.append(CodeDelivery("email", "a***@n***", "email"))
            elif value:
                self.attributes[name] = value
            else:
                self.attributes.pop(name, None)
        return deliveries

    def get_user_attribute_verification_code(
        self,
        access_token: str,
        attribute: str,
        client_metadata: Mapping[str, str] | None = None,
    ) -> CodeDelivery:
        self._answer("GetUserAttributeVerificationCode", attribute)
        self._maybe_refuse("GetUserAttributeVerificationCode", attribute)
        if attribute == "phone_number":
            return CodeDelivery("phone_number", "+*******0123", "sms")
        return CodeDelivery(attribute, "a***@e***", "email")

    def verify_user_attribute(self, access_token: str, attribute: str, code: str) -> None:
        self._answer("VerifyUserAttribute", attribute)
        self._maybe_refuse("VerifyUserAttribute", attribute)
        if code != CODE:
            raise errors.CodeMismatch("That code is not correct; check it and try again.")
        self.attributes[f"{attribute}_verified"] = "true"

    def global_sign_out(self, access_token: str) -> None:
        self._answer("GlobalSignOut", None)

    # -- security (for the snapshots; the flows are tested on moto and cognito-local) -----
    mfa_enabled: tuple[str, ...] = ("totp",)
    mfa_preferred: str | None = "totp"

    def set_mfa_preference(self, access_token: str, settings: Mapping[str, Any]) -> None:
        self._answer("SetUserMFAPreference", dict(settings))

    def associate_totp(self, access_token: str) -> str:
        self._answer("AssociateSoftwareToken", None)
        return TOTP_SECRET

    def verify_totp(self, access_token: str, code: str, device_name: str) -> None:
        self._answer("VerifySoftwareToken", device_name)

    # -- devices (for the snapshots; the flows are tested against the device stand-in) -----
    devices: list[Device] = DEVICES

    def list_devices(
        self, access_token: str, page: str | None = None, limit: int = 60
    ) -> tuple[list[Device], str | None]:
        self._answer("ListDevices", page)
        self._maybe_refuse("ListDevices", "")
        return list(self.devices), None

    def update_device_status(self, access_token: str, key: str, remembered: bool) -> None:
        self._answer("UpdateDeviceStatus", (key, remembered))

    def forget_device(self, access_token: str, key: str) -> None:
        self._answer("ForgetDevice", key)
        self.devices = [d for d in self.devices if d.key != key]

    # -- passkeys (for the snapshots; the flows are tested against the passkey stand-in) ----
    passkeys: list[Passkey] = PASSKEYS

    def list_passkeys(
        self, access_token: str, page: str | None = None
    ) -> tuple[list[Passkey], str | None]:
        self._answer("ListWebAuthnCredentials", page)
        self._maybe_refuse("ListWebAuthnCredentials", "")
        return list(self.passkeys), None

    def start_passkey_registration(self, access_token: str) -> dict[str, Any]:
        self._answer("StartWebAuthnRegistration", None)
        return {
            "challenge": "Y2hhbGxlbmdlLWZvci1zbmFwc2hvdHM",
            "rp": {"id": "auth.example.com", "name": "Example"},
            "user": {"id": "YWRh", "name": USERNAME, "displayName": USERNAME},
            "pubKeyCredParams": [{"type": "public-key", "alg": -7}],
        }

    def complete_passkey_registration(self, access_token: str, credential: Any) -> None:
        self._answer("CompleteWebAuthnRegistration", None)

    def delete_passkey(self, access_token: str, credential_id: str) -> None:
        self._answer("DeleteWebAuthnCredential", credential_id)
        self.passkeys = [p for p in self.passkeys if p.id != credential_id]

    def confirm_device(self, access_token: str, key: str, verifier: Any, name: str) -> bool:
        self._answer("ConfirmDevice", name)
        return True


def fake_settings(**extra: Any) -> Settings:
    return Settings(
        user_pool_id=POOL_ID,
        client_id=CLIENT_ID,
        region="eu-west-1",
        auth_flow="password",
        use_keyring=False,
        **extra,
    )


class KeyringLike:
    """A store in memory that is not the `--no-keyring` one: the app treats it as a keyring
    that lasts (so it registers this machine as a device and asks to remember it)."""

    def __init__(self) -> None:
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username), None)


def fake_session(
    cognito: FakeCognito | None = None, signed_in: bool = True, lasting: bool = False
) -> Session:
    """A session on the fake; with `signed_in`, fresh tokens are already stored; with
    `lasting`, in a store that outlives the run, as a keyring does."""
    settings = fake_settings()
    store = KeyringLike() if lasting else MemoryStore()
    vault = Vault(store, settings.user_pool_id, settings.client_id)
    if signed_in:
        vault.save_tokens(USERNAME, fake_tokens())
        vault.keep_device(THIS_DEVICE)
    return Session(settings, vault, cognito=cognito or FakeCognito())  # type: ignore[arg-type]
