"""Stored tokens are used only for the pool and app client they were issued for."""

from __future__ import annotations

import time
from typing import Any

import pytest

from cogtui import tokens
from tests.conftest import fake_tokens

POOL, CLIENT = "eu-west-1_Claims1", "claimsclient"
OTHER_ISSUER = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other99"


def test_tokens_of_this_pool_and_client_pass() -> None:
    assert tokens.mismatch(fake_tokens(POOL, CLIENT), POOL, CLIENT) is None


@pytest.mark.parametrize(
    ("access", "id_", "says"),
    [
        ({"token_use": "id"}, {}, "not a Cognito access token"),
        ({}, {"token_use": "access"}, "not a Cognito access token"),
        ({"client_id": "otherclient"}, {}, "another app client"),
        ({}, {"aud": "otherclient"}, "another app client"),
        ({"iss": OTHER_ISSUER}, {}, "another user pool"),
        ({}, {"iss": OTHER_ISSUER}, "another user pool"),
        # a pool id that merely ends with ours is another pool
        ({"iss": OTHER_ISSUER.replace("eu-west-1_Other99", "xeu-west-1_Claims1")}, {}, "pool"),
    ],
    ids=[
        "access token_use",
        "id token_use",
        "access client_id",
        "id aud",
        "access iss",
        "id iss",
        "iss suffix",
    ],
)
def test_tokens_for_another_pool_or_client_are_rejected(
    access: dict[str, Any], id_: dict[str, Any], says: str
) -> None:
    problem = tokens.mismatch(fake_tokens(POOL, CLIENT, access=access, id_=id_), POOL, CLIENT)

    assert problem is not None and says in problem


def test_a_token_that_is_not_a_jwt_is_rejected() -> None:
    garbage = fake_tokens(POOL, CLIENT)
    broken = type(garbage)(garbage.id_token, "not-a-jwt", garbage.refresh_token)

    assert tokens.mismatch(broken, POOL, CLIENT) is not None


def test_identity_reads_username_sub_groups_and_expiry() -> None:
    found = fake_tokens(POOL, CLIENT, "grace", access={"cognito:groups": ["admins", "navy"]})

    me = tokens.identity(found)

    assert (me.username, me.sub, me.groups) == ("grace", "sub-of-grace", ("admins", "navy"))
    assert abs(me.expires_at - (time.time() + 3600)) < 60


@pytest.mark.parametrize(("expires_in", "soon"), [(-600, True), (30, True), (300, False)])
def test_an_access_token_within_a_minute_of_expiry_is_due_for_refresh(
    expires_in: int, soon: bool
) -> None:
    me = tokens.identity(fake_tokens(POOL, CLIENT, expires_in=expires_in))

    assert me.expires_soon() is soon
