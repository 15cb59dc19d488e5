"""A hostile loopback server: every way a network or a server can let cogtui down.

One `HostileServer` listens on 127.0.0.1, port 0, with one behaviour, named in `BEHAVIOURS`.
It reads each HTTP request (cogtui POSTs JSON with `X-Amz-Target`), records the operation
and the body, and then misbehaves for the operations it targets (all of them by default);
the others get a good reply: a Cognito-shaped answer from the server's own state, or, with
an upstream emulator, the upstream's answer relayed.

Raw sockets and threads, bounded everywhere: at most MAX_CONNECTIONS connections, reads
that give up after READ_LIMIT seconds, a hang that lasts at most HANG_FOR seconds, and a
server that stops itself LIFETIME seconds after it started. `stop()` ends everything at
once: every wait in here is on the server's stop event, never a plain sleep.
"""

from __future__ import annotations

import contextlib
import html
import http.client
import json
import selectors
import socket
import struct
import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import urlparse

TARGET_PREFIX = "AWSCognitoIdentityProviderService."
LIFETIME = 90.0  # seconds: the server stops by itself after this long
HANG_FOR = 12.0  # accept-and-hang holds a connection this long at most, then closes it
SLOW_BY = 3.0  # "slow" answers after this long: well past the tests' read timeout
READ_LIMIT = 5.0  # a client that sends half a request is dropped after this long
MAX_CONNECTIONS = 64
MAX_HEAD = 64 * 1024
MAX_BODY = 1024 * 1024

# name -> what the server does to a targeted request (after reading it whole).
BEHAVIOURS: dict[str, str] = {
    "refuse": "nothing listens on the port: the connection is refused",
    "hang": "accepts and reads the request, never answers (closes after HANG_FOR s)",
    "slow": f"does the work at once (a write lands), answers only after {SLOW_BY} s",
    "ssh-banner": "answers with an SSH server's banner, not HTTP, then closes",
    "reset": "reads the request, then resets the connection (TCP RST)",
    "throttle-then-ok": "400 TooManyRequestsException for the first N requests, then good",
    "dropped-after-write": "forwards to the upstream emulator, then closes without a reply",
    "html-500": "HTTP 500 with an HTML error page that echoes the request",
    "html-200": "HTTP 200 with an HTML page (a captive portal)",
    "empty-200": "HTTP 200 with an empty body",
    "empty-object": "HTTP 200 with `{}`",
    "json-list": "HTTP 200 with `[1,2,3]`",
    "json-null": "HTTP 200 with `null`",
    "wrong-types": "HTTP 200, the right keys with values of the wrong type",
    "wrong-missing": "HTTP 200, the right keys with required members missing",
    "truncated": "HTTP 200 whose Content-Length is larger than the body, then closes",
    "non-utf8": "HTTP 200 whose body is not UTF-8 (b'\\xff\\xfe{...')",
    "echo-400": "a Cognito-shaped 400 whose message echoes the whole request body",
}
NETWORK = ("refuse", "hang", "slow", "ssh-banner", "reset", "throttle-then-ok")
MALFORMED = (
    "html-500",
    "html-200",
    "empty-200",
    "empty-object",
    "json-list",
    "json-null",
    "wrong-types",
    "wrong-missing",
    "truncated",
    "non-utf8",
    "echo-400",
)

USERNAME = "grace"
ATTRIBUTES = {
    "sub": "00000000-0000-4000-8000-00000000face",
    "email": "g@example.com",
    "email_verified": "false",
    "nickname": "gracie",
}
DELIVERY = {"AttributeName": "email", "DeliveryMedium": "EMAIL", "Destination": "g***@e***.com"}

# Replies of the right JSON but the wrong shape, per operation: (wrong types, missing parts).
WRONG_SHAPES: dict[str, tuple[Any, Any]] = {
    "GetUser": (
        {"UserAttributes": "nope", "Username": 5},
        {"UserAttributes": [{"Value": "x"}]},
    ),
    "UpdateUserAttributes": (
        {"CodeDeliveryDetailsList": "nope"},
        {"CodeDeliveryDetailsList": [5]},
    ),
    "InitiateAuth": (
        {"AuthenticationResult": "nope"},
        {"AuthenticationResult": {"AccessToken": "not-a-token"}},
    ),
    "RespondToAuthChallenge": (
        {"AuthenticationResult": "nope"},
        {"AuthenticationResult": {"AccessToken": "not-a-token"}},
    ),
    "GetUserAttributeVerificationCode": (
        {"CodeDeliveryDetails": "nope"},
        {"CodeDeliveryDetails": [5]},
    ),
    "ListWebAuthnCredentials": (
        {"Credentials": [{"CredentialId": 5}], "NextToken": []},
        {"Credentials": [{"FriendlyCredentialName": "key"}]},
    ),
    "ListDevices": (
        {"Devices": [{"DeviceKey": "k", "DeviceCreateDate": "yesterday"}], "PaginationToken": 5},
        {"Devices": [{"DeviceAttributes": [{"Name": "device_name"}]}]},
    ),
}
WRONG_SHAPE_OTHERWISE = ("nope", [{"Name": None}])


@dataclass
class Received:
    """One request as the server read it."""

    operation: str
    body: Any  # the parsed JSON, or None when the body is not JSON
    raw: bytes
    headers: dict[str, str]


@dataclass
class Reply:
    status: int
    body: bytes
    content_type: str = "application/x-amz-json-1.1"
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, value: Any, status: int = 200) -> Reply:
        return cls(status, json.dumps(value).encode())

    @classmethod
    def aws_error(cls, status: int, code: str, message: str) -> Reply:
        return cls.json({"__type": code, "message": message}, status)

    def head(self, content_length: int | None = None) -> bytes:
        length = len(self.body) if content_length is None else content_length
        lines = [
            f"HTTP/1.1 {self.status} {HTTPStatus(self.status).phrase}",
            f"Content-Type: {self.content_type}",
            f"Content-Length: {length}",
            f"x-amzn-RequestId: {uuid.uuid4()}",
            "Connection: close",
            *(f"{name}: {value}" for name, value in self.headers.items()),
        ]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

    def wire(self) -> bytes:
        return self.head() + self.body


class HostileServer:
    """A loopback HTTP server with one behaviour; see BEHAVIOURS."""

    def __init__(
        self,
        behaviour: str,
        *,
        targets: Iterable[str] | None = None,
        upstream: str | None = None,
        throttle_first: int = 1,
        drop_first: int = 1,
        auth_result: dict[str, str] | None = None,
        attributes: dict[str, str] | None = None,
    ) -> None:
        if behaviour not in BEHAVIOURS:
            raise ValueError(f"unknown behaviour {behaviour!r}; known: {', '.join(BEHAVIOURS)}")
        if behaviour == "dropped-after-write" and not upstream:
            raise ValueError("dropped-after-write forwards to an upstream emulator: give one")
        self.behaviour = behaviour
        self.targets = set(targets) if targets is not None else None
        self.upstream = upstream
        self.throttle_first = throttle_first
        self.drop_first = drop_first
        self.auth_result = auth_result or {}  # IdToken, AccessToken, RefreshToken
        self.attributes = dict(ATTRIBUTES if attributes is None else attributes)
        self.username = USERNAME
        self.received: list[Received] = []
        self.throttled = 0
        self.dropped = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self._wake_r, self._wake_w = socket.socketpair()
        self._acceptor: threading.Thread | None = None
        if behaviour != "refuse":  # bound but not listening: connections are refused
            self._listener.listen(16)
            self._acceptor = threading.Thread(
                target=self._accept_loop, name=f"hostile-{behaviour}", daemon=True
            )
            self._acceptor.start()

    # -- what the server received ----------------------------------------------------------
    def operations(self) -> list[str]:
        with self._lock:
            return [r.operation for r in self.received]

    def of(self, operation: str) -> list[Received]:
        with self._lock:
            return [r for r in self.received if r.operation == operation]

    # -- lifetime ---------------------------------------------------------------------------
    def stop(self) -> None:
        """Stop accepting, end every connection and wait (bounded) for the threads."""
        self._stopping.set()
        with contextlib.suppress(OSError):
            self._wake_w.send(b"x")
        if self._acceptor is not None:
            self._acceptor.join(timeout=5)
        with self._lock:
            connections = list(self._connections)
            threads = list(self._threads)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        for thread in threads:
            thread.join(timeout=5)
        for sock in (self._listener, self._wake_r, self._wake_w):
            sock.close()

    def __enter__(self) -> HostileServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _accept_loop(self) -> None:
        deadline = time.monotonic() + LIFETIME
        with selectors.DefaultSelector() as selector:
            selector.register(self._listener, selectors.EVENT_READ)
            selector.register(self._wake_r, selectors.EVENT_READ)
            while not self._stopping.is_set():
                left = deadline - time.monotonic()
                if left <= 0:
                    self._stopping.set()  # stops by itself
                    break
                for key, _ in selector.select(timeout=left):
                    if key.fileobj is self._wake_r:
                        return
                    try:
                        conn, _ = self._listener.accept()
                    except OSError:
                        continue
                    with self._lock:
                        if len(self._threads) >= MAX_CONNECTIONS:
                            conn.close()
                            continue
                        self._connections.add(conn)
                        thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
                        self._threads.append(thread)
                    thread.start()

    # -- one connection ------------------------------------------------------------------
    def _serve(self, conn: socket.socket) -> None:
        try:
            conn.settimeout(READ_LIMIT)
            request = read_request(conn)
            if request is None:
                return
            with self._lock:
                self.received.append(request)
            targeted = self.targets is None or request.operation in self.targets
            if targeted:
                self._misbehave(conn, request)
            else:
                self._answer_well(conn, request)
        except OSError:
            pass  # the client gave up first (a timeout): nothing to do
        finally:
            with self._lock:
                self._connections.discard(conn)
            conn.close()

    def _misbehave(self, conn: socket.socket, request: Received) -> None:
        name = self.behaviour
        op = request.operation
        if name == "hang":
            self._stopping.wait(HANG_FOR)
        elif name == "slow":
            # The work is done at once (a write lands); only the answer is late.
            reply = self._relay(request) if self.upstream else self._good(request)
            if not self._stopping.wait(SLOW_BY):
                conn.sendall(reply.wire())
        elif name == "ssh-banner":
            conn.sendall(b"SSH-2.0-OpenSSH_9.6\r\n")
        elif name == "reset":
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        elif name == "throttle-then-ok":
            with self._lock:
                throttle = self.throttled < self.throttle_first
                self.throttled += throttle
            if throttle:
                refusal = Reply.aws_error(400, "TooManyRequestsException", "Rate exceeded")
                conn.sendall(refusal.wire())
            else:
                self._answer_well(conn, request)
        elif name == "dropped-after-write":
            with self._lock:
                drop = self.dropped < self.drop_first
                self.dropped += drop
            reply = self._relay(request)
            if not drop:
                conn.sendall(reply.wire())
            # else: the upstream applied it; the client hears nothing, the connection closes
        elif name == "html-500":
            echoed = html.escape(request.raw.decode("utf-8", "replace"))
            page = (
                "<!DOCTYPE html><html><head><title>500 Internal Server Error</title></head>"
                f"<body><h1>Internal Server Error</h1><pre>{echoed}</pre></body></html>"
            )
            conn.sendall(Reply(500, page.encode(), "text/html; charset=utf-8").wire())
        elif name == "html-200":
            page = "<html><body><h1>Sign in to the hotel Wi-Fi</h1></body></html>"
            conn.sendall(Reply(200, page.encode(), "text/html").wire())
        elif name == "empty-200":
            conn.sendall(Reply(200, b"").wire())
        elif name == "empty-object":
            conn.sendall(Reply(200, b"{}").wire())
        elif name == "json-list":
            conn.sendall(Reply(200, b"[1,2,3]").wire())
        elif name == "json-null":
            conn.sendall(Reply(200, b"null").wire())
        elif name in ("wrong-types", "wrong-missing"):
            shapes = WRONG_SHAPES.get(op, WRONG_SHAPE_OTHERWISE)
            conn.sendall(Reply.json(shapes[name == "wrong-missing"]).wire())
        elif name == "truncated":
            whole = self._good(request)
            conn.sendall(whole.head(content_length=len(whole.body) + 512) + whole.body[:20])
            conn.shutdown(socket.SHUT_WR)
        elif name == "non-utf8":
            body = b'\xff\xfe{"Username": "grace", "UserAttributes": []}'
            conn.sendall(Reply(200, body).wire())
        elif name == "echo-400":
            echoed = request.raw.decode("utf-8", "replace")
            message = f"1 validation error detected: Value {echoed} failed to satisfy constraint"
            conn.sendall(Reply.aws_error(400, "InvalidParameterException", message).wire())
        else:  # pragma: no cover - BEHAVIOURS and this method are kept in step
            raise AssertionError(name)

    def _answer_well(self, conn: socket.socket, request: Received) -> None:
        reply = self._relay(request) if self.upstream else self._good(request)
        conn.sendall(reply.wire())

    # -- good replies ----------------------------------------------------------------------
    def _good(self, request: Received) -> Reply:
        """What Cognito answers, from this server's own state (which good writes change)."""
        op = request.operation
        body = request.body if isinstance(request.body, dict) else {}
        with self._lock:
            if op == "GetUser":
                listed = [{"Name": n, "Value": v} for n, v in self.attributes.items()]
                return Reply.json({"Username": self.username, "UserAttributes": listed})
            if op == "UpdateUserAttributes":
                for item in body.get("UserAttributes") or []:
                    if item.get("Value"):
                        self.attributes[item["Name"]] = item["Value"]
                    else:
                        self.attributes.pop(item.get("Name"), None)
                return Reply.json({})
            if op in ("InitiateAuth", "RespondToAuthChallenge"):
                result = {**self.auth_result, "ExpiresIn": 3600, "TokenType": "Bearer"}
                return Reply.json({"AuthenticationResult": result, "ChallengeParameters": {}})
            if op == "GetUserAttributeVerificationCode":
                return Reply.json({"CodeDeliveryDetails": DELIVERY})
            if op == "VerifyUserAttribute":
                self.attributes[f"{body.get('AttributeName')}_verified"] = "true"
                return Reply.json({})
            return Reply.json({})

    def _relay(self, request: Received) -> Reply:
        """The request sent on to the upstream emulator; its answer."""
        assert self.upstream
        where = urlparse(self.upstream)
        upstream = http.client.HTTPConnection(where.hostname, where.port, timeout=10)
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("host",)}
        try:
            upstream.request("POST", where.path or "/", body=request.raw, headers=headers)
            answer = upstream.getresponse()
            payload = answer.read()
            content_type = answer.getheader("Content-Type") or "application/x-amz-json-1.1"
            extra = {}
            for name in ("x-amzn-ErrorType",):
                if answer.getheader(name):
                    extra[name] = str(answer.getheader(name))
            return Reply(answer.status, payload, content_type, extra)
        finally:
            upstream.close()


def read_request(conn: socket.socket) -> Received | None:
    """One HTTP request, read whole (bounded); None if the client sent nothing usable."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            return None
        data += chunk
        if len(data) > MAX_HEAD:
            return None
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip()] = value.strip()
    lowered = {k.lower(): v for k, v in headers.items()}
    length = min(int(lowered.get("content-length") or 0), MAX_BODY)
    while len(body) < length:
        chunk = conn.recv(min(65536, length - len(body)))
        if not chunk:
            break
        body += chunk
    operation = lowered.get("x-amz-target", "").removeprefix(TARGET_PREFIX)
    try:
        parsed = json.loads(body) if body else None
    except ValueError:
        parsed = None
    return Received(operation, parsed, body, headers)
