"""Exit codes: 0 success, 1 a Cognito, network or keyring error, 2 a usage or config error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cogtui.vault import Vault
from tests.conftest import fake_tokens, run_cogtui_process

POOL, CLIENT = "eu-west-1_Cli1", "cliclient"
CONNECTION = ("--user-pool-id", POOL, "--client-id", CLIENT)


@pytest.fixture(autouse=True)
def no_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty config directory, so no profile from another test fills in a setting."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    return tmp_path


@pytest.mark.parametrize(
    "argv",
    [
        ("--no-such-option",),
        ("no-such-command",),
        ("login", "--auth-flow", "kerberos", *CONNECTION),
        ("set",),  # set needs NAME=VALUE
    ],
)
def test_a_usage_error_exits_2_with_the_usage(cogtui_cli: Any, argv: tuple[str, ...]) -> None:
    ran = cogtui_cli(*argv)

    assert ran.code == 2
    assert "usage: cogtui" in ran.err and "Traceback" not in ran.err


def test_the_console_entry_exits_2_on_a_usage_error() -> None:
    ran = run_cogtui_process("whoami", "--no-such-option")

    assert ran.code == 2
    assert "unrecognized arguments: --no-such-option" in ran.err


def test_a_missing_setting_exits_2_with_one_sentence_naming_it(cogtui_cli: Any) -> None:
    ran = cogtui_cli("whoami", "--client-id", CLIENT)

    assert ran.code == 2
    sentence = ran.sentence()
    assert sentence.startswith("No user pool id is configured")
    assert "--user-pool-id" in sentence and "COGTUI_USER_POOL_ID" in sentence


def test_an_unknown_profile_exits_2(cogtui_cli: Any) -> None:
    ran = cogtui_cli("whoami", "--profile", "staging")

    assert ran.code == 2
    assert "There is no profile named 'staging'" in ran.sentence()


def test_client_metadata_that_is_not_key_value_exits_2(cogtui_cli: Any) -> None:
    ran = cogtui_cli("get", *CONNECTION, "--client-metadata", "just-a-key")

    assert ran.code == 2
    assert "--client-metadata takes KEY=VALUE" in ran.sentence()


def test_whoami_with_nobody_signed_in_exits_1_with_one_sentence(
    cogtui_cli: Any, memory_keyring: Any
) -> None:
    ran = cogtui_cli("whoami", *CONNECTION)

    assert ran.code == 1
    assert "Nobody is signed in" in ran.sentence()


def test_whoami_when_signed_in_exits_0_and_prints_no_token(
    cogtui_cli: Any, memory_keyring: Any
) -> None:
    tokens = fake_tokens(POOL, CLIENT, "grace")
    Vault(memory_keyring, POOL, CLIENT).save_tokens("grace", tokens)

    ran = cogtui_cli("whoami", *CONNECTION)

    assert ran.code == 0, ran.err
    assert "username: grace" in ran.out
    for token in (tokens.id_token, tokens.access_token, tokens.refresh_token):
        assert token not in ran.out + ran.err  # type: ignore[operator]


def test_logout_with_nobody_signed_in_exits_0(cogtui_cli: Any) -> None:
    ran = cogtui_cli("logout", *CONNECTION, "--no-keyring")

    assert (ran.code, ran.out.strip()) == (0, "Nobody was signed in.")


def test_an_unexpected_error_is_one_sentence_exit_1_and_no_traceback(
    cogtui_cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    password = "Hunter2-in-a-local"

    def broken(args: Any, session: Any) -> int:
        secret = password  # a local that a traceback with locals would print
        raise KeyError(secret)

    monkeypatch.setitem(__import__("cogtui.cli").cli.COMMANDS, "get", broken)
    ran = cogtui_cli("get", *CONNECTION)

    assert ran.code == 1
    assert ran.sentence() == "an unexpected error (KeyError) stopped the command."
    assert password not in ran.out + ran.err


def test_ctrl_d_at_a_terminal_prompt_is_a_one_line_cancel(no_config_file: Path) -> None:
    """`cogtui login` in a real pseudo-terminal; the user presses Ctrl-D at the prompt."""
    import os
    import pty
    import select
    import subprocess
    import sys

    main_fd, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "cogtui", "login", "--no-keyring", *CONNECTION],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        env={**os.environ, "XDG_CONFIG_HOME": str(no_config_file)},
    )
    os.close(terminal)
    seen = b""
    while b"Username: " not in seen:  # the prompt is up: now Ctrl-D
        assert select.select([main_fd], [], [], 30)[0], seen
        seen += os.read(main_fd, 1024)
    os.write(main_fd, b"\x04")
    assert process.wait(timeout=30) == 1
    while select.select([main_fd], [], [], 1)[0]:
        try:
            chunk = os.read(main_fd, 1024)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        seen += chunk
    os.close(main_fd)
    text = seen.decode()
    assert "Traceback" not in text
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines[-1].strip() == "cogtui: Cancelled at the username prompt.", text


@pytest.mark.parametrize(
    ("profile", "says"),
    [
        ("amplify_outputs = 5", "amplify_outputs of profile 'default' must be a quoted string"),
        ('endpoint_url = "http://[::1"', "The endpoint URL 'http://[::1' is malformed"),
        ("user_pool_id = true", "user_pool_id of profile 'default' must be a quoted string"),
    ],
)
def test_a_setting_of_the_wrong_type_or_an_unparsable_url_is_a_usage_error_naming_it(
    cogtui_cli: Any, no_config_file: Path, profile: str, says: str
) -> None:
    config = no_config_file / "cogtui" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f'[profiles.default]\nclient_id = "c"\n{profile}\n')

    ran = (
        cogtui_cli("get", "--user-pool-id", POOL)
        if "user_pool_id" not in profile
        else (cogtui_cli("get"))
    )

    assert ran.code == 2
    assert says in ran.sentence()


@pytest.mark.parametrize("value", ["0", "-1", "soon", "9999"])
def test_a_timeout_that_is_not_a_number_of_seconds_is_a_usage_error(
    cogtui_cli: Any, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("COGTUI_READ_TIMEOUT", value)
    ran = cogtui_cli("get", *CONNECTION)
    assert ran.code == 2
    assert "COGTUI_READ_TIMEOUT must be a number of seconds" in ran.sentence()
