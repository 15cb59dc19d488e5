"""What a challenge asks for, read from ChallengeParameters in AWS's and moto's spellings."""

from __future__ import annotations

import pytest

from cogtui.session import Challenge


def challenge(name: str, **parameters: str) -> Challenge:
    return Challenge(name, "session", "grace", parameters)


@pytest.mark.parametrize(
    "value",
    ['["SOFTWARE_TOKEN_MFA","SMS_MFA"]', "['SOFTWARE_TOKEN_MFA', 'SMS_MFA']"],
    ids=["JSON (AWS)", "Python repr (moto)"],
)
def test_mfas_can_setup_is_read_in_both_forms(value: str) -> None:
    assert challenge("MFA_SETUP", MFAS_CAN_SETUP=value).mfa_options == [
        "SOFTWARE_TOKEN_MFA",
        "SMS_MFA",
    ]


def test_mfas_can_choose_lists_the_choices_of_select_mfa_type() -> None:
    found = challenge("SELECT_MFA_TYPE", MFAS_CAN_CHOOSE='["SMS_MFA","SOFTWARE_TOKEN_MFA"]')

    assert found.mfa_options == ["SMS_MFA", "SOFTWARE_TOKEN_MFA"]


@pytest.mark.parametrize(
    "value",
    ['["userAttributes.given_name","userAttributes.custom:team"]', "[]", ""],
)
def test_required_attributes_lose_their_prefix(value: str) -> None:
    found = challenge("NEW_PASSWORD_REQUIRED", requiredAttributes=value)

    expected = ["given_name", "custom:team"] if "given_name" in value else []
    assert found.required_attributes == expected


def test_a_code_challenge_says_where_the_code_went() -> None:
    found = challenge("EMAIL_OTP", CODE_DELIVERY_DESTINATION="g***@e***")

    assert found.prompt == "Enter the code from the email sent to g***@e***."
