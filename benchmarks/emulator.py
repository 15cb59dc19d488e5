"""Start cognito-local on a free loopback port and seed a pool, a client and a user.

Used by the benchmark, and by hand: `python benchmarks/emulator.py` prints the cogtui
command line to try the TUI against it, and keeps the emulator running until Ctrl+C.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
COGNITO_LOCAL = ROOT / "tests" / "emulator" / "node_modules" / ".bin" / "cognito-local"
CODE = "246810"
PASSWORD = "Correct-Horse-9"
# Only the seeding admin client signs requests; cogtui itself never sees these.
ADMIN = {"aws_access_key_id": "local", "aws_secret_access_key": "local"}


@dataclass
class Seeded:
    endpoint: str
    user_pool_id: str
    client_id: str
    username: str
    password: str

    def options(self) -> list[str]:
        return [
            "--endpoint-url",
            self.endpoint,
            "--user-pool-id",
            self.user_pool_id,
            "--client-id",
            self.client_id,
            "--auth-flow",
            "password",
        ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_cognito_local() -> tuple[subprocess.Popen[bytes], str]:
    """cognito-local in a temporary folder, answering on 127.0.0.1 with a fixed code."""
    workdir = Path(tempfile.mkdtemp(prefix="cognito-local-"))
    (workdir / ".cognito").mkdir()
    (workdir / ".cognito" / "config.json").write_text(
        json.dumps({"UserPoolDefaults": {"UsernameAttributes": []}})
    )
    port = free_port()
    process = subprocess.Popen(
        [str(COGNITO_LOCAL)],
        cwd=workdir,
        env={**os.environ, "PORT": str(port), "HOST": "127.0.0.1", "CODE": CODE},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise SystemExit("cognito-local did not start") from None
            time.sleep(0.1)
    return process, f"http://127.0.0.1:{port}"


def admin(endpoint: str) -> Any:
    import boto3

    return boto3.client("cognito-idp", region_name="us-east-1", endpoint_url=endpoint, **ADMIN)


def seed(endpoint: str, username: str = "ada") -> Seeded:
    """A pool that sends email codes (kept-original-until-verified), a client, a user."""
    client = admin(endpoint)
    pool = client.create_user_pool(
        PoolName="cogtui-bench",
        Schema=[
            {"Name": "team", "AttributeDataType": "String", "Mutable": True},
            {"Name": "plan", "AttributeDataType": "String", "Mutable": True},
        ],
        AutoVerifiedAttributes=["email"],
        UserAttributeUpdateSettings={"AttributesRequireVerificationBeforeUpdate": ["email"]},
    )["UserPool"]
    app_client = client.create_user_pool_client(
        UserPoolId=pool["Id"],
        ClientName="cogtui",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]
    client.admin_create_user(
        UserPoolId=pool["Id"],
        Username=username,
        UserAttributes=[
            {"Name": "email", "Value": f"{username}@example.com"},
            {"Name": "email_verified", "Value": "true"},
            {"Name": "given_name", "Value": "Ada"},
            {"Name": "family_name", "Value": "Lovelace"},
            {"Name": "nickname", "Value": "countess"},
            {"Name": "custom:team", "Value": "engines"},
        ],
        MessageAction="SUPPRESS",
    )
    client.admin_set_user_password(
        UserPoolId=pool["Id"], Username=username, Password=PASSWORD, Permanent=True
    )
    return Seeded(endpoint, pool["Id"], app_client["ClientId"], username, PASSWORD)


def main() -> None:
    process, endpoint = start_cognito_local()
    try:
        seeded = seed(endpoint)
        print("cognito-local on", endpoint, "· codes are always", CODE)
        print(f"user {seeded.username} / {seeded.password}")
        print("python -m cogtui --no-keyring " + " ".join(seeded.options()), flush=True)
        process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        process.terminate()
        process.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
