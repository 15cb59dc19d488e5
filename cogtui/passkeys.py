"""Passkeys on a security key: one `Authenticator` interface, and its real implementation
over Yubico's `fido2` (CTAP2 over USB HID; no browser). The tests give the session a
software authenticator instead; nothing else in cogtui knows which one it has.

`fido2` is imported only when a key is used, never on a start-up path.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any, Protocol

from cogtui.errors import CogtuiError


class NoAuthenticator(CogtuiError):
    """No security key is plugged in (or it holds no passkey for this account)."""


class AuthenticatorCancelled(CogtuiError):
    """The user stopped waiting for the key."""


class Authenticator(Protocol):
    """Makes and uses passkeys. Both take WebAuthn's JSON options (base64url fields) and
    return WebAuthn's JSON response; `cancel` set means stop waiting for the touch."""

    def register(
        self, options: Mapping[str, Any], origin: str, cancel: threading.Event
    ) -> dict[str, Any]: ...

    def authenticate(
        self, options: Mapping[str, Any], origin: str, cancel: threading.Event
    ) -> dict[str, Any]: ...


KNOWN_TRANSPORTS = {"usb", "nfc", "ble", "hybrid", "internal"}  # what fido2 can encode


def usable(options: Mapping[str, Any]) -> dict[str, Any]:
    """Cognito's options, as a key can take them: transports fido2 does not know are
    dropped (it would fail to encode them), and user verification that is only
    "preferred" is "discouraged", so that a key with no PIN set (most are) is not refused
    for want of one (a PIN cogtui cannot ask for yet)."""
    found = dict(options)
    for listed in ("allowCredentials", "excludeCredentials"):
        if isinstance(found.get(listed), list):
            found[listed] = [_known(item) for item in found[listed]]
    if "rp" in found:  # creation options
        selection = found.get("authenticatorSelection")
        selection = dict(selection) if isinstance(selection, dict) else {}
        if selection.get("userVerification") != "required":
            found["authenticatorSelection"] = {**selection, "userVerification": "discouraged"}
    if found.get("userVerification", "preferred") != "required" and "rpId" in found:
        found["userVerification"] = "discouraged"
    return found


def _known(item: Any) -> Any:
    if isinstance(item, dict) and isinstance(item.get("transports"), list):
        return {**item, "transports": [t for t in item["transports"] if t in KNOWN_TRANSPORTS]}
    return item


def _parsed(kind: Any, options: dict[str, Any]) -> Any:
    try:
        return kind.from_dict(options)
    except (KeyError, ValueError, TypeError):  # binascii.Error is a ValueError
        raise CogtuiError("Cognito's passkey request could not be understood.") from None


def default_authenticator() -> Authenticator:
    """The authenticator cogtui uses: the security key. (The tests put theirs here.)"""
    return SecurityKey()


def origin_for(rp_id: str) -> str:
    """The origin Cognito expects for its relying party: https://RP_ID."""
    return f"https://{rp_id}"


class SecurityKey:
    """The first FIDO2 key on USB, through fido2's Fido2Client (which checks that the
    relying party belongs to the origin, as a browser does)."""

    def _client(self, origin: str) -> Any:
        from fido2.client import DefaultClientDataCollector, Fido2Client
        from fido2.hid import CtapHidDevice

        try:
            found = next(iter(CtapHidDevice.list_devices()), None)
        except OSError:
            found = None
        if found is None:
            raise NoAuthenticator(
                "No security key is plugged in (or this user may not open it: on Linux, "
                "a udev rule gives access to FIDO keys); plug one in and try again."
            )
        return Fido2Client(found, client_data_collector=DefaultClientDataCollector(origin))

    def register(
        self, options: Mapping[str, Any], origin: str, cancel: threading.Event
    ) -> dict[str, Any]:
        from fido2.webauthn import PublicKeyCredentialCreationOptions

        request = _parsed(PublicKeyCredentialCreationOptions, usable(options))
        return self._run(
            lambda client: client.make_credential(request, event=cancel), origin, True, cancel
        )

    def authenticate(
        self, options: Mapping[str, Any], origin: str, cancel: threading.Event
    ) -> dict[str, Any]:
        from fido2.webauthn import PublicKeyCredentialRequestOptions

        request = _parsed(PublicKeyCredentialRequestOptions, usable(options))
        return self._run(
            lambda client: client.get_assertion(request, event=cancel).get_response(0),
            origin,
            False,
            cancel,
        )

    def _run(
        self, use: Any, origin: str, registering: bool, cancel: threading.Event
    ) -> dict[str, Any]:
        import json

        from fido2.client import ClientError, PinRequiredError

        client = self._client(origin)
        try:
            response = use(client)
        except PinRequiredError:
            raise CogtuiError(
                "This security key asks for its PIN, which cogtui cannot ask for yet; "
                "use a key without a PIN."
            ) from None
        except ClientError as error:
            if error.code == ClientError.ERR.TIMEOUT:
                if cancel.is_set():
                    raise AuthenticatorCancelled("Stopped waiting for the security key.") from None
                raise AuthenticatorCancelled(
                    "The security key was not touched in time; try again."
                ) from None
            if error.code == ClientError.ERR.DEVICE_INELIGIBLE:
                raise NoAuthenticator(
                    "This security key already holds a passkey for this account."
                    if registering
                    else "This security key holds no passkey for this account."
                ) from None
            raise CogtuiError(f"The security key refused ({error.code.name}).") from None
        answer: dict[str, Any] = json.loads(json.dumps(dict(response)))
        return answer
