"""Devices in the TUI, driven as a person would, against the device stand-in in front of moto,
with tokens and device material in the real Secret Service: sign in with a code and remember
the device; sign in again with no code; the device list over pages; remember, forget after
asking, forget this device; a device forgotten elsewhere."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from steps import notifications, settle
from textual.pilot import Pilot
from textual.widgets import Static

from cogtui.app import CogtuiApp
from cogtui.screens.challenges import ChallengeCodeModal
from cogtui.screens.confirm import ConfirmModal
from cogtui.screens.profile import ProfileScreen
from cogtui.screens.security import SecurityScreen
from cogtui.screens.security_lists import DeviceSection
from cogtui.screens.sign_in import SignInScreen
from cogtui.vault import Vault, system_store
from cogtui.widgets.device_table import DeviceTable
from tests.conftest import PASSWORD, Pool, create_pool
from tests.device_standin import DeviceStandIn
from tests.integration.test_signin_moto import enable_mfa, good_code


@pytest.fixture
def standin(moto_endpoint: str) -> Iterator[DeviceStandIn]:
    found = DeviceStandIn(moto_endpoint)
    yield found
    found.close()


@pytest.fixture
def pool(moto_endpoint: str, standin: DeviceStandIn, empty_keyring: Any) -> Pool:
    found = create_pool(moto_endpoint)
    found.endpoint = standin.endpoint
    return found


def app_on(pool: Pool) -> CogtuiApp:
    return CogtuiApp(pool.settings(device_name="test-laptop"))  # the real keyring


def stored_device(pool: Pool, user: str) -> Any:
    vault = Vault(system_store(), pool.user_pool_id, pool.client_id)
    vault.load()
    return vault.device_for(user)


async def type_sign_in(pilot: Pilot[Any], user: str) -> None:
    await settle(pilot)
    assert isinstance(pilot.app.screen, SignInScreen), pilot.app.screen
    await pilot.press(*user, "enter", *PASSWORD, "enter")
    await settle(pilot)


async def first_sign_in(pilot: Pilot[Any], user: str, remember: str = "y") -> None:
    """Password, the authenticator's code, then the answer to "Remember this device?"."""
    await type_sign_in(pilot, user)
    assert isinstance(pilot.app.screen, ChallengeCodeModal), pilot.app.screen
    await pilot.press(*good_code(), "enter")
    await settle(pilot)
    question = pilot.app.screen
    assert isinstance(question, ConfirmModal), question
    assert question.title_text == "Remember this device?"
    await pilot.press(remember)
    await settle(pilot)
    assert isinstance(pilot.app.screen, ProfileScreen), pilot.app.screen


def mfa_user(pool: Pool) -> str:
    user = pool.add_user()
    enable_mfa(pool, user, "totp")
    return user


async def test_remember_the_device_then_sign_in_again_without_a_code(
    pool: Pool, standin: DeviceStandIn
) -> None:
    user = mfa_user(pool)
    async with app_on(pool).run_test(size=(100, 32), notifications=True) as pilot:
        await first_sign_in(pilot, user)
        assert "This device is remembered" in notifications(pilot)
        await pilot.press("ctrl+l", "h")  # sign out here
        await settle(pilot)

        await type_sign_in(pilot, user)

        assert isinstance(pilot.app.screen, ProfileScreen), pilot.app.screen  # no code asked
    assert standin.proved == 1
    assert [b["DeviceName"] for b in standin_bodies(standin, "ConfirmDevice")] == ["test-laptop"]
    statuses = [b["DeviceRememberedStatus"] for b in standin_bodies(standin, "UpdateDeviceStatus")]
    assert statuses == ["remembered"]
    assert stored_device(pool, user) is not None


def standin_bodies(standin: DeviceStandIn, operation: str) -> list[dict[str, Any]]:
    return [r.body for r in standin.of(operation)]


async def test_not_now_keeps_asking_for_codes(pool: Pool, standin: DeviceStandIn) -> None:
    user = mfa_user(pool)
    async with app_on(pool).run_test(size=(100, 32)) as pilot:
        await first_sign_in(pilot, user, remember="escape")
        await pilot.press("ctrl+l", "h")
        await settle(pilot)

        await type_sign_in(pilot, user)

        assert isinstance(pilot.app.screen, ChallengeCodeModal)
    statuses = [b["DeviceRememberedStatus"] for b in standin_bodies(standin, "UpdateDeviceStatus")]
    assert statuses == ["not_remembered"]


async def security(pilot: Pilot[Any]) -> tuple[SecurityScreen, DeviceTable]:
    await pilot.press("s")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SecurityScreen), screen
    return screen, screen.query_one(DeviceTable)


async def test_sixty_devices_listed_remembered_forgotten(
    pool: Pool, standin: DeviceStandIn
) -> None:
    user = mfa_user(pool)
    others = standin.add_devices(user, 59)
    async with app_on(pool).run_test(size=(120, 40), notifications=True) as pilot:
        await first_sign_in(pilot, user)
        screen, table = await security(pilot)

        assert table.row_count == 60
        assert [body.get("PaginationToken") for body in standin_bodies(standin, "ListDevices")] == [
            None
        ]
        note = str(screen.query_one(DeviceSection).query_one(".list-note", Static).render())
        assert note == "60 devices"
        this = stored_device(pool, user).key
        assert table.devices[-1].key == this
        assert "(this device)" in str(table.get_row(this)[0])

        await pilot.press("tab", "down")  # the devices table, the second device
        await pilot.press("space")
        await settle(pilot)
        assert standin.devices[others[1]].remembered is True
        assert "Remembered machine-01." in notifications(pilot)

        await pilot.press("x")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConfirmModal)
        await pilot.press("y")
        await settle(pilot)
        assert others[1] not in standin.devices
        assert table.row_count == 59

        await pilot.press("end", "x")  # this device, last in the list
        await settle(pilot)
        question = pilot.app.screen
        assert isinstance(question, ConfirmModal) and question.title_text == "Forget this device?"
        await pilot.press("y")
        await settle(pilot)
    assert this not in standin.devices
    assert stored_device(pool, user) is None


async def test_sixty_one_devices_take_two_pages(pool: Pool, standin: DeviceStandIn) -> None:
    user = mfa_user(pool)
    standin.add_devices(user, 60)
    async with app_on(pool).run_test(size=(80, 24)) as pilot:
        await first_sign_in(pilot, user)
        _, table = await security(pilot)

        assert table.row_count == 61
    assert [b.get("PaginationToken") for b in standin_bodies(standin, "ListDevices")] == [
        None,
        "60",
    ]


async def test_a_device_forgotten_elsewhere_asks_for_the_code_and_says_why(
    pool: Pool, standin: DeviceStandIn
) -> None:
    user = mfa_user(pool)
    async with app_on(pool).run_test(size=(100, 32)) as pilot:
        await first_sign_in(pilot, user)
        await pilot.press("ctrl+l", "h")
        await settle(pilot)
        standin.devices.clear()  # forgotten on another machine (or by an administrator)

        await type_sign_in(pilot, user)

        modal = pilot.app.screen
        assert isinstance(modal, ChallengeCodeModal), modal
        said = str(modal.query_one(".dialog-text", Static).render())
        assert said.startswith("Cognito no longer knows this device (it was forgotten)")
    assert stored_device(pool, user) is None


async def test_hostile_device_names_are_shown_as_text(pool: Pool, standin: DeviceStandIn) -> None:
    user = mfa_user(pool)
    other = standin.add_devices(user, 1)[0]
    standin.devices[other].name = "[/x][bold]evil\x1b]0;pwned\x07\u202e"
    async with app_on(pool).run_test(size=(100, 32)) as pilot:
        await first_sign_in(pilot, user)
        _, table = await security(pilot)  # a markup error would have crashed the app

        shown = str(table.get_row(other)[0])
        assert shown == "[/x][bold]evil\\x1b]0;pwned\\x07\\u202e"
        await pilot.press("tab", "x")
        await settle(pilot)
        question = pilot.app.screen
        assert isinstance(question, ConfirmModal)
        assert question.title_text == "Forget [/x][bold]evil\\x1b]0;pwned\\x07\\u202e?"
