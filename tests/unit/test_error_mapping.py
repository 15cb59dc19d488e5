"""Every failure Cognito (or the network) can hand back becomes one plain sentence.

Each error reaches the app the way it would from AWS: over HTTP, from a loopback server that
answers with AWS's JSON error shape (or an HTML 500 page), a port where nothing listens, or
a server that never answers. Sign-in calls and the signed-in user's calls are both covered.
"""

from __future__ import annotations

import base64
import json
import secrets
import socket
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from cogtui import errors
from cogtui.cognito import CognitoClient
from tests.conftest import fake_tokens, free_port

POOL, CLIENT = "us-east-1_Errors1", "errorsclient"
ACCESS_TOKEN = fake_tokens(POOL, CLIENT).access_token

# Each operation the app calls, made the way the app makes it.
CALLS: dict[str, Callable[[CognitoClient], Any]] = {
    "initiate_auth": lambda c: c.initiate_auth(
        "USER_PASSWORD_AUTH", {"USERNAME": "grace", "PASSWORD": "Correct-Horse-9"}
    ),
    "respond_to_auth_challenge": lambda c: c.respond_to_auth_challenge(
        "SOFTWARE_TOKEN_MFA",
        "a-challenge-session-" * 2,
        {"USERNAME": "grace", "SOFTWARE_TOKEN_MFA_CODE": "1"},
    ),
    "get_user": lambda c: c.get_user(ACCESS_TOKEN),
    "update_user_attributes": lambda c: c.update_user_attributes(
        ACCESS_TOKEN, {"given_name": "Grace", "custom:shoe_size": "44", "email": "g@example.com"}
    ),
    "verify_user_attribute": lambda c: c.verify_user_attribute(ACCESS_TOKEN, "email", "123456"),
}


class CannedAnswer(BaseHTTPRequestHandler):
    """Answers every request with the server's `answer`: (status, content type, body)."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status, content_type, body = self.server.answer  # type: ignore[attr-defined]
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if content_type.startswith("application/x-amz-json"):
            self.send_header("x-amzn-ErrorType", json.loads(body)["__type"] + ":")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def fake_cognito() -> Iterator[ThreadingHTTPServer]:
    """A loopback server; set its `answer` before calling it."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), CannedAnswer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()


def endpoint_of(server: ThreadingHTTPServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


def failure(endpoint: str, method: str = "get_user") -> errors.CognitoError:
    """The error the app raises when it calls `method` at this endpoint."""
    client = CognitoClient("us-east-1", CLIENT, endpoint, max_attempts=1, read_timeout=0.5)
    with pytest.raises(errors.CognitoError) as raised:
        CALLS[method](client)
    return raised.value


def aws_error(server: ThreadingHTTPServer, code: str, message: str) -> None:
    body = json.dumps({"__type": code, "message": message}).encode()
    server.answer = (400, "application/x-amz-json-1.1", body)  # type: ignore[attr-defined]


@pytest.fixture
def refusal(fake_cognito: ThreadingHTTPServer) -> Callable[[str, str, str], errors.CognitoError]:
    """`refusal(method, code, message)`: what the app raises when Cognito refuses `method`."""

    def refuse(method: str, code: str, message: str) -> errors.CognitoError:
        aws_error(fake_cognito, code, message)
        return failure(endpoint_of(fake_cognito), method)

    return refuse


def assert_plain_sentence(error: errors.CognitoError) -> str:
    sentence = str(error)
    assert "\n" not in sentence and sentence.endswith("."), sentence
    for jargon in ("An error occurred", "botocore", "Traceback", "urllib"):
        assert jargon not in sentence, sentence
    return sentence


@pytest.mark.parametrize(
    ("method", "code", "message", "kind", "says"),
    [
        (
            "initiate_auth",
            "NotAuthorizedException",
            "Incorrect username or password.",
            errors.WrongCredentials,
            "Incorrect username or password.",
        ),
        (
            "initiate_auth",
            "NotAuthorizedException",
            "Password attempts exceeded",
            errors.TooManyAttempts,
            "locked this account for a while",
        ),
        (
            "initiate_auth",
            "UserNotFoundException",
            "User does not exist.",
            errors.WrongCredentials,
            "There is no user with that username",
        ),
        (
            "initiate_auth",
            "UserNotConfirmedException",
            "User is not confirmed.",
            errors.CognitoError,
            "not confirmed yet",
        ),
        (
            "initiate_auth",
            "PasswordResetRequiredException",
            "Password reset required for the user",
            errors.CognitoError,
            "must reset their password",
        ),
        (
            "respond_to_auth_challenge",
            "CodeMismatchException",
            "Invalid code or auth state for the user.",
            errors.CodeMismatch,
            "That code is not correct",
        ),
        (
            "verify_user_attribute",
            "ExpiredCodeException",
            "Invalid code provided, please request a code again.",
            errors.CodeExpired,
            "That code has expired",
        ),
        (
            "verify_user_attribute",
            "LimitExceededException",
            "Attempt limit exceeded, please try after some time.",
            errors.TooManyAttempts,
            "Too many attempts",
        ),
        (
            "get_user",
            "TooManyRequestsException",
            "Rate exceeded",
            errors.TooManyAttempts,
            "wait a moment",
        ),
        (
            "update_user_attributes",
            "AliasExistsException",
            "An account with the given email already exists.",
            errors.CognitoError,
            "already belongs to another account",
        ),
        (
            "get_user",
            "NotAuthorizedException",
            "Access Token has been revoked",
            errors.SessionExpired,
            "sign in again",
        ),
    ],
    ids=lambda value: value if isinstance(value, str) and value.endswith("Exception") else "",
)
def test_a_cognito_error_code_becomes_one_plain_sentence(
    refusal: Any, method: str, code: str, message: str, kind: type[errors.CognitoError], says: str
) -> None:
    error = refusal(method, code, message)

    assert type(error) is kind
    assert error.code == code
    assert says in assert_plain_sentence(error)


@pytest.mark.parametrize(
    "message",
    [
        "user.custom:shoe_size: Attribute does not exist in the schema.",
        "1 validation error detected: Value at 'userAttributes.2.member.value' failed to "
        "satisfy constraint: Member must have length less than or equal to 2048",
    ],
    ids=["name in the message", "index in the message"],
)
def test_an_invalid_parameter_names_the_attribute(refusal: Any, message: str) -> None:
    error = refusal("update_user_attributes", "InvalidParameterException", message)

    assert error.attribute == "custom:shoe_size"
    assert "custom:shoe_size" in assert_plain_sentence(error)


# -- transport failures, over real loopback sockets -------------------------------------------
@pytest.fixture
def silent_endpoint() -> Iterator[str]:
    """A port that accepts connections (the kernel's backlog) and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


@pytest.mark.parametrize("method", ["initiate_auth", "get_user"])
def test_an_http_500_html_page_says_the_server_lacks_the_operation(
    fake_cognito: ThreadingHTTPServer, method: str
) -> None:
    page = b"<!doctype html><title>500 Internal Server Error</title><h1>Internal Server Error"
    fake_cognito.answer = (500, "text/html; charset=utf-8", page)  # type: ignore[attr-defined]

    error = failure(endpoint_of(fake_cognito), method)

    assert isinstance(error, errors.Unsupported)
    operation = "".join(word.title() for word in method.split("_"))
    assert assert_plain_sentence(error) == (
        f"This server does not support {operation} (a local emulator may lack it)."
    )


def test_a_refused_connection_says_the_endpoint_cannot_be_reached() -> None:
    endpoint = f"http://127.0.0.1:{free_port()}"  # nothing listens there

    error = failure(endpoint)

    assert isinstance(error, errors.NetworkError)
    assert assert_plain_sentence(error).startswith(f"Cannot reach {endpoint};")


def test_a_server_that_never_answers_is_a_timeout(silent_endpoint: str) -> None:
    error = failure(silent_endpoint)

    assert isinstance(error, errors.NetworkError)
    assert "did not answer in time" in assert_plain_sentence(error)


# -- tokens in server messages ----------------------------------------------------------------
def b64url(size: int) -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(size)).decode().rstrip("=")


# AWS's refresh tokens are encrypted JWTs (JWE): five base64url parts, ~1,800 characters.
AWS_REFRESH_TOKEN = ".".join(
    ["eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIiwiYWxnIjoiUlNBLU9BRVAifQ"]
    + [b64url(n) for n in (256, 12, 1300, 16)]
)


def leaked_parts(token: str, text: str) -> list[str]:
    """The dot-separated parts of `token` (8+ characters) that appear in `text`."""
    return [part for part in token.split(".") if len(part) >= 8 and part in text]


@pytest.mark.parametrize(
    ("method", "code", "template"),
    [
        ("get_user", "NotAuthorizedException", "{token}"),  # moto's answer to a revoked token
        ("update_user_attributes", "InvalidParameterException", "Invalid token: {token}"),
        ("update_user_attributes", "UserLambdaValidationException", "PreUpdate failed {token}."),
        ("get_user", "SomeNewException", "Refused {token}"),
        ("get_user", "InternalErrorException", "Internal error for {token}"),
    ],
)
@pytest.mark.parametrize(
    "token", [ACCESS_TOKEN, AWS_REFRESH_TOKEN], ids=["access token", "AWS refresh token"]
)
def test_a_token_in_a_server_message_never_reaches_the_sentence(
    refusal: Any, method: str, code: str, template: str, token: str
) -> None:
    error = refusal(method, code, template.format(token=token))

    sentence = assert_plain_sentence(error)
    leaked = leaked_parts(token, sentence)
    assert not leaked, f"{len(leaked)} parts of the token reached the user: {sentence[:100]}..."
