"""Signing in on moto's server: SRP, every challenge moto implements, refresh, sign-out.

Each story runs `cogtui ...` commands in this process against a fresh pool behind a
recorder, so it can assert both what the user saw and what the server received. The keyring
is an in-memory test backend shared by the commands of one test.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import struct
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from cogtui import tokens
from tests.conftest import PASSWORD, Pool, Story, create_pool

MOTO_TOTP_SECRET = "asdfasdfasdf"  # moto hands every user this secret


def totp(secret: str, at: int) -> str:
    """RFC 6238: six digits, SHA-1, 30-second steps (what authenticator apps show)."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", at // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def good_code() -> str:
    """The code for moto's clock (the real one): for the current 30-second window, or, when
    fewer than 3 s of it are left, for the next one, waited for (moto takes no other)."""
    left = 30 - time.time() % 30
    if left < 3:
        time.sleep(left + 0.05)
    return totp(MOTO_TOTP_SECRET, int(time.time()))


def wrong_code() -> str:
    return f"{(int(good_code()) + 1) % 1_000_000:06d}"


@pytest.fixture
def story(moto_endpoint: str, record: Any, cogtui_cli: Any, memory_keyring: Any) -> Story:
    pool = create_pool(moto_endpoint)
    return Story(pool, record(pool), cogtui_cli, memory_keyring, flow="srp")


@pytest.fixture
def moto_checks_totp(monkeypatch: pytest.MonkeyPatch) -> None:
    """moto checks TOTP codes (its server runs in this process, so it sees this setting)."""
    monkeypatch.setenv("MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP", "true")


def access_token_of(pool: Pool, username: str) -> str:
    reply = pool.admin.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD},
    )
    return str(reply["AuthenticationResult"]["AccessToken"])


def enable_mfa(pool: Pool, username: str, method: str) -> None:
    """Turn on the user's MFA by authenticator app ("totp") or text message ("sms")."""
    if method == "totp":
        token = access_token_of(pool, username)
        pool.admin.associate_software_token(AccessToken=token)
        pool.admin.verify_software_token(AccessToken=token, UserCode=good_code())
    setting = {"Enabled": True, "PreferredMfa": True}
    key = "SoftwareTokenMfaSettings" if method == "totp" else "SMSMfaSettings"
    pool.admin.admin_set_user_mfa_preference(
        UserPoolId=pool.user_pool_id, Username=username, **{key: setting}
    )


def challenge_answers(story: Story, name: str) -> list[dict[str, str]]:
    return [
        body["ChallengeResponses"]
        for body in story.sent("RespondToAuthChallenge")
        if body["ChallengeName"] == name
    ]


# -- sign-in ----------------------------------------------------------------------------------
def test_the_default_sign_in_is_srp_and_never_sends_the_password(story: Story) -> None:
    user = story.pool.add_user()

    ran = story.login(user, PASSWORD)

    assert ran.code == 0, ran.err
    assert ran.out == f"Signed in as {user}; tokens are kept in the keyring.\n"
    assert story.recorder.operations() == ["InitiateAuth", "RespondToAuthChallenge"]
    initiate, verifier = (r.body for r in story.recorder.requests)
    assert initiate["AuthFlow"] == "USER_SRP_AUTH"
    assert set(initiate["AuthParameters"]) == {"USERNAME", "SRP_A"}
    assert verifier["ChallengeName"] == "PASSWORD_VERIFIER"
    assert "PASSWORD_CLAIM_SIGNATURE" in verifier["ChallengeResponses"]
    assert PASSWORD not in json.dumps([r.body for r in story.recorder.requests])
    assert tokens.identity(story.stored(user)).username == user


def test_a_new_password_is_required_for_an_admin_created_user(story: Story) -> None:
    user, temporary, chosen = "new-hire", "Temporary-Pass-1", "Chosen-Pass-22"
    story.pool.admin.admin_create_user(
        UserPoolId=story.pool.user_pool_id,
        Username=user,
        TemporaryPassword=temporary,
        MessageAction="SUPPRESS",
    )

    ran = story.login(user, temporary, chosen)

    assert ran.code == 0, ran.err
    assert "Choose a new password to finish signing in." in ran.err
    assert challenge_answers(story, "NEW_PASSWORD_REQUIRED") == [
        {"USERNAME": user, "NEW_PASSWORD": chosen}
    ]
    held = story.pool.admin.admin_get_user(UserPoolId=story.pool.user_pool_id, Username=user)
    assert held["UserStatus"] == "CONFIRMED"
    # USER_PASSWORD_AUTH checks the password on moto (SRP does not): only the new one works.
    assert story.login(user, chosen, flow="password").code == 0
    refused = story.login(user, temporary, flow="password")
    assert (refused.code, refused.sentence()) == (1, "Incorrect username or password.")


@pytest.mark.usefixtures("moto_checks_totp")
def test_an_authenticator_code_completes_the_sign_in(story: Story) -> None:
    user = story.pool.add_user()
    enable_mfa(story.pool, user, "totp")

    code = good_code()
    ran = story.login(user, PASSWORD, code)

    assert ran.code == 0, ran.err
    assert "Enter the code from your authenticator app." in ran.err
    assert challenge_answers(story, "SOFTWARE_TOKEN_MFA") == [
        {"USERNAME": user, "SOFTWARE_TOKEN_MFA_CODE": code}
    ]
    assert story.stored(user)


@pytest.mark.usefixtures("moto_checks_totp")
def test_a_wrong_authenticator_code_exits_1_with_one_sentence(story: Story) -> None:
    user = story.pool.add_user()
    enable_mfa(story.pool, user, "totp")

    ran = story.login(user, PASSWORD, wrong_code())

    assert ran.code == 1
    assert ran.sentence("Enter the code from your authenticator app.") == (
        "That code is not correct; check it and try again."
    )
    assert story.vault.load_tokens(user) is None


def test_a_text_message_code_completes_the_sign_in(story: Story) -> None:
    user = story.pool.add_user(phone_number="+15555550123")
    enable_mfa(story.pool, user, "sms")

    ran = story.login(user, PASSWORD, "135790")

    assert ran.code == 0, ran.err
    assert "Enter the code from the text message." in ran.err
    assert challenge_answers(story, "SMS_MFA") == [{"USERNAME": user, "SMS_MFA_CODE": "135790"}]
    assert story.stored(user)


@pytest.mark.usefixtures("moto_checks_totp")
def test_mfa_setup_shows_moto_s_secret_and_verifies_the_code(story: Story) -> None:
    """moto sends MFAS_CAN_SETUP as a Python repr ("['SOFTWARE_TOKEN_MFA']"), not JSON."""
    story.pool.admin.set_user_pool_mfa_config(
        UserPoolId=story.pool.user_pool_id,
        SoftwareTokenMfaConfiguration={"Enabled": True},
        MfaConfiguration="ON",
    )
    user = story.pool.add_user()

    code = good_code()
    ran = story.login(user, PASSWORD, code)

    assert ran.code == 0, ran.err
    assert f"secret: {MOTO_TOTP_SECRET}" in ran.err
    assert [body["UserCode"] for body in story.sent("VerifySoftwareToken")] == [code]
    assert len(challenge_answers(story, "MFA_SETUP")) == 1
    assert story.stored(user)


# -- after sign-in ----------------------------------------------------------------------------
def test_an_access_token_about_to_expire_is_refreshed_before_use(story: Story) -> None:
    user = story.pool.add_user(given_name="Grace")
    assert story.login(user, PASSWORD).code == 0
    before = story.expire_access_token(user)
    story.recorder.requests.clear()

    ran = story("get", "--json")

    assert ran.code == 0, ran.err
    assert json.loads(ran.out)["given_name"] == "Grace"
    assert story.recorder.operations() == ["InitiateAuth", "GetUser"]
    [refresh] = story.sent("InitiateAuth")
    assert refresh["AuthFlow"] == "REFRESH_TOKEN_AUTH"
    assert refresh["AuthParameters"] == {"REFRESH_TOKEN": before.refresh_token}
    after = story.stored(user)
    assert after.access_token != before.access_token
    assert after.refresh_token == before.refresh_token  # a refresh returns no new one
    assert not tokens.identity(after).expires_soon()
    assert story.sent("GetUser") == [{"AccessToken": after.access_token}]


def test_a_fresh_access_token_is_used_without_a_refresh(story: Story) -> None:
    user = story.pool.add_user()
    assert story.login(user, PASSWORD).code == 0
    story.recorder.requests.clear()

    assert story("get", "--json").code == 0

    assert story.recorder.operations() == ["GetUser"]


def test_logout_global_signs_out_everywhere_and_the_old_tokens_are_refused(story: Story) -> None:
    user = story.pool.add_user()
    assert story.login(user, PASSWORD).code == 0
    old = story.stored(user)
    story.recorder.requests.clear()

    ran = story("logout", "--global")

    assert ran.code == 0, ran.err
    assert ran.out == f"Signed out {user}.\n"
    assert story.sent("GlobalSignOut") == [{"AccessToken": old.access_token}]
    assert story.vault.load_tokens(user) is None and story.vault.current_user() is None
    with pytest.raises(ClientError) as refused:
        story.pool.admin.initiate_auth(
            ClientId=story.pool.client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": old.refresh_token},
        )
    assert refused.value.response["Error"]["Code"] == "NotAuthorizedException"


def test_a_refresh_token_revoked_elsewhere_ends_the_session_with_one_sentence(
    story: Story,
) -> None:
    user = story.pool.add_user()
    assert story.login(user, PASSWORD).code == 0
    story.expire_access_token(user)
    story.pool.admin.admin_user_global_sign_out(UserPoolId=story.pool.user_pool_id, Username=user)

    ran = story("get")

    assert ran.code == 1
    assert "run `cogtui login`" in ran.sentence()
    assert story.vault.load_tokens(user) is None  # a dead session is not kept


def test_logout_asks_the_server_to_revoke_the_refresh_token_and_says_moto_cannot(
    story: Story,
) -> None:
    user = story.pool.add_user()
    assert story.login(user, PASSWORD).code == 0
    old = story.stored(user)

    ran = story("logout")

    assert (ran.code, ran.out) == (0, f"Signed out {user}.\n")
    assert story.sent("RevokeToken") == [
        {"Token": old.refresh_token, "ClientId": story.pool.client_id}
    ]
    # moto has no RevokeToken: the user hears that the token stays valid on the server.
    assert "cannot revoke tokens (RevokeToken)" in ran.err and "Traceback" not in ran.err
    assert story.vault.load_tokens(user) is None and story.vault.current_user() is None


def test_logout_global_that_cannot_reach_global_sign_out_says_so_and_exits_1(
    story: Story,
) -> None:
    user = story.pool.add_user()
    assert story.login(user, PASSWORD).code == 0
    story.expire_access_token(user)
    story.pool.admin.admin_user_global_sign_out(UserPoolId=story.pool.user_pool_id, Username=user)
    story.recorder.requests.clear()

    ran = story("logout", "--global")

    assert ran.code == 1
    assert ran.sentence().startswith("Signed out here, but not everywhere:")
    assert story.sent("GlobalSignOut") == []  # the refresh failed: no token to send it with
    assert story.vault.load_tokens(user) is None and story.vault.current_user() is None
