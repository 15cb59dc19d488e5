"""`cogtui demo`: the seeded pool and user, the embedded emulator, and what the demo never does."""

from __future__ import annotations

import io
import json
import sys
from typing import Any

import pytest

from cogtui import demo
from cogtui.cli import main
from cogtui.errors import Unsupported
from cogtui.session import SignedIn
from cogtui.vault import MemoryStore
from tests.conftest import Recorder


def no_keyring() -> Any:
    raise AssertionError("the demo must never open the keyring")


@pytest.fixture(autouse=True)
def keyring_is_off_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("cogtui.vault.system_store", no_keyring)


def test_the_demo_user_signs_in_with_srp_and_has_a_full_profile(moto_endpoint: str) -> None:
    pool = demo.seed(moto_endpoint)
    session = demo.demo_session(pool, "srp")

    outcome = session.sign_in(pool.username, pool.password)

    assert outcome == SignedIn(demo.DEMO_USERNAME)
    attributes = session.get_user().attributes
    assert {k: v for k, v in attributes.items() if k != "sub"} == demo.DEMO_PROFILE
    assert attributes["email_verified"] == "true"
    assert attributes["phone_number_verified"] == "false"


def test_each_demo_gets_its_own_pool(moto_endpoint: str) -> None:
    first, second = demo.seed(moto_endpoint), demo.seed(moto_endpoint)

    assert first.user_pool_id != second.user_pool_id


def test_the_demo_says_at_once_that_moto_cannot_send_codes(moto_endpoint: str) -> None:
    recorder = Recorder(moto_endpoint)
    try:
        pool = demo.seed(moto_endpoint)
        pool = demo.DemoPool(recorder.endpoint, pool.user_pool_id, pool.client_id)
        session = demo.demo_session(pool)
        session.sign_in(pool.username, pool.password)

        with pytest.raises(Unsupported, match="does not support GetUserAttributeVerificationCode"):
            session.send_code("phone_number")
    finally:
        recorder.close()
    # One request, not botocore's retries of moto's HTTP 500.
    assert recorder.operations().count("GetUserAttributeVerificationCode") == 1


def test_the_demo_seeds_cognito_local_for_the_password_flow(cognito_local_endpoint: str) -> None:
    pool = demo.seed(cognito_local_endpoint)
    session = demo.demo_session(pool, "password")

    assert isinstance(session.sign_in(pool.username, pool.password), SignedIn)
    attributes = session.get_user().attributes
    assert attributes["custom:team"] == demo.DEMO_PROFILE["custom:team"]
    assert attributes["phone_number_verified"] == "false"


def test_seed_only_prints_options_that_the_other_commands_take(
    cognito_local_endpoint: str, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = MemoryStore()  # one keyring for the three commands, as in test_scripting
    monkeypatch.setattr("cogtui.vault.system_store", lambda: store)

    assert main(["demo", "--seed-only", "--endpoint-url", cognito_local_endpoint]) == 0
    printed = capsys.readouterr().out
    command = next(line for line in printed.splitlines() if line.startswith("Sign in: "))
    login = command.removeprefix("Sign in: cogtui ").split()
    monkeypatch.setattr(sys, "stdin", io.StringIO(demo.DEMO_PASSWORD + "\n"))
    assert main([*login, "--password-stdin"]) == 0
    capsys.readouterr()
    options = login[login.index("--auth-flow") :]

    assert main(["get", "--json", *options]) == 0
    attributes = json.loads(capsys.readouterr().out)
    assert attributes["given_name"] == "Ada"


def test_seed_only_also_prints_cogtui_variables_and_a_profile_that_work(
    cognito_local_endpoint: str, capsys: Any, monkeypatch: pytest.MonkeyPatch, isolated_home: Any
) -> None:
    store = MemoryStore()
    monkeypatch.setattr("cogtui.vault.system_store", lambda: store)
    assert main(["demo", "--seed-only", "--endpoint-url", cognito_local_endpoint]) == 0
    lines = capsys.readouterr().out.splitlines()
    exports = dict(
        line.removeprefix("export ").split("=", 1) for line in lines if line.startswith("export ")
    )
    profile = lines[lines.index("[profiles.demo]") :]
    assert set(exports) == {
        "COGTUI_ENDPOINT_URL",
        "COGTUI_USER_POOL_ID",
        "COGTUI_CLIENT_ID",
        "COGTUI_REGION",
        "COGTUI_AUTH_FLOW",
    }

    for name, value in exports.items():  # the variables alone reach the pool
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(sys, "stdin", io.StringIO(demo.DEMO_PASSWORD + "\n"))
    assert main(["login", "--username", demo.DEMO_USERNAME, "--password-stdin"]) == 0
    assert main(["get", "given_name"]) == 0
    assert capsys.readouterr().out.endswith("Ada\n")

    for name in exports:  # and so does the profile, pasted into the config file
        monkeypatch.delenv(name)
    from cogtui.config import config_path

    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text("\n".join(profile) + "\n")
    try:
        assert main(["--profile", "demo", "get", "family_name"]) == 0
        assert capsys.readouterr().out == "Lovelace\n"
    finally:
        config_path().unlink()
        config_path().parent.rmdir()


def test_demo_waits_for_an_emulator_that_is_still_starting(
    capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from moto.server import ThreadedMotoServer

    from tests.conftest import free_port

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    later = threading.Timer(2.0, server.start)  # as `npx cognito-local &` does, seconds later
    later.start()
    try:
        code = main(["demo", "--seed-only", "--endpoint-url", f"http://127.0.0.1:{port}"])
    finally:
        later.join()
        server.stop()
    out, err = capsys.readouterr()
    assert code == 0
    assert err == f"Waiting for the emulator at http://127.0.0.1:{port} (up to 60 s)…\n"
    assert out.startswith("Seeded user 'ada'")


def test_demo_says_so_when_no_emulator_answers(
    capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.conftest import free_port

    monkeypatch.setattr(demo, "WAIT_FOR_EMULATOR", 1.0)
    url = f"http://127.0.0.1:{free_port()}"

    code = main(["demo", "--seed-only", "--endpoint-url", url])

    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert err.splitlines()[-1] == (
        f"cogtui: The emulator at {url} did not answer within 1 s: start it first, or check "
        "the URL."
    )


def test_on_cognito_local_a_new_email_waits_for_its_code(cognito_local_endpoint: str) -> None:
    pool = demo.seed(cognito_local_endpoint)
    session = demo.demo_session(pool, "password")
    session.sign_in(pool.username, pool.password)

    saved = session.save({"email": "countess@example.com"})

    assert [d.attribute for d in saved.deliveries] == ["email"]
    assert saved.user is not None and saved.user.attributes["email"] == "ada@example.com"
    session.verify("email", "246810")
    assert session.get_user().attributes["email"] == "countess@example.com"


def test_demo_opens_the_editor_with_the_credentials_and_an_in_memory_store(
    monkeypatch: pytest.MonkeyPatch, isolated_home: Any
) -> None:
    opened: dict[str, Any] = {}

    class FakeApp:
        return_code = 0  # the app's exit code: it did not crash

        def __init__(self, settings: Any, **options: Any) -> None:
            opened.update(options, settings=settings)

        def run(self) -> None:
            session = opened["session"]
            opened["signed_in"] = session.sign_in(*opened["demo_credentials"])

    monkeypatch.setattr("cogtui.app.CogtuiApp", FakeApp)

    assert main(["demo"]) == 0

    assert opened["demo_credentials"] == (demo.DEMO_USERNAME, demo.DEMO_PASSWORD)
    assert isinstance(opened["store"], MemoryStore)
    assert opened["session"].vault.store is opened["store"]
    assert opened["settings"].use_keyring is False
    assert opened["settings"].endpoint_url.startswith("http://127.0.0.1:")
    assert opened["settings"].auth_flow == "srp"
    assert "tokens are kept in memory" in opened["notice"]
    assert opened["signed_in"] == SignedIn(demo.DEMO_USERNAME)
    assert opened["store"].entries  # the tokens went to memory...
    assert not (isolated_home / ".config" / "cogtui").exists()  # ...and no config was written


def test_the_embedded_emulator_keeps_quiet(capfd: Any) -> None:
    with demo.embedded_emulator() as url:
        pool = demo.seed(url)
        session = demo.demo_session(pool)
        session.sign_in(pool.username, pool.password)
        with pytest.raises(Unsupported):
            session.verify("email", "123456")  # an HTTP 500 from inside moto

    out, err = capfd.readouterr()
    assert out == ""
    assert err == ""


def test_a_missing_moto_is_one_sentence_on_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.setitem(sys.modules, "moto.server", None)  # `import` now raises ImportError

    assert main(["demo"]) == 2

    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "pip install 'cogtui[demo]'" in err


def test_signing_in_with_the_credentials_shown_opens_the_profile(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`cogtui demo` as a newcomer meets it: sign-in screen, shown credentials, profile."""
    import asyncio

    from cogtui.app import CogtuiApp

    seen: dict[str, Any] = {}

    async def drive(app: CogtuiApp) -> None:
        async with app.run_test(size=(100, 32)) as pilot:
            for _ in range(100):
                await pilot.pause(0.05)
                if type(app.screen).__name__ == "SignInScreen":
                    break
            seen["first"] = type(app.screen).__name__
            user, password = app.demo_credentials or ("", "")
            await pilot.press(*user, "enter", *password, "enter")
            for _ in range(100):
                await pilot.pause(0.05)
                draft = getattr(app.screen, "draft", None)
                if type(app.screen).__name__ == "ProfileScreen" and draft and draft.original:
                    break
            seen["then"] = type(app.screen).__name__
            seen["attributes"] = dict(app.screen.draft.original)

    monkeypatch.setattr(CogtuiApp, "run", lambda app: asyncio.run(drive(app)))

    assert main(["demo"]) == 0

    assert seen["first"] == "SignInScreen"
    assert seen["then"] == "ProfileScreen"
    assert seen["attributes"]["family_name"] == "Lovelace"
