"""The USER_AUTH and passkey stand-in, shown right first with the software authenticator
driven directly and boto3 for the calls (cogtui plays no part here): it registers and
verifies passkeys, and refuses a wrong signature, challenge, origin or a replayed counter."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from tests.conftest import PASSWORD, Pool, create_pool
from tests.passwordless_standin import ORIGIN, PasswordlessStandIn
from tests.soft_authenticator import SoftAuthenticator


@pytest.fixture
def setting(moto_endpoint: str) -> Iterator[tuple[Pool, PasswordlessStandIn, Any, str]]:
    pool = create_pool(moto_endpoint)
    standin = PasswordlessStandIn(moto_endpoint, pool.user_pool_id)
    client = boto3.client(
        "cognito-idp",
        region_name="us-east-1",
        endpoint_url=standin.endpoint,
        aws_access_key_id="unused",
        aws_secret_access_key="unused",
    )
    user = pool.add_user(email="ada@example.com")
    standin.passwords[user] = PASSWORD
    yield pool, standin, client, user
    standin.close()


def access_token(pool: Pool, client: Any, user: str) -> str:
    reply = client.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="USER_AUTH",
        AuthParameters={"USERNAME": user, "PREFERRED_CHALLENGE": "PASSWORD", "PASSWORD": PASSWORD},
    )
    return str(reply["AuthenticationResult"]["AccessToken"])


def register(client: Any, token: str, key: SoftAuthenticator, origin: str = ORIGIN) -> None:
    options = client.start_web_authn_registration(AccessToken=token)["CredentialCreationOptions"]
    credential = key.register(options, origin, threading.Event())
    client.complete_web_authn_registration(AccessToken=token, Credential=credential)


def passkey_challenge(pool: Pool, client: Any, user: str) -> dict[str, Any]:
    reply = client.initiate_auth(
        ClientId=pool.client_id, AuthFlow="USER_AUTH", AuthParameters={"USERNAME": user}
    )
    assert reply["ChallengeName"] == "SELECT_CHALLENGE"
    assert "WEB_AUTHN" in reply["AvailableChallenges"]
    reply = client.respond_to_auth_challenge(
        ClientId=pool.client_id,
        ChallengeName="SELECT_CHALLENGE",
        Session=reply["Session"],
        ChallengeResponses={"USERNAME": user, "ANSWER": "WEB_AUTHN"},
    )
    assert reply["ChallengeName"] == "WEB_AUTHN"
    return dict(reply)


def answer(pool: Pool, client: Any, user: str, challenge: dict[str, Any], credential: Any) -> Any:
    return client.respond_to_auth_challenge(
        ClientId=pool.client_id,
        ChallengeName="WEB_AUTHN",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": user, "CREDENTIAL": json.dumps(credential)},
    )


def assertion(key: SoftAuthenticator, challenge: dict[str, Any], origin: str = ORIGIN) -> Any:
    options = json.loads(challenge["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"])
    return key.authenticate(options, origin, threading.Event())


def test_a_registered_passkey_signs_in_and_is_listed(setting: Any) -> None:
    pool, _, client, user = setting
    key = SoftAuthenticator()
    token = access_token(pool, client, user)
    register(client, token, key)

    challenge = passkey_challenge(pool, client, user)
    result = answer(pool, client, user, challenge, assertion(key, challenge))

    assert (
        client.get_user(AccessToken=result["AuthenticationResult"]["AccessToken"])["Username"]
        == user
    )
    listed = client.list_web_authn_credentials(AccessToken=token)["Credentials"]
    assert len(listed) == 1 and listed[0]["AuthenticatorTransports"] == ["usb"]


@pytest.mark.parametrize("fault", ["signature", "challenge", "origin", "replayed counter"])
def test_a_bad_assertion_is_refused(setting: Any, fault: str) -> None:
    pool, _, client, user = setting
    key = SoftAuthenticator()
    register(client, access_token(pool, client, user), key)
    challenge = passkey_challenge(pool, client, user)
    if fault == "signature":
        credential = assertion(key, challenge)
        signature = bytearray(credential["response"]["signature"].encode())
        signature[10] = ord("A") if signature[10] != ord("A") else ord("B")
        credential["response"]["signature"] = signature.decode()
    elif fault == "challenge":
        credential = assertion(key, passkey_challenge(pool, client, user))  # another one's
    elif fault == "origin":
        credential = assertion(key, challenge, origin="https://evil.example")
    else:
        key.counter = 0  # a cloned key: its counter is back where the registration left it
        credential = assertion(key, challenge)

    with pytest.raises(ClientError) as refused:
        answer(pool, client, user, challenge, credential)

    assert refused.value.response["Error"]["Code"] == "NotAuthorizedException"


def test_a_registration_from_the_wrong_origin_is_refused(setting: Any) -> None:
    pool, standin, client, user = setting

    with pytest.raises(ClientError) as refused:
        register(
            client, access_token(pool, client, user), SoftAuthenticator(), "https://evil.example"
        )

    assert refused.value.response["Error"]["Code"] == "WebAuthnOriginNotAllowedException"
    assert standin.passkeys == {}


def test_an_email_code_signs_in_without_a_password(setting: Any) -> None:
    pool, standin, client, user = setting
    reply = client.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="USER_AUTH",
        AuthParameters={"USERNAME": user, "PREFERRED_CHALLENGE": "EMAIL_OTP"},
    )
    assert reply["ChallengeName"] == "EMAIL_OTP"
    (_, medium, code) = standin.codes[-1]

    with pytest.raises(ClientError) as wrong:
        client.respond_to_auth_challenge(
            ClientId=pool.client_id,
            ChallengeName="EMAIL_OTP",
            Session=reply["Session"],
            ChallengeResponses={"USERNAME": user, "EMAIL_OTP_CODE": "00000000"},
        )
    right = client.respond_to_auth_challenge(
        ClientId=pool.client_id,
        ChallengeName="EMAIL_OTP",
        Session=reply["Session"],
        ChallengeResponses={"USERNAME": user, "EMAIL_OTP_CODE": code},
    )

    assert medium == "EMAIL" and wrong.value.response["Error"]["Code"] == "CodeMismatchException"
    assert right["AuthenticationResult"]["AccessToken"]


def test_only_what_the_pool_offers_is_available(setting: Any) -> None:
    pool, standin, client, user = setting
    standin.offered = ["PASSWORD_SRP", "EMAIL_OTP"]

    reply = client.initiate_auth(
        ClientId=pool.client_id, AuthFlow="USER_AUTH", AuthParameters={"USERNAME": user}
    )

    assert reply["AvailableChallenges"] == ["PASSWORD_SRP", "EMAIL_OTP"]
