"""Fixtures of the fault suite: hostile servers, a signed-in `cogtui` pointed at one, and a
check that no secret reached the terminal or a file.

Timeouts are small here (COGTUI_CONNECT_TIMEOUT, COGTUI_READ_TIMEOUT), so a server that
hangs costs a second, and a hang that cogtui does not cut off shows as a wall-time failure.
"""

from __future__ import annotations

import html
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, CliResult, Pool, fake_tokens, run_cogtui_process

from .hostile import USERNAME, HostileServer

POOL_ID = "us-east-1_Faults1"
CLIENT_ID = "faultsclient0000000000001"
REGION = "us-east-1"
PASSWORD = "Pa55word-Secret!"
CODE = "135790"
CONNECT_TIMEOUT = "0.5"
READ_TIMEOUT = "0.5"
HANG_BOUND = 10.0  # seconds: longer than this, cogtui did not cut a hung server off
TIMEOUTS = {"COGTUI_CONNECT_TIMEOUT": CONNECT_TIMEOUT, "COGTUI_READ_TIMEOUT": READ_TIMEOUT}


# -- hostile servers ------------------------------------------------------------------------
@pytest.fixture
def hostile() -> Iterator[Callable[..., HostileServer]]:
    """`hostile(behaviour, targets=..., upstream=...)` -> a started HostileServer, stopped at
    the end of the test."""
    servers: list[HostileServer] = []

    def start(behaviour: str, **options: Any) -> HostileServer:
        server = HostileServer(behaviour, **options)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


# -- no secret anywhere ---------------------------------------------------------------------
def token_secrets(*tokens: str | None) -> list[str]:
    """Each token, and each part of it that is its own (a JWT's header is everyone's)."""
    found: list[str] = []
    for token in tokens:
        if not token:
            continue
        found.append(token)
        parts = token.split(".")
        found += [part for part in parts[1:] if len(part) >= 16]
    return found


class SecretCheck:
    """`no_secret(*texts)`: none of the test's secrets in these texts, nor in any file under
    HOME or the test's tmp dir. The failure names the secret's kind, never the secret."""

    def __init__(self, roots: Iterable[Path]) -> None:
        self.roots = [root for root in roots if root.exists()]
        self.secrets: dict[str, str] = {}

    def add(self, label: str, *values: str | None) -> None:
        for value in values:
            if value:
                self.secrets[value] = label

    def add_tokens(self, label: str, tokens: Any) -> None:
        self.add(
            label,
            *token_secrets(tokens.id_token, tokens.access_token),
            tokens.refresh_token,
        )

    def __call__(self, *texts: str) -> None:
        assert self.secrets, "no secret registered: the check would prove nothing"
        for number, text in enumerate(texts):
            for secret, label in self.secrets.items():
                if secret in text:
                    pytest.fail(f"{label} appears in text #{number} given to no_secret")
        self.files()

    def files(self) -> None:
        encoded = {secret.encode(): label for secret, label in self.secrets.items()}
        for root in self.roots:
            for path in root.rglob("*"):
                try:
                    if not path.is_file() or path.stat().st_size > 8 * 1024 * 1024:
                        continue
                    data = path.read_bytes()
                except OSError:
                    continue
                for secret, label in encoded.items():
                    if secret in data:
                        pytest.fail(f"{label} is written in the file {path}")


@pytest.fixture
def no_secret(tmp_path: Path) -> SecretCheck:
    check = SecretCheck([Path(os.environ["HOME"]), tmp_path])
    check.add("the password", PASSWORD)
    check.add("the verification code", CODE)
    return check


# -- cogtui, signed in, pointed at a hostile server ------------------------------------------
@dataclass
class Faulty:
    """One test's world: a hostile server, `cogtui` pointed at it, and its stored tokens."""

    server: HostileServer
    run: Callable[..., CliResult]
    user_pool_id: str = POOL_ID
    client_id: str = CLIENT_ID
    tokens: Any = None
    keyring: Any = None
    timings: list[float] = field(default_factory=list)

    def options(self) -> list[str]:
        return [
            "--endpoint-url",
            self.server.url,
            "--user-pool-id",
            self.user_pool_id,
            "--client-id",
            self.client_id,
            "--region",
            REGION,
        ]

    def __call__(self, *argv: str, stdin: str = "") -> CliResult:
        """`cogtui ARGV OPTIONS`, timed."""
        started = time.monotonic()
        try:
            return self.run(*argv, *self.options(), stdin=stdin)
        finally:
            self.timings.append(time.monotonic() - started)

    def login(self, flow: str = "password") -> CliResult:
        argv = ["login", "--username", USERNAME, "--password-stdin", "--auth-flow", flow]
        return self(*argv, stdin=PASSWORD + "\n")

    @property
    def last_took(self) -> float:
        return self.timings[-1]

    def stored_tokens(self) -> Any:
        from cogtui.vault import Vault

        return Vault(self.keyring, self.user_pool_id, self.client_id).load_tokens(USERNAME)


def auth_result(tokens: Any) -> dict[str, str]:
    result = {"IdToken": tokens.id_token, "AccessToken": tokens.access_token}
    if tokens.refresh_token:
        result["RefreshToken"] = tokens.refresh_token
    return result


@pytest.fixture
def faulty(
    cogtui_cli: Any,
    memory_keyring: Any,
    hostile: Callable[..., HostileServer],
    no_secret: SecretCheck,
    monkeypatch: pytest.MonkeyPatch,
) -> Callable[..., Faulty]:
    """`faulty(behaviour, targets=..., signed_in=True)` -> `cogtui` in this process against a
    hostile server, with grace's (fake) tokens stored in a memory keyring."""
    from cogtui.vault import Vault

    for name, value in TIMEOUTS.items():  # after cogtui_cli, which removes every COGTUI_*
        monkeypatch.setenv(name, value)

    def make(behaviour: str, signed_in: bool = True, **options: Any) -> Faulty:
        tokens = fake_tokens(POOL_ID, CLIENT_ID, USERNAME, refresh_token="fake-refresh-f4ults")
        no_secret.add_tokens("a token", tokens)
        server = hostile(behaviour, auth_result=auth_result(tokens), **options)
        if signed_in:
            Vault(memory_keyring, POOL_ID, CLIENT_ID).save_tokens(USERNAME, tokens)
        stored = tokens if signed_in else None
        return Faulty(server, cogtui_cli, tokens=stored, keyring=memory_keyring)

    return make


@dataclass
class MotoUser:
    """grace on a real moto pool, signed in, with real tokens."""

    pool: Pool
    username: str
    tokens: Any


@pytest.fixture
def moto_grace(moto_pool: Pool, no_secret: SecretCheck) -> MotoUser:
    """A user `grace` on moto (nickname gracie), signed in; the tokens are secrets."""
    from cogtui.vault import Tokens

    moto_pool.add_user(USERNAME, password=PASSWORD, email="g@example.com", nickname="gracie")
    reply = moto_pool.admin.initiate_auth(
        ClientId=moto_pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": USERNAME, "PASSWORD": PASSWORD},
    )["AuthenticationResult"]
    tokens = Tokens(reply["IdToken"], reply["AccessToken"], reply.get("RefreshToken"))
    no_secret.add_tokens("a moto token", tokens)
    return MotoUser(moto_pool, USERNAME, tokens)


@pytest.fixture
def faulty_on_moto(
    cogtui_cli: Any,
    memory_keyring: Any,
    hostile: Callable[..., HostileServer],
    moto_grace: MotoUser,
    moto_endpoint: str,
    monkeypatch: pytest.MonkeyPatch,
) -> Callable[..., Faulty]:
    """`faulty_on_moto(behaviour, targets=...)`: the hostile server in front of moto, where
    grace is signed in (real tokens in the memory keyring)."""
    from cogtui.vault import Vault

    for name, value in TIMEOUTS.items():
        monkeypatch.setenv(name, value)

    def make(behaviour: str, **options: Any) -> Faulty:
        pool = moto_grace.pool
        server = hostile(behaviour, upstream=moto_endpoint, **options)
        Vault(memory_keyring, pool.user_pool_id, pool.client_id).save_tokens(
            USERNAME, moto_grace.tokens
        )
        return Faulty(
            server,
            cogtui_cli,
            user_pool_id=pool.user_pool_id,
            client_id=pool.client_id,
            tokens=moto_grace.tokens,
            keyring=memory_keyring,
        )

    return make


# -- cogtui as a new process, tokens in the real Secret Service --------------------------------
def run_process_with_timeouts(*argv: str, stdin: str = "") -> CliResult:
    """`python -m cogtui ...` as run_cogtui_process runs it, plus this suite's small timeouts
    (run_cogtui_process passes no COGTUI_* variable on)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COGTUI_")}
    env.update(TIMEOUTS)
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
def faulty_process(
    empty_keyring: Any,
    hostile: Callable[..., HostileServer],
    no_secret: SecretCheck,
) -> Iterator[Callable[..., Faulty]]:
    """`faulty_process(behaviour, timeouts=True, upstream_user=None, ...)`: `cogtui` as a new
    process against a hostile server, grace's tokens in the real Secret Service."""
    from cogtui.vault import Vault

    vaults: list[Any] = []

    def make(
        behaviour: str,
        timeouts: bool = True,
        upstream_user: MotoUser | None = None,
        **options: Any,
    ) -> Faulty:
        if upstream_user is not None:
            pool_id, client_id = upstream_user.pool.user_pool_id, upstream_user.pool.client_id
            tokens = upstream_user.tokens
            options["upstream"] = upstream_user.pool.endpoint
        else:
            pool_id, client_id = POOL_ID, CLIENT_ID
            tokens = fake_tokens(pool_id, client_id, USERNAME, refresh_token="fake-refresh-pr0c")
            no_secret.add_tokens("a token", tokens)
            options["auth_result"] = auth_result(tokens)
        server = hostile(behaviour, **options)
        vault = Vault(empty_keyring, pool_id, client_id)
        vault.save_tokens(USERNAME, tokens)
        vaults.append(vault)
        run = run_process_with_timeouts if timeouts else run_cogtui_process
        return Faulty(server, run, pool_id, client_id, tokens=tokens, keyring=empty_keyring)

    yield make
    for vault in vaults:
        vault.forget(USERNAME)


# -- the screen, as text ----------------------------------------------------------------------
def screen_text(app: Any) -> str:
    """What the terminal shows now (the screenshot's text, unescaped), and the notifications."""
    svg = app.export_screenshot()
    text = html.unescape(svg).replace("\xa0", " ")
    shown = "\n".join(f"{n.title}: {n.message}" for n in app._notifications)
    return text + "\n" + shown


# -- what the user sees ------------------------------------------------------------------------
COMMANDS: dict[str, tuple[str, ...]] = {
    "get": ("get",),
    "get --json": ("get", "--json"),
    "set": ("set", "nickname=x"),
}


def run_command(world: Faulty, command: str) -> CliResult:
    """One of the suite's commands: get, get --json, set nickname=x, login (password flow),
    login-srp."""
    if command == "login":
        return world.login("password")
    if command == "login-srp":
        return world.login("srp")
    return world(*COMMANDS[command])


def assert_failed(result: CliResult, world: Faulty, no_secret: SecretCheck) -> str:
    """Exit 1, one sentence on stderr, nothing on stdout, no traceback, no secret, no hang;
    returns the sentence."""
    assert "Traceback" not in result.out + result.err, result.err
    assert result.code == 1, (result.code, result.out, result.err)
    sentence = result.sentence()
    assert result.out == "", result.out
    no_secret(result.out, result.err)
    assert world.last_took < HANG_BOUND, f"took {world.last_took:.1f} s: a hang not cut off"
    return sentence


def assert_succeeded(
    result: CliResult, world: Faulty, no_secret: SecretCheck, note: bool = False
) -> None:
    """Exit 0, no traceback, no secret, no hang; standard error empty, or with `note` at most
    one line (what happened, e.g. that an answer was lost but the change is saved)."""
    assert "Traceback" not in result.out + result.err, result.err
    assert result.code == 0, (result.code, result.out, result.err)
    if note:
        assert len(result.err.splitlines()) <= 1, result.err
    else:
        assert result.err == "", result.err
    no_secret(result.out, result.err)
    assert world.last_took < HANG_BOUND, f"took {world.last_took:.1f} s"


def printed_attributes(out: str) -> dict[str, str]:
    """`get`'s `name  value` lines, back into a mapping."""
    found = {}
    for line in out.splitlines():
        name, _, value = line.partition("  ")
        found[name.strip()] = value.strip()
    return found
