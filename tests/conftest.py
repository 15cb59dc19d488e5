"""Real components for the tests: moto's server, cognito-local, a Secret Service.

Each starts once per test session on a free loopback port; each test gets its own pool.
A component that is missing fails the test in CI (CI=true) and skips it, loudly, elsewhere.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
EMULATOR_DIR = ROOT / "tests" / "emulator"
COGNITO_LOCAL = EMULATOR_DIR / "node_modules" / ".bin" / "cognito-local"
FIXED_CODE = "246810"
PASSWORD = "Correct-Horse-9"
# Only the test harness's admin client signs requests; cogtui itself never sees these.
ADMIN_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


def missing(component: str, fix: str) -> None:
    """Fail in CI, skip loudly elsewhere."""
    message = f"{component} is not available: {fix}"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message + " (CI=true: a missing component is a failure)")
    pytest.skip("SKIPPED, NOT TESTED: " + message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# -- an isolated home ------------------------------------------------------------------------
@pytest.fixture(scope="session", autouse=True)
def isolated_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """HOME, config and data dirs in a temporary folder, so no test touches the developer's."""
    home = tmp_path_factory.mktemp("home")
    saved = {k: os.environ.get(k) for k in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME")}
    os.environ.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
    )
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        os.environ.pop(name, None)  # cogtui must work with no AWS credentials at all
    yield home
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


# -- a real Secret Service ---------------------------------------------------------------
@pytest.fixture(scope="session")
def secret_service(isolated_home: Path) -> Iterator[Any]:
    """gnome-keyring, unlocked, on this D-Bus session; yields the keyring backend."""
    if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        missing("A D-Bus session", "run the tests under `dbus-run-session -- ...`")
    if not shutil.which("gnome-keyring-daemon"):
        missing("gnome-keyring", "install Debian's gnome-keyring")
    started = subprocess.run(
        # --replace: a daemon D-Bus started on its own (locked, no login collection) gives way.
        ["gnome-keyring-daemon", "--replace", "--unlock", "--components=secrets", "--daemonize"],
        input=b"test-keyring-password",
        capture_output=True,
        timeout=30,
        check=False,
    )
    for line in started.stdout.decode().splitlines():
        name, _, value = line.partition("=")
        if name.startswith("GNOME_KEYRING"):
            os.environ[name] = value
    import keyring
    from keyring.backends import SecretService

    backend = SecretService.Keyring()
    try:
        backend.set_password("cogtui-test", "probe", "probe")
        backend.delete_password("cogtui-test", "probe")
    except Exception as error:
        missing("An unlocked Secret Service", f"gnome-keyring did not answer ({error!r})")
    keyring.set_keyring(backend)
    yield backend


def cogtui_entries(backend: Any) -> list[tuple[str, str]]:
    """Every (service, username) in the Secret Service whose service begins with `cogtui`."""
    import secretstorage

    connection = secretstorage.dbus_init()
    collection = secretstorage.get_default_collection(connection)
    found = []
    for item in collection.get_all_items():
        attributes = item.get_attributes()
        service = attributes.get("service", "")
        if service.startswith("cogtui") and service != "cogtui-test":
            found.append((service, attributes.get("username", "")))
    return found


# -- moto's server, in process ---------------------------------------------------------------
@dataclass
class Pool:
    """One user pool with one app client on an emulator, and an admin client to seed it."""

    endpoint: str
    user_pool_id: str
    client_id: str
    admin: Any
    region: str = "us-east-1"
    users: dict[str, str] = field(default_factory=dict)

    def cli_options(self) -> list[str]:
        return [
            "--endpoint-url",
            self.endpoint,
            "--user-pool-id",
            self.user_pool_id,
            "--client-id",
            self.client_id,
            "--region",
            self.region,
        ]

    def settings(self, **extra: Any) -> Any:
        from cogtui.config import Settings

        return Settings(
            user_pool_id=self.user_pool_id,
            client_id=self.client_id,
            region=self.region,
            endpoint_url=self.endpoint,
            **extra,
        )

    def add_user(
        self, username: str | None = None, password: str = PASSWORD, **attributes: str
    ) -> str:
        """A confirmed user with a permanent password."""
        username = username or f"user-{uuid.uuid4().hex[:8]}"
        self.admin.admin_create_user(
            UserPoolId=self.user_pool_id,
            Username=username,
            UserAttributes=[
                {"Name": k.replace("custom_", "custom:"), "Value": v} for k, v in attributes.items()
            ],
            MessageAction="SUPPRESS",
        )
        self.admin.admin_set_user_password(
            UserPoolId=self.user_pool_id, Username=username, Password=password, Permanent=True
        )
        self.users[username] = password
        return username

    def attributes(self, username: str) -> dict[str, str]:
        """What the server holds for the user now."""
        reply = self.admin.admin_get_user(UserPoolId=self.user_pool_id, Username=username)
        return {a["Name"]: a.get("Value", "") for a in reply["UserAttributes"]}


def admin_client(endpoint: str) -> Any:
    import boto3

    return boto3.client(
        "cognito-idp", region_name="us-east-1", endpoint_url=endpoint, **ADMIN_CREDENTIALS
    )


SCHEMA = [
    {"Name": "team", "AttributeDataType": "String", "Mutable": True},
    {"Name": "plan", "AttributeDataType": "String", "Mutable": True},
]


def create_pool(endpoint: str, **pool_options: Any) -> Pool:
    admin = admin_client(endpoint)
    pool = admin.create_user_pool(
        PoolName=f"pool-{uuid.uuid4().hex[:8]}", Schema=SCHEMA, **pool_options
    )["UserPool"]
    client = admin.create_user_pool_client(
        UserPoolId=pool["Id"],
        ClientName="cogtui-tests",
        ExplicitAuthFlows=[
            "ALLOW_USER_SRP_AUTH",
            "ALLOW_USER_PASSWORD_AUTH",
            "ALLOW_REFRESH_TOKEN_AUTH",
        ],
    )["UserPoolClient"]
    return Pool(endpoint, pool["Id"], client["ClientId"], admin)


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    try:
        from moto.server import ThreadedMotoServer
    except ImportError:
        missing("moto's server", "pip install 'moto[server]' (the test extra has it)")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def moto_pool(moto_endpoint: str) -> Pool:
    """A fresh pool (custom:team, custom:plan) with an SRP/password/refresh app client."""
    return create_pool(moto_endpoint)


# -- cognito-local, a subprocess -----------------------------------------------------------
@pytest.fixture(scope="session")
def cognito_local_endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not shutil.which("node"):
        missing("Node.js", "install Node.js to run cognito-local")
    if not COGNITO_LOCAL.exists():
        missing("cognito-local", f"run `npm ci` in {EMULATOR_DIR}")
    workdir = tmp_path_factory.mktemp("cognito-local")
    # cognito-local makes every pool sign in by email unless told otherwise.
    (workdir / ".cognito").mkdir()
    (workdir / ".cognito" / "config.json").write_text(
        json.dumps({"UserPoolDefaults": {"UsernameAttributes": []}})
    )
    port = free_port()
    log = (workdir / "cognito-local.log").open("wb")
    process = subprocess.Popen(
        [str(COGNITO_LOCAL)],
        cwd=workdir,
        env={**os.environ, "PORT": str(port), "HOST": "127.0.0.1", "CODE": FIXED_CODE},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"cognito-local did not start: see {workdir / 'cognito-local.log'}")
            time.sleep(0.1)
    yield endpoint
    process.terminate()
    process.wait(timeout=10)
    log.close()


@pytest.fixture
def local_pool(cognito_local_endpoint: str) -> Pool:
    """A fresh pool on cognito-local, where codes are always FIXED_CODE."""
    return create_pool(cognito_local_endpoint)


# -- what the server received ---------------------------------------------------------------
@dataclass
class Recorded:
    operation: str
    body: dict[str, Any]


class Recorder:
    """A loopback proxy in front of an emulator that records every request it forwards."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.requests: list[Recorded] = []
        self.codes: list[str] = []  # moto's ForgotPassword codes, from its response header
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                target = self.headers.get("X-Amz-Target", "")
                recorder.requests.append(
                    Recorded(target.rpartition(".")[2], json.loads(body or b"{}"))
                )
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                request = urllib.request.Request(
                    recorder.upstream + self.path,
                    data=body or None,
                    headers=headers,
                    method=self.command,
                )
                try:
                    with urllib.request.urlopen(request, timeout=30) as reply:
                        status, payload, reply_headers = reply.status, reply.read(), reply.headers
                except urllib.error.HTTPError as error:
                    status, payload, reply_headers = error.code, error.read(), error.headers
                code = reply_headers.get("x-moto-forgot-password-confirmation-code")
                if code:
                    recorder.codes.append(code)
                self.send_response(status)
                for name in ("Content-Type", "x-amzn-ErrorType", "x-amzn-RequestId"):
                    if reply_headers.get(name):
                        self.send_header(name, reply_headers[name])
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.endpoint = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def operations(self) -> list[str]:
        return [r.operation for r in self.requests]

    def of(self, operation: str) -> list[Recorded]:
        return [r for r in self.requests if r.operation == operation]

    def close(self) -> None:
        self.server.shutdown()


@pytest.fixture
def record() -> Iterator[Any]:
    """`record(pool)` -> a Recorder in front of the pool's emulator; the pool now points at it."""
    recorders: list[Recorder] = []

    def start(pool: Pool) -> Recorder:
        recorder = Recorder(pool.endpoint)
        recorders.append(recorder)
        pool.endpoint = recorder.endpoint
        return recorder

    yield start
    for recorder in recorders:
        recorder.close()


# -- helpers for the core suite: fake tokens, a test keyring, running the CLI -----------------
TEST_SIGNING_KEY = "a-throwaway-key-for-fake-test-tokens"  # not a secret: fake tokens only


def fake_tokens(
    user_pool_id: str,
    client_id: str,
    username: str = "grace",
    expires_in: int = 3600,
    refresh_token: str | None = "fake-refresh-token",
    access: dict[str, Any] | None = None,
    id_: dict[str, Any] | None = None,
) -> Any:
    """Cognito-shaped tokens signed with a throwaway key; `access`/`id_` change claims."""
    import jwt

    from cogtui.vault import Tokens

    region = user_pool_id.partition("_")[0]
    now = int(time.time())
    common = {
        "sub": f"sub-of-{username}",
        "iss": f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}",
        "iat": now,
        "exp": now + expires_in,
    }
    access_claims = {**common, "token_use": "access", "client_id": client_id, "username": username}
    id_claims = {**common, "token_use": "id", "aud": client_id, "cognito:username": username}
    return Tokens(
        jwt.encode({**id_claims, **(id_ or {})}, TEST_SIGNING_KEY, algorithm="HS256"),
        jwt.encode({**access_claims, **(access or {})}, TEST_SIGNING_KEY, algorithm="HS256"),
        refresh_token,
    )


def expired_copy(token: str) -> str:
    """The same claims as `token`, but expired ten minutes ago (signature not Cognito's)."""
    import jwt

    claims = jwt.decode(token, options={"verify_signature": False})
    claims["exp"] = int(time.time()) - 600
    return jwt.encode(claims, TEST_SIGNING_KEY, algorithm="HS256")


from keyring.backend import KeyringBackend  # noqa: E402  (the core suite's section)
from keyring.errors import PasswordDeleteError, PasswordSetError  # noqa: E402


class MemoryKeyring(KeyringBackend):
    """A keyring in memory that, like Windows Credential Manager, refuses long values."""

    priority = -1  # never chosen by keyring's own detection; tests set it explicitly
    LIMIT = 1280  # UTF-16 characters in a Windows credential blob
    max_value_length = LIMIT  # what the vault reads to split a value

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        if len(password) > self.LIMIT:
            raise PasswordSetError(f"a value of {len(password)} characters is too long")
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError("no such entry")

    def cogtui_entries(self) -> dict[tuple[str, str], str]:
        """Every entry whose service begins with `cogtui`."""
        return {key: v for key, v in self.entries.items() if key[0].startswith("cogtui")}


@pytest.fixture
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> Any:
    """The OS keyring, as cogtui finds it, is a MemoryKeyring for this test."""
    backend = MemoryKeyring()
    monkeypatch.setattr("cogtui.vault.system_store", lambda: backend)
    return backend


@pytest.fixture
def empty_keyring(secret_service: Any) -> Any:
    """The real Secret Service, with no cogtui entry left over from another test."""
    import secretstorage

    collection = secretstorage.get_default_collection(secretstorage.dbus_init())
    for item in collection.get_all_items():
        service = item.get_attributes().get("service", "")
        if service.startswith("cogtui") and service != "cogtui-test":
            item.delete()
    assert cogtui_entries(secret_service) == []
    return secret_service


@dataclass
class CliResult:
    """What one `cogtui` command did: exit code, standard output, standard error."""

    code: int
    out: str
    err: str

    def sentence(self, *prompts: str) -> str:
        """The error on stderr, checked to be one plain line (after these prompts, if any)."""
        assert "Traceback" not in self.err, self.err
        lines = [line for line in self.err.splitlines() if line.strip()]
        assert len(lines) == len(prompts) + 1, f"expected one error line, got {self.err!r}"
        assert lines[:-1] == list(prompts), self.err
        error = lines[-1]
        assert error.startswith("cogtui: ") and error.endswith("."), error
        return error.removeprefix("cogtui: ")


@pytest.fixture
def cogtui_cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Any:
    """`cogtui_cli(*argv, stdin=...)` runs `cogtui.cli.main` in this process."""
    import io
    import sys

    from cogtui.cli import main

    for name in list(os.environ):
        if name.startswith("COGTUI_"):
            monkeypatch.delenv(name)

    def run(*argv: str, stdin: Any = "") -> CliResult:
        """`stdin`: the text typed, or an object whose readline answers as it is asked."""
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin) if isinstance(stdin, str) else stdin)
        capsys.readouterr()
        try:
            code = main(list(argv))
        except SystemExit as exit_:  # argparse ends a usage error this way
            code = exit_.code if isinstance(exit_.code, int) else 1
        out, err = capsys.readouterr()
        return CliResult(code, out, err)

    return run


def run_cogtui_process(*argv: str, stdin: str = "") -> CliResult:
    """`python -m cogtui ...` as a user runs it: a new process, this environment, no COGTUI_*."""
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("COGTUI_")}
    done = subprocess.run(
        [sys.executable, "-m", "cogtui", *argv],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    return CliResult(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def local_story(
    cognito_local_endpoint: str, record: Any, cogtui_cli: Any, empty_keyring: Any
) -> Story:
    """A fresh cognito-local pool (USER_PASSWORD_AUTH), its recorder, an empty real keyring."""
    pool = create_pool(cognito_local_endpoint)
    return Story(pool, record(pool), cogtui_cli, empty_keyring, flow="password")


class Story:
    """One pool behind a recorder, `cogtui` commands run against it, and its keyring."""

    def __init__(self, pool: Pool, recorder: Recorder, run: Any, keyring: Any, flow: str) -> None:
        from cogtui.vault import Vault

        self.pool, self.recorder, self.run, self.flow = pool, recorder, run, flow
        self.vault = Vault(keyring, pool.user_pool_id, pool.client_id)

    def options(self) -> list[str]:
        return [*self.pool.cli_options(), "--auth-flow", self.flow]

    def __call__(self, *argv: str, stdin: str = "") -> CliResult:
        """`cogtui ARGV` in this process."""
        return self.run(*argv, *self.options(), stdin=stdin)  # type: ignore[no-any-return]

    def in_new_process(self, *argv: str, stdin: str = "") -> CliResult:
        """`python -m cogtui ARGV`, as a user runs it."""
        return run_cogtui_process(*argv, *self.options(), stdin=stdin)

    def login(self, username: str, *answers: str, flow: str | None = None) -> CliResult:
        """`cogtui login` in this process; the password, then each answer, on stdin."""
        stdin = "".join(line + "\n" for line in answers)
        flow = flow or self.flow
        argv = ["login", "--username", username, "--password-stdin", "--auth-flow", flow]
        return self.run(*argv, *self.pool.cli_options(), stdin=stdin)  # type: ignore[no-any-return]

    def sent(self, operation: str) -> list[dict[str, Any]]:
        """The bodies of the requests for `operation` the server received."""
        return [r.body for r in self.recorder.of(operation)]

    def stored(self, username: str) -> Any:
        """The user's tokens as the keyring holds them now."""
        found = self.vault.load_tokens(username)
        assert found is not None, f"no tokens for {username} in the keyring"
        return found

    def expire_access_token(self, username: str) -> Any:
        """Make the stored access token look expired; returns the tokens as they were."""
        from cogtui.vault import Tokens

        before = self.stored(username)
        expired = expired_copy(before.access_token)
        self.vault.save_tokens(username, Tokens(before.id_token, expired, before.refresh_token))
        return before
