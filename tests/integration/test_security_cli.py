"""The security commands on real emulators, tokens in a real Secret Service: change the
password and sign in with the new one, reset a forgotten one, set up an authenticator from
what `mfa setup-totp` prints (its QR code decoded back), turn MFA on and off, delete the
account. moto for TOTP, MFA preferences and moto's ForgotPassword code; cognito-local for
ChangePassword, ForgotPassword with its fixed code, and DeleteUser."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest
from botocore.exceptions import ClientError

from tests.conftest import FIXED_CODE, PASSWORD, ROOT, Story, cogtui_entries, create_pool
from tests.integration.test_signin_moto import good_code, totp
from tests.qr_decode import decode

NEW_PASSWORD = "Brand-New-Horse-7"


@pytest.fixture
def moto_story(moto_endpoint: str, record: Any, cogtui_cli: Any, empty_keyring: Any) -> Story:
    pool = create_pool(moto_endpoint)
    return Story(pool, record(pool), cogtui_cli, empty_keyring, flow="password")


@pytest.fixture
def moto_checks_totp(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP", "true")


def admin_user(story: Story, username: str) -> dict[str, Any]:
    reply = story.pool.admin.admin_get_user(UserPoolId=story.pool.user_pool_id, Username=username)
    return dict(reply)


# -- the password -------------------------------------------------------------------------
@pytest.mark.parametrize("which", ["moto", "cognito-local"])
def test_change_the_password_then_sign_in_with_the_new_one(
    which: str, moto_story: Story, local_story: Story
) -> None:
    story = moto_story if which == "moto" else local_story
    user = story.pool.add_user()
    assert story.login(user, PASSWORD).code == 0

    changed = story("password", "--password-stdin", stdin=f"{PASSWORD}\n{NEW_PASSWORD}\n")

    assert (changed.code, changed.out) == (0, "Your password is changed.\n"), changed.err
    assert story.sent("ChangePassword")[0]["ProposedPassword"] == NEW_PASSWORD
    assert story("logout").code == 0
    assert story.login(user, PASSWORD).code == 1
    assert story.login(user, NEW_PASSWORD).code == 0


def test_a_wrong_current_password_changes_nothing(moto_story: Story) -> None:
    user = moto_story.pool.add_user()
    assert moto_story.login(user, PASSWORD).code == 0

    ran = moto_story("password", "--password-stdin", stdin=f"Not-It-1\n{NEW_PASSWORD}\n")

    assert ran.code == 1
    assert ran.sentence() == "The current password is not correct."
    assert "Not-It-1" not in ran.err + ran.out
    assert moto_story("logout").code == 0
    assert moto_story.login(user, PASSWORD).code == 0


class Typed:
    """Standard input typed as the prompts come: each line is computed when it is read."""

    def __init__(self, *lines: Any) -> None:
        self.lines = list(lines)

    def isatty(self) -> bool:
        return False

    def readline(self) -> str:
        line = self.lines.pop(0) if self.lines else ""
        return (line() if callable(line) else line) + "\n" if line != "" else ""


def test_a_forgotten_password_is_reset_with_the_code_on_moto(moto_story: Story) -> None:
    user = moto_story.pool.add_user(email="ada@example.com")
    codes = moto_story.recorder.codes  # moto hands its code back in a response header

    ran = moto_story(
        "forgot-password", "--username", user, "--password-stdin",
        stdin=Typed(lambda: codes[-1], NEW_PASSWORD),
    )  # fmt: skip

    assert ran.code == 0, ran.err
    assert moto_story.sent("ConfirmForgotPassword")[0]["ConfirmationCode"] == codes[-1]
    assert codes[-1] not in ran.out + ran.err
    assert moto_story.login(user, NEW_PASSWORD).code == 0


def reset_with(story: Story, user: str, code: str) -> Any:
    """`cogtui forgot-password` with the code and the new password on standard input."""
    lines = f"{code}\n{NEW_PASSWORD}\n"
    return story("forgot-password", "--username", user, "--password-stdin", stdin=lines)


def test_a_forgotten_password_is_reset_with_the_code_on_cognito_local(local_story: Story) -> None:
    user = local_story.pool.add_user(email="ada@example.com", email_verified="true")

    ran = reset_with(local_story, user, FIXED_CODE)

    assert ran.code == 0, ran.err
    assert ran.err.startswith("A code to reset the password was sent")
    assert ran.out == f"The password is reset: sign in with `cogtui login --username {user}`.\n"
    assert local_story.login(user, NEW_PASSWORD).code == 0


def test_a_wrong_reset_code_resets_nothing(local_story: Story) -> None:
    user = local_story.pool.add_user(email="ada@example.com", email_verified="true")

    ran = reset_with(local_story, user, "000000")

    assert ran.code == 1
    assert ran.err.splitlines()[-1] == (
        "cogtui: That code is not correct; check it and try again."
    ), ran.err
    assert local_story.login(user, PASSWORD).code == 0


# -- MFA ----------------------------------------------------------------------------------
def setup_totp(story: Story, code_for: Any, *extra: str) -> tuple[int, str, str]:
    """`cogtui mfa setup-totp` in a new process, answered as a person would: read what it
    prints, then type the code the authenticator app shows for the secret."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COGTUI_")}
    child = subprocess.Popen(
        [sys.executable, "-m", "cogtui", "mfa", "setup-totp", *extra, *story.options()],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env=env, cwd=ROOT,
    )  # fmt: skip
    assert child.stdout is not None and child.stdin is not None
    printed = []
    for line in child.stdout:
        printed.append(line)
        if line.startswith("secret: "):
            break
    secret = printed[-1].removeprefix("secret: ").replace(" ", "").strip()
    child.stdin.write(code_for(secret) + "\n")
    child.stdin.flush()
    out, err = child.communicate(timeout=60)
    return child.returncode, "".join(printed) + out, err


def test_set_up_an_authenticator_from_what_is_printed(
    moto_story: Story, moto_checks_totp: None
) -> None:
    user = moto_story.pool.add_user()
    assert moto_story.login(user, PASSWORD).code == 0
    assert json.loads(moto_story("mfa", "--json").out) == {"enabled": [], "preferred": None}

    code, out, err = setup_totp(moto_story, lambda secret: good_code(), "--name", "phone")

    assert code == 0, err
    lines = out.splitlines()
    uri = lines[0]
    assert uri == f"otpauth://totp/Cognito:{user}?secret=asdfasdfasdf&issuer=Cognito"
    qr = lines[1 : lines.index(next(line for line in lines if line.startswith("secret: ")))]
    assert decode(qr) == uri  # what a phone would scan
    assert lines[-1] == "The authenticator app is on and preferred: sign-in will ask for its code."
    assert moto_story.sent("VerifySoftwareToken")[0]["FriendlyDeviceName"] == "phone"
    server = admin_user(moto_story, user)
    assert server["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]
    assert server["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA"
    shown = moto_story("mfa", "--json")
    assert json.loads(shown.out) == {"enabled": ["totp"], "preferred": "totp"}
    assert moto_story("mfa").out == "totp: on, preferred (authenticator app)\n"
    assert "asdfasdfasdf" not in moto_story("mfa").out


def test_a_wrong_authenticator_code_turns_nothing_on(
    moto_story: Story, moto_checks_totp: None
) -> None:
    user = moto_story.pool.add_user()
    assert moto_story.login(user, PASSWORD).code == 0

    def wrong(secret: str) -> str:
        import time

        return f"{(int(totp(secret, int(time.time()))) + 1) % 1_000_000:06d}"

    code, _, err = setup_totp(moto_story, wrong)

    assert code == 1
    assert (
        err.strip().splitlines()[-1] == "cogtui: That code is not correct; check it and try again."
    )
    assert not admin_user(moto_story, user).get("UserMFASettingList")


def test_turn_mfa_off_and_on_and_choose_the_preferred(
    moto_story: Story, moto_checks_totp: None
) -> None:
    user = moto_story.pool.add_user()
    assert moto_story.login(user, PASSWORD).code == 0
    assert setup_totp(moto_story, lambda secret: good_code())[0] == 0

    off = moto_story("mfa", "disable", "totp")
    assert (off.code, off.out) == (0, "totp is off.\n"), off.err
    assert not admin_user(moto_story, user).get("UserMFASettingList")
    on = moto_story("mfa", "prefer", "totp")
    assert (on.code, on.out) == (0, "totp is on and preferred.\n"), on.err
    assert admin_user(moto_story, user)["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA"
    assert moto_story.sent("SetUserMFAPreference")[-1]["SoftwareTokenMfaSettings"] == {
        "Enabled": True,
        "PreferredMfa": True,
    }


def test_an_unknown_mfa_method_is_a_usage_error(moto_story: Story) -> None:
    user = moto_story.pool.add_user()
    assert moto_story.login(user, PASSWORD).code == 0

    ran = moto_story("mfa", "enable", "pigeon")

    assert ran.code == 2
    assert ran.sentence() == "`cogtui mfa enable` takes sms, totp or email."


# -- the account --------------------------------------------------------------------------
def test_a_wrong_username_deletes_nothing(local_story: Story, secret_service: Any) -> None:
    user = local_story.pool.add_user()
    assert local_story.login(user, PASSWORD).code == 0

    ran = local_story("delete-account", "--confirm", "someone-else")

    assert ran.code == 2
    assert ran.sentence() == "That is not your username: nothing was deleted."
    assert local_story.recorder.of("DeleteUser") == []
    assert admin_user(local_story, user)["Username"] == user
    assert cogtui_entries(secret_service) != []


def test_delete_the_account_and_every_keyring_item_of_it(
    local_story: Story, secret_service: Any
) -> None:
    user = local_story.pool.add_user()
    assert local_story.login(user, PASSWORD).code == 0

    ran = local_story("delete-account", "--confirm", user)

    assert ran.code == 0, ran.err
    assert ran.out == f"The account {user} is deleted, and its tokens are gone from this machine.\n"
    with pytest.raises(ClientError, match="UserNotFound"):
        admin_user(local_story, user)
    assert cogtui_entries(secret_service) == []
    assert local_story("whoami").code == 1


def test_without_a_keyring_password_signs_in_with_the_current_one_first(
    local_story: Story,
) -> None:
    user = local_story.pool.add_user()

    ran = local_story.in_new_process(
        "password", "--no-keyring", "--username", user, "--password-stdin",
        stdin=f"{PASSWORD}\n{NEW_PASSWORD}\n",
    )  # fmt: skip

    assert (ran.code, ran.out, ran.err) == (0, "Your password is changed.\n", "")
    assert local_story.login(user, NEW_PASSWORD).code == 0


def test_turning_on_the_preferred_method_keeps_it_preferred(moto_story: Story) -> None:
    user = moto_story.pool.add_user(phone_number="+15555550123", phone_number_verified="true")
    assert moto_story.login(user, PASSWORD).code == 0
    assert moto_story("mfa", "prefer", "sms").code == 0

    again = moto_story("mfa", "enable", "sms")

    assert (again.code, again.out) == (0, "sms is on.\n"), again.err
    assert json.loads(moto_story("mfa", "--json").out) == {"enabled": ["sms"], "preferred": "sms"}
    assert admin_user(moto_story, user)["PreferredMfaSetting"] == "SMS_MFA"


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["mfa", "setup-totp", "sms"], "`cogtui mfa setup-totp` takes no method."),
        (["mfa", "--name", "x"], "--name is for `cogtui mfa setup-totp` only."),
        (["mfa", "enable", "sms", "--json"], "--json is for `cogtui mfa` with no action only."),
    ],
)
def test_mfa_refuses_what_it_would_ignore(moto_story: Story, argv: list[str], said: str) -> None:
    user = moto_story.pool.add_user()
    assert moto_story.login(user, PASSWORD).code == 0
    moto_story.recorder.requests.clear()

    ran = moto_story(*argv)

    assert (ran.code, ran.sentence()) == (2, said)
    assert moto_story.recorder.of("SetUserMFAPreference") == []
    assert moto_story.recorder.of("AssociateSoftwareToken") == []


def test_forgot_password_needs_no_keyring(local_story: Story) -> None:
    user = local_story.pool.add_user(email="ada@example.com", email_verified="true")
    no_bus = {**os.environ, "DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent"}
    no_bus = {k: v for k, v in no_bus.items() if not k.startswith("COGTUI_")}

    ran = subprocess.run(
        [sys.executable, "-m", "cogtui", "forgot-password", "--username", user,
         "--password-stdin", *local_story.options()],
        input=f"{FIXED_CODE}\n{NEW_PASSWORD}\n", capture_output=True, text=True, env=no_bus,
        cwd=ROOT, check=False,
    )  # fmt: skip

    assert ran.returncode == 0, ran.stderr
    assert local_story.login(user, NEW_PASSWORD).code == 0


def test_the_delete_prompt_ending_early_is_one_plain_sentence(local_story: Story) -> None:
    user = local_story.pool.add_user()
    assert local_story.login(user, PASSWORD).code == 0

    ran = local_story("delete-account", stdin="")

    assert ran.code == 2
    prompt = f"To delete the account {user}, type its username."
    assert ran.sentence(prompt) == "Username is needed, but standard input has ended."
    assert local_story.recorder.of("DeleteUser") == []
