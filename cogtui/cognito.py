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
from collections.abc import Callable, Mapping, Sequence
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
        if not isinstance(secret, str) or not secret or not isinstance(new_session, str):
            raise not_understood(self.where)
        return secret, new_session

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
        reply = self._send("GetUser", {"AccessToken": access_token})
        items, username = reply.get("UserAttributes"), reply.get("Username")
        if not isinstance(username, str) or not isinstance(items, list):
            raise not_understood(self.where)
        attributes = {}
        for item in items:
            name = item.get("Name") if isinstance(item, dict) else None
            value = item.get("Value", "") if isinstance(item, dict) else None
            if not isinstance(name, str) or not isinstance(value, str):
                raise not_understood(self.where)
            attributes[name] = value
        return User(username=username, attributes=attributes)

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
                time.sleep(random.uniform(0, min(20.0, 2.0**attempt)))
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
            raise self._failure(
                map_client_error(reply, operation, attributes), failure.code
            ) from None
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
                raise self._failure(map_client_error(error.response, operation), status) from None
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


def opener(connect_timeout: float, read_timeout: float, url: str) -> Any:
    """A urllib opener: connect and read timed apart, proxies from the environment (as
    botocore reads them), and for https the CA bundle botocore would use."""
    import http.client
    import urllib.request

    class Timed(http.client.HTTPConnection):
        def connect(self) -> None:
            self.timeout = connect_timeout
            super().connect()
            self.sock.settimeout(read_timeout)

    class TimedHTTPS(Timed, http.client.HTTPSConnection):
        pass

    class HTTPHandler(urllib.request.HTTPHandler):
        def http_open(self, req: Any) -> Any:
            return self.do_open(Timed, req)

    handlers: list[Any] = [HTTPHandler()]
    if url.startswith("https:"):
        import ssl

        context = ssl.create_default_context(cafile=ca_bundle())

        class HTTPSHandler(urllib.request.HTTPSHandler):
            def https_open(self, req: Any) -> Any:
                return self.do_open(TimedHTTPS, req, context=context)

        handlers.append(HTTPSHandler(context=context))
    return urllib.request.build_opener(*handlers)


def ca_bundle() -> str | None:
    """AWS_CA_BUNDLE, else what botocore trusts: certifi's bundle, else its own cacert.pem."""
    if os.environ.get("AWS_CA_BUNDLE"):
        return os.environ["AWS_CA_BUNDLE"]
    try:
        import certifi

        return str(certifi.where())
    except ImportError:
        pass
    import importlib.util

    spec = importlib.util.find_spec("botocore")  # found without importing botocore
    if spec and spec.origin:
        bundle = os.path.join(os.path.dirname(spec.origin), "cacert.pem")
        if os.path.exists(bundle):
            return bundle
    return None


def json_reply(body: bytes, where: str) -> dict[str, Any]:
    """A 200 reply's JSON object; anything else (empty, truncated, not UTF-8) is refused."""
    try:
        parsed = json.loads(body or b"{}")
    except ValueError:  # UnicodeDecodeError is one too
        raise not_understood(where) from None
    if not isinstance(parsed, dict):
        raise not_understood(where)
    return parsed


def auth_reply(reply: Mapping[str, Any], where: str) -> dict[str, Any]:
    """A sign-in reply, checked: tokens or a challenge, each of the types AWS sends."""
    result = reply.get("AuthenticationResult")
    if result is not None:
        tokens = (
            (result.get("IdToken"), result.get("AccessToken")) if isinstance(result, dict) else ()
        )
        if not tokens or not all(isinstance(token, str) and token for token in tokens):
            raise not_understood(where)
        refresh = result.get("RefreshToken")
        if refresh is not None and not isinstance(refresh, str):
            raise not_understood(where)
        return dict(reply)
    parameters = reply.get("ChallengeParameters") or {}
    session = reply.get("Session")
    if (
        not isinstance(reply.get("ChallengeName"), str)
        or not isinstance(parameters, dict)
        or not all(isinstance(k, str) and isinstance(v, str) for k, v in parameters.items())
        or (session is not None and not isinstance(session, str))
    ):
        raise not_understood(where)
    return dict(reply)


def not_understood(where: str) -> errors.NetworkError:
    return errors.NetworkError(NOT_UNDERSTOOD.format(where=where), "")


def is_loopback(endpoint_url: str | None) -> bool:
    """Whether the endpoint is on this machine (a local emulator)."""
    from urllib.parse import urlparse

    try:
        host = urlparse(endpoint_url or "").hostname or ""
    except ValueError:
        return False
    return host == "localhost" or host.startswith("127.") or host == "::1"


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
        retries={"mode": "standard", "total_max_attempts": 1},  # `_attempts` retries
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
        verify=ca_bundle(),
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
    if "attempts exceeded" in lowered:  # a lockout, not a typo
        return errors.TooManyAttempts(
            "Too many failed sign-in attempts: Cognito has locked this account for a while; "
            "wait, then try again.",
            code,
        )
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
