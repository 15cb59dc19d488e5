"""Signing-in security for the session's user: the password, a forgotten one, MFA (with
an authenticator app), devices, and deleting the account. Every call goes through the session
(fresh tokens, one retry after a refresh) to the one module that talks to Cognito."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from cogtui import errors
from cogtui.session import Session, secret_hash

if TYPE_CHECKING:
    from cogtui.cognito import CodeDelivery, CognitoClient, Device, Passkey

METHODS = ("sms", "totp", "email")
METHOD_NAMES = {"sms": "text message (SMS)", "totp": "authenticator app", "email": "email"}
MAX_PAGES = 200  # 60 devices a page: a server that pages on past this is not making sense


@dataclass(frozen=True)
class Mfa:
    """The MFA methods turned on for the user, and the preferred one."""

    enabled: tuple[str, ...]
    preferred: str | None


def otpauth_uri(secret: str, account: str, issuer: str) -> str:
    """The Key Uri Format authenticator apps read: otpauth://totp/ISSUER:ACCOUNT?..."""
    label = quote(f"{issuer}:{account}", safe=":@")
    return f"otpauth://totp/{label}?" + urlencode({"secret": secret, "issuer": issuer})


class Security:
    """What the Security screen and the security commands do, on one session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    @property
    def cognito(self) -> CognitoClient:
        return self.session.cognito

    # -- the password ---------------------------------------------------------------------
    def change_password(self, current: str, new: str) -> None:
        self.session.call(lambda token: self.cognito.change_password(token, current, new))

    def _hash(self, username: str) -> str | None:
        secret = self.session.client_secret()
        return secret_hash(secret, username, self.session.settings.client_id) if secret else None

    def forgot_password(self, username: str) -> CodeDelivery:
        """Ask Cognito to send a reset code; where it went (masked as Cognito says)."""
        return self.cognito.forgot_password(username, self._hash(username))

    def confirm_forgot_password(self, username: str, code: str, new: str) -> None:
        self.cognito.confirm_forgot_password(username, code.strip(), new, self._hash(username))

    # -- MFA ----------------------------------------------------------------------------
    def mfa(self) -> Mfa:
        user = self.session.get_user()
        return Mfa(tuple(user.mfa_enabled), user.mfa_preferred)

    def set_mfa(self, method: str, enabled: bool, preferred: bool = False) -> None:
        if method not in METHODS:
            raise errors.UsageError(f"{method} is not an MFA method: use sms, totp or email.")
        if enabled and not preferred:  # turning on what is preferred keeps it preferred
            preferred = self.mfa().preferred == method
        settings = {method: (enabled, preferred and enabled)}
        self.session.call(lambda token: self.cognito.set_mfa_preference(token, settings))

    def start_totp(self) -> str:
        """The secret of a new authenticator app; not on until `finish_totp`."""
        return self.session.call(self.cognito.associate_totp)

    def finish_totp(self, code: str, device_name: str = "") -> None:
        """Check the app's first code, then turn TOTP on and make it preferred."""
        code = code.replace(" ", "")
        self.session.call(lambda token: self.cognito.verify_totp(token, code, device_name))
        self.set_mfa("totp", enabled=True, preferred=True)

    # -- devices --------------------------------------------------------------------------
    def devices(self) -> list[Device]:
        """Every device of the user (ListDevices gives up to 60 at a time)."""
        return self._every_page(self.cognito.list_devices, lambda device: device.key)

    def _every_page(self, page_of: Callable[..., Any], key: Callable[[Any], str]) -> list[Any]:
        """Every item of a paginated list, each once (one listed twice, because the list
        changed between pages, is kept once); a token seen before, or no last page in
        sight, is an answer that makes no sense."""
        found: dict[str, Any] = {}
        page: str | None = None
        seen: set[str] = set()
        while True:
            items, page = self.session.call(partial(page_of, page=page))
            found.update((key(item), item) for item in items)
            if page is None:
                return list(found.values())
            if page in seen or len(seen) >= MAX_PAGES:
                from cogtui.replies import not_understood

                raise not_understood(self.cognito.where)
            seen.add(page)

    def this_device(self) -> str | None:
        """The key of this machine's device, when it is one of the user's."""
        device = self.session.device()
        return device.key if device else None

    def set_remembered(self, key: str, remembered: bool) -> None:
        self.session.call(lambda token: self.cognito.update_device_status(token, key, remembered))

    def forget_device(self, key: str) -> None:
        """ForgetDevice; when it is this machine, its material leaves the vault too."""
        self.session.call(lambda token: self.cognito.forget_device(token, key))
        device = self.session.device()
        if device is not None and device.key == key:
            self.session.vault.forget_device(device.username)

    def forget_this_device(self) -> str:
        """Forget this machine's device; its key (UsageError when it is none)."""
        key = self.this_device()
        if key is None:
            raise errors.UsageError("This machine is not one of your devices: nothing to forget.")
        self.forget_device(key)
        return key

    # -- passkeys ------------------------------------------------------------------------
    def passkeys(self) -> list[Passkey]:
        """Every passkey of the user (ListWebAuthnCredentials gives 20 at a time)."""
        return self._every_page(self.cognito.list_passkeys, lambda passkey: passkey.id)

    def add_passkey(self, cancel: threading.Event | None = None) -> None:
        """StartWebAuthnRegistration, the security key makes the credential (a touch),
        CompleteWebAuthnRegistration. `cancel` set gives up on the touch."""
        from cogtui import passkeys

        options = self.session.call(self.cognito.start_passkey_registration)
        rp = options.get("rp")
        rp_id = rp.get("id") if isinstance(rp, dict) else None
        if not isinstance(rp_id, str) or not rp_id:
            from cogtui.replies import not_understood

            raise not_understood(self.cognito.where)
        credential = passkeys.default_authenticator().register(
            options, passkeys.origin_for(rp_id), cancel or threading.Event()
        )
        if cancel is not None and cancel.is_set():  # touched, but the user had stopped
            from cogtui.passkeys import AuthenticatorCancelled

            raise AuthenticatorCancelled("Stopped waiting for the security key.")
        self.session.call(
            lambda token: self.cognito.complete_passkey_registration(token, credential)
        )

    def delete_passkey(self, credential_id: str) -> None:
        self.session.call(lambda token: self.cognito.delete_passkey(token, credential_id))

    # -- the account ----------------------------------------------------------------------
    def delete_account(self, typed_username: str) -> None:
        """DeleteUser, once the user has typed their username (or the name they sign in
        with); then every keyring item of theirs goes. A wrong name deletes nothing."""
        names = {self.session.username, self.session.login_name, self.session.display_name}
        if not typed_username.strip() or typed_username.strip() not in names - {None, ""}:
            raise errors.UsageError("That is not your username: nothing was deleted.")
        self.session.call(self.cognito.delete_user)
        if self.session.username:
            self.session.vault.forget_device(self.session.username)
        self.session.forget_here()
