"""Devices as a new user meets them, at the command line: sign in with MFA and remember the
device, sign in again without a code, list (over pages) and forget devices, and a device
forgotten elsewhere. `cogtui` talks to the device stand-in in front of moto; tokens and
device material are in the real Secret Service.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.conftest import PASSWORD, Story, cogtui_entries, create_pool
from tests.device_standin import DeviceStandIn
from tests.integration.test_signin_moto import enable_mfa, good_code

CODE_PROMPT = "Enter the code from your authenticator app."


@pytest.fixture
def standin(moto_endpoint: str) -> Iterator[DeviceStandIn]:
    found = DeviceStandIn(moto_endpoint)
    yield found
    found.close()


@pytest.fixture
def story(moto_endpoint: str, standin: DeviceStandIn, cogtui_cli: Any, empty_keyring: Any) -> Story:
    pool = create_pool(moto_endpoint)
    pool.endpoint = standin.endpoint
    return Story(pool, standin, cogtui_cli, empty_keyring, flow="srp")  # type: ignore[arg-type]


def login(story: Story, user: str, *answers: str, options: tuple[str, ...] = ()) -> Any:
    stdin = "".join(line + "\n" for line in (PASSWORD, *answers))
    return story("login", "--username", user, "--password-stdin", *options, stdin=stdin)


def remembered_user(story: Story, *options: str) -> str:
    """A user with an authenticator app, signed in once here with --remember-device."""
    user = story.pool.add_user()
    enable_mfa(story.pool, user, "totp")
    ran = login(story, user, good_code(), options=("--remember-device", *options))
    assert ran.code == 0, ran.err
    return user


def device_in_vault(story: Story, user: str) -> Any:
    """This machine's device for `user`, as the keyring holds it now."""
    story.vault.load()  # read again: the commands wrote it
    return story.vault.device_for(user)


def test_sign_in_with_mfa_then_remember_the_device_then_no_code(
    story: Story, standin: DeviceStandIn
) -> None:
    user = remembered_user(story)

    confirm = story.sent("ConfirmDevice")
    device = device_in_vault(story, user)
    assert len(confirm) == 1 and confirm[0]["DeviceName"] == socket.gethostname()
    assert confirm[0]["DeviceKey"] == device.key
    assert story.sent("UpdateDeviceStatus") == [
        {
            "AccessToken": confirm[0]["AccessToken"],
            "DeviceKey": device.key,
            "DeviceRememberedStatus": "remembered",
        }
    ]
    assert story("logout").code == 0
    assert device_in_vault(story, user) is not None  # signing out keeps this machine's device

    again = login(story, user)  # the password only: no code on stdin

    assert again.code == 0, again.err
    assert CODE_PROMPT not in again.err
    assert standin.proved == 1
    names = [body["ChallengeName"] for body in story.sent("RespondToAuthChallenge")]
    assert names[-3:] == ["PASSWORD_VERIFIER", "DEVICE_SRP_AUTH", "DEVICE_PASSWORD_VERIFIER"]
    assert story.sent("RespondToAuthChallenge")[-2]["Session"]  # the Session of the step before
    assert len(story.sent("ConfirmDevice")) == 1  # the same device, not a new one
    assert story("get", "--json").code == 0


def test_the_device_name_comes_from_the_option(story: Story) -> None:
    remembered_user(story, "--device-name", "work laptop")

    assert story.sent("ConfirmDevice")[0]["DeviceName"] == "work laptop"


def test_without_remember_device_and_no_terminal_the_device_is_only_tracked(story: Story) -> None:
    user = story.pool.add_user()
    enable_mfa(story.pool, user, "totp")

    ran = login(story, user, good_code())

    assert ran.code == 0, ran.err
    assert (
        "This device is not remembered: sign in with --remember-device to skip MFA here." in ran.err
    )
    statuses = [body["DeviceRememberedStatus"] for body in story.sent("UpdateDeviceStatus")]
    assert statuses == ["not_remembered"]
    assert story("logout").code == 0
    again = login(story, user, good_code())  # a tracked device still needs the code
    assert again.code == 0 and CODE_PROMPT in again.err


def test_a_refresh_carries_the_device_key(story: Story) -> None:
    user = remembered_user(story)
    story.expire_access_token(user)

    ran = story("get", "--json")

    assert ran.code == 0, ran.err
    refresh = [b for b in story.sent("InitiateAuth") if b["AuthFlow"] == "REFRESH_TOKEN_AUTH"]
    assert refresh[-1]["AuthParameters"]["DEVICE_KEY"] == device_in_vault(story, user).key


def test_a_device_forgotten_elsewhere_asks_for_the_code_and_says_why(
    story: Story, standin: DeviceStandIn
) -> None:
    user = remembered_user(story)
    old = device_in_vault(story, user).key
    assert story("logout").code == 0
    elsewhere = boto3.client(
        "cognito-idp",
        region_name="us-east-1",
        endpoint_url=standin.endpoint,
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )
    token = elsewhere.initiate_auth(
        ClientId=story.pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user, "PASSWORD": PASSWORD},
    )
    assert token["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    result = elsewhere.respond_to_auth_challenge(
        ClientId=story.pool.client_id,
        ChallengeName="SOFTWARE_TOKEN_MFA",
        Session=token["Session"],
        ChallengeResponses={"USERNAME": user, "SOFTWARE_TOKEN_MFA_CODE": good_code()},
    )["AuthenticationResult"]
    elsewhere.forget_device(AccessToken=result["AccessToken"], DeviceKey=old)

    again = login(story, user, good_code(), options=("--no-remember-device",))

    assert again.code == 0, again.err
    lines = again.err.splitlines()
    assert "Cognito no longer knows this device (it was forgotten), so it asks for a code." in lines
    assert CODE_PROMPT in lines
    assert standin.proved == 0
    new = device_in_vault(story, user)
    assert new is not None and new.key != old  # set up again as a new device


def test_sixty_devices_are_listed_over_pages_this_one_marked(
    story: Story, standin: DeviceStandIn
) -> None:
    user = remembered_user(story)
    others = standin.add_devices(user, 60)

    listed = story("devices", "--json")

    assert listed.code == 0, listed.err
    found = json.loads(listed.out)
    this = device_in_vault(story, user).key
    assert [d["key"] for d in found] == [*others, this]  # oldest first, as the server gives them
    assert [d["this_device"] for d in found].count(True) == 1 and found[-1]["this_device"]
    assert found[0] == {
        "key": others[0],
        "name": "machine-00",
        "remembered": False,
        "this_device": False,
        "last_authenticated": "2025-06-15T15:06:40+00:00",
        "last_ip": "198.51.100.0",
        "created": "2023-11-14T22:13:20+00:00",
    }
    pages = [body.get("PaginationToken") for body in story.sent("ListDevices")]
    assert pages == [None, "60"]
    table = story("devices").out.splitlines()
    assert table[0].split() == ["NAME", "STATUS", "LAST", "SIGN-IN", "LAST", "IP", "ADDED", "KEY"]
    assert len(table) == 62
    assert f"{socket.gethostname()} (this device)" in table[-1] and table[-1].endswith(this)


def test_forget_and_remember_a_device_by_key(story: Story, standin: DeviceStandIn) -> None:
    user = remembered_user(story)
    other = standin.add_devices(user, 1)[0]

    remembered = story("devices", "remember", other)
    forgotten = story("devices", "forget", other)

    assert (remembered.code, remembered.out) == (
        0,
        f"The device {other} is remembered: signing in on it needs no MFA code.\n",
    )
    assert (forgotten.code, forgotten.out) == (0, f"Forgot the device {other}.\n")
    assert other not in standin.devices
    assert device_in_vault(story, user) is not None  # another device: this one stays


def test_forget_this_device_drops_its_material(story: Story, standin: DeviceStandIn) -> None:
    user = remembered_user(story)
    key = device_in_vault(story, user).key

    ran = story("devices", "forget-this")

    assert ran.code == 0, ran.err
    assert ran.out == f"Forgot this device ({key}): the next sign-in asks for an MFA code.\n"
    assert key not in standin.devices
    assert device_in_vault(story, user) is None
    again = story("devices", "forget-this")
    assert (again.code, again.sentence()) == (
        2,
        "This machine is not one of your devices: nothing to forget.",
    )


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["devices", "forget"], "`cogtui devices forget` takes a DEVICE_KEY."),
        (
            ["devices", "remember", "not a key"],
            "not a key is not a device key; `cogtui devices` lists yours.",
        ),
        (
            ["devices", "forget-this", "us-east-1_ab"],
            "`cogtui devices forget-this` takes no device key.",
        ),
        (
            ["devices", "forget", "us-east-1_ab", "--json"],
            "--json is for `cogtui devices` with no action only.",
        ),
    ],
)
def test_devices_refuses_what_it_would_ignore(story: Story, argv: list[str], said: str) -> None:
    ran = story(*argv)

    assert (ran.code, ran.sentence()) == (2, said)
    assert story.sent("ListDevices") == []


def test_no_device_password_in_any_output_or_file(
    story: Story, isolated_home: Path, empty_keyring: Any
) -> None:
    user = remembered_user(story)
    outputs = [
        story("devices"),
        story("devices", "--json"),
        story("whoami"),
        story("logout"),
        login(story, user),
    ]
    device = device_in_vault(story, user)

    for ran in outputs:
        assert device.password not in ran.out + ran.err
    for path in isolated_home.rglob("*"):
        if path.is_file():
            assert device.password.encode() not in path.read_bytes(), path
    assert device.password not in repr(device)
    assert [entry[1] for entry in cogtui_entries(empty_keyring)] == [
        "@session"
    ]  # one item holds it


HOSTILE_NAME = "[/x][bold]evil\x1b]0;pwned\x07\x1b[2J\u202eeman"


def test_device_names_from_the_server_are_text(story: Story, standin: DeviceStandIn) -> None:
    user = remembered_user(story)
    other = standin.add_devices(user, 1)[0]
    standin.devices[other].name = HOSTILE_NAME
    standin.devices[other].last_ip = "\x1b[31m10.0.0.1"

    table, listed = story("devices"), story("devices", "--json")

    assert table.code == listed.code == 0
    assert "\x1b" not in table.out and "\u202e" not in table.out and "\x07" not in table.out
    assert "[/x][bold]evil\\x1b]0;pwned\\x07\\x1b[2J\\u202eeman" in table.out
    assert json.loads(listed.out)[0]["name"] == HOSTILE_NAME  # --json keeps the exact value
    assert "\x1b" not in listed.out and "\u202e" not in listed.out


def test_with_no_keyring_this_machine_is_not_registered(story: Story) -> None:
    user = story.pool.add_user()
    enable_mfa(story.pool, user, "totp")
    stdin = f"{PASSWORD}\n{good_code()}\n"

    ran = story("get", "--no-keyring", "--username", user, "--password-stdin", stdin=stdin)

    assert ran.code == 0, ran.err
    assert "Remember" not in ran.err and "remembered" not in ran.err
    assert story.sent("ConfirmDevice") == []  # a device no later run could use


def test_an_app_client_with_a_secret_signs_the_device_challenges(
    story: Story, standin: DeviceStandIn
) -> None:
    pool = story.pool
    client = pool.admin.create_user_pool_client(
        UserPoolId=pool.user_pool_id,
        ClientName="with-a-secret",
        GenerateSecret=True,
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]
    pool.client_id = client["ClientId"]
    standin.client_secrets[pool.client_id] = client["ClientSecret"]
    story.vault = type(story.vault)(story.vault.store, pool.user_pool_id, pool.client_id)
    story.vault.save_client_secret(client["ClientSecret"])
    user = remembered_user(story)
    assert story("logout").code == 0

    again = login(story, user)

    assert again.code == 0, again.err
    assert standin.proved == 1
    answers = {
        b["ChallengeName"]: b["ChallengeResponses"] for b in story.sent("RespondToAuthChallenge")
    }
    assert answers["DEVICE_SRP_AUTH"]["SECRET_HASH"]
    assert answers["DEVICE_PASSWORD_VERIFIER"]["SECRET_HASH"]


def test_a_device_that_could_not_be_registered_still_names_its_key_on_refresh(
    story: Story, standin: DeviceStandIn
) -> None:
    standin.refuse_confirm = True
    user = story.pool.add_user()
    enable_mfa(story.pool, user, "totp")

    ran = login(story, user, good_code(), options=("--remember-device",))

    assert ran.code == 0, ran.err
    assert "Signed in, but this device could not be registered: " in ran.err
    assert story.sent("UpdateDeviceStatus") == []  # nothing to remember
    story.expire_access_token(user)
    assert story("get", "--json").code == 0  # the refresh named the key its tokens are bound to
    refresh = [b for b in story.sent("InitiateAuth") if b["AuthFlow"] == "REFRESH_TOKEN_AUTH"]
    assert refresh[-1]["AuthParameters"]["DEVICE_KEY"] in standin.bound.values()
    assert story("logout").code == 0
    again = login(story, user, good_code(), options=("--no-remember-device",))
    assert again.code == 0 and CODE_PROMPT in again.err  # a key alone proves nothing
