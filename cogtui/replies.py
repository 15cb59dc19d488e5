"""What Cognito answers, read with suspicion: good replies checked for shape, error
replies and transport failures mapped to our own sentences (a server's message is shown only
after scrubbing, and only for the codes where it helps). Pure: no botocore, no network."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from cogtui import errors

# Three or more base64url parts joined by dots (JWTs; AWS's refresh tokens are JWEs of five,
# one of which may be empty), and UUIDs (moto's refresh tokens).
TOKEN_SHAPED = re.compile(
    r"[A-Za-z0-9_-]{8,}(?:\.(?:[A-Za-z0-9_-]{8,})?){2,}"
    r"|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)
SIGN_IN_OPERATIONS = {"InitiateAuth", "RespondToAuthChallenge"}


# Request fields whose values a server must never get to show back to the user.
SECRET_FIELDS = {
    "PASSWORD",
    "SMS_OTP_CODE",
    "NEW_PASSWORD",
    "PREVIOUS_PASSWORD",
    "PreviousPassword",
    "ProposedPassword",
    "Password",
    "AccessToken",
    "REFRESH_TOKEN",
    "Token",
    "ClientSecret",
    "SECRET_HASH",
    "Session",
    "Code",
    "UserCode",
    "ConfirmationCode",
    "SMS_MFA_CODE",
    "SOFTWARE_TOKEN_MFA_CODE",
    "EMAIL_OTP_CODE",
    "PASSWORD_CLAIM_SIGNATURE",
    "PASSWORD_CLAIM_SECRET_BLOCK",
    "SRP_A",
}
ERROR_CODE = re.compile(r"[A-Za-z0-9_.]{1,64}")


def secrets_in(request: object) -> list[str]:
    """The values of the secret fields of a request, at any depth."""
    found: list[str] = []
    if isinstance(request, Mapping):
        for key, value in request.items():
            if key in SECRET_FIELDS and isinstance(value, str) and value:
                found.append(value)
            else:
                found.extend(secrets_in(value))
    elif isinstance(request, list | tuple):
        for item in request:
            found.extend(secrets_in(item))
    return found


def scrub(text: str, hide: Sequence[str] = ()) -> str:
    """Remove the request's secrets and token-shaped text from a server message before it
    may be shown (a server may echo the request: a password, a code)."""
    for secret in sorted(hide, key=len, reverse=True):
        text = text.replace(secret, "[redacted]")
    return TOKEN_SHAPED.sub("[redacted]", text).strip().rstrip(".")


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
    token_trouble = any(word in lowered for word in ("token", "expired", "revoked", "[redacted]"))
    if operation == "ChangePassword" and not token_trouble:
        # AWS: "Incorrect username or password."; moto names the user. An access token that
        # has expired or was revoked is said so (or echoed, and redacted).
        return errors.WrongCredentials("The current password is not correct.", code)
    if operation in ("ForgotPassword", "ConfirmForgotPassword"):
        why = f": {message}" if message else ""
        return errors.CognitoError(f"Cognito refused to reset the password{why}.", code)
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
    "WebAuthnNotEnabledException": (
        errors.CognitoError,
        "This user pool does not allow passkeys (its sign-in choices leave them out).",
    ),
    "WebAuthnChallengeNotFoundException": (
        errors.CognitoError,
        "Cognito no longer has that passkey request; start adding the passkey again.",
    ),
    "WebAuthnRelyingPartyMismatchException": (
        errors.CognitoError,
        "The passkey was made for another site than this user pool's.",
    ),
    "WebAuthnOriginNotAllowedException": (
        errors.CognitoError,
        "Cognito refused the passkey's origin; the pool's domain may not allow it.",
    ),
    "WebAuthnClientMismatchException": (
        errors.CognitoError,
        "The passkey request belongs to another app client.",
    ),
    "WebAuthnCredentialNotSupportedException": (
        errors.CognitoError,
        "Cognito does not accept this kind of passkey.",
    ),
    "WebAuthnConfigurationMissingException": (
        errors.CognitoError,
        "This user pool has no passkey settings (a relying party) yet.",
    ),
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
    reply: Mapping[str, Any],
    operation: str,
    attributes: Sequence[str] = (),
    hide: Sequence[str] = (),
) -> errors.CognitoError:
    """A botocore error reply -> a domain error with our own sentence; `hide` are the
    request's secrets, never to be shown even when the server echoes them."""
    error = reply.get("Error", {})
    error = error if isinstance(error, Mapping) else {}
    code = str(error.get("Code", ""))
    code = code if ERROR_CODE.fullmatch(code) else ("unknown" if code else "")
    message = scrub(str(error.get("Message", "")), hide)
    status = int(reply.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
    if code == "NotAuthorizedException":
        return _not_authorized(message, operation, attributes)
    if code == "InvalidPasswordException" and operation == "InitiateAuth":
        # cognito-local answers a wrong password this way; AWS says NotAuthorizedException.
        return errors.WrongCredentials("Incorrect username or password.", code)
    if code == "ResourceNotFoundException" and "device" in message.lower():
        return errors.DeviceUnknown("Cognito does not know that device (any more).", code)
    if code == "ResourceNotFoundException" and "credential" in message.lower():
        return errors.CognitoError("Cognito does not know that passkey (any more).", code)
    if code in SENTENCES:
        kind, sentence = SENTENCES[code]
        return kind(sentence, code, _attribute_named(message, attributes) if attributes else None)
    if code in WITH_SERVER_MESSAGE:
        attribute = _attribute_named(message, attributes) if attributes else None
        detail = message
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
