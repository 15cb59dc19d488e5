"""The device stand-in, shown right first with an independent client: boto3 for the calls
and pycognito's device SRP for the proofs (cogtui plays no part here).

What Cognito does and the stand-in must too: a sign-in hands out a new device; the device
is confirmed with an SRP verifier and remembered; the next sign-in proves the device
(DEVICE_SRP_AUTH, DEVICE_PASSWORD_VERIFIER, each with the Session of the step before)
instead of an MFA code; a wrong device password fails; a device's refresh token needs its
DEVICE_KEY; a forgotten device is "Device does not exist." and its tokens stop refreshing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP, generate_hash_device, long_to_hex

from tests.conftest import PASSWORD, Pool, create_pool
from tests.device_standin import DeviceStandIn
from tests.integration.test_signin_moto import enable_mfa, good_code


@pytest.fixture
def setting(moto_endpoint: str) -> Iterator[tuple[Pool, DeviceStandIn, Any]]:
    pool = create_pool(moto_endpoint)
    standin = DeviceStandIn(moto_endpoint)
    client = boto3.client(
        "cognito-idp",
        region_name="us-east-1",
        endpoint_url=standin.endpoint,
        aws_access_key_id="unused",
        aws_secret_access_key="unused",
    )
    yield pool, standin, client
    standin.close()


def first_sign_in(pool: Pool, client: Any, user: str) -> dict[str, Any]:
    """Password, then the authenticator code: the result, with its new device."""
    reply = client.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user, "PASSWORD": PASSWORD},
    )
    assert reply["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    reply = client.respond_to_auth_challenge(
        ClientId=pool.client_id,
        ChallengeName="SOFTWARE_TOKEN_MFA",
        Session=reply["Session"],
        ChallengeResponses={"USERNAME": user, "SOFTWARE_TOKEN_MFA_CODE": good_code()},
    )
    return dict(reply["AuthenticationResult"])


def remembered_device(pool: Pool, client: Any, user: str) -> tuple[dict[str, Any], str]:
    """Sign in, confirm the new device with pycognito's verifier, remember it."""
    result = first_sign_in(pool, client, user)
    metadata = result["NewDeviceMetadata"]
    password, verifier = generate_hash_device(metadata["DeviceGroupKey"], metadata["DeviceKey"])
    confirmed = client.confirm_device(
        AccessToken=result["AccessToken"],
        DeviceKey=metadata["DeviceKey"],
        DeviceSecretVerifierConfig=verifier,
        DeviceName="independent-client",
    )
    assert confirmed["UserConfirmationNecessary"] is True
    client.update_device_status(
        AccessToken=result["AccessToken"],
        DeviceKey=metadata["DeviceKey"],
        DeviceRememberedStatus="remembered",
    )
    return metadata, password


def device_sign_in(
    pool: Pool, client: Any, user: str, metadata: dict[str, str], password: str
) -> Any:
    """SRP with the device key; the device's proof instead of a code (pycognito's math)."""
    srp = AWSSRP(
        username=user,
        password=PASSWORD,
        pool_id=pool.user_pool_id,
        client_id=pool.client_id,
        client=client,
        device_key=metadata["DeviceKey"],
        device_group_key=metadata["DeviceGroupKey"],
        device_password=password,
    )
    params = srp.get_auth_params()
    assert params["DEVICE_KEY"] == metadata["DeviceKey"]
    reply = client.initiate_auth(
        ClientId=pool.client_id, AuthFlow="USER_SRP_AUTH", AuthParameters=params
    )
    reply = client.respond_to_auth_challenge(
        ClientId=pool.client_id,
        ChallengeName="PASSWORD_VERIFIER",
        ChallengeResponses=srp.process_challenge(reply["ChallengeParameters"], params),
    )
    assert reply["ChallengeName"] == "DEVICE_SRP_AUTH"  # not SOFTWARE_TOKEN_MFA
    reply = client.respond_to_auth_challenge(
        ClientId=pool.client_id,
        ChallengeName="DEVICE_SRP_AUTH",
        Session=reply["Session"],
        ChallengeResponses={
            "USERNAME": user,
            "DEVICE_KEY": metadata["DeviceKey"],
            "SRP_A": long_to_hex(srp.large_a_value),
        },
    )
    assert reply["ChallengeName"] == "DEVICE_PASSWORD_VERIFIER"
    return client.respond_to_auth_challenge(
        ClientId=pool.client_id,
        ChallengeName="DEVICE_PASSWORD_VERIFIER",
        Session=reply["Session"],
        ChallengeResponses=srp.process_device_challenge(reply["ChallengeParameters"]),
    )


def test_a_remembered_device_proves_itself_instead_of_an_mfa_code(setting: Any) -> None:
    pool, standin, client = setting
    user = pool.add_user()
    enable_mfa(pool, user, "totp")
    metadata, password = remembered_device(pool, client, user)

    reply = device_sign_in(pool, client, user, metadata, password)

    result = reply["AuthenticationResult"]
    assert "NewDeviceMetadata" not in result  # the same device, not a new one
    assert client.get_user(AccessToken=result["AccessToken"])["Username"] == user
    assert standin.proved == 1
    listed = client.list_devices(AccessToken=result["AccessToken"])["Devices"]
    assert [d["DeviceKey"] for d in listed] == [metadata["DeviceKey"]]
    attributes = {a["Name"]: a["Value"] for a in listed[0]["DeviceAttributes"]}
    assert attributes["device_name"] == "independent-client"
    assert attributes["dev:device_remembered_status"] == "remembered"


def test_a_wrong_device_password_fails_the_proof(setting: Any) -> None:
    pool, standin, client = setting
    user = pool.add_user()
    enable_mfa(pool, user, "totp")
    metadata, password = remembered_device(pool, client, user)

    with pytest.raises(ClientError) as refused:
        device_sign_in(pool, client, user, metadata, password[:-2] + "xx")

    assert refused.value.response["Error"]["Code"] == "NotAuthorizedException"
    assert standin.proved == 0


def test_a_device_s_refresh_token_needs_its_device_key(setting: Any) -> None:
    pool, _, client = setting
    user = pool.add_user()
    enable_mfa(pool, user, "totp")
    result = first_sign_in(pool, client, user)
    key, refresh = result["NewDeviceMetadata"]["DeviceKey"], result["RefreshToken"]

    with pytest.raises(ClientError) as refused:
        client.initiate_auth(
            ClientId=pool.client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": refresh},
        )
    renewed = client.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": refresh, "DEVICE_KEY": key},
    )

    assert refused.value.response["Error"]["Code"] == "NotAuthorizedException"
    assert renewed["AuthenticationResult"]["AccessToken"]


def test_a_forgotten_device_does_not_exist_and_its_tokens_stop_refreshing(setting: Any) -> None:
    pool, _, client = setting
    user = pool.add_user()
    enable_mfa(pool, user, "totp")
    metadata, password = remembered_device(pool, client, user)
    other = first_sign_in(pool, client, user)  # a second machine forgets the first
    first_refresh = next(t for t, k in setting[1].bound.items() if k == metadata["DeviceKey"])

    client.forget_device(AccessToken=other["AccessToken"], DeviceKey=metadata["DeviceKey"])

    with pytest.raises(ClientError) as refused:
        device_sign_in(pool, client, user, metadata, password)
    assert refused.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert refused.value.response["Error"]["Message"] == "Device does not exist."
    with pytest.raises(ClientError) as revoked:
        client.initiate_auth(
            ClientId=pool.client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": first_refresh, "DEVICE_KEY": metadata["DeviceKey"]},
        )
    assert revoked.value.response["Error"]["Code"] == "NotAuthorizedException"


def test_devices_come_in_pages_of_at_most_sixty(setting: Any) -> None:
    pool, standin, client = setting
    user = pool.add_user()
    enable_mfa(pool, user, "totp")
    token = first_sign_in(pool, client, user)["AccessToken"]
    keys = standin.add_devices(user, 61)

    first = client.list_devices(AccessToken=token, Limit=60)
    second = client.list_devices(
        AccessToken=token, Limit=60, PaginationToken=first["PaginationToken"]
    )

    assert [d["DeviceKey"] for d in first["Devices"] + second["Devices"]] == keys
    assert "PaginationToken" not in second


def test_a_client_with_a_secret_must_sign_the_device_challenges(setting: Any) -> None:
    pool, standin, client = setting
    made = pool.admin.create_user_pool_client(
        UserPoolId=pool.user_pool_id,
        ClientName="with-a-secret",
        GenerateSecret=True,
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]
    pool.client_id, secret = made["ClientId"], made["ClientSecret"]
    standin.client_secrets[pool.client_id] = secret
    user = pool.add_user()
    enable_mfa(pool, user, "totp")
    hashed = AWSSRP.get_secret_hash(user, pool.client_id, secret)
    reply = client.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": user, "PASSWORD": PASSWORD, "SECRET_HASH": hashed},
    )
    result = client.respond_to_auth_challenge(
        ClientId=pool.client_id,
        ChallengeName="SOFTWARE_TOKEN_MFA",
        Session=reply["Session"],
        ChallengeResponses={
            "USERNAME": user,
            "SOFTWARE_TOKEN_MFA_CODE": good_code(),
            "SECRET_HASH": hashed,
        },
    )["AuthenticationResult"]
    key = result["NewDeviceMetadata"]["DeviceKey"]
    group = result["NewDeviceMetadata"]["DeviceGroupKey"]
    _, verifier = generate_hash_device(group, key)
    token = result["AccessToken"]
    client.confirm_device(AccessToken=token, DeviceKey=key, DeviceSecretVerifierConfig=verifier)
    client.update_device_status(
        AccessToken=token, DeviceKey=key, DeviceRememberedStatus="remembered"
    )
    reply = client.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={
            "USERNAME": user,
            "PASSWORD": PASSWORD,
            "SECRET_HASH": hashed,
            "DEVICE_KEY": key,
        },
    )
    assert reply["ChallengeName"] == "DEVICE_SRP_AUTH"

    with pytest.raises(ClientError) as refused:  # the device's answer without SECRET_HASH
        client.respond_to_auth_challenge(
            ClientId=pool.client_id,
            ChallengeName="DEVICE_SRP_AUTH",
            Session=reply["Session"],
            ChallengeResponses={"USERNAME": user, "DEVICE_KEY": key, "SRP_A": "abc123"},
        )

    assert refused.value.response["Error"]["Code"] == "NotAuthorizedException"
    assert "secret hash" in refused.value.response["Error"]["Message"]
