"""Choice-based sign-in (USER_AUTH) and passkeys at the command line, against the passwordless
stand-in in front of moto, with the software authenticator in place of a security key and
tokens in the real Secret Service."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import PASSWORD, Story, create_pool
from tests.integration.test_security_cli import Typed
from tests.passwordless_standin import PasswordlessStandIn
from tests.soft_authenticator import SoftAuthenticator


@pytest.fixture
def key(monkeypatch: pytest.MonkeyPatch) -> SoftAuthenticator:
    """The authenticator cogtui gets: software, in place of a key on USB."""
    found = SoftAuthenticator()
    monkeypatch.setattr("cogtui.passkeys.default_authenticator", lambda: found)
    return found


@pytest.fixture
def standin(moto_endpoint: str) -> Iterator[PasswordlessStandIn]:
    found = PasswordlessStandIn(moto_endpoint, "")
    yield found
    found.close()


@pytest.fixture
def story(
    moto_endpoint: str, standin: PasswordlessStandIn, cogtui_cli: Any, empty_keyring: Any
) -> Story:
    pool = create_pool(moto_endpoint)
    standin.pool_id = pool.user_pool_id
    pool.endpoint = standin.endpoint
    return Story(pool, standin, cogtui_cli, empty_keyring, flow="choice")  # type: ignore[arg-type]


def new_user(story: Story, standin: PasswordlessStandIn) -> str:
    user = story.pool.add_user(email="ada@example.com")
    standin.passwords[user] = PASSWORD  # what the stand-in knows, as Cognito would
    return user


def login(story: Story, user: str, *lines: Any) -> Any:
    return story("login", "--username", user, "--password-stdin", stdin=Typed(*lines))


def test_with_a_password_choice_sign_in_asks_for_srp_straight_away(
    story: Story, standin: PasswordlessStandIn
) -> None:
    user = new_user(story, standin)

    ran = login(story, user, PASSWORD)

    assert ran.code == 0, ran.err
    first = story.sent("InitiateAuth")[0]
    assert first["AuthFlow"] == "USER_AUTH"
    assert first["AuthParameters"]["PREFERRED_CHALLENGE"] == "PASSWORD_SRP"
    assert PASSWORD not in json.dumps([body for _, body in standin.received])


def test_an_email_code_signs_in_without_a_password(
    story: Story, standin: PasswordlessStandIn
) -> None:
    user = new_user(story, standin)

    ran = login(story, user, lambda: "", lambda: "1", lambda: standin.codes[-1][2])

    assert ran.code == 0, ran.err
    assert "Cognito offers these ways to sign in as this user." in ran.err
    assert "1. a code by email (no password)" in ran.err
    assert "Enter the code from the email sent to a***.com." in ran.err
    assert story("get", "--json").code == 0


def test_a_passkey_is_added_used_listed_and_deleted(
    story: Story, standin: PasswordlessStandIn, key: SoftAuthenticator
) -> None:
    user = new_user(story, standin)
    assert login(story, user, PASSWORD).code == 0

    added = story("passkeys", "add")

    assert added.code == 0, added.err
    assert "Touch your security key to make a passkey for" in added.err
    listed = json.loads(story("passkeys", "--json").out)
    assert [p["transports"] for p in listed] == [["usb"]]
    assert story("logout").code == 0

    choices = login(story, user, lambda: "", lambda: "1")  # no password; 1: the passkey
    assert choices.code == 0, choices.err
    assert "1. a passkey on a security key" in choices.err
    assert "Touch your security key to sign in with its passkey." in choices.err

    deleted = story("passkeys", "delete", listed[0]["id"])
    assert (deleted.code, deleted.out) == (0, f"Deleted the passkey {listed[0]['id']}.\n")
    assert story("logout").code == 0
    refused = login(story, user, lambda: "", lambda: "1")
    assert refused.code == 2  # 1 is now the email code, and no code comes on stdin
    assert "a passkey" not in refused.err  # no passkey now: the server no longer offers one


def test_no_key_plugged_in_is_one_sentence(
    story: Story, standin: PasswordlessStandIn, key: SoftAuthenticator
) -> None:
    user = new_user(story, standin)
    assert login(story, user, PASSWORD).code == 0
    key.present = False

    ran = story("passkeys", "add")

    assert (ran.code, ran.err.splitlines()[-1]) == (
        1,
        "cogtui: No security key is plugged in: plug one in and try again.",
    )
    assert standin.passkeys == {}


def test_a_server_that_offers_only_some_challenges(
    story: Story, standin: PasswordlessStandIn
) -> None:
    user = new_user(story, standin)
    standin.offered = ["EMAIL_OTP", "PASSWORD"]

    ran = login(story, user, lambda: "", lambda: "2", lambda: PASSWORD)

    assert ran.code == 0, ran.err
    assert (
        "  1. a code by email (no password)\n  2. the password (sent to Cognito over TLS)"
        in ran.err
    )
    chosen = [
        b for b in story.sent("RespondToAuthChallenge") if b["ChallengeName"] == "SELECT_CHALLENGE"
    ]
    assert chosen[0]["ChallengeResponses"]["ANSWER"] == "PASSWORD"


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["passkeys", "delete"], "`cogtui passkeys delete` takes a CREDENTIAL_ID."),
        (["passkeys", "delete", "no!"], "no! is not a passkey id; `cogtui passkeys` lists yours."),
        (["passkeys", "add", "abcdefghijklmnopq"], "`cogtui passkeys add` takes no passkey id."),
        (["passkeys", "add", "--json"], "--json is for `cogtui passkeys` with no action only."),
    ],
)
def test_passkeys_refuses_what_it_would_ignore(story: Story, argv: list[str], said: str) -> None:
    ran = story(*argv)

    assert (ran.code, ran.sentence()) == (2, said)


def test_passkey_names_from_the_server_are_text(story: Story, standin: PasswordlessStandIn) -> None:
    user = new_user(story, standin)
    assert login(story, user, PASSWORD).code == 0
    standin.add_passkeys(user, 1)
    original = standin.list_passkeys

    def hostile(request: dict[str, Any]) -> dict[str, Any]:
        reply = original(request)
        for item in reply["Credentials"]:
            item["FriendlyCredentialName"] = "[/x]key\x1b]0;pwned\x07\u202e"
        return reply

    standin.list_passkeys = hostile  # type: ignore[method-assign]

    table, listed = story("passkeys"), story("passkeys", "--json")

    assert table.code == listed.code == 0
    assert "\x1b" not in table.out and "\u202e" not in table.out
    assert "[/x]key\\x1b]0;pwned\\x07\\u202e" in table.out
    assert json.loads(listed.out)[0]["name"] == "[/x]key\x1b]0;pwned\x07\u202e"
