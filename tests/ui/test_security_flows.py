"""The Security screen and the forgotten-password form, driven as a person would, on moto
(TOTP with code checking, MFA preferences, ChangePassword) and cognito-local (its fixed
reset code, DeleteUser); what the server holds afterwards is checked with its admin API."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from steps import settle, sign_in
from textual.pilot import Pilot
from textual.widgets import Static

from cogtui.app import CogtuiApp
from cogtui.screens.security import SecurityScreen
from cogtui.screens.security_forms import (
    ChangePasswordModal,
    DeleteAccountModal,
    ForgotPasswordModal,
    TotpSetupForm,
)
from cogtui.screens.sign_in import SignInScreen
from cogtui.security import otpauth_uri
from cogtui.vault import MemoryStore
from cogtui.widgets.totp_key import QrScreen, TotpKey
from tests.conftest import FIXED_CODE, PASSWORD, Pool
from tests.integration.test_signin_moto import good_code
from tests.qr_decode import decode

NEW_PASSWORD = "Brand-New-Horse-7"


def app_on(pool: Pool) -> CogtuiApp:
    return CogtuiApp(pool.settings(auth_flow="password", use_keyring=False), store=MemoryStore())


async def security(pilot: Pilot[Any], user: str) -> SecurityScreen:
    await sign_in(pilot, user)
    await pilot.press("s")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SecurityScreen), screen
    return screen


def status(screen: Any) -> str:
    return str(screen.query_one("#form-status", Static).render())


def signs_in(pool: Pool, user: str, password: str) -> bool:
    try:
        pool.admin.admin_initiate_auth(
            UserPoolId=pool.user_pool_id,
            ClientId=pool.client_id,
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": user, "PASSWORD": password},
        )
    except ClientError:
        return False
    return True


@pytest.fixture
def moto_checks_totp(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP", "true")


async def test_change_password_wrong_then_mismatched_then_right(moto_pool: Pool) -> None:
    user = moto_pool.add_user()
    async with app_on(moto_pool).run_test(size=(100, 32)) as pilot:
        await security(pilot, user)
        await pilot.press("p", *"Wrong-Horse-1", "tab", *NEW_PASSWORD, "tab", *NEW_PASSWORD)
        await pilot.press("enter")
        await settle(pilot)
        modal = pilot.app.screen
        assert isinstance(modal, ChangePasswordModal)
        assert status(modal) == "⚠ The current password is not correct."

        await pilot.press(*PASSWORD, "tab", *NEW_PASSWORD, "tab", *"Other-Horse-2", "enter")
        await settle(pilot)
        assert "differ" in status(modal)
        assert modal.field("new").value == modal.field("again").value == ""

        await pilot.press(*NEW_PASSWORD, "tab", *NEW_PASSWORD, "enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, SecurityScreen)

    assert signs_in(moto_pool, user, NEW_PASSWORD)
    assert not signs_in(moto_pool, user, PASSWORD)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_set_up_an_authenticator_by_scanning_what_is_drawn(
    moto_pool: Pool, moto_checks_totp: None, size: tuple[int, int]
) -> None:
    user = moto_pool.add_user()
    async with app_on(moto_pool).run_test(size=size) as pilot:
        await security(pilot, user)
        await pilot.press("t")
        await settle(pilot)
        form = pilot.app.screen
        assert isinstance(form, TotpSetupForm)
        key = form.query_one(TotpKey)
        uri = otpauth_uri("asdfasdfasdf", user, "Cognito")  # moto's one secret
        if key.shows_qr:
            drawn = str(form.query_one("#totp-qr", Static).render()).splitlines()
        else:  # 80x24: the QR code alone fills the screen
            await pilot.press("ctrl+o")
            await settle(pilot)
            alone = pilot.app.screen
            assert isinstance(alone, QrScreen)
            drawn = str(alone.query_one("#qr-alone", Static).render()).splitlines()
            await pilot.press("escape")
            await settle(pilot)
        assert decode(drawn) == uri

        await pilot.press(*good_code(), "tab", *"phone", "enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, SecurityScreen)

    server = moto_pool.admin.admin_get_user(UserPoolId=moto_pool.user_pool_id, Username=user)
    assert server["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]
    assert server["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA"


async def test_a_wrong_authenticator_code_says_so_and_turns_nothing_on(
    moto_pool: Pool, moto_checks_totp: None
) -> None:
    user = moto_pool.add_user()
    async with app_on(moto_pool).run_test(size=(120, 40)) as pilot:
        await security(pilot, user)
        await pilot.press("t")
        await settle(pilot)
        wrong = f"{(int(good_code()) + 1) % 1_000_000:06d}"
        await pilot.press(*wrong, "enter", "enter")
        await settle(pilot)

        form = pilot.app.screen
        assert isinstance(form, TotpSetupForm)
        assert status(form) == "⚠ That code is not correct; check it and try again."

    server = moto_pool.admin.admin_get_user(UserPoolId=moto_pool.user_pool_id, Username=user)
    assert not server.get("UserMFASettingList")


async def test_turn_a_method_off_and_make_another_preferred(
    moto_pool: Pool, moto_checks_totp: None
) -> None:
    user = moto_pool.add_user()
    async with app_on(moto_pool).run_test(size=(120, 40)) as pilot:
        screen = await security(pilot, user)
        await pilot.press("t")
        await settle(pilot)
        await pilot.press(*good_code(), "enter", "enter")
        await settle(pilot)
        assert screen.mfa.enabled == ("totp",)

        await pilot.press("home", "down", "space")  # the authenticator row: off
        await settle(pilot)
        assert screen.mfa.enabled == ()
        await pilot.press("f")  # and back on, preferred
        await settle(pilot)
        assert screen.mfa.preferred == "totp"

    server = moto_pool.admin.admin_get_user(UserPoolId=moto_pool.user_pool_id, Username=user)
    assert server["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA"


async def test_delete_account_wrong_name_then_right(local_pool: Pool) -> None:
    user = local_pool.add_user()
    async with app_on(local_pool).run_test(size=(100, 32)) as pilot:
        await security(pilot, user)
        await pilot.press("D", *"someone-else", "enter")
        await settle(pilot)
        modal = pilot.app.screen
        assert isinstance(modal, DeleteAccountModal)
        assert status(modal) == "⚠ That is not your username: nothing was deleted."
        assert local_pool.attributes(user)  # still there

        await pilot.press("ctrl+u", *user, "enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, SignInScreen)

    with pytest.raises(ClientError, match="UserNotFound"):
        local_pool.attributes(user)


async def test_a_forgotten_password_is_reset_from_the_sign_in_screen(local_pool: Pool) -> None:
    user = local_pool.add_user(email="ada@example.com", email_verified="true")
    async with app_on(local_pool).run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press(*user, "ctrl+r")
        await settle(pilot)
        form = pilot.app.screen
        assert isinstance(form, ForgotPasswordModal)
        await pilot.press("enter")  # the username typed on the sign-in screen is there
        await settle(pilot)
        assert "A code was sent" in str(form.query_one("#reset-where", Static).render())

        await pilot.press(*FIXED_CODE, "tab", *NEW_PASSWORD, "tab", *NEW_PASSWORD, "enter")
        await settle(pilot)
        sign_in_screen = pilot.app.screen
        assert isinstance(sign_in_screen, SignInScreen)
        said = str(sign_in_screen.query_one("#sign-in-problem", Static).render())
        assert said == "Your password is reset: sign in with the new one."

        await pilot.press(*NEW_PASSWORD, "enter")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, SignInScreen)
