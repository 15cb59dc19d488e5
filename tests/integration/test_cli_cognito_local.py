"""`cogtui` commands against cognito-local, with tokens in a real Secret Service.

Run under `dbus-run-session`: the tokens go to gnome-keyring, and the commands that must
prove they come back from it (`whoami` after `login`) run as new `python -m cogtui`
processes, as a user's shell would run them.
"""

from __future__ import annotations

from typing import Any

import pytest

from cogtui import tokens
from tests.conftest import PASSWORD, Story, cogtui_entries, create_pool

NOBODY = "Nobody is signed in to this pool and client; run `cogtui login`."


@pytest.fixture
def story(cognito_local_endpoint: str, record: Any, cogtui_cli: Any, empty_keyring: Any) -> Story:
    """A fresh cognito-local pool (USER_PASSWORD_AUTH only) and an empty real keyring."""
    pool = create_pool(cognito_local_endpoint)
    return Story(pool, record(pool), cogtui_cli, empty_keyring, flow="password")


def login_in_new_process(story: Story, username: str, password: str = PASSWORD) -> Any:
    return story.in_new_process(
        "login", "--username", username, "--password-stdin", stdin=password + "\n"
    )


def test_login_in_a_new_process_puts_the_tokens_in_the_keyring(
    story: Story, secret_service: Any
) -> None:
    user = story.pool.add_user()

    ran = login_in_new_process(story, user)

    assert (ran.code, ran.err) == (0, ""), ran.err
    assert ran.out == f"Signed in as {user}; tokens are kept in the keyring.\n"
    entries = cogtui_entries(secret_service)
    assert entries and all(service.startswith("cogtui") for service, _ in entries)
    assert tokens.identity(story.stored(user)).username == user
    assert [r.body["AuthFlow"] for r in story.recorder.of("InitiateAuth")] == ["USER_PASSWORD_AUTH"]


def test_a_wrong_password_exits_1_with_one_line_and_stores_nothing(
    story: Story, secret_service: Any
) -> None:
    user = story.pool.add_user()

    ran = login_in_new_process(story, user, password="Wrong-Horse-1")

    assert ran.code == 1
    assert ran.sentence() == "Incorrect username or password."
    assert cogtui_entries(secret_service) == []


def test_whoami_twice_reads_the_keyring_and_signs_in_no_more(story: Story) -> None:
    user = story.pool.add_user()
    assert story.login(user, PASSWORD).code == 0
    story.recorder.requests.clear()

    first, second = story.in_new_process("whoami"), story.in_new_process("whoami")

    for ran in (first, second):
        assert ran.code == 0, ran.err
        assert f"username: {user}" in ran.out
    assert first.out == second.out
    assert story.recorder.of("InitiateAuth") == []


def test_logout_leaves_no_entry_and_whoami_then_exits_1(story: Story, secret_service: Any) -> None:
    user = story.pool.add_user()
    assert story.login(user, PASSWORD).code == 0
    assert cogtui_entries(secret_service) != []

    ran = story.in_new_process("logout")

    assert (ran.code, ran.out) == (0, f"Signed out {user}.\n"), ran.err
    assert cogtui_entries(secret_service) == []
    after = story.in_new_process("whoami")
    assert after.code == 1
    assert after.sentence() == NOBODY


def test_an_expired_access_token_is_refreshed_with_the_stored_refresh_token(
    story: Story,
) -> None:
    user = story.pool.add_user(given_name="Grace")
    assert story.login(user, PASSWORD).code == 0
    before = story.expire_access_token(user)
    story.recorder.requests.clear()

    ran = story.in_new_process("get", "--json")

    assert ran.code == 0, ran.err
    assert '"given_name": "Grace"' in ran.out
    assert story.sent("InitiateAuth") == [
        {
            "AuthFlow": "REFRESH_TOKEN_AUTH",
            "AuthParameters": {"REFRESH_TOKEN": before.refresh_token},
            "ClientId": story.pool.client_id,
        }
    ]
    after = story.stored(user)
    assert after.access_token != before.access_token
    assert not tokens.identity(after).expires_soon()
    assert after.refresh_token == before.refresh_token
    assert story.sent("GetUser") == [{"AccessToken": after.access_token}]
