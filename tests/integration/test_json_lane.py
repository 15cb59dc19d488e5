"""The signed-in user's calls go over urllib, not botocore: what goes on the wire, and how
each kind of failure a real server can give becomes one sentence (or one more attempt).

A scripted HTTP server on 127.0.0.1 plays the failures the emulators cannot be made to give
(throttling, a hung server, garbage); the happy paths run against moto and cognito-local in
the other integration tests.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from cogtui import errors
from cogtui.cognito import CognitoClient

JWT_SHAPED = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJlLXNpZ25hdHVyZQ"


@dataclass
class Reply:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def aws_error(status: int, code: str, message: str = "", **headers: str) -> Reply:
    body = json.dumps({"__type": code, "message": message}).encode()
    return Reply(status, body, {"Content-Type": "application/x-amz-json-1.1", **headers})


class ScriptedServer:
    """Answers each POST with the next scripted reply and keeps what it was sent."""

    def __init__(self) -> None:
        self.replies: list[Reply] = []
        self.received: list[tuple[dict[str, str], dict[str, Any]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                server.received.append((dict(self.headers), json.loads(body)))
                reply = server.replies.pop(0)
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def client(self, max_attempts: int = 1) -> CognitoClient:
        return CognitoClient("us-east-1", "client-1", self.url, max_attempts=max_attempts)


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    scripted = ScriptedServer()
    yield scripted
    scripted.httpd.shutdown()


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The back-off pauses, recorded instead of slept."""
    paused: list[float] = []
    monkeypatch.setattr("cogtui.cognito.time.sleep", paused.append)
    return paused


def test_a_call_is_one_unsigned_json_post_naming_the_operation(server: ScriptedServer) -> None:
    user = {"Username": "ada", "UserAttributes": [{"Name": "email", "Value": "a@example.com"}]}
    server.replies.append(Reply(200, json.dumps(user).encode()))

    found = server.client().get_user("the-access-token")

    assert found.username == "ada" and found.attributes == {"email": "a@example.com"}
    headers, body = server.received[0]
    assert headers["X-Amz-Target"] == "AWSCognitoIdentityProviderService.GetUser"
    assert headers["Content-Type"] == "application/x-amz-json-1.1"
    assert "Authorization" not in headers
    assert body == {"AccessToken": "the-access-token"}


@pytest.mark.parametrize(
    "reply",
    [
        aws_error(400, "com.amazonaws.cognito#NotAuthorizedException", "Access Token has expired"),
        Reply(400, b"{}", {"x-amzn-ErrorType": "NotAuthorizedException:http://internal/"}),
    ],
    ids=["__type with a namespace", "error type header"],
)
def test_an_error_code_is_read_in_either_form_aws_sends_it(
    server: ScriptedServer, reply: Reply
) -> None:
    server.replies.append(reply)

    with pytest.raises(errors.SessionExpired) as raised:
        server.client().get_user("token")

    assert raised.value.message == "Your session has expired or was signed out; sign in again."


def test_a_rejected_attribute_is_named_and_a_token_in_the_message_is_not_shown(
    server: ScriptedServer,
) -> None:
    message = f"Invalid phone number format near {JWT_SHAPED} for phone_number"
    server.replies.append(aws_error(400, "InvalidParameterException", message))

    with pytest.raises(errors.CognitoError) as raised:
        server.client().update_user_attributes("token", {"phone_number": "12"})

    assert raised.value.attribute == "phone_number"
    assert JWT_SHAPED not in raised.value.message
    assert raised.value.message.startswith("Cognito rejected the request")


def test_an_emulators_html_500_for_a_missing_operation_says_it_is_unsupported(
    server: ScriptedServer, sleeps: list[float]
) -> None:
    server.replies.append(Reply(500, b"<html><h1>Internal Server Error</h1></html>"))

    with pytest.raises(errors.Unsupported) as raised:
        server.client(max_attempts=1).verify_user_attribute("token", "email", "123456")

    assert raised.value.message == (
        "This server does not support VerifyUserAttribute (a local emulator may lack it)."
    )
    assert len(server.received) == 1 and sleeps == []


def test_throttling_and_5xx_are_tried_again_after_a_pause(
    server: ScriptedServer, sleeps: list[float]
) -> None:
    server.replies += [
        aws_error(400, "TooManyRequestsException", "Rate exceeded"),
        Reply(503, b""),
        Reply(200, json.dumps({"Username": "ada", "UserAttributes": []}).encode()),
    ]

    assert server.client(max_attempts=3).get_user("token").username == "ada"
    assert len(server.received) == 3
    assert len(sleeps) == 2 and all(0 <= pause <= 20 for pause in sleeps)


def test_when_the_attempts_run_out_the_last_failure_is_the_sentence(
    server: ScriptedServer, sleeps: list[float]
) -> None:
    server.replies += [aws_error(400, "TooManyRequestsException")] * 2

    with pytest.raises(errors.TooManyAttempts) as raised:
        server.client(max_attempts=2).get_user("token")

    assert "wait a moment" in raised.value.message
    assert len(server.received) == 2 and len(sleeps) == 1


def test_a_client_error_is_not_tried_again(server: ScriptedServer, sleeps: list[float]) -> None:
    server.replies.append(aws_error(400, "CodeMismatchException", "Invalid code"))

    with pytest.raises(errors.CodeMismatch):
        server.client(max_attempts=3).verify_user_attribute("token", "email", "000000")

    assert len(server.received) == 1 and sleeps == []


def test_an_answer_that_is_not_json_cannot_be_understood(server: ScriptedServer) -> None:
    server.replies.append(Reply(200, b"<html>a captive portal</html>"))

    with pytest.raises(errors.NetworkError) as raised:
        server.client().get_user("token")

    assert raised.value.message == f"The answer from {server.url} could not be understood."


def test_nothing_listening_is_one_sentence_about_reaching_the_endpoint() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"  # bound, not listening: refused
        client = CognitoClient("us-east-1", "client-1", url, max_attempts=1)
        with pytest.raises(errors.NetworkError) as raised:
            client.get_user("token")

    assert raised.value.message == (
        f"Cannot reach {url}; check your network connection and the endpoint URL."
    )


def test_a_server_that_never_answers_times_out_with_one_sentence() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()  # accepts the connection, never answers
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        client = CognitoClient("us-east-1", "c", url, max_attempts=1, read_timeout=0.3)
        with pytest.raises(errors.NetworkError) as raised:
            client.get_user("token")

    assert (
        raised.value.message == f"{url} did not answer in time; check your network and try again."
    )
