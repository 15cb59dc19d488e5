"""The one door to Cognito: the only module that imports botocore; it maps every error.

Sign-in calls go through botocore (standard retry mode; botocore's Stubber tests the
challenges that emulators lack). The signed-in user's calls, made at every start-up and by
every script, are one unsigned JSON POST each over urllib: importing botocore and building
its client takes about 0.17 s, more than a whole `cogtui get` may take. Neither is imported
until the first call, in a worker, so importing this module costs nothing on first paint.
"""

from __future__ import annotations

import json
import os
import random
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from cogtui import errors

# Three or more base64url parts joined by dots (JWTs; AWS's refresh tokens are JWEs of five,
# one of which may be empty), and UUIDs (moto's refresh tokens).
TOKEN_SHAPED = re.compile(
    r"[A-Za-z0-9_-]{8,}(?:\.(?:[A-Za-z0-9_-]{8,})?){2,}"
    r"|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)
SIGN_IN_OPERATIONS = {"InitiateAuth", "RespondToAuthChallenge"}
# What botocore's standard retry mode retries: throttling, 5xx and transport failures.
RETRY_STATUSES = {500, 502, 503, 504}
RETRY_CODES = {"TooManyRequestsException", "ThrottlingException", "Throttling", "RequestTimeout"}
TARGET_PREFIX = "AWSCognitoIdentityProviderService."
# botocore session variables as (config key, environment variable, default, conversion).
IGNORE_AWS_CONFIG = {
    "profile": (None, None, None, None),
    "config_file": (None, None, os.devnull, None),
}


def scrub(text: str) -> str:
    """Remove token-shaped text from a server message before it may be shown."""
    return TOKEN_SHAPED.sub("[redacted]", text).strip().rstrip(".")


@dataclass(frozen=True)
class CodeDelivery:
    """Where Cognito sent a verification code (the destination is masked by Cognito)."""

    attribute: str
    destination: str
    medium: str

    @classmethod
    def from_reply(cls, details: Mapping[str, str], attribute: str = "") -> CodeDelivery:
        return cls(
            attribute=details.get("AttributeName") or attribute,
            destination=details.get("Destination", ""),
            medium=details.get("DeliveryMedium", "").lower(),
        )


@dataclass(frozen=True)
class User:
    """What GetUser returns: the username and the attributes, in the server's order."""

    username: str
    attributes: dict[str, str]


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
        with self._mapped(operation):
            return dict(
                self._client.initiate_auth(
                    AuthFlow=flow, AuthParameters=dict(parameters), ClientId=self.client_id
                )
            )

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
        with self._mapped("RespondToAuthChallenge"):
            return dict(self._client.respond_to_auth_challenge(**request))

    def associate_software_token(self, session: str) -> tuple[str, str]:
        """Start TOTP setup during sign-in: returns (secret, new session)."""
        with self._mapped("AssociateSoftwareToken"):
            reply = self._client.associate_software_token(Session=session)
        return reply["SecretCode"], reply.get("Session", session)

    def verify_software_token(self, session: str, code: str) -> str:
        """Finish TOTP setup during sign-in: returns the session for the MFA_SETUP answer."""
        with self._mapped("VerifySoftwareToken"):
            reply = self._client.verify_software_token(
                Session=session, UserCode=code, FriendlyDeviceName="cogtui"
            )
        if reply.get("Status") not in (None, "SUCCESS"):
            raise errors.CodeMismatch("That code is not correct; check it and try again.")
        return str(reply.get("Session", session))

    # -- the signed-in user -------------------------------------------------------------
    def get_user(self, access_token: str) -> User:
        reply = self._send("GetUser", {"AccessToken": access_token})
        attributes = {item["Name"]: item.get("Value", "") for item in reply["UserAttributes"]}
        return User(username=reply["Username"], attributes=attributes)

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
        return [CodeDelivery.from_reply(d) for d in reply.get("CodeDeliveryDetailsList") or []]

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
        return CodeDelivery.from_reply(reply.get("CodeDeliveryDetails") or {}, attribute)

    def verify_user_attribute(self, access_token: str, attribute: str, code: str) -> None:
        request = {"AccessToken": access_token, "AttributeName": attribute, "Code": code}
        self._send("VerifyUserAttribute", request, [attribute])

    def global_sign_out(self, access_token: str) -> None:
        self._send("GlobalSignOut", {"AccessToken": access_token})

    # -- the JSON lane ------------------------------------------------------------------
    @property
    def url(self) -> str:
        if self.endpoint_url:
            return self.endpoint_url
        domain = "amazonaws.com.cn" if self.region.startswith("cn-") else "amazonaws.com"
        return f"https://cognito-idp.{self.region}.{domain}/"

    def _send(
        self, operation: str, request: Mapping[str, Any], attributes: Sequence[str] = ()
    ) -> dict[str, Any]:
        """One unsigned request, retried like botocore's standard mode retries."""
        for attempt in range(1, self.max_attempts + 1):
            try:
                return self._post(operation, request, attributes)
            except RetryableError as error:
                if attempt == self.max_attempts:
                    raise error.cause from None
                time.sleep(random.uniform(0, min(20.0, 2.0**attempt)))  # jittered back-off
        raise AssertionError("unreachable")

    def _post(
        self, operation: str, request: Mapping[str, Any], attributes: Sequence[str]
    ) -> dict[str, Any]:
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
            # One timeout covers connecting and reading: urllib has no separate connect one.
            with urllib.request.urlopen(http_request, timeout=self.read_timeout) as answer:
                body = answer.read()
        except urllib.error.HTTPError as failure:
            reply = error_reply(failure.code, failure.headers, failure.read())
            error = map_client_error(reply, operation, attributes)
            if failure.code in RETRY_STATUSES or error.code in RETRY_CODES:
                raise RetryableError(error) from None
            raise error from None
        except (urllib.error.URLError, OSError) as failure:
            reason = getattr(failure, "reason", failure)
            raise RetryableError(map_transport_error(reason, self.where)) from None
        try:
            return dict(json.loads(body or b"{}"))
        except ValueError:
            raise errors.NetworkError(NOT_UNDERSTOOD.format(where=self.where), "") from None

    # -- errors -------------------------------------------------------------------------
    @contextmanager
    def _mapped(self, operation: str, attributes: Sequence[str] = ()) -> Iterator[None]:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            yield
        except ClientError as error:
            raise map_client_error(error.response, operation, attributes) from None
        except BotoCoreError as error:
            raise map_transport_error(error, self.where) from None


def botocore_client(cognito: CognitoClient) -> Any:
    """An unsigned botocore client that never looks for AWS credentials or profiles."""
    import logging

    from botocore import UNSIGNED
    from botocore.config import Config
    from botocore.session import get_session

    # botocore's debug log prints request bodies, which hold tokens and passwords.
    for name in ("botocore", "urllib3"):
        logging.getLogger(name).setLevel(logging.WARNING)
    config = Config(
        signature_version=UNSIGNED,
        # botocore's "max_attempts" counts retries; "total_max_attempts" counts requests.
        retries={"mode": "standard", "total_max_attempts": cognito.max_attempts},
        connect_timeout=cognito.connect_timeout,
        read_timeout=cognito.read_timeout,
        user_agent_extra="cogtui",
    )
    # AWS_PROFILE and ~/.aws/config are never read: cogtui needs no AWS profile, and a
    # profile that does not exist (or a config file that does not parse) would otherwise
    # stop every call with botocore's ProfileNotFound.
    session = get_session(IGNORE_AWS_CONFIG)
    session.set_config_variable("credential_provider", "")  # never look for credentials
    return session.create_client(
        "cognito-idp",
        region_name=cognito.region,
        endpoint_url=cognito.endpoint_url,
        config=config,
    )


class RetryableError(Exception):
    """A failure worth another attempt; `cause` is what the user hears if none is left."""

    def __init__(self, cause: errors.CognitoError) -> None:
        super().__init__(cause.message)
        self.cause = cause


def error_reply(status: int, headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
    """An AWS JSON error answer in the shape botocore gives `ClientError.response`."""
    try:
        parsed = json.loads(body)
    except ValueError:  # an emulator's HTML page for an operation it lacks
        parsed = {}
    parsed = parsed if isinstance(parsed, dict) else {}
    # "__type" may be "prefix#Code"; the header form is "Code:http://...".
    code = str(parsed.get("__type") or headers.get("x-amzn-ErrorType") or "")
    code = code.split("#")[-1].split(":")[0]
    message = str(parsed.get("message") or parsed.get("Message") or "")
    return {
        "Error": {"Code": code, "Message": message},
        "ResponseMetadata": {"HTTPStatusCode": status},
    }


TIMED_OUT = "{where} did not answer in time; check your network and try again."
UNREACHABLE = "Cannot reach {where}; check your network connection and the endpoint URL."
NOT_UNDERSTOOD = "The answer from {where} could not be understood."


def map_transport_error(error: object, where: str) -> errors.CognitoError:
    """Connection, timeout and parsing failures (botocore's or urllib's) -> one sentence."""
    name = type(error).__name__
    if isinstance(error, TimeoutError) or "Timeout" in name:
        return errors.NetworkError(TIMED_OUT.format(where=where), name)
    # urllib gives an OSError (or a string) as the reason; botocore has its own classes.
    unreachable = any(part in name for part in ("Connect", "SSL", "Proxy"))
    if isinstance(error, OSError | str) or unreachable:
        return errors.NetworkError(UNREACHABLE.format(where=where), name)
    return errors.NetworkError(NOT_UNDERSTOOD.format(where=where), name)


def _attribute_named(message: str, attributes: Sequence[str]) -> str | None:
    """Which of the sent attributes a server message is about, when it says."""
    for name in sorted(attributes, key=len, reverse=True):
        # "user.custom:team: Attribute does not exist" ends the name with a colon.
        if re.search(rf"(?<![\w:]){re.escape(name)}(?!\w|:\w)", message):
            return name
    index = re.search(r"userAttributes\.(\d+)", message)  # AWS validation errors are 1-based
    if index and 0 < int(index.group(1)) <= len(attributes):
        return attributes[int(index.group(1)) - 1]
    if len(attributes) == 1:
        return attributes[0]
    return None


def _not_authorized(message: str, operation: str, attributes: Sequence[str]) -> errors.CognitoError:
    code = "NotAuthorizedException"
    lowered = message.lower()
    if "secret" in lowered:
        return errors.ClientSecretRequired(
            "This app client needs its client secret, and the one given is missing or wrong.",
            code,
        )
    if "disabled" in lowered:
        return errors.CognitoError("This user is disabled in the pool.", code)
    if operation in SIGN_IN_OPERATIONS:
        if "session" in lowered:  # the challenge session expired or was used up
            return errors.CodeExpired("This sign-in attempt has expired; sign in again.", code)
        return errors.WrongCredentials("Incorrect username or password.", code)
    if "attribute" in lowered:
        attribute = _attribute_named(message, attributes)
        which = f"{attribute!r}" if attribute else "one of these attributes"
        return errors.CognitoError(
            f"This app client may not change {which}; ask the pool's administrator.",
            code,
            attribute,
        )
    return errors.SessionExpired("Your session has expired or was signed out; sign in again.", code)


SENTENCES: dict[str, tuple[type[errors.CognitoError], str]] = {
    "UserNotFoundException": (
        errors.WrongCredentials,
        "There is no user with that username in this pool.",
    ),
    "UserNotConfirmedException": (
        errors.CognitoError,
        "This user is not confirmed yet; confirm the account with the sign-up code first.",
    ),
    "PasswordResetRequiredException": (
        errors.CognitoError,
        "This user must reset their password before signing in.",
    ),
    "CodeMismatchException": (
        errors.CodeMismatch,
        "That code is not correct; check it and try again.",
    ),
    "EnableSoftwareTokenMFAException": (
        errors.CodeMismatch,
        "That code is not correct; check your authenticator app and try again.",
    ),
    "ExpiredCodeException": (errors.CodeExpired, "That code has expired; send a new one."),
    "LimitExceededException": (
        errors.TooManyAttempts,
        "Too many attempts for now; wait a while, then try again.",
    ),
    "TooManyFailedAttemptsException": (
        errors.TooManyAttempts,
        "Too many wrong codes; wait a while, then try again.",
    ),
    "TooManyRequestsException": (
        errors.TooManyAttempts,
        "Cognito is limiting requests right now; wait a moment, then try again.",
    ),
    "AliasExistsException": (
        errors.CognitoError,
        "That email address or phone number already belongs to another account.",
    ),
    "CodeDeliveryFailureException": (
        errors.CognitoError,
        "The verification code could not be delivered; check the address or number.",
    ),
    "ResourceNotFoundException": (
        errors.CognitoError,
        "The user pool or app client does not exist; check --user-pool-id and --client-id.",
    ),
    "SoftwareTokenMFANotFoundException": (
        errors.CognitoError,
        "No authenticator app is set up for this user.",
    ),
    "MFAMethodNotFoundException": (
        errors.CognitoError,
        "This user has no MFA method that the pool allows.",
    ),
    "ForbiddenException": (errors.CognitoError, "A web ACL of this user pool blocked the request."),
}
# These carry a server message worth showing (after scrubbing).
WITH_SERVER_MESSAGE = {
    "InvalidParameterException": "Cognito rejected the request",
    "InvalidPasswordException": "The password does not meet the pool's policy",
    "UserLambdaValidationException": "The pool's Lambda trigger rejected the request",
    "InvalidLambdaResponseException": "The pool's Lambda trigger gave an invalid answer",
    "UnexpectedLambdaException": "The pool's Lambda trigger failed",
    "InvalidUserPoolConfigurationException": "The user pool is not configured for this",
    "InvalidEmailRoleAccessPolicyException": "The pool cannot send email",
    "InvalidSmsRoleAccessPolicyException": "The pool cannot send SMS",
    "InvalidSmsRoleTrustRelationshipException": "The pool cannot send SMS",
}


def map_client_error(
    reply: Mapping[str, Any], operation: str, attributes: Sequence[str] = ()
) -> errors.CognitoError:
    """A botocore error reply -> a domain error with our own sentence."""
    error = reply.get("Error", {})
    code = str(error.get("Code", ""))
    message = str(error.get("Message", ""))
    status = int(reply.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
    if code == "NotAuthorizedException":
        return _not_authorized(message, operation, attributes)
    if code == "InvalidPasswordException" and operation == "InitiateAuth":
        # cognito-local answers a wrong password this way; AWS says NotAuthorizedException.
        return errors.WrongCredentials("Incorrect username or password.", code)
    if code in SENTENCES:
        kind, sentence = SENTENCES[code]
        return kind(sentence, code, _attribute_named(message, attributes) if attributes else None)
    if code in WITH_SERVER_MESSAGE:
        attribute = _attribute_named(message, attributes) if attributes else None
        detail = scrub(message)
        about = f" for {attribute!r}" if attribute and attribute not in detail else ""
        sentence = WITH_SERVER_MESSAGE[code] + about + (f": {detail}." if detail else ".")
        return errors.CognitoError(sentence, code, attribute)
    unsupported = code.isdigit() or code in ("InternalFailure", "NotImplemented", "Unsupported")
    if unsupported or "unsupported" in message.lower() or (status in (500, 501) and not code):
        return errors.Unsupported(
            f"This server does not support {operation} (a local emulator may lack it).", code
        )
    return errors.CognitoError(
        f"Cognito refused {operation} ({code or status or 'no reason given'}); try again.", code
    )
