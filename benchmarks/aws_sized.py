"""A loopback proxy in front of an emulator that makes its tokens the size of AWS's.

Emulator tokens are short (moto's refresh token is a UUID); real Cognito access tokens are
~1,100 characters, id tokens ~1,300 and refresh tokens ~1,780 (a five-part JWE), and the
size is what a keyring and a start-up pay for. The proxy re-encodes the access and id
tokens with the same claims plus padding to those sizes, swaps the refresh token for an
opaque value of 1,780 characters, and maps every one back to the emulator's own on the way
in, so the emulator sees only what it issued. With `real_size=False` it only forwards.
GET /forwarded lists (and forgets) the operations it forwarded, for request counts.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SIZES = {"AccessToken": 1_100, "IdToken": 1_300, "RefreshToken": 1_780}


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def grown(token: str, size: int) -> str:
    """The JWT with the same header and claims, padded with a claim to about `size`."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    room = size - len(token) - len(',"padding":""') * 4 // 3
    claims["padding"] = "p" * max(0, room * 3 // 4)
    return ".".join([header, b64(json.dumps(claims, separators=(",", ":")).encode()), signature])


class SizingProxy:
    """Forward to `upstream`; with `real_size`, hand out AWS-sized tokens and map them back."""

    def __init__(self, upstream: str, real_size: bool = True) -> None:
        self.forwarded: list[str] = []
        self.to_emulator: dict[str, str] = {}
        self.sizes: dict[str, int] = {}
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.answer(200, json.dumps(proxy.forwarded).encode(), "application/json")
                proxy.forwarded.clear()

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                proxy.forwarded.append(self.headers.get("X-Amz-Target", "").rpartition(".")[2])
                if real_size and body:
                    body = json.dumps(proxy.back(json.loads(body))).encode()
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                headers["Content-Length"] = str(len(body))
                request = urllib.request.Request(upstream + self.path, body, headers)
                try:
                    with urllib.request.urlopen(request) as reply:
                        status, payload, kind = reply.status, reply.read(), reply.headers
                except urllib.error.HTTPError as error:
                    status, payload, kind = error.code, error.read(), error.headers
                if real_size and status == 200 and payload:
                    payload = json.dumps(proxy.resized(json.loads(payload))).encode()
                self.answer(status, payload, kind.get("Content-Type"), kind.get("x-amzn-ErrorType"))

            def answer(
                self, status: int, payload: bytes, content_type: str | None, error: Any = None
            ) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type or "application/json")
                if error:
                    self.send_header("x-amzn-ErrorType", error)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def resized(self, reply: Any) -> Any:
        result = reply.get("AuthenticationResult") if isinstance(reply, dict) else None
        if isinstance(result, dict):
            for name, size in SIZES.items():
                original = result.get(name)
                if not isinstance(original, str):
                    continue
                if name == "RefreshToken":
                    bigger = secrets.token_urlsafe(size)[:size]
                else:
                    bigger = grown(original, size)
                self.to_emulator[bigger] = original
                self.sizes[name] = len(bigger)
                result[name] = bigger
        return reply

    def back(self, request: Any) -> Any:
        """The request with every token we handed out swapped back for the emulator's."""
        if isinstance(request, dict):
            return {key: self.back(value) for key, value in request.items()}
        if isinstance(request, list):
            return [self.back(item) for item in request]
        if isinstance(request, str):
            return self.to_emulator.get(request, request)
        return request

    def close(self) -> None:
        self.server.shutdown()
