"""A stand-in for Cognito's device tracking, in front of moto (which has none).

An HTTP server on 127.0.0.1 that forwards every request to moto's server, except what moto
lacks: it adds `NewDeviceMetadata` to sign-in results, implements `ConfirmDevice`,
`UpdateDeviceStatus`, `ListDevices` (paginated), `GetDevice` and `ForgetDevice`, and runs
the `DEVICE_SRP_AUTH` / `DEVICE_PASSWORD_VERIFIER` challenges for a remembered device the
way Cognito does: it holds only the verifier and salt that ConfirmDevice registered, does
the server's half of SRP-6a, and checks `PASSWORD_CLAIM_SIGNATURE`, so a wrong device
password fails. As Cognito does, it refuses a refresh of a device's tokens without its
`DEVICE_KEY`, answers an unknown device key with ResourceNotFoundException ("Device does
not exist."), and a forgotten device's refresh tokens stop working.

The server side of SRP is written here, from the SRP-6a definitions with Cognito's
conventions (padding, HKDF "Caldera Derived Key"): it shares only the group constants
with pycognito, so it checks the client's math rather than repeating it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from pycognito.aws_srp import G_HEX, N_HEX  # RFC 5054's 3072-bit group, as Cognito uses

N, G = int(N_HEX, 16), int(G_HEX, 16)
TIMESTAMP = re.compile(
    r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} [1-9]\d? \d\d:\d\d:\d\d UTC \d{4}"
)
MFA = {"SMS_MFA", "SOFTWARE_TOKEN_MFA"}


def padded(number: int) -> bytes:
    """A number as SRP hashes it in Cognito: big-endian, with a zero byte in front when the
    top bit is set (so it never reads as negative)."""
    raw = number.to_bytes(max(1, (number.bit_length() + 7) // 8), "big")
    return b"\x00" + raw if raw[0] & 0x80 else raw


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


K = int.from_bytes(sha256(padded(N) + padded(G)), "big")  # k = H(N | g)


def secret_hash(secret: str, username: str, client_id: str) -> str:
    digest = hmac.new(secret.encode(), (username + client_id).encode(), hashlib.sha256)
    return base64.b64encode(digest.digest()).decode()


class Refused(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass
class Device:
    key: str
    username: str
    group: str
    created: float
    confirmed: bool = False
    verifier: int = 0
    salt: bytes = b""
    name: str = ""
    remembered: bool | None = None
    last_authenticated: float | None = None
    last_ip: str = ""

    def described(self) -> dict[str, Any]:
        attributes = [{"Name": "device_status", "Value": "valid"}]
        if self.name:
            attributes.append({"Name": "device_name", "Value": self.name})
        if self.remembered is not None:
            status = "remembered" if self.remembered else "not_remembered"
            attributes.append({"Name": "dev:device_remembered_status", "Value": status})
        if self.last_ip:
            attributes.append({"Name": "last_ip_used", "Value": self.last_ip})
        found: dict[str, Any] = {
            "DeviceKey": self.key,
            "DeviceAttributes": attributes,
            "DeviceCreateDate": self.created,
            "DeviceLastModifiedDate": self.created,
        }
        if self.last_authenticated is not None:
            found["DeviceLastAuthenticatedDate"] = self.last_authenticated
        return found


@dataclass
class Proof:
    """A device sign-in in progress: what moto said after the password, and the SRP state."""

    username: str
    client_id: str
    device: Device
    held: dict[str, Any]  # moto's reply: an MFA challenge, or the tokens
    secret_block: bytes = field(default_factory=lambda: secrets.token_bytes(64))
    small_b: int = 0
    big_a: int = 0
    big_b: int = 0


class DeviceStandIn:
    """The stand-in; `endpoint` is where clients talk to it. `prompt`: the pool remembers
    devices only when the user says so (UserConfirmationNecessary), else always."""

    def __init__(self, upstream: str, region: str = "us-east-1", prompt: bool = True) -> None:
        self.upstream, self.region, self.prompt = upstream, region, prompt
        self.tracking = True  # the pool tracks devices: sign-ins get NewDeviceMetadata
        self.devices: dict[str, Device] = {}
        self.groups: dict[str, str] = {}  # username -> device group key
        self.bound: dict[str, str] = {}  # refresh token -> device key
        self.revoked: set[str] = set()  # refresh tokens of forgotten devices
        self.proofs: dict[str, Proof] = {}  # stand-in session -> proof in progress
        self.received: list[tuple[str, dict[str, Any]]] = []
        self.proved = 0  # device sign-ins whose signature checked out
        self.refuse_confirm = False  # answer ConfirmDevice with a refusal
        self.client_secrets: dict[str, str] = {}  # app clients with a secret: SECRET_HASH checked
        self.lock = threading.Lock()
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                operation = self.headers.get("X-Amz-Target", "").rpartition(".")[2]
                request = json.loads(body or b"{}")
                standin.received.append((operation, request))
                if operation not in standin.OWN:  # as moto answers it, byte for byte
                    self.relay(body)
                    return
                try:
                    status, reply = standin.handle(operation, request)
                except Refused as refused:
                    status = refused.status
                    reply = {"__type": refused.code, "message": refused.message}
                payload = json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/x-amz-json-1.1")
                if status >= 400:
                    self.send_header("x-amzn-ErrorType", str(reply.get("__type", "")))
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def relay(self, body: bytes) -> None:
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                forward = urllib.request.Request(
                    standin.upstream + "/", body, headers, method="POST"
                )
                try:
                    with urllib.request.urlopen(forward, timeout=30) as answer:
                        status, payload, replied = answer.status, answer.read(), answer.headers
                except urllib.error.HTTPError as error:
                    status, payload, replied = error.code, error.read(), error.headers
                self.send_response(status)
                for name in ("Content-Type", "x-amzn-ErrorType"):
                    if replied.get(name):
                        self.send_header(name, replied[name])
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()

    # -- plumbing --------------------------------------------------------------------------
    def moto(self, operation: str, request: dict[str, Any]) -> dict[str, Any]:
        """Forward one call to moto; its refusal is passed on as it is."""
        http = urllib.request.Request(
            self.upstream + "/",
            data=json.dumps(request).encode(),
            headers={
                "Content-Type": "application/x-amz-json-1.1",
                "X-Amz-Target": f"AWSCognitoIdentityProviderService.{operation}",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(http, timeout=30) as answer:
                return dict(json.loads(answer.read() or b"{}"))
        except urllib.error.HTTPError as error:
            reply = json.loads(error.read() or b"{}")
            code = str(reply.get("__type", "")).rpartition("#")[2]
            raise Refused(error.code, code, str(reply.get("message", ""))) from None

    OWN = {
        "ConfirmDevice": "confirm_device",
        "UpdateDeviceStatus": "update_device_status",
        "ListDevices": "list_devices",
        "GetDevice": "get_device",
        "ForgetDevice": "forget_device",
        "InitiateAuth": "initiate_auth",
        "RespondToAuthChallenge": "respond",
    }

    def handle(self, operation: str, request: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """One of the calls the stand-in answers itself (the rest go to moto untouched)."""
        return 200, getattr(self, self.OWN[operation])(request)

    def user_of(self, request: dict[str, Any]) -> str:
        """Who the access token is (moto checks the token)."""
        return str(
            self.moto("GetUser", {"AccessToken": request.get("AccessToken", "")})["Username"]
        )

    def device_of(self, username: str, key: object) -> Device:
        device = self.devices.get(str(key))
        if device is None or device.username != username:
            raise Refused(400, "ResourceNotFoundException", "Device does not exist.")
        return device

    # -- signing in --------------------------------------------------------------------------
    def initiate_auth(self, request: dict[str, Any]) -> dict[str, Any]:
        parameters = dict(request.get("AuthParameters") or {})
        flow, key = request.get("AuthFlow"), parameters.pop("DEVICE_KEY", None)
        if flow == "REFRESH_TOKEN_AUTH":
            token = parameters.get("REFRESH_TOKEN", "")
            if token in self.revoked:
                raise Refused(400, "NotAuthorizedException", "Refresh Token has been revoked")
            if token in self.bound and key != self.bound[token]:
                raise Refused(400, "NotAuthorizedException", "Invalid Refresh Token")
            return self.moto("InitiateAuth", request)
        username = str(parameters.get("USERNAME", ""))
        if key is not None:
            self.device_of(username, key)
        reply = self.moto("InitiateAuth", {**request, "AuthParameters": parameters})
        if flow == "USER_PASSWORD_AUTH":
            return self.after_password(request, username, key, reply)
        return reply

    def respond(self, request: dict[str, Any]) -> dict[str, Any]:
        name = request.get("ChallengeName")
        answers = dict(request.get("ChallengeResponses") or {})
        username = str(answers.get("USERNAME", ""))
        if name == "DEVICE_SRP_AUTH":
            return self.device_srp(request, answers)
        if name == "DEVICE_PASSWORD_VERIFIER":
            return self.device_verifier(request, answers)
        key = answers.pop("DEVICE_KEY", None)
        if key is not None:
            self.device_of(username, key)
        reply = self.moto("RespondToAuthChallenge", {**request, "ChallengeResponses": answers})
        if name == "PASSWORD_VERIFIER":
            return self.after_password(request, username, key, reply)
        return self.signed_in(username, key, reply)

    def after_password(
        self, request: dict[str, Any], username: str, key: object, reply: dict[str, Any]
    ) -> dict[str, Any]:
        """The password checked out: a remembered device proves itself next, instead of MFA."""
        device = self.devices.get(str(key)) if key else None
        done = "AuthenticationResult" in reply or reply.get("ChallengeName") in MFA
        if device is not None and device.confirmed and device.remembered and done:
            session = secrets.token_urlsafe(24)
            self.proofs[session] = Proof(username, str(request.get("ClientId")), device, reply)
            return {
                "ChallengeName": "DEVICE_SRP_AUTH",
                "Session": session,
                "ChallengeParameters": {"USERNAME": username},
            }
        return self.signed_in(username, key, reply)

    def signed_in(self, username: str, key: object, reply: dict[str, Any]) -> dict[str, Any]:
        """Tokens: bound to the device they were issued to; a sign-in without a device key
        gets a new device (Cognito's NewDeviceMetadata)."""
        result = reply.get("AuthenticationResult")
        if not result or not self.tracking:
            return reply
        with self.lock:
            if key:
                device = self.devices[str(key)]
                device.last_authenticated, device.last_ip = time.time(), "127.0.0.1"
            else:
                group = self.groups.setdefault(username, f"-{secrets.token_urlsafe(9)}")
                device = Device(f"{self.region}_{uuid.uuid4()}", username, group, time.time())
                self.devices[device.key] = device
                result["NewDeviceMetadata"] = {"DeviceKey": device.key, "DeviceGroupKey": group}
            if result.get("RefreshToken"):
                self.bound[result["RefreshToken"]] = device.key
        return reply

    def device_srp(self, request: dict[str, Any], answers: dict[str, str]) -> dict[str, Any]:
        proof = self.proofs.get(str(request.get("Session")))
        if proof is None:
            raise Refused(400, "NotAuthorizedException", "Invalid session for the user.")
        self.check_secret_hash(proof.client_id, proof.username, answers)
        if (
            answers.get("USERNAME") != proof.username
            or answers.get("DEVICE_KEY") != proof.device.key
        ):
            raise Refused(400, "NotAuthorizedException", "Incorrect username or password.")
        big_a = int(answers.get("SRP_A", "0"), 16)
        if big_a % N == 0:
            raise Refused(400, "InvalidParameterException", "SRP_A is invalid.")
        proof.big_a, proof.small_b = big_a, secrets.randbelow(N - 1) + 1
        proof.big_b = (K * proof.device.verifier + pow(G, proof.small_b, N)) % N
        del self.proofs[str(request.get("Session"))]
        session = secrets.token_urlsafe(24)
        self.proofs[session] = proof
        return {
            "ChallengeName": "DEVICE_PASSWORD_VERIFIER",
            "Session": session,
            "ChallengeParameters": {
                "USERNAME": proof.username,
                "SRP_B": f"{proof.big_b:x}",
                "SALT": proof.device.salt.hex(),
                "SECRET_BLOCK": base64.b64encode(proof.secret_block).decode(),
            },
        }

    def device_verifier(self, request: dict[str, Any], answers: dict[str, str]) -> dict[str, Any]:
        proof = self.proofs.pop(str(request.get("Session")), None)
        if proof is None or not proof.big_b:
            raise Refused(400, "NotAuthorizedException", "Invalid session for the user.")
        self.check_secret_hash(proof.client_id, proof.username, answers)
        device, timestamp = proof.device, answers.get("TIMESTAMP", "")
        if answers.get("DEVICE_KEY") != device.key or not TIMESTAMP.fullmatch(timestamp):
            raise Refused(400, "NotAuthorizedException", "Incorrect username or password.")
        if (
            answers.get("PASSWORD_CLAIM_SECRET_BLOCK")
            != base64.b64encode(proof.secret_block).decode()
        ):
            raise Refused(400, "NotAuthorizedException", "Incorrect username or password.")
        # S = (A * v^u)^b mod N, u = H(A | B); the key is HKDF(S, salt = u).
        u = int.from_bytes(sha256(padded(proof.big_a) + padded(proof.big_b)), "big")
        shared = pow(proof.big_a * pow(device.verifier, u, N) % N, proof.small_b, N)
        prk = hmac.new(padded(u), padded(shared), hashlib.sha256).digest()
        key = hmac.new(prk, b"Caldera Derived Key\x01", hashlib.sha256).digest()[:16]
        message = (
            device.group.encode() + device.key.encode() + proof.secret_block + timestamp.encode()
        )
        expected = base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()
        if not hmac.compare_digest(expected, answers.get("PASSWORD_CLAIM_SIGNATURE", "")):
            raise Refused(400, "NotAuthorizedException", "Incorrect username or password.")
        self.proved += 1
        reply = proof.held
        if reply.get("ChallengeName") in MFA:  # the device stands in for the code moto wants
            answer = self.mfa_answer(proof.client_id, proof.username, reply)
            reply = self.moto("RespondToAuthChallenge", answer)
        return self.signed_in(proof.username, device.key, reply)

    def check_secret_hash(self, client_id: str, username: str, answers: dict[str, str]) -> None:
        """SECRET_HASH = base64(HMAC-SHA256(secret, username + client id)), where the app
        client has a secret."""
        secret = self.client_secrets.get(client_id)
        if secret is None:
            return
        if answers.get("SECRET_HASH") != secret_hash(secret, username, client_id):
            raise Refused(
                400,
                "NotAuthorizedException",
                f"Unable to verify secret hash for client {client_id}",
            )

    def mfa_answer(
        self, client_id: str, username: str, challenge: dict[str, Any]
    ) -> dict[str, Any]:
        """What the stand-in answers moto's MFA challenge with, when something else (the
        device, a passkey) has already proved the user."""
        from tests.integration.test_signin_moto import good_code

        name = challenge["ChallengeName"]
        answers = {"USERNAME": username, f"{name}_CODE": good_code()}
        secret = self.client_secrets.get(client_id)
        if secret is not None:  # moto checks it on the MFA answer
            answers["SECRET_HASH"] = secret_hash(secret, username, client_id)
        return {
            "ClientId": client_id,
            "ChallengeName": name,
            "Session": challenge.get("Session"),
            "ChallengeResponses": answers,
        }

    # -- the device calls --------------------------------------------------------------------
    def confirm_device(self, request: dict[str, Any]) -> dict[str, Any]:
        if self.refuse_confirm:
            raise Refused(400, "InvalidParameterException", "The stand-in refuses, as asked.")
        device = self.device_of(self.user_of(request), request.get("DeviceKey"))
        config = request.get("DeviceSecretVerifierConfig") or {}
        try:
            verifier = int.from_bytes(base64.b64decode(config["PasswordVerifier"]), "big")
            salt = base64.b64decode(config["Salt"])
        except (KeyError, ValueError, TypeError):
            raise Refused(400, "InvalidParameterException", "The verifier is malformed.") from None
        if not 1 < verifier < N or not salt:
            raise Refused(400, "InvalidParameterException", "The verifier is malformed.")
        if device.confirmed:
            raise Refused(400, "InvalidParameterException", "The device is confirmed already.")
        device.confirmed, device.verifier, device.salt = True, verifier, salt
        device.name = str(request.get("DeviceName") or "")
        device.last_authenticated, device.last_ip = time.time(), "127.0.0.1"
        if not self.prompt:
            device.remembered = True
        return {"UserConfirmationNecessary": self.prompt}

    def update_device_status(self, request: dict[str, Any]) -> dict[str, Any]:
        device = self.device_of(self.user_of(request), request.get("DeviceKey"))
        status = request.get("DeviceRememberedStatus")
        if status not in ("remembered", "not_remembered"):
            raise Refused(400, "InvalidParameterException", "DeviceRememberedStatus is invalid.")
        device.remembered = status == "remembered"
        return {}

    def list_devices(self, request: dict[str, Any]) -> dict[str, Any]:
        username = self.user_of(request)
        limit = int(request.get("Limit") or 60)
        if not 0 <= limit <= 60:
            raise Refused(400, "InvalidParameterException", "Limit must be at most 60.")
        mine = sorted(
            (d for d in self.devices.values() if d.username == username and d.confirmed),
            key=lambda d: (d.created, d.key),
        )
        start = int(request.get("PaginationToken") or "0")
        page = mine[start : start + (limit or 60)]
        reply: dict[str, Any] = {"Devices": [d.described() for d in page]}
        if start + len(page) < len(mine):
            reply["PaginationToken"] = str(start + len(page))
        return reply

    def get_device(self, request: dict[str, Any]) -> dict[str, Any]:
        device = self.device_of(self.user_of(request), request.get("DeviceKey"))
        return {"Device": device.described()}

    def forget_device(self, request: dict[str, Any]) -> dict[str, Any]:
        device = self.device_of(self.user_of(request), request.get("DeviceKey"))
        del self.devices[device.key]
        self.revoked.update(t for t, k in self.bound.items() if k == device.key)
        return {}

    # -- for the tests -----------------------------------------------------------------------
    def add_devices(self, username: str, count: int, remembered: bool = False) -> list[str]:
        """Devices of `username` signed in elsewhere (as other machines would have)."""
        group = self.groups.setdefault(username, f"-{secrets.token_urlsafe(9)}")
        keys = []
        for number in range(count):
            device = Device(
                f"{self.region}_{uuid.uuid4()}", username, group, 1_700_000_000.0 + number
            )
            device.confirmed, device.verifier, device.salt = True, 5, b"\x01"
            device.name, device.remembered = f"machine-{number:02d}", remembered
            device.last_authenticated, device.last_ip = (
                1_750_000_000.0 + number,
                f"198.51.100.{number}",
            )
            self.devices[device.key] = device
            keys.append(device.key)
        return keys

    def of(self, operation: str) -> list[Any]:
        """The requests for `operation` it received, as a Recorder gives them."""
        from tests.conftest import Recorded

        return [Recorded(name, body) for name, body in self.received if name == operation]

    def operations(self) -> list[str]:
        return [name for name, _ in self.received]


def main() -> None:
    """`python -m tests.device_standin`: moto, the stand-in in front of it and a user with
    an authenticator app, to try devices by hand (`python -m tests.device_standin code`
    prints the authenticator's code now)."""
    import os
    import sys

    from tests.integration.test_signin_moto import enable_mfa, good_code

    if sys.argv[1:] == ["code"]:
        print(good_code())
        return
    os.environ["MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP"] = "true"  # codes are checked
    import logging

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's request log
    from moto.server import ThreadedMotoServer

    from tests.conftest import PASSWORD, create_pool

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    pool = create_pool(f"http://{host}:{port}")
    user = pool.add_user("ada")
    enable_mfa(pool, user, "totp")
    standin = DeviceStandIn(f"http://{host}:{port}")
    standin.add_devices(user, 3)
    print(
        f"cogtui --endpoint-url {standin.endpoint} --user-pool-id {pool.user_pool_id} "
        f"--client-id {pool.client_id}"
    )
    print(f"user {user}, password {PASSWORD}; codes: python -m tests.device_standin code")
    print("Ctrl-C stops the stand-in.", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        standin.close()
        server.stop()


if __name__ == "__main__":
    main()
