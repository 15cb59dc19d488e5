"""The one door to Cognito: the only module that imports botocore; every call, one contract.

Sign-in calls go through botocore (standard retry mode; botocore's Stubber tests the
challenges that emulators lack). The signed-in user's calls, made at every start-up and by
every script, are one unsigned JSON POST each over urllib: importing botocore and building
its client takes about 0.17 s, more than a whole `cogtui get` may take. Neither is imported
until the first call, in a worker, so importing this module costs nothing on first paint.
"""

from __future__ import annotations

import json
import random
import re
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from cogtui import errors
from cogtui.records import CodeDelivery, Device, Passkey, User
from cogtui.replies import (
    NOT_UNDERSTOOD,
    auth_reply,
    error_reply,
    json_reply,
    map_client_error,
    map_transport_error,
    not_understood,
    secrets_in,
)
from cogtui.transport import botocore_client, is_loopback, opener

__all__ = [
    "CodeDelivery",
    "CognitoClient",
    "Device",
    "EmulatorAdmin",
    "Passkey",
    "User",
    "is_totp_secret",
]

# What botocore's standard retry mode retries: throttling, 5xx and transport failures.
RETRY_STATUSES = {500, 502, 503, 504}
RETRY_CODES = {"TooManyRequestsException", "ThrottlingException", "Throttling", "RequestTimeout"}
TARGET_PREFIX = "AWSCognitoIdentityProviderService."


class CognitoClient:
    """Unsigned calls to the user-pool APIs a signed-in user (or a signing-in one) may make."""

    def __init__(
        self,
        region: str,
        client_id: str,
        endpoint_url: str | None = None,
        max_attempts: int = 3,
        connect_timeout: float = 5,
        read_timeout: float = 20,
    ) -> None:
        self.client_id = client_id
        self.endpoint_url = endpoint_url
        self.region = region
        self.max_attempts = max_attempts
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self._botocore: Any = None
        self._urllib: Any = None

    @property
    def _client(self) -> Any:
        """botocore's client for the sign-in calls, made on first use."""
        if self._botocore is None:
            self._botocore = botocore_client(self)
        return self._botocore

    @property
    def where(self) -> str:
        return self.endpoint_url or f"Cognito in {self.region}"

    # -- sign-in ---------------------------------------------------------------------
    def initiate_auth(self, flow: str, parameters: Mapping[str, str]) -> dict[str, Any]:
        operation = "RefreshTokenAuth" if flow == "REFRESH_TOKEN_AUTH" else "InitiateAuth"
        request = {"AuthFlow": flow, "AuthParameters": dict(parameters), "ClientId": self.client_id}
        return auth_reply(self._boto("initiate_auth", operation, request), self.where)

    def respond_to_auth_challenge(
        self, name: str, session: str | None, responses: Mapping[str, str]
    ) -> dict[str, Any]:
        request: dict[str, Any] = {
            "ClientId": self.client_id,
            "ChallengeName": name,
            "ChallengeResponses": dict(responses),
        }
        if session:
            request["Session"] = session
        reply = self._boto("respond_to_auth_challenge", "RespondToAuthChallenge", request)
        return auth_reply(reply, self.where)

    def associate_software_token(self, session: str) -> tuple[str, str]:
        """Start TOTP setup during sign-in: returns (secret, new session)."""
        reply = self._boto(
            "associate_software_token", "AssociateSoftwareToken", {"Session": session}
        )
        secret, new_session = reply.get("SecretCode"), reply.get("Session", session)
        if not is_totp_secret(secret) or not isinstance(new_session, str):
            raise not_understood(self.where)
        return str(secret), new_session

    def verify_software_token(self, session: str, code: str) -> str:
        """Finish TOTP setup during sign-in: returns the session for the MFA_SETUP answer."""
        request = {"Session": session, "UserCode": code, "FriendlyDeviceName": "cogtui"}
        reply = self._boto("verify_software_token", "VerifySoftwareToken", request)
        if reply.get("Status") not in (None, "SUCCESS"):
            raise errors.CodeMismatch("That code is not correct; check it and try again.")
        new_session = reply.get("Session", session)
        if not isinstance(new_session, str):
            raise not_understood(self.where)
        return new_session

    # -- the signed-in user -------------------------------------------------------------
    def get_user(self, access_token: str) -> User:
        return User.from_reply(self._send("GetUser", {"AccessToken": access_token}), self.where)

    # -- security: password, MFA, the account ------------------------------------------
    def change_password(self, access_token: str, current: str, new: str) -> None:
        request = {
            "AccessToken": access_token,
            "PreviousPassword": current,
            "ProposedPassword": new,
        }
        self._send("ChangePassword", request)

    def forgot_password(self, username: str, secret_hash: str | None = None) -> CodeDelivery:
        """Send a code to reset the password; where it went, masked as Cognito says."""
        request = {"ClientId": self.client_id, "Username": username}
        if secret_hash:
            request["SecretHash"] = secret_hash
        reply = self._send("ForgotPassword", request)
        return CodeDelivery.from_reply(reply.get("CodeDeliveryDetails") or {}, where=self.where)

    def confirm_forgot_password(
        self, username: str, code: str, new: str, secret_hash: str | None = None
    ) -> None:
        request = {
            "ClientId": self.client_id,
            "Username": username,
            "ConfirmationCode": code,
            "Password": new,
        }
        if secret_hash:
            request["SecretHash"] = secret_hash
        self._send("ConfirmForgotPassword", request)

    def set_mfa_preference(
        self, access_token: str, settings: Mapping[str, tuple[bool, bool]]
    ) -> None:
        """`settings`: {"sms"|"totp"|"email": (enabled, preferred)} for the methods to set."""
        fields = {"sms": "SMSMfaSettings", "totp": "SoftwareTokenMfaSettings"}
        fields["email"] = "EmailMfaSettings"
        request: dict[str, Any] = {"AccessToken": access_token}
        for method, (enabled, preferred) in settings.items():
            request[fields[method]] = {"Enabled": enabled, "PreferredMfa": preferred}
        self._send("SetUserMFAPreference", request)

    def associate_totp(self, access_token: str) -> str:
        """Start setting up an authenticator app for the signed-in user: the secret."""
        reply = self._send("AssociateSoftwareToken", {"AccessToken": access_token})
        secret = reply.get("SecretCode")
        if not is_totp_secret(secret):
            raise not_understood(self.where)
        return str(secret)

    def verify_totp(self, access_token: str, code: str, device_name: str) -> None:
        request = {"AccessToken": access_token, "UserCode": code}
        if device_name:
            request["FriendlyDeviceName"] = device_name
        reply = self._send("VerifySoftwareToken", request)
        if reply.get("Status") not in (None, "SUCCESS"):
            raise errors.CodeMismatch("That code is not correct; check it and try again.")

    # -- devices ------------------------------------------------------------------------
    def confirm_device(
        self, access_token: str, key: str, verifier: Mapping[str, str], name: str
    ) -> bool:
        """Register this device with its SRP verifier; True when the pool wants the user
        asked whether to remember it."""
        request = {
            "AccessToken": access_token,
            "DeviceKey": key,
            "DeviceSecretVerifierConfig": dict(verifier),
        }
        if name:
            request["DeviceName"] = name
        necessary = self._send("ConfirmDevice", request).get("UserConfirmationNecessary", False)
        if not isinstance(necessary, bool):
            raise not_understood(self.where)
        return necessary

    def update_device_status(self, access_token: str, key: str, remembered: bool) -> None:
        status = "remembered" if remembered else "not_remembered"
        request = {"AccessToken": access_token, "DeviceKey": key, "DeviceRememberedStatus": status}
        self._send("UpdateDeviceStatus", request)

    def list_devices(
        self, access_token: str, page: str | None = None, limit: int = 60
    ) -> tuple[list[Device], str | None]:
        """One page of the user's devices, and the token of the next page (None: the last)."""
        request: dict[str, Any] = {"AccessToken": access_token, "Limit": limit}
        if page:
            request["PaginationToken"] = page
        reply = self._send("ListDevices", request)
        items, following = reply.get("Devices") or [], reply.get("PaginationToken")
        if not isinstance(items, list) or not isinstance(following, str | None):
            raise not_understood(self.where)
        return [Device.from_reply(item, self.where) for item in items], following or None

    def forget_device(self, access_token: str, key: str) -> None:
        self._send("ForgetDevice", {"AccessToken": access_token, "DeviceKey": key})

    # -- passkeys -------------------------------------------------------------------------
    def start_passkey_registration(self, access_token: str) -> dict[str, Any]:
        """The WebAuthn creation options (JSON) for the user's authenticator."""
        reply = self._send("StartWebAuthnRegistration", {"AccessToken": access_token})
        options = reply.get("CredentialCreationOptions")
        if not isinstance(options, dict) or not isinstance(options.get("challenge"), str):
            raise not_understood(self.where)
        return options

    def complete_passkey_registration(self, access_token: str, credential: Any) -> None:
        request = {"AccessToken": access_token, "Credential": credential}
        self._send("CompleteWebAuthnRegistration", request)

    def list_passkeys(
        self, access_token: str, page: str | None = None
    ) -> tuple[list[Passkey], str | None]:
        """One page of the user's passkeys (at most 20), and the token of the next page."""
        request: dict[str, Any] = {"AccessToken": access_token, "MaxResults": 20}
        if page:
            request["NextToken"] = page
        reply = self._send("ListWebAuthnCredentials", request)
        items, following = reply.get("Credentials") or [], reply.get("NextToken")
        if not isinstance(items, list) or not isinstance(following, str | None):
            raise not_understood(self.where)
        return [Passkey.from_reply(item, self.where) for item in items], following or None

    def delete_passkey(self, access_token: str, credential_id: str) -> None:
        request = {"AccessToken": access_token, "CredentialId": credential_id}
        self._send("DeleteWebAuthnCredential", request)

    def delete_user(self, access_token: str) -> None:
        self._send("DeleteUser", {"AccessToken": access_token})

    def update_user_attributes(
        self,
        access_token: str,
        attributes: Mapping[str, str],
        client_metadata: Mapping[str, str] | None = None,
    ) -> list[CodeDelivery]:
        request: dict[str, Any] = {
            "AccessToken": access_token,
            "UserAttributes": [{"Name": n, "Value": v} for n, v in attributes.items()],
        }
        if client_metadata:
            request["ClientMetadata"] = dict(client_metadata)
        reply = self._send("UpdateUserAttributes", request, list(attributes))
        details = reply.get("CodeDeliveryDetailsList") or []
        if not isinstance(details, list):
            raise not_understood(self.where)
        return [CodeDelivery.from_reply(d, where=self.where) for d in details]

    def get_user_attribute_verification_code(
        self,
        access_token: str,
        attribute: str,
        client_metadata: Mapping[str, str] | None = None,
    ) -> CodeDelivery:
        request: dict[str, Any] = {"AccessToken": access_token, "AttributeName": attribute}
        if client_metadata:
            request["ClientMetadata"] = dict(client_metadata)
        reply = self._send("GetUserAttributeVerificationCode", request, [attribute])
        details = reply.get("CodeDeliveryDetails") or {}
        return CodeDelivery.from_reply(details, attribute, where=self.where)

    def verify_user_attribute(self, access_token: str, attribute: str, code: str) -> None:
        request = {"AccessToken": access_token, "AttributeName": attribute, "Code": code}
        self._send("VerifyUserAttribute", request, [attribute])

    def global_sign_out(self, access_token: str) -> None:
        self._send("GlobalSignOut", {"AccessToken": access_token})

    def revoke_token(self, refresh_token: str, client_secret: str | None = None) -> None:
        """Revoke a refresh token and the access tokens made from it."""
        request = {"Token": refresh_token, "ClientId": self.client_id}
        if client_secret:
            request["ClientSecret"] = client_secret
        self._send("RevokeToken", request)

    # -- one transport contract: timeouts, TLS trust, proxies, retries, one error net ------
    @property
    def url(self) -> str:
        if self.endpoint_url:
            return self.endpoint_url
        domain = "amazonaws.com.cn" if self.region.startswith("cn-") else "amazonaws.com"
        return f"https://cognito-idp.{self.region}.{domain}/"

    def _attempts(self, send: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        """Retry like botocore's standard mode: throttling, 5xx and transport failures,
        with jittered back-off. Both lanes use it (botocore's own retries are off)."""
        for attempt in range(1, self.max_attempts + 1):
            try:
                return send()
            except RetryableError as error:
                if attempt == self.max_attempts:
                    raise error.cause from None
                # An emulator on this machine needs no long back-off; AWS's is botocore's.
                scale = 0.05 if is_loopback(self.endpoint_url) else 1.0
                time.sleep(random.uniform(0, min(20.0, 2.0**attempt)) * scale)
        raise AssertionError("unreachable")

    def _send(
        self, operation: str, request: Mapping[str, Any], attributes: Sequence[str] = ()
    ) -> dict[str, Any]:
        """One unsigned JSON POST over the standard library, retried."""
        return self._attempts(lambda: self._post(operation, request, attributes))

    def _post(
        self, operation: str, request: Mapping[str, Any], attributes: Sequence[str]
    ) -> dict[str, Any]:
        import http.client
        import urllib.error
        import urllib.request

        http_request = urllib.request.Request(
            self.url,
            data=json.dumps(request).encode(),
            headers={
                "Content-Type": "application/x-amz-json-1.1",
                "X-Amz-Target": TARGET_PREFIX + operation,
                "User-Agent": "cogtui",
            },
            method="POST",
        )
        try:
            with self._opener().open(http_request, timeout=self.read_timeout) as answer:
                body = answer.read()
        except urllib.error.HTTPError as failure:
            try:
                error_body = failure.read()
            except (OSError, http.client.HTTPException):
                error_body = b""
            reply = error_reply(failure.code, dict(failure.headers.items()), error_body)
            error = map_client_error(reply, operation, attributes, secrets_in(request))
            raise self._failure(error, failure.code) from None
        except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as failure:
            # ValueError: urllib's word for a URL it cannot use.
            reason = getattr(failure, "reason", failure)
            raise RetryableError(map_transport_error(reason, self.where)) from None
        return json_reply(body, self.where)

    def _failure(self, error: errors.CognitoError, status: int) -> Exception:
        """The error as is, or wrapped as worth another attempt."""
        if isinstance(error, errors.Unsupported) and is_loopback(self.endpoint_url):
            return error  # an emulator's answer for an operation it lacks: asking again is no use
        if status in RETRY_STATUSES or error.code in RETRY_CODES:
            return RetryableError(error)
        return error

    def _opener(self) -> Any:
        """urllib's opener with separate connect and read timeouts and botocore's trust."""
        if self._urllib is None:
            self._urllib = opener(self.connect_timeout, self.read_timeout, self.url)
        return self._urllib

    def _boto(self, method: str, operation: str, request: Mapping[str, Any]) -> dict[str, Any]:
        """One botocore call (the sign-in calls), retried and mapped like the JSON lane."""
        from botocore.exceptions import BotoCoreError, ClientError

        def send() -> dict[str, Any]:
            try:
                reply = getattr(self._client, method)(**request)
            except ClientError as error:
                status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
                mapped = map_client_error(error.response, operation, hide=secrets_in(request))
                raise self._failure(mapped, status) from None
            except BotoCoreError as error:
                mapped = map_transport_error(error, self.where)
                if mapped.message.startswith(NOT_UNDERSTOOD.format(where=self.where)):
                    raise mapped from None
                raise RetryableError(mapped) from None
            except (ValueError, TypeError, KeyError, AttributeError, IndexError):
                raise not_understood(self.where) from None  # botocore choked on the reply
            if not isinstance(reply, dict):
                raise not_understood(self.where)
            return reply

        return self._attempts(send)


def is_totp_secret(value: object) -> bool:
    """A base32 key, as Cognito's SecretCode is: anything else is not shown or drawn."""
    return isinstance(value, str) and re.fullmatch(r"[A-Za-z2-7]{8,128}=*", value) is not None


class EmulatorAdmin:
    """The admin API of a local emulator, signed with made-up keys: only the demo uses it,
    to seed its pool (cogtui itself never makes an admin call)."""

    def __init__(self, endpoint_url: str, region: str, credentials: Mapping[str, str]) -> None:
        from botocore.config import Config
        from botocore.session import get_session

        self.where = endpoint_url
        config = Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=20)
        self._client = get_session().create_client(
            "cognito-idp",
            region_name=region,
            endpoint_url=endpoint_url,
            config=config,
            **credentials,
        )

    def call(self, method: str, **request: Any) -> dict[str, Any]:
        """One admin call; failures are domain errors with our sentences."""
        from botocore.exceptions import BotoCoreError, ClientError

        operation = "".join(part.title() for part in method.split("_"))
        try:
            return dict(getattr(self._client, method)(**request))
        except ClientError as error:
            raise map_client_error(error.response, operation) from None
        except BotoCoreError as error:
            raise map_transport_error(error, self.where) from None


class RetryableError(Exception):
    """A failure worth another attempt; `cause` is what the user hears if none is left."""

    def __init__(self, cause: errors.CognitoError) -> None:
        super().__init__(cause.message)
        self.cause = cause
