"""No secret anywhere, and crashes told in one sentence.

Passwords, codes and tokens never reach the terminal, a crash report, the TEXTUAL_LOG file
(Textual writes every message it dispatches there: each key, each Input.Changed, each
worker's repr) or any other file. An unexpected error inside a worker is one sentence in
the app, which stays up with the draft intact; one in the app itself ends it with one
sentence, a non-zero exit code and no traceback (Textual's own report prints every local
variable, the password among them).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import textual.constants
from textual.widgets import Input

from cogtui.app import CogtuiApp
from cogtui.screens.profile import ProfileScreen
from cogtui.screens.review import ReviewModal
from cogtui.screens.sign_in import SignInScreen
from cogtui.screens.verify_code import VerifyCodeModal
from cogtui.session import Session
from cogtui.vault import MemoryStore, Vault
from tests.conftest import FIXED_CODE, PASSWORD, ROOT, Pool, create_pool, missing
from tests.ui.fake_cognito import CODE, FakeCognito, fake_session, fake_settings
from tests.ui.fake_cognito import USERNAME as FAKE_USER
from tests.ui.steps import burst, notifications, settle, sign_in

from .seeding import screen_lines

SIZE = (100, 30)
WRONG_CODE = "135791"


# -- the log file and what may not be in it ----------------------------------------------------
@pytest.fixture
def textual_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """TEXTUAL_LOG for this test: Textual appends every logged message to this file."""
    path = tmp_path / "textual.log"
    path.write_text("")
    monkeypatch.setattr(textual.constants, "LOG_FILE", str(path))
    return path


KEY_LINE = re.compile(r"^Key\(key=.*?, character=(['\"])(.*?)\1.*?>>> (.*?) method=")


def typed_per_widget(log: str) -> dict[str, str]:
    """The characters of the logged key events, in order, per widget they were sent to:
    a log of every keystroke spells the password out even if no line holds it whole."""
    typed: dict[str, str] = {}
    for line in log.splitlines():
        found = KEY_LINE.match(line)
        if found:
            typed[found.group(3)] = typed.get(found.group(3), "") + found.group(2)
    return typed


def token_parts(*tokens: str | None) -> list[str]:
    """Each token, its signature, and the start of its payload (what a truncated repr shows)."""
    parts: list[str] = []
    for token in tokens:
        if not token:
            continue
        parts.append(token)
        pieces = token.split(".")
        if len(pieces) == 3:
            parts += [pieces[2], pieces[1][:40]]
    return [part for part in parts if len(part) >= 16]


def stored_tokens(store: MemoryStore, pool_id: str, client_id: str, user: str) -> list[str]:
    tokens = Vault(store, pool_id, client_id).load_tokens(user)
    assert tokens is not None, "no tokens were stored: the check would prove nothing"
    return token_parts(tokens.id_token, tokens.access_token, tokens.refresh_token)


def secrets_nowhere(secrets: dict[str, list[str]], *texts: str, files: tuple[Path, ...] = ()):
    """No secret in these texts or in any file under these folders (and HOME). A failure
    names the kind of secret, never the secret."""
    roots = [Path(os.environ["HOME"]), *files]
    for label, values in secrets.items():
        for value in values:
            for number, text in enumerate(texts):
                assert value not in text, f"{label} appears in text #{number}"
    for root in roots:
        for path in root.rglob("*"):
            if not path.is_file() or path.stat().st_size > 8 * 1024 * 1024:
                continue
            data = path.read_bytes()
            for label, values in secrets.items():
                for value in values:
                    assert value.encode() not in data, f"{label} is written in {path}"


def log_is_clean(path: Path, secrets: dict[str, list[str]]) -> None:
    log = path.read_text(encoding="utf-8")
    assert "Key(" in log or "Input" in log, "TEXTUAL_LOG got nothing: the check proves nothing"
    assert "Traceback (most recent call last)" not in log
    secrets_nowhere(secrets, log, files=(path.parent,))
    for widget, typed in typed_per_widget(log).items():
        for label, values in secrets.items():
            for value in values:
                assert value not in typed, f"{label} is spelled out by the keys sent to {widget}"


# -- signing in, a code, and the log ---------------------------------------------------------
@pytest.fixture
def email_pool(cognito_local_endpoint: str) -> Pool:
    return create_pool(
        cognito_local_endpoint,
        AutoVerifiedAttributes=["email"],
        UserAttributeUpdateSettings={"AttributesRequireVerificationBeforeUpdate": ["email"]},
    )


@pytest.mark.cognito_local
async def test_password_code_and_tokens_stay_out_of_the_log_and_every_file(
    email_pool: Pool, textual_log: Path, tmp_path: Path
) -> None:
    user = email_pool.add_user(email="ada@example.com", email_verified="true")
    store = MemoryStore()
    app = CogtuiApp(email_pool.settings(auth_flow="password", use_keyring=False), store=store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await sign_in(pilot, user)  # typed key by key
        tokens = stored_tokens(store, email_pool.user_pool_id, email_pool.client_id, user)
        names = [row.name for row in screen.table.rows_shown]
        await pilot.press("home", *["down"] * names.index("email"))
        await pilot.press("e", "ctrl+u", *"ada@newmail.org", "enter")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReviewModal), app.screen
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, VerifyCodeModal), app.screen
        await pilot.press(*WRONG_CODE, "enter")
        await settle(pilot)
        await pilot.press(*FIXED_CODE, "enter")
        await settle(pilot)
        assert isinstance(app.screen, ProfileScreen), app.screen
        view = notifications(pilot) + "\n".join(screen_lines(app))
    assert email_pool.attributes(user)["email_verified"] == "true"
    secrets = {
        "the password": [PASSWORD],
        "a code": [FIXED_CODE, WRONG_CODE],
        "a token": tokens,
    }
    secrets_nowhere(secrets, view, files=(tmp_path,))
    log_is_clean(textual_log, secrets)


@pytest.mark.moto
async def test_a_new_password_chosen_with_srp_stays_out_of_the_log(
    moto_pool: Pool, textual_log: Path, tmp_path: Path
) -> None:
    user, temporary, chosen = "new-hire", "Temporary-Pass-1", "Chosen-Pass-22"
    moto_pool.admin.admin_create_user(
        UserPoolId=moto_pool.user_pool_id,
        Username=user,
        TemporaryPassword=temporary,
        MessageAction="SUPPRESS",
    )
    store = MemoryStore()
    app = CogtuiApp(moto_pool.settings(auth_flow="srp", use_keyring=False), store=store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*user, "tab", *temporary, "enter")
        await settle(pilot)
        await pilot.press(*chosen, "tab", *chosen, "enter")
        await settle(pilot)
        assert isinstance(app.screen, ProfileScreen), app.screen
        tokens = stored_tokens(store, moto_pool.user_pool_id, moto_pool.client_id, user)
        view = notifications(pilot) + "\n".join(screen_lines(app))
    secrets = {"the temporary password": [temporary], "the new password": [chosen]}
    secrets["a token"] = tokens
    secrets_nowhere(secrets, view, files=(tmp_path,))
    log_is_clean(textual_log, secrets)


@pytest.mark.moto
async def test_the_security_forms_keep_passwords_codes_and_the_key_out_of_the_log(
    moto_pool: Pool, textual_log: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cogtui.screens.security import SecurityScreen
    from tests.integration.test_signin_moto import good_code

    monkeypatch.setenv("MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP", "true")
    user, new = moto_pool.add_user(), "Brand-New-Horse-7"
    store = MemoryStore()
    app = CogtuiApp(moto_pool.settings(auth_flow="password", use_keyring=False), store=store)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot, user)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("p", *"Wrong-Horse-1", "tab", *new, "tab", *new, "enter")
        await settle(pilot)
        await pilot.press(*PASSWORD, "tab", *new, "tab", *new, "enter")
        await settle(pilot)
        assert isinstance(app.screen, SecurityScreen), app.screen
        await pilot.press("t")
        await settle(pilot)
        code = good_code()
        await pilot.press(*code, "enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, SecurityScreen), app.screen
        tokens = stored_tokens(store, moto_pool.user_pool_id, moto_pool.client_id, user)
    assert (
        moto_pool.admin.admin_get_user(UserPoolId=moto_pool.user_pool_id, Username=user)[
            "PreferredMfaSetting"
        ]
        == "SOFTWARE_TOKEN_MFA"
    )
    secrets = {
        "a password": [PASSWORD, new, "Wrong-Horse-1"],
        "the code": [code],
        "the authenticator key": ["asdfasdfasdf"],  # moto's one secret: on screen, never logged
        "a token": tokens,
    }
    log_is_clean(textual_log, secrets)


# -- an unexpected error inside a worker --------------------------------------------------------
def view_of(pilot: Any) -> set[str]:
    """What the user sees: each line on the screen, and each notification."""
    lines = {line.strip() for line in screen_lines(pilot.app) if line.strip()}
    return lines | {f"{n.title}: {n.message}" for n in pilot.app._notifications}


def sentence_appeared(before: set[str], after: set[str]) -> list[str]:
    new = [text for text in after - before if "." in text]
    assert new, "nothing was said about the failure"
    for text in new:
        assert "Traceback" not in text and 'File "' not in text, text
    return new


def exploding_sign_in(exception: type[Exception]) -> Callable[..., Any]:
    def sign_in(self: Session, username: str, password: str, flow: str | None = None) -> Any:
        typed = password  # a local variable a crash report would print  # noqa: F841
        raise exception(password if exception is KeyError else "the sign-in went wrong")

    return sign_in


@pytest.mark.parametrize("exception", [RuntimeError, KeyError])
async def test_an_error_while_signing_in_is_one_sentence_and_the_app_stays_up(
    monkeypatch: pytest.MonkeyPatch, textual_log: Path, exception: type[Exception]
) -> None:
    monkeypatch.setattr(Session, "sign_in", exploding_sign_in(exception))
    app = CogtuiApp(fake_settings(), session=fake_session(FakeCognito(), signed_in=False))
    async with app.run_test(size=SIZE) as pilot:
        screen = await _on(pilot, SignInScreen)
        await pilot.press(*FAKE_USER, "tab", *PASSWORD)
        before = view_of(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running and app.return_code in (None, 0)
        assert app.screen is screen
        assert screen.query_one("#username", Input).value == FAKE_USER
        said = sentence_appeared(before, view_of(pilot))
        secrets_nowhere({"the password": [PASSWORD]}, *said, *view_of(pilot))
    assert app.return_code in (None, 0)
    log_is_clean(textual_log, {"the password": [PASSWORD]})


def exploding_with_the_token(exception: type[Exception]) -> Callable[..., Any]:
    def call(self: Session, *args: Any, **kwargs: Any) -> Any:
        token = self.access_token()
        raise exception(token if exception is KeyError else "the call went wrong")

    return call


async def _on(pilot: Any, kind: type) -> Any:
    await settle(pilot)
    assert isinstance(pilot.app.screen, kind), pilot.app.screen
    return pilot.app.screen


@pytest.mark.parametrize("exception", [RuntimeError, KeyError])
async def test_an_error_while_loading_is_one_sentence_and_the_app_stays_up(
    monkeypatch: pytest.MonkeyPatch, textual_log: Path, exception: type[Exception]
) -> None:
    session = fake_session(FakeCognito())
    token = session.vault.load_tokens(FAKE_USER)
    assert token is not None
    app = CogtuiApp(fake_settings(), session=session)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _on(pilot, ProfileScreen)
        monkeypatch.setattr(Session, "get_user", exploding_with_the_token(exception))
        before = view_of(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert app.is_running and app.return_code in (None, 0)
        assert app.screen is screen
        said = sentence_appeared(before, view_of(pilot))
        secrets = {"a token": token_parts(token.id_token, token.access_token)}
        secrets_nowhere(secrets, *said, *view_of(pilot))
    log_is_clean(textual_log, {"a token": token_parts(token.access_token)})


@pytest.mark.parametrize("method", ["save", "update_attributes"])
@pytest.mark.parametrize("exception", [RuntimeError, KeyError])
async def test_an_error_while_saving_is_one_sentence_and_the_draft_is_intact(
    monkeypatch: pytest.MonkeyPatch, textual_log: Path, exception: type[Exception], method: str
) -> None:
    cognito = FakeCognito()
    session = fake_session(cognito)
    token = session.vault.load_tokens(FAKE_USER)
    assert token is not None
    monkeypatch.setattr(Session, method, exploding_with_the_token(exception))
    app = CogtuiApp(fake_settings(), session=session)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _on(pilot, ProfileScreen)
        names = [row.name for row in screen.table.rows_shown]
        await burst(pilot, "home", *["down"] * names.index("given_name"), "e", "ctrl+u")
        await burst(pilot, *"Augusta", "enter")
        draft = dict(screen.draft.payload())
        assert draft == {"given_name": "Augusta"}
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReviewModal), app.screen
        before = view_of(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running and app.return_code in (None, 0)
        assert app.screen is screen
        assert screen.draft.payload() == draft
        assert screen.draft.row("given_name").value == "Augusta"
        said = sentence_appeared(before, view_of(pilot))
        secrets_nowhere({"a token": token_parts(token.access_token)}, *said, *view_of(pilot))
    assert cognito.attributes["given_name"] == "Ada"
    log_is_clean(textual_log, {"a token": token_parts(token.access_token)})


@pytest.mark.parametrize("exception", [RuntimeError, KeyError])
async def test_an_error_while_verifying_a_code_is_one_sentence_and_the_modal_stays(
    monkeypatch: pytest.MonkeyPatch, textual_log: Path, exception: type[Exception]
) -> None:
    def verify(self: Session, attribute: str, code: str) -> None:
        typed = code  # noqa: F841
        raise exception(code if exception is KeyError else "the check went wrong")

    monkeypatch.setattr(Session, "verify", verify)
    app = CogtuiApp(fake_settings(), session=fake_session(FakeCognito()))
    async with app.run_test(size=SIZE) as pilot:
        screen = await _on(pilot, ProfileScreen)
        names = [row.name for row in screen.table.rows_shown]
        await burst(pilot, "home", *["down"] * names.index("email"), "e", "ctrl+u")
        await burst(pilot, *"ada@newmail.org", "enter")
        await pilot.press("ctrl+s")
        await _on(pilot, ReviewModal)
        await pilot.press("enter")
        modal = await _on(pilot, VerifyCodeModal)
        await pilot.press(*CODE)
        before = view_of(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running and app.return_code in (None, 0)
        assert app.screen is modal
        said = sentence_appeared(before, view_of(pilot))
        secrets_nowhere({"the code": [CODE]}, *said, *view_of(pilot))
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
    log_is_clean(textual_log, {"the code": [CODE]})


# -- an unexpected error in the app itself -----------------------------------------------------
def crashing_sign_in_request(self: SignInScreen) -> None:
    typed = self.query_one("#password", Input).value  # noqa: F841
    raise RuntimeError("a handler went wrong")


def crashing_add(self: ProfileScreen) -> None:
    raise KeyError(self.session.access_token())


async def ended(pilot: Any) -> None:
    await settle(pilot)
    assert not pilot.app.is_running or pilot.app.return_code not in (None, 0)


def exit_output_is_one_sentence(err: str, secrets: dict[str, list[str]]) -> None:
    assert "Traceback" not in err, err[:500]
    assert 'File "' not in err and "locals" not in err, err[:500]
    secrets_nowhere(secrets, err)
    one_sentence(err)  # or nothing at all: the command line may say it after the app ends


def one_sentence(text: str) -> str | None:
    """The text as one sentence (a sentence may wrap at the terminal's width), or None."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return None
    told = " ".join(lines)
    assert told.endswith("."), lines
    assert ". " not in told[:-1], f"more than one sentence: {lines}"
    return told


async def test_a_crash_on_the_sign_in_screen_ends_the_app_in_one_sentence(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str], textual_log: Path
) -> None:
    monkeypatch.setattr(SignInScreen, "sign_in_requested", crashing_sign_in_request)
    app = CogtuiApp(fake_settings(), session=fake_session(FakeCognito(), signed_in=False))
    capfd.readouterr()
    raised: BaseException | None = None
    try:
        async with app.run_test(size=SIZE) as pilot:
            await _on(pilot, SignInScreen)
            await pilot.press(*FAKE_USER, "tab", *PASSWORD, "enter")
            await ended(pilot)
    except Exception as error:  # the pilot re-raises what ended the app: fine, if it is safe
        raised = error
    out, err = capfd.readouterr()
    assert app.return_code not in (None, 0)
    secrets = {"the password": [PASSWORD]}
    if raised is not None:
        secrets_nowhere(secrets, str(raised), repr(raised))
    exit_output_is_one_sentence(out + err, secrets)
    log_is_clean(textual_log, secrets)


async def test_a_crash_on_the_profile_screen_ends_the_app_in_one_sentence(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str], textual_log: Path
) -> None:
    session = fake_session(FakeCognito())
    token = session.vault.load_tokens(FAKE_USER)
    assert token is not None
    monkeypatch.setattr(ProfileScreen, "action_add", crashing_add)
    app = CogtuiApp(fake_settings(), session=session)
    capfd.readouterr()
    raised: BaseException | None = None
    try:
        async with app.run_test(size=SIZE) as pilot:
            await _on(pilot, ProfileScreen)
            await pilot.press("a")
            await ended(pilot)
    except Exception as error:
        raised = error
    out, err = capfd.readouterr()
    assert app.return_code not in (None, 0)
    secrets = {"a token": token_parts(token.access_token)}
    if raised is not None:
        secrets_nowhere(secrets, str(raised), repr(raised))
    exit_output_is_one_sentence(out + err, secrets)
    log_is_clean(textual_log, secrets)


# -- python -m cogtui in a terminal (tmux) ------------------------------------------------------
class GarbageServer:
    """Answers every request with HTTP 200 and the JSON `[1,2,3]`; notes InitiateAuth."""

    def __init__(self) -> None:
        self.initiate_auth = threading.Event()
        self.bodies: list[bytes] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                server.bodies.append(body)
                payload = b"[1,2,3]"
                self.send_response(200)
                self.send_header("Content-Type", "application/x-amz-json-1.1")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                self.wfile.flush()
                if self.headers.get("X-Amz-Target", "").endswith(".InitiateAuth"):
                    server.initiate_auth.set()

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def garbage_server() -> Iterator[GarbageServer]:
    server = GarbageServer()
    yield server
    server.stop()


class Terminal:
    """A program in a tmux pane of its own tmux server (its own socket): keys in, the pane's
    text and every byte the program wrote out, and its exit code."""

    def __init__(self, workdir: Path, argv: list[str], env: dict[str, str]) -> None:
        if not shutil.which("tmux"):
            missing("tmux", "install tmux to run cogtui in a real terminal")
        self.socket = workdir / "tmux.sock"
        self.raw = workdir / "terminal.raw"
        self.code = workdir / "exit-code"
        script = workdir / "run.sh"
        exports = "".join(f"export {k}={shlex.quote(v)}\n" for k, v in env.items())
        command = " ".join(shlex.quote(part) for part in argv)
        # `read` holds the program until the pane's output is piped to a file; the second
        # `read` keeps the pane (and what the program printed last) until the test is done.
        script.write_text(
            f"{exports}cd {shlex.quote(str(ROOT))}\nread go\n{command}\n"
            f"echo $? > {shlex.quote(str(self.code))}\nread done\n"
        )
        self.tmux("new-session", "-d", "-s", "t", "-x", "100", "-y", "30", f"sh {script}")
        self.tmux("pipe-pane", "-t", "t", "-o", f"cat >> {shlex.quote(str(self.raw))}")
        self.keys("Enter")

    def tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-S", str(self.socket), *args],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        return done.stdout

    def keys(self, *keys: str, literal: bool = False) -> None:
        self.tmux("send-keys", "-t", "t", *(["-l"] if literal else []), *keys)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "t")

    def wait_for(self, condition: Callable[[], bool], what: str, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while not condition():
            if time.monotonic() > deadline:
                pytest.fail(f"waited {seconds} s for {what}; the screen:\n{self.screen()}")
            time.sleep(0.05)  # polling a condition, with a deadline

    def exit_code(self) -> int | None:
        text = self.code.read_text().strip() if self.code.exists() else ""
        return int(text) if text else None

    def output(self) -> str:
        return self.raw.read_bytes().decode("utf-8", "replace") if self.raw.exists() else ""

    def close(self) -> None:
        subprocess.run(
            ["tmux", "-S", str(self.socket), "kill-server"],
            capture_output=True,
            timeout=30,
            check=False,
        )


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Callable[..., Terminal]]:
    started: list[Terminal] = []

    def start(argv: list[str], env: dict[str, str]) -> Terminal:
        started.append(Terminal(tmp_path, argv, env))
        return started[-1]

    yield start
    for term in started:
        term.close()


def cogtui_env(log: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COGTUI_", "TMUX"))}
    env.update(TEXTUAL_LOG=str(log), TERM="xterm-256color", PYTHONPATH=str(ROOT))
    return env


def options(url: str) -> list[str]:
    return [
        "--endpoint-url",
        url,
        "--user-pool-id",
        "us-east-1_Garbage1",
        "--client-id",
        "garbageclient000000000001",
        "--region",
        "us-east-1",
        "--auth-flow",
        "password",
        "--no-keyring",
    ]


def sign_in_by_keys(term: Terminal, username: str) -> None:
    term.wait_for(lambda: "Username" in term.screen(), "the sign-in screen")
    term.keys(username, literal=True)
    term.keys("Tab")
    term.keys(PASSWORD, literal=True)
    term.keys("Enter")


def test_a_garbage_sign_in_reply_in_a_real_terminal_shows_no_password(
    garbage_server: GarbageServer, terminal: Callable[..., Terminal], tmp_path: Path
) -> None:
    log = tmp_path / "textual.log"
    term = terminal([sys.executable, "-m", "cogtui", *options(garbage_server.url)], cogtui_env(log))
    sign_in_by_keys(term, "grace")
    assert garbage_server.initiate_auth.wait(30), "the sign-in never reached the server"

    def answered() -> bool:  # a problem line, or the form let go of (password cleared)
        screen = term.screen()
        settled = "Signing in" not in screen and "•" not in screen
        return "⚠" in screen or settled or term.exit_code() is not None

    term.wait_for(answered, "a sentence about the reply (or the end of the program)")
    assert term.exit_code() is None, f"the app ended on a bad reply:\n{term.screen()}"
    told = term.screen()
    term.keys("C-q")
    term.wait_for(lambda: term.exit_code() is not None, "the app to quit")
    assert term.exit_code() == 0
    sent = json.loads(garbage_server.bodies[0])
    assert sent["AuthParameters"] == {"USERNAME": "grace", "PASSWORD": PASSWORD}
    output = term.output()
    assert "Traceback" not in output and "Traceback" not in told
    secrets_nowhere({"the password": [PASSWORD]}, output, told, term.screen())
    log_is_clean(log, {"the password": [PASSWORD]})


CRASHING = """\
import sys
from cogtui.cli import main
from cogtui.screens.sign_in import SignInScreen

def crash(self):
    typed = self.query_one("#password").value
    raise RuntimeError("a handler went wrong")

SignInScreen.sign_in_requested = crash
sys.exit(main(sys.argv[1:]))
"""


def test_a_crash_in_a_real_terminal_is_one_sentence_and_a_non_zero_exit(
    garbage_server: GarbageServer, terminal: Callable[..., Terminal], tmp_path: Path
) -> None:
    log = tmp_path / "textual.log"
    argv = [sys.executable, "-c", CRASHING, *options(garbage_server.url)]
    term = terminal(argv, cogtui_env(log))
    sign_in_by_keys(term, "grace")
    term.wait_for(lambda: term.exit_code() is not None, "the app to end")
    assert term.exit_code() not in (None, 0)
    assert one_sentence(term.screen()) is not None, "the app ended without a word"
    output = term.output()
    assert "Traceback" not in output
    assert not garbage_server.bodies, "the crash happened before any request"
    secrets_nowhere({"the password": [PASSWORD]}, output, term.screen())
    log_is_clean(log, {"the password": [PASSWORD]})
