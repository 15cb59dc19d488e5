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
