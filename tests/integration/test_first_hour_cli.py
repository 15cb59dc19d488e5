"""What a new user trips on at the command line, against cognito-local, tokens in a real
Secret Service: who they are in a pool that signs in by email, `get NAME`, `whoami --json`,
and an attribute given twice to `set`."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from typing import Any

import pytest

from tests.conftest import PASSWORD, Story, create_pool

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.fixture
def story(local_story: Story) -> Story:
    return local_story


@pytest.fixture
def email_story(
    cognito_local_endpoint: str, record: Any, cogtui_cli: Any, empty_keyring: Any
) -> Story:
    """A pool whose users sign in by email: Cognito names each of them with a UUID."""
    pool = create_pool(cognito_local_endpoint, UsernameAttributes=["email"])
    return Story(pool, record(pool), cogtui_cli, empty_keyring, flow="password")


def test_a_user_who_signs_in_by_email_is_shown_by_email_not_by_uuid(email_story: Story) -> None:
    email_story.pool.add_user("ada@example.com", given_name="Ada")

    login = email_story.login("ada@example.com", PASSWORD)
    whoami = email_story.in_new_process("whoami")

    assert login.code == 0, login.err
    assert login.out == "Signed in as ada@example.com; tokens are kept in the keyring.\n"
    assert whoami.code == 0, whoami.err
    lines = whoami.out.splitlines()
    assert lines[0] == "signed in as: ada@example.com"
    assert UUID.fullmatch(lines[1].removeprefix("username: "))  # the UUID, named as such


def test_whoami_json_is_one_object_with_the_name_typed_and_the_username(
    email_story: Story,
) -> None:
    email_story.pool.add_user("grace@example.com")
    assert email_story.login("grace@example.com", PASSWORD).code == 0

    ran = email_story("whoami", "--json")

    assert ran.code == 0, ran.err
    facts = json.loads(ran.out)
    assert facts["signed_in_as"] == "grace@example.com"
    assert UUID.fullmatch(facts["username"]) and facts["sub"]
    assert facts["pool"] == email_story.pool.user_pool_id
    assert facts["client"] == email_story.pool.client_id
    assert facts["groups"] == []
    assert "access_token_expires" in facts
    assert not any(part.count(".") == 2 and len(part) > 100 for part in ran.out.split('"'))


def test_get_with_names_prints_only_those(story: Story) -> None:
    user = story.pool.add_user(email="ada@example.com", given_name="Ada", custom_team="blue")
    assert story.login(user, PASSWORD).code == 0

    one = story("get", "email")
    two = story("get", "given_name", "email")
    as_json = story("get", "--json", "email", "team")

    assert (one.code, one.out) == (0, "ada@example.com\n")
    assert two.code == 0 and two.out.splitlines() == [
        "given_name  Ada",
        "email       ada@example.com",
    ]
    assert as_json.code == 0
    assert json.loads(as_json.out) == {"email": "ada@example.com", "custom:team": "blue"}


def test_get_of_an_attribute_the_user_has_not_says_so(story: Story) -> None:
    user = story.pool.add_user(email="ada@example.com")
    assert story.login(user, PASSWORD).code == 0

    ran = story("get", "email", "nickname")

    assert ran.code == 1
    assert ran.out == ""
    assert ran.sentence() == "You have no attribute named nickname."


def test_set_refuses_an_attribute_given_twice_and_sends_nothing(story: Story) -> None:
    user = story.pool.add_user(custom_team="red")
    assert story.login(user, PASSWORD).code == 0
    story.recorder.requests.clear()

    ran = story("set", "team=A", "team=B")

    assert ran.code == 2
    assert ran.sentence() == "custom:team is given twice; give each attribute once."
    assert story.recorder.of("UpdateUserAttributes") == []
    assert story.pool.attributes(user)["custom:team"] == "red"


def test_without_a_keyring_each_command_signs_in_for_itself(story: Story) -> None:
    user = story.pool.add_user(email="ada@example.com", given_name="Ada")
    one_shot = ["--no-keyring", "--username", user, "--password-stdin"]

    got = story.in_new_process("get", "email", *one_shot, stdin=PASSWORD + "\n")
    changed = story.in_new_process("set", "given_name=Augusta", *one_shot, stdin=PASSWORD + "\n")

    assert (got.code, got.out, got.err) == (0, "ada@example.com\n", "")
    assert changed.code == 0, changed.err
    assert story.pool.attributes(user)["given_name"] == "Augusta"
    assert [r.body["AuthFlow"] for r in story.recorder.of("InitiateAuth")] == [
        "USER_PASSWORD_AUTH"
    ] * 2


def test_without_a_keyring_and_without_a_username_the_error_says_what_to_give(
    story: Story,
) -> None:
    ran = story.in_new_process("get", "--no-keyring")

    assert ran.code == 2
    assert ran.sentence() == (
        "With --no-keyring nothing is kept between commands: give --username "
        "(and --password-stdin) to sign in for this one."
    )


def test_the_error_for_a_missing_keyring_points_at_the_way_without_one(story: Story) -> None:
    user = story.pool.add_user()
    no_bus = {**os.environ, "DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent"}

    ran = subprocess.run(
        [sys.executable, "-m", "cogtui", "login", "--username", user, "--password-stdin",
         *story.options()],
        input=PASSWORD + "\n", capture_output=True, text=True, env=no_bus, check=False,
    )  # fmt: skip

    assert ran.returncode == 1
    assert "--no-keyring" in ran.stderr and "--username and --password-stdin" in ran.stderr
    assert "the README shows how on a server" in ran.stderr


def test_an_empty_password_line_says_so(story: Story) -> None:
    user = story.pool.add_user(email="ada@example.com")

    ran = story("get", "--no-keyring", "--username", user, "--password-stdin", stdin="\n")

    assert (ran.code, ran.sentence()) == (2, "Password cannot be empty.")


def test_get_of_one_attribute_named_twice_prints_its_value(story: Story) -> None:
    user = story.pool.add_user(email="ada@example.com", custom_team="blue")
    assert story.login(user, PASSWORD).code == 0

    assert story("get", "email", "email").out == "ada@example.com\n"
    assert story("get", "team", "custom:team").out == "blue\n"


def test_a_reader_that_goes_away_ends_the_command_quietly(story: Story) -> None:
    user = story.pool.add_user(email="ada@example.com", given_name="Ada", family_name="L")
    assert story.login(user, PASSWORD).code == 0
    env = {k: v for k, v in os.environ.items() if not k.startswith("COGTUI_")}
    child = subprocess.Popen(
        [sys.executable, "-m", "cogtui", "get", *story.options()],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True,
    )  # fmt: skip
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()  # as `| head -0` does, before the attributes are printed
    err = child.stderr.read()
    assert child.wait(timeout=60) == 1
    assert err == ""


def test_demo_with_a_malformed_endpoint_is_a_usage_error(story: Story) -> None:
    ran = story.run("demo", "--seed-only", "--endpoint-url", "not a url")

    assert ran.code == 2
    assert ran.sentence() == (
        "The endpoint URL 'not a url' is malformed: it must be an http:// or https:// URL "
        "with a host name, such as http://127.0.0.1:9229."
    )
