"""Tokens live in the keyring and nowhere else: not on disk, not on screen, not in logs.

The story signs in, runs `whoami` and `get`, reads the tokens back from the real Secret
Service, then looks for them in every file under the isolated HOME, in what the commands
printed, and in every log record emitted at DEBUG level (botocore's included).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PASSWORD, CliResult, Story, create_pool

LOGGERS = (None, "botocore", "urllib3", "keyring", "cogtui")


@pytest.fixture
def story(cognito_local_endpoint: str, record: Any, cogtui_cli: Any, empty_keyring: Any) -> Story:
    pool = create_pool(cognito_local_endpoint)
    return Story(pool, record(pool), cogtui_cli, empty_keyring, flow="password")


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Every logger at DEBUG for the whole test, as a user debugging cogtui might set it."""
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def secret_parts(token: str) -> list[str]:
    """What must never be seen: the token, and each of its parts but a JWT's shared header."""
    parts = token.split(".")
    return [token, *(part for part in parts[1:] if len(part) >= 16)]


def files_under(home: Path) -> Iterator[Path]:
    return (path for path in home.rglob("*") if path.is_file() and not path.is_symlink())


def places_holding(secret: str, home: Path, printed: str, logged: str) -> list[str]:
    places = [str(path) for path in files_under(home) if secret.encode() in path.read_bytes()]
    places += ["the commands' output"] if secret in printed else []
    places += ["the log"] if secret in logged else []
    return places


def test_tokens_are_in_the_keyring_and_nowhere_else(
    story: Story, isolated_home: Path, debug_logs: pytest.LogCaptureFixture
) -> None:
    user = story.pool.add_user(given_name="Grace")

    runs: list[CliResult] = [story.login(user, PASSWORD), story("whoami"), story("get")]

    assert [ran.code for ran in runs] == [0, 0, 0], [ran.err for ran in runs]
    held = story.stored(user)
    assert held.refresh_token, "cognito-local hands out a refresh token"
    assert any(path.name.endswith(".keyring") for path in files_under(isolated_home))
    printed = "".join(ran.out + ran.err for ran in runs)
    logged = debug_logs.text + "".join(str(record.args) for record in debug_logs.records)
    for kind in ("id_token", "access_token", "refresh_token"):
        for secret in secret_parts(getattr(held, kind)):
            assert places_holding(secret, isolated_home, printed, logged) == [], kind
