"""Challenges no emulator implements, with botocore's Stubber replying as AWS does.

`cogtui login` runs in this process; the Cognito client its session makes is one whose
botocore client is stubbed, so every request is checked against the exact parameters AWS
would receive, and every answer the user types comes from standard input.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from botocore.stub import Stubber

from cogtui.cognito import CognitoClient
from cogtui.session import secret_hash
from cogtui.vault import Tokens, Vault
from tests.conftest import PASSWORD, expired_copy, fake_tokens

POOL, CLIENT = "us-east-1_Stubbed1", "stubbedclient"
USER = "grace"
# Cognito's sessions are opaque strings of 20 characters or more.
SESSIONS = [f"session-{n}-" + "x" * 20 for n in range(4)]


class AwsReplies:
    """The stubbed botocore client under the session's CognitoClient."""

    def __init__(self, client: CognitoClient) -> None:
        self.stubber = Stubber(client._client)

    def expect(self, operation: str, reply: dict[str, Any], **params: Any) -> None:
        self.stubber.add_response(operation, reply, params)

    def refuse(self, operation: str, code: str, message: str, **params: Any) -> None:
        self.stubber.add_client_error(
            operation, code, message, http_status_code=400, expected_params=params
        )

    def sign_in_starts_with(self, reply: dict[str, Any], **auth_parameters: str) -> None:
        """InitiateAuth with USER_PASSWORD_AUTH, answered with `reply`."""
        self.expect(
            "initiate_auth",
            reply,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": USER, "PASSWORD": PASSWORD, **auth_parameters},
            ClientId=CLIENT,
        )

    def challenge_answered(
        self, name: str, session: str, reply: dict[str, Any], **responses: str
    ) -> None:
        self.expect(
            "respond_to_auth_challenge",
            reply,
            ClientId=CLIENT,
            ChallengeName=name,
            Session=session,
            ChallengeResponses={"USERNAME": USER, **responses},
        )


def challenge(name: str, session: str, **parameters: str) -> dict[str, Any]:
    return {
        "ChallengeName": name,
        "Session": session,
        "ChallengeParameters": {"USER_ID_FOR_SRP": USER, **parameters},
    }


def signed_in(tokens: Tokens) -> dict[str, Any]:
    result = {"AccessToken": tokens.access_token, "IdToken": tokens.id_token}
    if tokens.refresh_token:
        result["RefreshToken"] = tokens.refresh_token
    return {
        "ChallengeParameters": {},
        "AuthenticationResult": {**result, "ExpiresIn": 3600, "TokenType": "Bearer"},
    }


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[AwsReplies]:
    """Every CognitoClient the app makes in this test is this stubbed one."""
    client = CognitoClient("us-east-1", CLIENT, max_attempts=1)
    replies = AwsReplies(client)
    monkeypatch.setattr("cogtui.cognito.CognitoClient", lambda *args, **kwargs: client)
    with replies.stubber:
        yield replies
    replies.stubber.assert_no_pending_responses()


@pytest.fixture
def vault(memory_keyring: Any) -> Vault:
    return Vault(memory_keyring, POOL, CLIENT)


@pytest.fixture
def login(cogtui_cli: Any) -> Any:
    """`login(*answers)`: `cogtui login` as USER, the password then each answer on stdin."""

    def run(*answers: str) -> Any:
        stdin = "".join(line + "\n" for line in (PASSWORD, *answers))
        return cogtui_cli(
            "login",
            "--username",
            USER,
            "--password-stdin",
            "--auth-flow",
            "password",
            "--user-pool-id",
            POOL,
            "--client-id",
            CLIENT,
            stdin=stdin,
        )

    return run


def assert_signed_in(ran: Any, vault: Vault, tokens: Tokens) -> None:
    assert ran.code == 0, ran.err
    assert ran.out == f"Signed in as {USER}; tokens are kept in the keyring.\n"
    assert vault.load_tokens(USER) == tokens


def test_mfa_setup_shows_the_secret_verifies_the_code_and_signs_in(
    aws: AwsReplies, login: Any, vault: Vault
) -> None:
    secret, tokens = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", fake_tokens(POOL, CLIENT, USER)
    first, associated, verified = SESSIONS[:3]
    aws.sign_in_starts_with(challenge("MFA_SETUP", first, MFAS_CAN_SETUP='["SOFTWARE_TOKEN_MFA"]'))
    aws.expect(
        "associate_software_token", {"SecretCode": secret, "Session": associated}, Session=first
    )
    aws.expect(
        "verify_software_token",
        {"Status": "SUCCESS", "Session": verified},
        Session=associated,
        UserCode="123456",
        FriendlyDeviceName="cogtui",
    )
    aws.challenge_answered("MFA_SETUP", verified, signed_in(tokens))

    ran = login("123456")

    assert_signed_in(ran, vault, tokens)
    assert f"secret: {secret}" in ran.err
    assert "Add this secret to an authenticator app" in ran.err


def test_mfa_setup_offering_only_text_messages_is_one_sentence(
    aws: AwsReplies, login: Any, vault: Vault
) -> None:
    aws.sign_in_starts_with(challenge("MFA_SETUP", SESSIONS[0], MFAS_CAN_SETUP='["SMS_MFA"]'))

    ran = login()

    assert ran.code == 1
    assert "requires setting up MFA by SMS_MFA" in ran.sentence()
    assert vault.load_tokens(USER) is None


def test_an_email_code_says_where_it_went_and_signs_in(
    aws: AwsReplies, login: Any, vault: Vault
) -> None:
    tokens = fake_tokens(POOL, CLIENT, USER)
    aws.sign_in_starts_with(
        challenge(
            "EMAIL_OTP",
            SESSIONS[0],
            CODE_DELIVERY_DELIVERY_MEDIUM="EMAIL",
            CODE_DELIVERY_DESTINATION="g***@e***",
        )
    )
    aws.challenge_answered("EMAIL_OTP", SESSIONS[0], signed_in(tokens), EMAIL_OTP_CODE="24681012")

    ran = login(" 24681012 ")  # pasted with spaces around it

    assert_signed_in(ran, vault, tokens)
    assert "Enter the code from the email sent to g***@e***." in ran.err


def test_select_mfa_type_then_the_authenticator_code_signs_in(
    aws: AwsReplies, login: Any, vault: Vault
) -> None:
    tokens = fake_tokens(POOL, CLIENT, USER)
    aws.sign_in_starts_with(
        challenge(
            "SELECT_MFA_TYPE", SESSIONS[0], MFAS_CAN_CHOOSE='["SMS_MFA","SOFTWARE_TOKEN_MFA"]'
        )
    )
    aws.challenge_answered(
        "SELECT_MFA_TYPE",
        SESSIONS[0],
        challenge("SOFTWARE_TOKEN_MFA", SESSIONS[1]),
        ANSWER="SOFTWARE_TOKEN_MFA",
    )
    aws.challenge_answered(
        "SOFTWARE_TOKEN_MFA", SESSIONS[1], signed_in(tokens), SOFTWARE_TOKEN_MFA_CODE="654321"
    )

    ran = login("2", "654321")

    assert_signed_in(ran, vault, tokens)
    assert "1. SMS_MFA" in ran.err and "2. SOFTWARE_TOKEN_MFA" in ran.err
    assert "Enter the code from your authenticator app." in ran.err


def test_a_wrong_mfa_code_exits_1_with_one_sentence(
    aws: AwsReplies, login: Any, vault: Vault
) -> None:
    aws.sign_in_starts_with(challenge("SOFTWARE_TOKEN_MFA", SESSIONS[0]))
    aws.refuse(
        "respond_to_auth_challenge",
        "CodeMismatchException",
        "Invalid code received for user",
        ClientId=CLIENT,
        ChallengeName="SOFTWARE_TOKEN_MFA",
        Session=SESSIONS[0],
        ChallengeResponses={"USERNAME": USER, "SOFTWARE_TOKEN_MFA_CODE": "000000"},
    )

    ran = login("000000")

    assert ran.code == 1
    assert ran.sentence("Enter the code from your authenticator app.") == (
        "That code is not correct; check it and try again."
    )
    assert vault.load_tokens(USER) is None


def test_a_new_password_asks_for_the_required_attributes(
    aws: AwsReplies, login: Any, vault: Vault
) -> None:
    tokens = fake_tokens(POOL, CLIENT, USER)
    aws.sign_in_starts_with(
        challenge(
            "NEW_PASSWORD_REQUIRED",
            SESSIONS[0],
            requiredAttributes='["userAttributes.given_name","userAttributes.custom:team"]',
            userAttributes='{"email":"grace@example.com"}',
        )
    )
    aws.challenge_answered(
        "NEW_PASSWORD_REQUIRED",
        SESSIONS[0],
        signed_in(tokens),
        NEW_PASSWORD="Chosen-Pass-22",
        **{"userAttributes.given_name": "Grace", "userAttributes.custom:team": "Navy"},
    )

    ran = login("Chosen-Pass-22", "Grace", "Navy")

    assert_signed_in(ran, vault, tokens)
    assert "Choose a new password to finish signing in." in ran.err


def test_an_app_client_with_a_secret_asks_for_it_and_sends_secret_hash(
    aws: AwsReplies, login: Any, vault: Vault
) -> None:
    client_secret, tokens = "the-app-client-secret-1234567890", fake_tokens(POOL, CLIENT, USER)
    aws.refuse(
        "initiate_auth",
        "NotAuthorizedException",
        f"Client {CLIENT} is configured for secret but secret was not received",
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": USER, "PASSWORD": PASSWORD},
        ClientId=CLIENT,
    )
    aws.sign_in_starts_with(signed_in(tokens), SECRET_HASH=secret_hash(client_secret, USER, CLIENT))

    ran = login(client_secret)

    assert_signed_in(ran, vault, tokens)
    assert vault.client_secret() == client_secret


def test_a_refresh_hashes_the_username_in_the_token_not_the_alias(
    aws: AwsReplies, cogtui_cli: Any, vault: Vault
) -> None:
    """Signed in as grace@example.com, the user is `8d1c-...` to Cognito; the hash uses that."""
    client_secret, username = "the-app-client-secret-1234567890", "8d1c6a2e-0000-4000-8000-1"
    stored = fake_tokens(POOL, CLIENT, username, refresh_token="aws-refresh-token")
    vault.save_client_secret(client_secret)
    vault.save_tokens(
        username, Tokens(stored.id_token, expired_copy(stored.access_token), "aws-refresh-token")
    )
    fresh = fake_tokens(POOL, CLIENT, username, refresh_token=None)
    aws.expect(
        "initiate_auth",
        signed_in(fresh),
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={
            "REFRESH_TOKEN": "aws-refresh-token",
            "SECRET_HASH": secret_hash(client_secret, username, CLIENT),
        },
        ClientId=CLIENT,
    )

    ran = cogtui_cli("whoami", "--user-pool-id", POOL, "--client-id", CLIENT)

    assert ran.code == 0, ran.err
    assert f"username: {username}" in ran.out
    kept = vault.load_tokens(username)
    assert kept is not None and kept.access_token == fresh.access_token
    assert kept.refresh_token == "aws-refresh-token"
