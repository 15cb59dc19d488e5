"""`cogtui demo`: a seeded user on an emulator, so cogtui can be tried without a pool.

By default moto's server runs inside this process on a free loopback port and dies with
it; `--endpoint-url` seeds an emulator that is already running (cognito-local, to try the
verification-code flow) instead. The demo keeps tokens in memory: it never writes to the
keyring or the config file.

moto is an optional dependency (the `demo` extra), so it is imported inside the functions
that need it, never at module level.
"""

from __future__ import annotations

import argparse
import json
import logging
import shlex
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from cogtui.cognito import EmulatorAdmin
from cogtui.config import Settings, usable_url
from cogtui.errors import CognitoError, CogtuiError, ConfigError, NetworkError, UsageError
from cogtui.session import Session
from cogtui.vault import MemoryStore, Vault

DEMO_REGION = "us-east-1"
WAIT_FOR_EMULATOR = 60.0  # seconds: `npx cognito-local` needs ~8 s, more to download it
DEMO_USERNAME = "ada"
# Published on purpose: it is shown on the demo's sign-in screen and in the README.
DEMO_PASSWORD = "Analytical-Engine-1843"
DEMO_PROFILE = {
    "given_name": "Ada",
    "family_name": "Lovelace",
    "name": "Ada Lovelace",
    "email": "ada@example.com",
    "email_verified": "true",
    "phone_number": "+447700900123",
    "phone_number_verified": "false",
    "birthdate": "1815-12-10",
    "locale": "en-GB",
    "zoneinfo": "Europe/London",
    "website": "https://example.com/ada",
    "custom:team": "Analytical Engine",
    "custom:plan": "pro",
}
SCHEMA = [
    {"Name": "team", "AttributeDataType": "String", "Mutable": True},
    {"Name": "plan", "AttributeDataType": "String", "Mutable": True},
]
AUTH_FLOWS = ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
# Emulators accept any credentials for their admin API. These are passed to the client
# explicitly so that the environment and ~/.aws are never read; cogtui itself needs none.
EMULATOR_CREDENTIALS = {"aws_access_key_id": "cogtui-demo", "aws_secret_access_key": "cogtui-demo"}
INSTALL_MOTO = (
    "The demo needs moto, which is not installed: run `pip install 'cogtui[demo]'` "
    "(or `pip install 'moto[server]'`), or pass --endpoint-url of an emulator that is running."
)


@dataclass(frozen=True)
class DemoPool:
    """The seeded pool, its app client and the demo user's sign-in."""

    endpoint_url: str
    user_pool_id: str
    client_id: str
    username: str = DEMO_USERNAME
    password: str = DEMO_PASSWORD
    region: str = DEMO_REGION

    def settings(self, auth_flow: str = "srp") -> Settings:
        """Settings for this pool that keep the tokens in memory."""
        return Settings(
            user_pool_id=self.user_pool_id,
            client_id=self.client_id,
            region=self.region,
            endpoint_url=self.endpoint_url,
            auth_flow=auth_flow,
            use_keyring=False,
        )

    def cli_options(self) -> list[str]:
        """The connection options that reach this pool from the command line."""
        return [
            "--endpoint-url",
            self.endpoint_url,
            "--user-pool-id",
            self.user_pool_id,
            "--client-id",
            self.client_id,
            "--region",
            self.region,
        ]


def seed(endpoint_url: str, region: str = DEMO_REGION) -> DemoPool:
    """Create a pool, an app client and the demo user on the emulator at `endpoint_url`."""
    admin = EmulatorAdmin(endpoint_url, region, EMULATOR_CREDENTIALS)
    try:
        pool = admin.call(
            "create_user_pool",
            PoolName=f"cogtui-demo-{uuid.uuid4().hex[:6]}",
            Schema=SCHEMA,
            # cognito-local makes every pool sign in by email unless told otherwise.
            UsernameAttributes=[],
            AutoVerifiedAttributes=["email"],
            # As a careful pool is set up: a new email waits for its code (cognito-local
            # honours it; moto applies the change at once).
            UserAttributeUpdateSettings={"AttributesRequireVerificationBeforeUpdate": ["email"]},
        )["UserPool"]
        client = admin.call(
            "create_user_pool_client",
            UserPoolId=pool["Id"],
            ClientName="cogtui-demo",
            ExplicitAuthFlows=AUTH_FLOWS,
        )["UserPoolClient"]
        # cognito-local's default pools ignore the request and sign in by email: then the
        # email address is the username.
        by_email = "email" in (pool.get("UsernameAttributes") or [])
        username = DEMO_PROFILE["email"] if by_email else DEMO_USERNAME
        admin.call(
            "admin_create_user",
            UserPoolId=pool["Id"],
            Username=username,
            UserAttributes=[{"Name": n, "Value": v} for n, v in DEMO_PROFILE.items()],
            MessageAction="SUPPRESS",
        )
        admin.call(
            "admin_set_user_password",
            UserPoolId=pool["Id"],
            Username=username,
            Password=DEMO_PASSWORD,
            Permanent=True,
        )
    except NetworkError:
        raise
    except CognitoError as error:
        where = f"The demo user could not be created at {endpoint_url}"
        raise CogtuiError(f"{where}: {error.message}") from None
    return DemoPool(endpoint_url, pool["Id"], client["ClientId"], username, region=region)


def quiet_server_logs() -> None:
    """Keep the emulator's request log and tracebacks out of the terminal the TUI draws on."""
    for name in ("werkzeug", "moto"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.CRITICAL + 1)
        logger.propagate = False
        if not logger.handlers:
            # werkzeug adds a stderr handler of its own unless the logger already has one.
            logger.addHandler(logging.NullHandler())


@contextmanager
def embedded_emulator() -> Iterator[str]:
    """moto's server on a free loopback port in this process; yields its URL."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError:
        raise ConfigError(INSTALL_MOTO) from None
    quiet_server_logs()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def notice_for(pool: DemoPool, embedded: bool) -> str:
    """The line the sign-in screen shows under the demo credentials."""
    where = f"the emulator at {pool.endpoint_url}"
    if embedded:
        where = "an emulator inside this process"
    ends = "die with the emulator" if embedded else "are gone when this demo ends"
    return (
        f"Demo on {where}: tokens are kept in memory and {ends}; "
        "nothing is written to your keyring or config."
    )


def open_editor(pool: DemoPool, auth_flow: str, notice: str) -> int:
    """The TUI at the sign-in screen, with the demo credentials shown and an in-memory store."""
    from cogtui.app import CogtuiApp

    store = MemoryStore()
    app = CogtuiApp(
        pool.settings(auth_flow),
        store=store,
        demo_credentials=(pool.username, pool.password),
        notice=notice,
        session=demo_session(pool, auth_flow, store),
    )
    app.run()  # a crash is told by the app itself, in one sentence
    return app.return_code or 0


def demo_session(
    pool: DemoPool, auth_flow: str = "srp", store: MemoryStore | None = None
) -> Session:
    """A session whose tokens live in memory and whose calls are never retried.

    moto answers the operations it lacks (VerifyUserAttribute,
    GetUserAttributeVerificationCode) with HTTP 500, which botocore would retry with
    back-off for seconds before the app could say the emulator lacks them.
    """
    settings = pool.settings(auth_flow)
    vault = Vault(store or MemoryStore(), settings.user_pool_id, settings.client_id)
    return Session(settings, vault, max_attempts=1)


def print_seeded(pool: DemoPool, auth_flow: str) -> None:
    """How to reach the seeded pool: as options, as COGTUI_* variables, as a profile."""
    from cogtui.config import config_path

    options = " ".join(pool.cli_options())
    flow = " --auth-flow password" if auth_flow == "password" else ""
    settings = {
        "endpoint_url": pool.endpoint_url,
        "user_pool_id": pool.user_pool_id,
        "client_id": pool.client_id,
        "region": pool.region,
        "auth_flow": auth_flow,
    }
    print(f"Seeded user {pool.username!r} (password {pool.password!r}) at {pool.endpoint_url}.")
    print(f"Sign in: cogtui login --username {pool.username}{flow} {options}")
    print(f"Or open the editor: cogtui{flow} {options}")
    print()
    print(f"Or set these once, then run `cogtui login --username {pool.username}` and `cogtui`:")
    for name, value in settings.items():
        print(f"export COGTUI_{name.upper()}={shlex.quote(value)}")
    print()
    print(f"Or add this profile to {config_path()}, then run `cogtui --profile demo`:")
    print("[profiles.demo]")
    for name, value in settings.items():
        print(f"{name} = {json.dumps(value)}")


def seed_when_ready(endpoint_url: str, region: str) -> DemoPool:
    """Seed the emulator at `endpoint_url`, waiting up to WAIT_FOR_EMULATOR seconds for it
    to listen: one started a moment ago (`npx cognito-local &`) needs several seconds."""
    wait = WAIT_FOR_EMULATOR
    deadline = time.monotonic() + wait
    said = False
    while True:
        try:
            return seed(endpoint_url, region)
        except NetworkError:
            if time.monotonic() >= deadline:
                raise CogtuiError(
                    f"The emulator at {endpoint_url} did not answer within {wait:.0f} s: "
                    "start it first, or check the URL."
                ) from None
            if not said:
                waiting = f"Waiting for the emulator at {endpoint_url} (up to {wait:.0f} s)…"
                print(waiting, file=sys.stderr)
                said = True
            time.sleep(0.5)


def run_demo(args: argparse.Namespace) -> int:
    """`cogtui demo [--endpoint-url URL] [--seed-only]`."""
    endpoint_url = getattr(args, "endpoint_url", None)
    region = getattr(args, "region", None) or DEMO_REGION
    chosen_flow = getattr(args, "auth_flow", None)
    if endpoint_url and not usable_url(endpoint_url):
        raise ConfigError(
            f"The endpoint URL {endpoint_url!r} is malformed: it must be an http:// or "
            "https:// URL with a host name, such as http://127.0.0.1:9229."
        )
    if endpoint_url:
        # cognito-local knows only USER_PASSWORD_AUTH; moto and AWS know both.
        auth_flow = chosen_flow or "password"
        pool = seed_when_ready(endpoint_url, region)
        if getattr(args, "seed_only", False):
            print_seeded(pool, auth_flow)
            return 0
        return open_editor(pool, auth_flow, notice_for(pool, embedded=False))
    if getattr(args, "seed_only", False):
        raise UsageError(
            "--seed-only needs --endpoint-url: the embedded emulator ends with the demo."
        )
    with embedded_emulator() as url:
        pool = seed(url, region)
        return open_editor(pool, chosen_flow or "srp", notice_for(pool, embedded=True))
