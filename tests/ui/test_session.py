"""Signing out, and a session that ends or expires while the app is open; against real
emulators, with tokens in a real Secret Service where the keyring is the point."""

from __future__ import annotations

from typing import Any

import jwt
import pytest
from steps import edit, notifications, settle, sign_in
from textual.pilot import Pilot

from cogtui import tokens
from cogtui.app import CogtuiApp
from cogtui.screens.profile import ProfileScreen
from cogtui.screens.review import ReviewModal
from cogtui.screens.sign_in import SignInScreen
from cogtui.screens.sign_out import SignOutModal
from cogtui.vault import MemoryStore, Tokens
from tests.conftest import Pool, cogtui_entries


def token_entries(backend: Any, pool: Pool) -> list[str]:
    """The keyring items that hold this pool's session (vault v2: one, `@session`)."""
    service = f"cogtui:{pool.user_pool_id}:{pool.client_id}"
    return [user for found, user in cogtui_entries(backend) if found == service]


async def sign_out(pilot: Pilot[Any], key: str) -> None:
    await pilot.press("ctrl+l")
    await pilot.pause()
    assert isinstance(pilot.app.screen, SignOutModal)
    await pilot.press(key)
    await settle(pilot)


@pytest.mark.cognito_local
@pytest.mark.secret_service
async def test_sign_out_here_removes_the_tokens_from_the_keyring(
    local_pool: Pool, secret_service: Any, record: Any
):
    user = local_pool.add_user(given_name="Ada")
    server = record(local_pool)
    app = CogtuiApp(local_pool.settings(auth_flow="password"))
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot, user)
        assert token_entries(secret_service, local_pool) == ["@session"]
        await pilot.press("ctrl+l")
        await pilot.pause()
        await pilot.press("escape")  # "Stay" keeps the session
        await pilot.pause()
        assert isinstance(app.screen, ProfileScreen)
        assert token_entries(secret_service, local_pool) == ["@session"]
        await sign_out(pilot, "h")
        assert isinstance(app.screen, SignInScreen)
        assert token_entries(secret_service, local_pool) == []
    assert "GlobalSignOut" not in server.operations()


@pytest.mark.moto
@pytest.mark.secret_service
async def test_sign_out_everywhere_sends_global_sign_out(
    moto_pool: Pool, secret_service: Any, record: Any
):
    user = moto_pool.add_user(given_name="Ada")
    server = record(moto_pool)
    app = CogtuiApp(moto_pool.settings(auth_flow="password"))
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot, user)
        assert token_entries(secret_service, moto_pool) == ["@session"]
        await sign_out(pilot, "g")
        assert isinstance(app.screen, SignInScreen)
        assert token_entries(secret_service, moto_pool) == []
    assert len(server.of("GlobalSignOut")) == 1


@pytest.mark.cognito_local
async def test_sign_out_everywhere_on_a_server_without_it_still_signs_out_here(
    local_pool: Pool, record: Any
):
    user = local_pool.add_user(given_name="Ada")
    store = MemoryStore()
    app = CogtuiApp(local_pool.settings(auth_flow="password", use_keyring=False), store=store)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot, user)
        await sign_out(pilot, "g")
        assert isinstance(app.screen, SignInScreen)
        assert store.entries == {}
        shown = [n.message for n in app._notifications]
        assert any("not everywhere" in message for message in shown), shown


@pytest.mark.moto
async def test_session_ended_elsewhere_sign_in_again_and_the_draft_is_saved(
    moto_pool: Pool, record: Any
):
    user = moto_pool.add_user(given_name="Ada", family_name="Lovelace")
    server = record(moto_pool)
    app = CogtuiApp(moto_pool.settings(auth_flow="password", use_keyring=False))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await sign_in(pilot, user)
        await edit(pilot, screen, "given_name", "Augusta")
        # An administrator ends every session of the user: the access and refresh tokens die.
        moto_pool.admin.admin_user_global_sign_out(UserPoolId=moto_pool.user_pool_id, Username=user)
        await pilot.press("ctrl+s")  # the check for changes made elsewhere meets the dead session
        await settle(pilot)
        sign_in_screen = app.screen
        assert isinstance(sign_in_screen, SignInScreen)
        assert "unsaved edits are kept" in str(sign_in_screen.query_one(".notice").render())
        assert screen.draft.row("given_name").status == "changed"
        await pilot.press(*moto_pool.users[user], "enter")  # the username is filled in
        await settle(pilot)
        assert app.screen is screen
        assert screen.draft.row("given_name").value == "Augusta"
        assert screen.draft.row("given_name").status == "changed"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReviewModal)
        await pilot.press("enter")
        await settle(pilot)
        assert not screen.draft.dirty
        assert "eyJ" not in notifications(pilot)  # moto echoes a refused token as its message
    assert moto_pool.attributes(user)["given_name"] == "Augusta"
    updates = server.of("UpdateUserAttributes")
    assert len(updates) == 1  # the check before the review met the dead token: sent once, after
    assert updates[-1].body["UserAttributes"] == [{"Name": "given_name", "Value": "Augusta"}]
    refreshes = [r for r in server.of("InitiateAuth") if r.body["AuthFlow"] == "REFRESH_TOKEN_AUTH"]
    assert len(refreshes) == 1  # tried once, refused


@pytest.mark.moto
async def test_access_token_about_to_expire_is_refreshed_before_the_call(
    moto_pool: Pool, record: Any, monkeypatch: pytest.MonkeyPatch
):
    user = moto_pool.add_user(given_name="Ada")
    server = record(moto_pool)
    app = CogtuiApp(moto_pool.settings(auth_flow="password", use_keyring=False))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await sign_in(pilot, user)
        before = len(server.requests)
        # Every token now counts as expiring within the refresh margin.
        monkeypatch.setattr(tokens, "REFRESH_MARGIN", 10**9)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ProfileScreen)
        assert screen.draft.value("given_name") == "Ada"
    sent = [(r.operation, r.body.get("AuthFlow")) for r in server.requests[before:]]
    assert sent == [("InitiateAuth", "REFRESH_TOKEN_AUTH"), ("GetUser", None)]


@pytest.mark.moto
async def test_access_token_refused_by_the_server_is_refreshed_and_the_call_retried_once(
    moto_pool: Pool, record: Any
):
    user = moto_pool.add_user(given_name="Ada")
    server = record(moto_pool)
    app = CogtuiApp(moto_pool.settings(auth_flow="password", use_keyring=False))
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await sign_in(pilot, user)
        session = screen.session
        # The server no longer takes the access token while its claims say it is still good
        # (moto's GlobalSignOut would end the refresh token too): the same claims, re-signed,
        # make a token the server never issued.
        stored = session.vault.load_tokens(user)
        key = "a key that moto never signed a token with"
        refused = jwt.encode(tokens.claims(stored.access_token), key, algorithm="HS256")
        session.vault.save_tokens(user, Tokens(stored.id_token, refused, stored.refresh_token))
        assert session.resume()
        before = len(server.requests)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ProfileScreen)
        assert screen.draft.value("given_name") == "Ada"
    sent = [(r.operation, r.body.get("AuthFlow")) for r in server.requests[before:]]
    assert sent == [("GetUser", None), ("InitiateAuth", "REFRESH_TOKEN_AUTH"), ("GetUser", None)]
