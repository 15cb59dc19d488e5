"""Choice-based sign-in and passkeys in the TUI, driven as a person would, against the
passwordless stand-in in front of moto (which verifies every registration and assertion
with a server-side WebAuthn library), with the software authenticator as the key and the
tokens in the real Secret Service."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from steps import notifications, settle
from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from cogtui.app import CogtuiApp
from cogtui.screens.challenges import ChallengeCodeModal
from cogtui.screens.confirm import ConfirmModal
from cogtui.screens.passwordless import SignInChoiceModal, TouchKeyModal
from cogtui.screens.profile import ProfileScreen
from cogtui.screens.security import SecurityScreen
from cogtui.screens.sign_in import SignInScreen
from cogtui.widgets.passkey_table import PasskeyTable
from tests.conftest import PASSWORD, Pool, create_pool
from tests.passwordless_standin import PasswordlessStandIn
from tests.soft_authenticator import SoftAuthenticator


@pytest.fixture
def key(monkeypatch: pytest.MonkeyPatch) -> SoftAuthenticator:
    found = SoftAuthenticator()
    monkeypatch.setattr("cogtui.passkeys.default_authenticator", lambda: found)
    return found


@pytest.fixture
def standin(moto_endpoint: str) -> Iterator[PasswordlessStandIn]:
    found = PasswordlessStandIn(moto_endpoint, "")
    yield found
    found.close()


@pytest.fixture
def pool(moto_endpoint: str, standin: PasswordlessStandIn, empty_keyring: Any) -> Pool:
    found = create_pool(moto_endpoint)
    standin.pool_id, found.endpoint = found.user_pool_id, standin.endpoint
    return found


def app_on(pool: Pool) -> CogtuiApp:
    return CogtuiApp(pool.settings(auth_flow="choice"))


def user_of(pool: Pool, standin: PasswordlessStandIn) -> str:
    user = pool.add_user(email="ada@example.com")
    standin.passwords[user] = PASSWORD
    return user


async def type_in(pilot: Pilot[Any], user: str, password: str = "") -> None:
    await settle(pilot)
    assert isinstance(pilot.app.screen, SignInScreen), pilot.app.screen
    await pilot.press(*user, "enter", *password, "enter")
    await settle(pilot)


async def choose(pilot: Pilot[Any], label: str) -> None:
    modal = pilot.app.screen
    assert isinstance(modal, SignInChoiceModal), modal
    options = modal.query_one(OptionList)
    labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
    index = next(i for i, text in enumerate(labels) if text.startswith(label))
    await pilot.press("home", *["down"] * index, "enter")
    await settle(pilot)


async def test_an_email_code_signs_in_without_a_password(
    pool: Pool, standin: PasswordlessStandIn
) -> None:
    user = user_of(pool, standin)
    async with app_on(pool).run_test(size=(100, 32)) as pilot:
        await type_in(pilot, user)  # no password
        await choose(pilot, "a code by email")
        assert isinstance(pilot.app.screen, ChallengeCodeModal)

        await pilot.press(*standin.codes[-1][2], "enter")
        await settle(pilot)

        assert isinstance(pilot.app.screen, ProfileScreen), pilot.app.screen


async def add_passkey(pilot: Pilot[Any]) -> None:
    await pilot.press("s")
    await settle(pilot)
    assert isinstance(pilot.app.screen, SecurityScreen)
    await pilot.press("k")
    await settle(pilot)


async def test_add_a_passkey_then_sign_in_with_it_then_delete_it(
    pool: Pool, standin: PasswordlessStandIn, key: SoftAuthenticator
) -> None:
    user = user_of(pool, standin)
    async with app_on(pool).run_test(size=(100, 32), notifications=True) as pilot:
        await type_in(pilot, user, PASSWORD)  # with a password: SRP, straight away
        assert isinstance(pilot.app.screen, ProfileScreen)
        await add_passkey(pilot)
        assert "The passkey is added: next time, sign in with it." in notifications(pilot)
        assert len(standin.passkeys) == 1
        await pilot.press("escape", "ctrl+l", "h")
        await settle(pilot)

        await type_in(pilot, user)
        await choose(pilot, "a passkey")

        assert isinstance(pilot.app.screen, ProfileScreen), pilot.app.screen
        await pilot.press("s")
        await settle(pilot)
        pilot.app.screen.query_one(PasskeyTable).focus()  # (this pool lists no devices)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConfirmModal)
        await pilot.press("y")
        await settle(pilot)
        assert standin.passkeys == {}
        await pilot.press("escape", "ctrl+l", "h")
        await settle(pilot)
        await type_in(pilot, user)
        modal = pilot.app.screen
        assert isinstance(modal, SignInChoiceModal)
        assert "WEB_AUTHN" not in modal.challenge.choices  # gone: not offered any more


async def test_escape_while_the_key_waits_stops_waiting(
    pool: Pool, standin: PasswordlessStandIn, key: SoftAuthenticator
) -> None:
    user = user_of(pool, standin)
    async with app_on(pool).run_test(size=(100, 32)) as pilot:
        await type_in(pilot, user, PASSWORD)
        await add_passkey(pilot)
        await pilot.press("escape", "ctrl+l", "h")
        await settle(pilot)
        key.touch.clear()  # nobody touches it
        await type_in(pilot, user)
        await pilot.press("home", "enter")  # the passkey comes first
        for _ in range(200):
            if key.waiting.is_set():
                break
            await pilot.pause(0.02)
        assert isinstance(pilot.app.screen, TouchKeyModal)

        await pilot.press("escape")
        await settle(pilot)

        screen = pilot.app.screen
        assert isinstance(screen, SignInScreen), screen
        problem = str(screen.query_one("#sign-in-problem", Static).render())
        assert problem == "⚠ Stopped waiting for the security key; nothing was signed in."
        for _ in range(100):
            if not key.waiting.is_set():
                break
            await pilot.pause(0.02)
        assert not key.waiting.is_set()  # the key is no longer waited for


async def test_no_key_plugged_in_is_one_sentence(
    pool: Pool, standin: PasswordlessStandIn, key: SoftAuthenticator
) -> None:
    user = user_of(pool, standin)
    async with app_on(pool).run_test(size=(100, 32)) as pilot:
        await type_in(pilot, user, PASSWORD)
        await add_passkey(pilot)
        await pilot.press("escape", "ctrl+l", "h")
        await settle(pilot)
        key.present = False

        await type_in(pilot, user)
        await pilot.press("home", "enter")
        await settle(pilot)

        screen = pilot.app.screen
        assert isinstance(screen, SignInScreen), screen
        problem = str(screen.query_one("#sign-in-problem", Static).render())
        assert problem == "⚠ No security key is plugged in: plug one in and try again."


async def test_escape_while_a_new_passkey_waits_adds_nothing_and_lets_go(
    pool: Pool, standin: PasswordlessStandIn, key: SoftAuthenticator
) -> None:
    user = user_of(pool, standin)
    async with app_on(pool).run_test(size=(100, 32), notifications=True) as pilot:
        await type_in(pilot, user, PASSWORD)
        key.touch.clear()
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("k", "escape")  # at once: before the key is even reached
        await settle(pilot)

        assert isinstance(pilot.app.screen, SecurityScreen), pilot.app.screen
        assert "Stopped waiting for the security key." in notifications(pilot)
        assert standin.passkeys == {}
        key.touch.set()
        await pilot.press("k")  # the screen is free for the next call
        await settle(pilot)
        assert len(standin.passkeys) == 1
