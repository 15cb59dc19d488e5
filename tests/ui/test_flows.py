"""The user's story on the screen, against real emulators over HTTP; asserting on what the
server then holds and on what it received."""

from __future__ import annotations

from typing import Any

import pytest
from steps import edit, go_to, settle, sign_in

from cogtui.app import CogtuiApp
from cogtui.screens.profile import ProfileScreen
from cogtui.screens.review import ReviewModal
from cogtui.screens.verify_code import VerifyCodeModal
from cogtui.vault import MemoryStore
from tests.conftest import FIXED_CODE, Pool


def app_for(pool: Pool, flow: str = "password") -> CogtuiApp:
    return CogtuiApp(pool.settings(auth_flow=flow, use_keyring=False), store=MemoryStore())


@pytest.mark.cognito_local
async def test_edit_one_clear_another_save_sends_exactly_those(local_pool: Pool, record: Any):
    user = local_pool.add_user(given_name="Ada", nickname="countess", family_name="Lovelace")
    server = record(local_pool)
    app = app_for(local_pool)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await sign_in(pilot, user)
        await edit(pilot, screen, "given_name", "Augusta")
        await go_to(pilot, screen, "nickname")
        await pilot.press("x")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ReviewModal)
        await pilot.press("enter")
        await settle(pilot)
        assert not screen.draft.dirty
    held = local_pool.attributes(user)
    assert held["given_name"] == "Augusta"
    assert "nickname" not in held
    assert held["family_name"] == "Lovelace"
    updates = server.of("UpdateUserAttributes")
    assert len(updates) == 1
    sent = {a["Name"]: a["Value"] for a in updates[0].body["UserAttributes"]}
    assert sent == {"given_name": "Augusta", "nickname": ""}


@pytest.mark.cognito_local
async def test_email_change_wrong_code_then_right_code(verifying_pool: Pool, record: Any):
    user = verifying_pool.add_user(email="ada@example.com", email_verified="true")
    server = record(verifying_pool)
    app = app_for(verifying_pool)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await sign_in(pilot, user)
        await edit(pilot, screen, "email", "ada@newmail.org")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, VerifyCodeModal)
        assert verifying_pool.attributes(user)["email"] == "ada@example.com"  # not yet
        await pilot.press(*"111111", "enter")
        await settle(pilot)
        assert app.screen is modal
        assert "not correct" in str(modal.query_one("#code-problem").render())
        await pilot.press(*FIXED_CODE, "enter")
        await settle(pilot)
        assert isinstance(app.screen, ProfileScreen)
        assert screen.draft.row("email").status == "verified"
    held = verifying_pool.attributes(user)
    assert held["email"] == "ada@newmail.org"
    assert held["email_verified"] == "true"
    assert len(server.of("UpdateUserAttributes")) == 1
    assert len(server.of("VerifyUserAttribute")) == 2


@pytest.mark.cognito_local
async def test_unknown_custom_attribute_is_marked_and_the_draft_kept(local_pool: Pool, record: Any):
    user = local_pool.add_user(given_name="Ada")
    record(local_pool)
    app = app_for(local_pool)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await sign_in(pilot, user)
        await edit(pilot, screen, "given_name", "Augusta")
        await pilot.press("a", *"nosuch", "enter", *"value", "enter")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert screen.draft.payload() == {"given_name": "Augusta", "custom:nosuch": "value"}
        row = screen.draft.row("custom:nosuch")
        assert row.problem, row
    assert local_pool.attributes(user).get("given_name") == "Ada"


@pytest.mark.cognito_local
async def test_nothing_changed_save_sends_nothing(local_pool: Pool, record: Any):
    user = local_pool.add_user(given_name="Ada")
    server = record(local_pool)
    app = app_for(local_pool)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await sign_in(pilot, user)
        before = len(server.requests)
        await edit(pilot, screen, "given_name", "Ada")  # the same value is no change
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ProfileScreen)
        assert len(server.requests) == before
    assert server.of("UpdateUserAttributes") == []


@pytest.mark.cognito_local
async def test_quit_with_unsaved_edits_asks_first(local_pool: Pool):
    user = local_pool.add_user(given_name="Ada")
    app = app_for(local_pool)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await sign_in(pilot, user)
        await edit(pilot, screen, "given_name", "Augusta")
        await pilot.press("q")
        await pilot.pause()
        assert app.is_running and app.screen is not screen
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and screen.draft.dirty
        await pilot.press("q", "enter")  # Enter presses the focused, safe button
        await pilot.pause()
        assert app.screen is screen and app.is_running
        await pilot.press("q", "y")
        await pilot.pause()
        assert not app.is_running
    assert local_pool.attributes(user)["given_name"] == "Ada"


@pytest.mark.moto
async def test_srp_sign_in_on_the_screen_opens_the_table(moto_pool: Pool, record: Any):
    user = moto_pool.add_user(given_name="Ada", email="ada@example.com")
    server = record(moto_pool)
    app = app_for(moto_pool, flow="srp")
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await sign_in(pilot, user)
        names = [row.name for row in screen.table.rows_shown]
        assert "given_name" in names and "email" in names
    flows = [r.body.get("AuthFlow") for r in server.of("InitiateAuth")]
    assert flows == ["USER_SRP_AUTH"]
