"""Every screen and modal, in the states that matter, at 80x24 and 120x40.

Data comes from FakeCognito (fixed replies, fake tokens that are never rendered).
Update on purpose with `pytest tests/ui --snapshot-update`, then look at the SVGs.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fake_cognito import CODE, PASSWORD, USERNAME, FakeCognito, fake_session, fake_settings
from textual.pilot import Pilot

from cogtui.app import CogtuiApp

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
ROWS = [
    "sub",
    "given_name",
    "family_name",
    "nickname",
    "email",
    "phone_number",
    "birthdate",
    "custom:team",
]


async def settle(pilot: Pilot[Any]) -> None:
    """Let every worker finish and the screen catch up."""
    for _ in range(4):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def go_to(pilot: Pilot[Any], name: str) -> None:
    await pilot.press("home", *["down"] * ROWS.index(name))


async def sign_in(pilot: Pilot[Any], password: str = PASSWORD) -> None:
    await settle(pilot)
    await pilot.press(*USERNAME, "enter", *password, "enter")
    await settle(pilot)


async def edit(pilot: Pilot[Any], name: str, value: str) -> None:
    await go_to(pilot, name)
    await pilot.press("e", "ctrl+u", *value, "enter")


async def with_edits(pilot: Pilot[Any]) -> None:
    """pending email, changed, cleared, new and invalid rows."""
    await settle(pilot)
    await edit(pilot, "email", "ada@newmail.org")
    await pilot.press("ctrl+s")
    await settle(pilot)
    await pilot.press("enter")  # confirm the review
    await settle(pilot)
    await pilot.press("escape")  # the code modal: later
    await settle(pilot)
    await edit(pilot, "given_name", "Augusta")
    await go_to(pilot, "nickname")
    await pilot.press("x")
    await edit(pilot, "phone_number", "555-0123")
    await pilot.press("a", *"plan", "enter", *"analytical", "enter")
    await settle(pilot)


def app_for(
    cognito: FakeCognito | None = None, signed_in: bool = True, lasting: bool = False, **kw: Any
) -> CogtuiApp:
    session = fake_session(cognito, signed_in=signed_in, lasting=lasting)
    return CogtuiApp(fake_settings(), session=session, **kw)


def challenge(name: str, **parameters: str) -> FakeCognito:
    reply = {
        "ChallengeName": name,
        "Session": "fake-session",
        "ChallengeParameters": {"USER_ID_FOR_SRP": USERNAME, **parameters},
    }
    return FakeCognito(challenges=[reply])


def check(snap_compare: Any, app: CogtuiApp, size: tuple[int, int], steps: Any) -> None:
    assert snap_compare(app, terminal_size=size, run_before=steps)


# -- sign-in -------------------------------------------------------------------------------
@pytest.mark.parametrize("size", SIZES)
def test_sign_in_empty(snap_compare: Any, size: tuple[int, int]) -> None:
    app = app_for(signed_in=False, notice="Tokens are kept in the OS keyring.")
    check(snap_compare, app, size, settle)


@pytest.mark.parametrize("size", SIZES)
def test_sign_in_with_error(snap_compare: Any, size: tuple[int, int]) -> None:
    async def steps(pilot: Pilot[Any]) -> None:
        await sign_in(pilot, password="not-the-password")

    check(snap_compare, app_for(signed_in=False), size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_new_password_challenge(snap_compare: Any, size: tuple[int, int]) -> None:
    cognito = challenge("NEW_PASSWORD_REQUIRED", requiredAttributes='["userAttributes.name"]')
    check(snap_compare, app_for(cognito, signed_in=False), size, sign_in)


@pytest.mark.parametrize("size", SIZES)
def test_sms_code_challenge(snap_compare: Any, size: tuple[int, int]) -> None:
    cognito = challenge("SMS_MFA", CODE_DELIVERY_DESTINATION="+*******0123")
    check(snap_compare, app_for(cognito, signed_in=False), size, sign_in)


@pytest.mark.parametrize("size", SIZES)
def test_sms_code_challenge_after_wrong_code(snap_compare: Any, size: tuple[int, int]) -> None:
    cognito = challenge("SMS_MFA", CODE_DELIVERY_DESTINATION="+*******0123")

    async def steps(pilot: Pilot[Any]) -> None:
        await sign_in(pilot)
        await pilot.press(*"111111", "enter")
        await settle(pilot)

    check(snap_compare, app_for(cognito, signed_in=False), size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_mfa_choice(snap_compare: Any, size: tuple[int, int]) -> None:
    cognito = challenge("SELECT_MFA_TYPE", MFAS_CAN_CHOOSE='["SMS_MFA", "SOFTWARE_TOKEN_MFA"]')
    check(snap_compare, app_for(cognito, signed_in=False), size, sign_in)


@pytest.mark.parametrize("size", SIZES)
def test_totp_setup(snap_compare: Any, size: tuple[int, int]) -> None:
    cognito = challenge("MFA_SETUP", MFAS_CAN_SETUP='["SOFTWARE_TOKEN_MFA"]')
    check(snap_compare, app_for(cognito, signed_in=False), size, sign_in)


@pytest.mark.parametrize("size", SIZES)
def test_client_secret_prompt(snap_compare: Any, size: tuple[int, int]) -> None:
    cognito = FakeCognito()
    cognito.needs_secret = True
    check(snap_compare, app_for(cognito, signed_in=False), size, sign_in)


# -- the profile ---------------------------------------------------------------------------
@pytest.mark.parametrize("size", SIZES)
def test_profile_loaded(snap_compare: Any, size: tuple[int, int]) -> None:
    check(snap_compare, app_for(), size, settle)


@pytest.mark.parametrize("size", SIZES)
def test_profile_with_changed_cleared_new_pending_invalid(
    snap_compare: Any, size: tuple[int, int]
) -> None:
    check(snap_compare, app_for(), size, with_edits)


@pytest.mark.parametrize("size", SIZES)
def test_profile_editing_a_value(snap_compare: Any, size: tuple[int, int]) -> None:
    async def steps(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await go_to(pilot, "birthdate")
        await pilot.press("e", "ctrl+u", *"1815-13-10")

    check(snap_compare, app_for(), size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_read_only_refusal(snap_compare: Any, size: tuple[int, int]) -> None:
    async def steps(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await go_to(pilot, "sub")
        await pilot.press("e")
        await pilot.pause()

    check(snap_compare, app_for(), size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_review_modal(snap_compare: Any, size: tuple[int, int]) -> None:
    async def steps(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await edit(pilot, "given_name", "Augusta")
        await go_to(pilot, "nickname")
        await pilot.press("x", "a", *"plan", "enter", *"analytical", "enter")
        await pilot.press("ctrl+s")
        await settle(pilot)

    check(snap_compare, app_for(), size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_code_modal_fresh(snap_compare: Any, size: tuple[int, int]) -> None:
    async def steps(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await go_to(pilot, "phone_number")
        await pilot.press("v")
        await settle(pilot)

    check(snap_compare, app_for(), size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_code_modal_after_wrong_code(snap_compare: Any, size: tuple[int, int]) -> None:
    async def steps(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await go_to(pilot, "phone_number")
        await pilot.press("v")
        await settle(pilot)
        await pilot.press(*"111111", "enter")
        await settle(pilot)

    check(snap_compare, app_for(), size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_add_attribute(snap_compare: Any, size: tuple[int, int]) -> None:
    async def steps(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("a", *"plan", "enter", *"analytical")

    check(snap_compare, app_for(), size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_quit_guard(snap_compare: Any, size: tuple[int, int]) -> None:
    async def steps(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await edit(pilot, "given_name", "Augusta")
        await pilot.press("q")
        await pilot.pause()

    check(snap_compare, app_for(), size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_code_modal_after_expired_code(snap_compare: Any, size: tuple[int, int]) -> None:
    cognito = FakeCognito()
    cognito.refuse("VerifyUserAttribute", "ExpiredCodeException")

    async def steps(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await go_to(pilot, "phone_number")
        await pilot.press("v")
        await settle(pilot)
        await pilot.press(*"111111", "enter")
        await settle(pilot)

    check(snap_compare, app_for(cognito), size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_sign_out_question(snap_compare: Any, size: tuple[int, int]) -> None:
    async def steps(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await edit(pilot, "given_name", "Augusta")
        await pilot.press("ctrl+l")
        await pilot.pause()

    check(snap_compare, app_for(), size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare: Any, size: tuple[int, int]) -> None:
    async def steps(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    check(snap_compare, app_for(), size, steps)


# -- security ------------------------------------------------------------------------------
@pytest.mark.parametrize("size", SIZES)
def test_security_screen(snap_compare: Any, size: tuple[int, int]) -> None:
    async def steps(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)

    check(snap_compare, app_for(), size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_security_change_password(snap_compare: Any, size: tuple[int, int]) -> None:
    async def steps(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("p", *"old", "tab", *"one", "tab", *"two", "enter")
        await settle(pilot)

    check(snap_compare, app_for(), size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_security_authenticator_setup(snap_compare: Any, size: tuple[int, int]) -> None:
    async def steps(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)

    check(snap_compare, app_for(), size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_security_delete_account(snap_compare: Any, size: tuple[int, int]) -> None:
    async def steps(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("D", *"bob", "enter")
        await settle(pilot)

    check(snap_compare, app_for(), size, steps)


# -- devices (on the Security screen; asked about at sign-in) -------------------------------
@pytest.mark.parametrize("size", SIZES)
def test_devices_being_read(snap_compare: Any, size: tuple[int, int]) -> None:
    cognito = FakeCognito()

    async def steps(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        cognito.gate.clear()  # the calls hang: the loading state shows
        await pilot.press("s")
        await pilot.pause()

    try:
        check(snap_compare, app_for(cognito), size, steps)
    finally:
        cognito.gate.set()


@pytest.mark.parametrize("size", SIZES)
def test_devices_forget_asks_first(snap_compare: Any, size: tuple[int, int]) -> None:
    async def steps(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("tab", "down", "x")
        await settle(pilot)

    check(snap_compare, app_for(), size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_devices_none(snap_compare: Any, size: tuple[int, int]) -> None:
    cognito = FakeCognito()
    cognito.devices = []

    async def steps(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)

    check(snap_compare, app_for(cognito), size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_devices_not_readable(snap_compare: Any, size: tuple[int, int]) -> None:
    cognito = FakeCognito()
    cognito.refuse("ListDevices", "InternalFailure")

    async def steps(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)

    check(snap_compare, app_for(cognito), size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_sign_in_remember_this_device(snap_compare: Any, size: tuple[int, int]) -> None:
    cognito = FakeCognito()
    cognito.new_device = True
    check(snap_compare, app_for(cognito, signed_in=False, lasting=True), size, sign_in)


# -- passwordless: the sign-in choice, the security key, passkeys --------------------------
def waiting_key(monkeypatch: pytest.MonkeyPatch) -> Any:
    """A software key that waits for a touch that never comes (set `touch` to end it)."""
    from tests.soft_authenticator import SoftAuthenticator

    key = SoftAuthenticator()
    key.touch.clear()
    monkeypatch.setattr("cogtui.passkeys.default_authenticator", lambda: key)
    return key


@pytest.mark.parametrize("size", SIZES)
def test_sign_in_choice(snap_compare: Any, size: tuple[int, int]) -> None:
    reply = {
        "ChallengeName": "SELECT_CHALLENGE",
        "Session": "fake-session",
        "ChallengeParameters": {"USERNAME": USERNAME},
        "AvailableChallenges": ["WEB_AUTHN", "EMAIL_OTP", "SMS_OTP", "PASSWORD_SRP"],
    }
    check(snap_compare, app_for(FakeCognito(challenges=[reply]), signed_in=False), size, sign_in)


@pytest.mark.parametrize("size", SIZES)
def test_sign_in_touch_your_key(
    snap_compare: Any, size: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    key = waiting_key(monkeypatch)
    options = {"challenge": "Y2hhbGxlbmdlLWZvci1zbmFwc2hvdHM", "rpId": "auth.example.com"}
    reply = {
        "ChallengeName": "WEB_AUTHN",
        "Session": "fake-session",
        "ChallengeParameters": {
            "USERNAME": USERNAME,
            "CREDENTIAL_REQUEST_OPTIONS": json.dumps(options),
        },
    }

    async def steps(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press(*USERNAME, "enter", *PASSWORD, "enter")
        for _ in range(100):
            if key.waiting.is_set():
                break
            await pilot.pause(0.02)
        await pilot.pause()

    try:
        check(snap_compare, app_for(FakeCognito(challenges=[reply]), signed_in=False), size, steps)
    finally:
        key.touch.set()


@pytest.mark.parametrize("size", SIZES)
def test_passkeys_none(snap_compare: Any, size: tuple[int, int]) -> None:
    cognito = FakeCognito()
    cognito.passkeys = []

    async def steps(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)

    check(snap_compare, app_for(cognito), size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_passkey_delete_asks_first(snap_compare: Any, size: tuple[int, int]) -> None:
    async def steps(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("tab", "tab", "x")
        await settle(pilot)

    check(snap_compare, app_for(), size, steps)


@pytest.mark.parametrize("size", SIZES)
def test_passkey_being_added(
    snap_compare: Any, size: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    key = waiting_key(monkeypatch)
    cognito = FakeCognito()

    async def steps(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("k")
        for _ in range(100):
            if key.waiting.is_set():
                break
            await pilot.pause(0.02)
        await pilot.pause()

    try:
        check(snap_compare, app_for(cognito), size, steps)
    finally:
        key.touch.set()


@pytest.mark.parametrize("size", SIZES)
def test_sign_in_forgot_password(snap_compare: Any, size: tuple[int, int]) -> None:
    async def steps(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)

    check(snap_compare, app_for(signed_in=False), size, steps)


def test_no_secret_on_any_screen() -> None:
    """The fake's tokens and the code never appear in what the snapshots render."""
    from pathlib import Path

    from fake_cognito import fake_tokens

    tokens = fake_tokens()
    folder = Path(__file__).parent / "__snapshots__"
    for svg in folder.rglob("*.svg"):
        text = svg.read_text()
        for secret in (tokens.id_token, tokens.access_token, tokens.refresh_token, PASSWORD):
            assert secret not in text, svg.name
        assert "eyJ" not in text, svg.name
        assert CODE not in text, svg.name
