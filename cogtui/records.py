"""What Cognito's replies become: typed records, checked field by field on the way in."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cogtui.replies import not_understood


@dataclass(frozen=True)
class CodeDelivery:
    """Where Cognito sent a verification code (the destination is masked by Cognito)."""

    attribute: str
    destination: str
    medium: str

    def how_and_where(self) -> str:
        """ " by email to a***@e***.com", or as much of it as Cognito said."""
        how = {"email": " by email", "sms": " by text message"}.get(self.medium, "")
        return how + (f" to {self.destination}" if self.destination else "")

    @classmethod
    def from_reply(cls, details: object, attribute: str = "", where: str = "") -> CodeDelivery:
        """From a CodeDeliveryDetails object, checked: every field is text if present."""
        if not isinstance(details, dict):
            raise not_understood(where or "Cognito")
        found = {k: details.get(k, "") for k in ("AttributeName", "Destination", "DeliveryMedium")}
        if not all(isinstance(value, str) for value in found.values()):
            raise not_understood(where or "Cognito")
        return cls(
            attribute=found["AttributeName"] or attribute,
            destination=found["Destination"],
            medium=found["DeliveryMedium"].lower(),
        )


MFA_NAMES = {"SMS_MFA": "sms", "SOFTWARE_TOKEN_MFA": "totp", "EMAIL_OTP": "email"}


@dataclass(frozen=True)
class User:
    """What GetUser returns: the username, the attributes in the server's order, and the
    MFA methods turned on (`sms`, `totp`, `email`) with the preferred one."""

    username: str
    attributes: dict[str, str]
    mfa_enabled: tuple[str, ...] = ()
    mfa_preferred: str | None = None

    @classmethod
    def from_reply(cls, reply: Mapping[str, Any], where: str) -> User:
        """From a GetUser reply."""
        username = reply.get("Username")
        if not isinstance(username, str):
            raise not_understood(where)
        attributes = _pairs(reply.get("UserAttributes"), where)
        enabled, preferred = reply.get("UserMFASettingList") or [], reply.get("PreferredMfaSetting")
        if not isinstance(enabled, list) or not all(isinstance(m, str) for m in enabled):
            raise not_understood(where)
        if preferred is not None and not isinstance(preferred, str):
            raise not_understood(where)
        return cls(
            username=username,
            attributes=attributes,
            mfa_enabled=tuple(MFA_NAMES.get(str(m), str(m)) for m in enabled),
            mfa_preferred=MFA_NAMES.get(preferred, preferred) if preferred else None,
        )


# Cognito names the remembered status `dev:device_remembered_status`; older pools and some
# documentation drop the prefix.
REMEMBERED = ("dev:device_remembered_status", "device_remembered_status")


@dataclass(frozen=True)
class Device:
    """One of the user's devices, as ListDevices describes it (dates: seconds since 1970)."""

    key: str
    name: str = ""
    remembered: bool | None = None  # None: the server did not say
    created: float | None = None
    last_authenticated: float | None = None
    last_ip: str = ""

    @classmethod
    def from_reply(cls, item: object, where: str) -> Device:
        if not isinstance(item, dict) or not isinstance(item.get("DeviceKey"), str):
            raise not_understood(where)
        attributes = _pairs(item.get("DeviceAttributes") or [], where)
        status = next((attributes[n] for n in REMEMBERED if n in attributes), None)
        return cls(
            key=item["DeviceKey"],
            name=attributes.get("device_name", ""),
            remembered={"remembered": True, "not_remembered": False}.get(status or ""),
            created=_date(item, "DeviceCreateDate", where),
            last_authenticated=_date(item, "DeviceLastAuthenticatedDate", where),
            last_ip=attributes.get("last_ip_used", ""),
        )


@dataclass(frozen=True)
class Passkey:
    """One of the user's passkeys, as ListWebAuthnCredentials describes it."""

    id: str
    name: str = ""
    relying_party: str = ""
    attachment: str = ""  # platform or cross-platform
    transports: tuple[str, ...] = ()
    created: float | None = None

    @classmethod
    def from_reply(cls, item: object, where: str) -> Passkey:
        if not isinstance(item, dict) or not isinstance(item.get("CredentialId"), str):
            raise not_understood(where)
        texts = {
            name: item.get(name) or ""
            for name in ("FriendlyCredentialName", "RelyingPartyId", "AuthenticatorAttachment")
        }
        transports = item.get("AuthenticatorTransports") or []
        if not all(isinstance(value, str) for value in texts.values()):
            raise not_understood(where)
        if not isinstance(transports, list) or not all(isinstance(t, str) for t in transports):
            raise not_understood(where)
        return cls(
            id=item["CredentialId"],
            name=texts["FriendlyCredentialName"],
            relying_party=texts["RelyingPartyId"],
            attachment=texts["AuthenticatorAttachment"],
            transports=tuple(transports),
            created=_date(item, "CreatedAt", where),
        )


def _date(item: Mapping[str, Any], name: str, where: str) -> float | None:
    value = item.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise not_understood(where)
    return float(value)


def _pairs(items: object, where: str) -> dict[str, str]:
    """[{"Name": ..., "Value": ...}, ...] as a dict, in the server's order."""
    if not isinstance(items, list):
        raise not_understood(where)
    found: dict[str, str] = {}
    for item in items:
        name = item.get("Name") if isinstance(item, dict) else None
        value = item.get("Value", "") if isinstance(item, dict) else None
        if not isinstance(name, str) or not isinstance(value, str):
            raise not_understood(where)
        found[name] = value
    return found
