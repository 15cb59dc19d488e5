"""Guards, verification codes, refusals and loading states, as the user meets them.

Cognito's answers come from cognito-local or moto where they can give them, and from the
fake at the cognito.py boundary where they cannot (an expired code, a throttled user).
"""

from __future__ import annotations

from typing import Any

import pytest
from fake_cognito import CODE, FakeCognito
from steps import burst, edit, fake_app, go_to, notifications, profile, settle, sign_in
from textual.pilot import Pilot
from textual.widgets import Button, Static
from textual.widgets._footer import FooterKey

from cogtui.app import CogtuiApp
from cogtui.cognito import CodeDelivery
from cogtui.screens.confirm import ConfirmModal
from cogtui.screens.help import KEYS, HelpScreen
from cogtui.screens.profile import ProfileScreen
from cogtui.screens.verify_code import VerifyCodeModal
from cogtui.vault import MemoryStore
from tests.conftest import FIXED_CODE, Pool


def pool_app(pool: Pool) -> CogtuiApp:
    return CogtuiApp(pool.settings(auth_flow="password", use_keyring=False), store=MemoryStore())


def text_of(screen: Any, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def calls(cognito: FakeCognito, operation: str) -> list[Any]:
    return [detail for name, detail in cognito.calls if name == operation]


# -- guards ----------------------------------------------------------------------------------
async def test_reload_with_unsaved_edits_asks_first():
    cognito = FakeCognito()
    async with fake_app(cognito).run_test(size=(100, 30)) as pilot:
        screen = await profile(pilot)
        await edit(pilot, screen, "given_name", "Augusta")
        cognito.attributes["family_name"] = "Byron"  # changed on the server meanwhile
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConfirmModal)
        await pilot.press("escape")  # keep editing
        await settle(pilot)
        await pilot.press("r", "enter")  # Enter presses the focused, safe button
        await settle(pilot)
        assert pilot.app.screen is screen
        assert screen.draft.payload() == {"given_name": "Augusta"}
        assert len(calls(cognito, "GetUser")) == 1
        await pilot.press("r", "left", "enter")  # "Reload": drop the edits
        await settle(pilot)
        assert not screen.draft.dirty
        assert screen.draft.value("given_name") == "Ada"
        assert screen.draft.value("family_name") == "Byron"
        assert len(calls(cognito, "GetUser")) == 2


async def test_reload_without_edits_does_not_ask():
    cognito = FakeCognito()
    async with fake_app(cognito).run_test(size=(100, 30)) as pilot:
        screen = await profile(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert pilot.app.screen is screen
        assert len(calls(cognito, "GetUser")) == 2


# -- refusals before anything is sent ----------------------------------------------------------
async def test_read_only_row_refuses_with_a_message():
    cognito = FakeCognito()
    async with fake_app(cognito).run_test(size=(100, 30)) as pilot:
        screen = await profile(pilot)
        await go_to(pilot, screen, "sub")
        await pilot.press("e", "x")
        await pilot.pause()
        assert "sub is read-only" in notifications(pilot)
        assert screen.editing is None
        assert not screen.draft.dirty


async def test_invalid_value_blocks_save_with_the_reason_next_to_the_row():
    cognito = FakeCognito()
    async with fake_app(cognito).run_test(size=(100, 30)) as pilot:
        screen = await profile(pilot)
        await edit(pilot, screen, "phone_number", "555-0123")
        await edit(pilot, screen, "given_name", "Augusta")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pilot.app.screen is screen  # no review: nothing can be saved yet
        assert "Fix the marked rows first" in notifications(pilot)
        _, value, status = screen.table.get_row("phone_number")
        assert "E.164" in value.plain and "needs a fix" in status.plain
        assert calls(cognito, "UpdateUserAttributes") == []
        assert screen.draft.payload() == {"phone_number": "555-0123", "given_name": "Augusta"}


# -- verification codes ------------------------------------------------------------------------
async def open_code_modal(pilot: Pilot[Any], screen: ProfileScreen, name: str) -> Any:
    await go_to(pilot, screen, name)
    await pilot.press("v")
    await settle(pilot)
    modal = pilot.app.screen
    assert isinstance(modal, VerifyCodeModal), modal
    return modal


@pytest.mark.cognito_local
async def test_resend_by_key_and_by_button_then_the_code_verifies(
    verifying_pool: Pool, record: Any
):
    user = verifying_pool.add_user(email="ada@example.com")
    server = record(verifying_pool)
    async with pool_app(verifying_pool).run_test(size=(100, 30)) as pilot:
        screen = await sign_in(pilot, user)
        assert screen.draft.row("email").status == "unverified"
        modal = await open_code_modal(pilot, screen, "email")
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert "A new code was sent" in text_of(modal, "#code-where")
        await pilot.click("#resend")
        await settle(pilot)
        await pilot.press(*FIXED_CODE, "enter")
        await settle(pilot)
        assert pilot.app.screen is screen
        assert screen.draft.row("email").status == "verified"
    assert len(server.of("GetUserAttributeVerificationCode")) == 3
    assert len(server.of("VerifyUserAttribute")) == 1
    assert verifying_pool.attributes(user)["email_verified"] == "true"


async def test_expired_code_says_so_and_offers_resend():
    cognito = FakeCognito()
    cognito.refuse("VerifyUserAttribute", "ExpiredCodeException")
    async with fake_app(cognito).run_test(size=(100, 30)) as pilot:
        screen = await profile(pilot)
        modal = await open_code_modal(pilot, screen, "phone_number")
        await pilot.press(*CODE, "enter")
        await settle(pilot)
        problem = text_of(modal, "#code-problem")
        assert "expired" in problem and "Resend" in problem
        assert pilot.app.focused is modal.query_one("#resend", Button)
        await pilot.press("enter")  # presses Resend
        await settle(pilot)
        assert len(calls(cognito, "GetUserAttributeVerificationCode")) == 2
        await pilot.click("#code")
        await pilot.press(*CODE, "enter")
        await settle(pilot)
        assert pilot.app.screen is screen
        assert screen.draft.row("phone_number").status == "verified"


async def test_too_many_attempts_says_to_wait_and_keeps_the_modal():
    cognito = FakeCognito()
    cognito.refuse("VerifyUserAttribute", "LimitExceededException")
    async with fake_app(cognito).run_test(size=(100, 30)) as pilot:
        screen = await profile(pilot)
        modal = await open_code_modal(pilot, screen, "phone_number")
        await pilot.press(*"111111", "enter")
        await settle(pilot)
        assert pilot.app.screen is modal
        assert "Too many attempts" in text_of(modal, "#code-problem")
        await pilot.press("escape")  # later
        await settle(pilot)
        assert pilot.app.screen is screen


@pytest.mark.moto
async def test_server_without_verification_says_so_and_keeps_the_draft(moto_pool: Pool):
    user = moto_pool.add_user(given_name="Ada", email="ada@example.com")
    async with pool_app(moto_pool).run_test(size=(100, 30)) as pilot:
        screen = await sign_in(pilot, user)
        await edit(pilot, screen, "given_name", "Augusta")
        await go_to(pilot, screen, "email")
        await pilot.press("v")  # moto lacks GetUserAttributeVerificationCode
        await settle(pilot)
        assert pilot.app.screen is screen
        assert "does not support GetUserAttributeVerificationCode" in notifications(pilot)
        # As after a save that Cognito answered with a code delivery:
        screen.open_code_modal(CodeDelivery("email", "a***@e***", "email"))
        await settle(pilot)
        modal = pilot.app.screen
        assert isinstance(modal, VerifyCodeModal)
        await pilot.press(*"123456", "enter")  # ... and VerifyUserAttribute
        await settle(pilot)
        assert "does not support VerifyUserAttribute" in text_of(modal, "#code-problem")
        await pilot.press("escape")
        await settle(pilot)
        assert pilot.app.screen is screen
        assert screen.draft.payload() == {"given_name": "Augusta"}


# -- every Cognito call says what is in flight ---------------------------------------------------
async def while_held(pilot: Pilot[Any], cognito: FakeCognito, *keys: str) -> None:
    """Press the keys with Cognito's answers held back, so the in-flight state stays up."""
    cognito.gate.clear()
    await pilot.press(*keys)
    await pilot.pause()


async def let_go(pilot: Pilot[Any], cognito: FakeCognito) -> None:
    cognito.gate.set()
    await settle(pilot)


async def test_every_call_shows_what_is_in_flight():
    cognito = FakeCognito()
    async with fake_app(cognito, signed_in=False).run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        sign_in_screen = pilot.app.screen
        await while_held(pilot, cognito, *"ada", "enter", *"Correct-Horse-9", "enter")
        assert text_of(sign_in_screen, "#sign-in-problem") == "Signing in…"
        assert sign_in_screen.query_one("#sign-in-button").loading
        await let_go(pilot, cognito)
        screen = await profile(pilot)

        await while_held(pilot, cognito, "r")
        assert screen.table.loading
        assert text_of(screen, "#row-detail") == "Loading your attributes…"
        await let_go(pilot, cognito)
        assert not screen.table.loading

        await edit(pilot, screen, "given_name", "Augusta")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await while_held(pilot, cognito, "enter")
        assert text_of(screen, "#row-detail") == "Saving 1 change…"
        assert screen.table.loading
        await let_go(pilot, cognito)

        await go_to(pilot, screen, "phone_number")
        await while_held(pilot, cognito, "v")
        assert text_of(screen, "#row-detail").startswith("Sending a verification code")
        await let_go(pilot, cognito)
        modal = pilot.app.screen
        await while_held(pilot, cognito, "ctrl+r")
        assert text_of(modal, "#code-problem") == "Sending a new code…"
        await let_go(pilot, cognito)
        await while_held(pilot, cognito, *CODE, "enter")
        assert text_of(modal, "#code-problem") == "Verifying…"
        assert modal.query_one(".dialog-buttons").loading
        await let_go(pilot, cognito)

        await while_held(pilot, cognito, "ctrl+l", "g")
        assert text_of(pilot.app.screen, "#dialog-status") == "Signing out everywhere…"
        await let_go(pilot, cognito)
        assert calls(cognito, "GlobalSignOut") == [None]


# -- keys --------------------------------------------------------------------------------------
async def test_keys_read_in_one_burst_act_in_order():
    async with fake_app(FakeCognito()).run_test(size=(100, 30)) as pilot:
        screen = await profile(pilot)
        # backspace and ctrl+u are the input's own bindings: they must act before the Enter
        # that follows them, not after it, in whatever has the focus by then.
        await burst(pilot, "a", *"nicx", "backspace", "k", "enter", *"v", "enter")
        await burst(pilot, "home", "down", "e", *"xyz", "ctrl+u", *"Augusta", "enter", "down", "x")
        assert screen.draft.payload() == {
            "given_name": "Augusta",
            "family_name": "",
            "custom:nick": "v",
        }


def footer_keys(pilot: Pilot[Any]) -> dict[str, Any]:
    return {key.description: key.region for key in pilot.app.screen.query(FooterKey)}


@pytest.mark.parametrize("row", ["sub", "phone_number", "given_name"])
async def test_footer_fits_in_80_columns(row: str):
    async with fake_app(FakeCognito()).run_test(size=(80, 24)) as pilot:
        screen = await profile(pilot)
        await edit(pilot, screen, "given_name", "Augusta")  # revert now applies
        await go_to(pilot, screen, row)
        await pilot.pause()
        keys = footer_keys(pilot)
        palette = keys.pop("palette")
        assert {"Edit", "Add", "Save", "Security", "Quit", "Help"} <= set(keys)
        for description, region in keys.items():
            assert region.right < palette.x, (description, region, palette)


def test_help_lists_every_key():
    listed = {name for keys in KEYS.values() for names, _ in keys for name in names}
    for screen in (ProfileScreen, VerifyCodeModal, CogtuiApp):
        for binding in screen.BINDINGS:
            for key in binding.key.split(","):  # type: ignore[union-attr]
                assert key in listed, (screen.__name__, key)


async def test_help_opens_on_question_mark_and_f1():
    async with fake_app(FakeCognito()).run_test(size=(80, 24)) as pilot:
        await profile(pilot)
        for key in ("question_mark", "f1"):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(pilot.app.screen, HelpScreen)
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(pilot.app.screen, ProfileScreen)
