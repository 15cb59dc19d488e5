"""The editor against a hostile server: loading the profile with stored tokens, saving an
edit, signing in, entering a verification code.

The user's view afterwards: the app is still running, one sentence says what went wrong
(a notification, or the line under the form or the table), the draft's edits are intact
after a failed save, and no secret (token, password, code) is on screen or in a
notification.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from textual.pilot import Pilot

from cogtui.app import CogtuiApp
from cogtui.config import Settings
from cogtui.screens.profile import ProfileScreen
from cogtui.screens.review import ReviewModal
from cogtui.screens.sign_in import SignInScreen
from cogtui.screens.verify_code import VerifyCodeModal
from cogtui.vault import MemoryStore, Vault
from tests.conftest import fake_tokens
from tests.ui.steps import edit, go_to, notifications, settle

from .conftest import (
    CLIENT_ID,
    CODE,
    CONNECT_TIMEOUT,
    PASSWORD,
    POOL_ID,
    READ_TIMEOUT,
    REGION,
    TIMEOUTS,
    MotoUser,
    SecretCheck,
    auth_result,
    screen_text,
)
from .hostile import ATTRIBUTES, USERNAME, HostileServer

SIZE = (100, 30)
PLACES = ("#sign-in-problem", "#code-problem", "#row-detail")


@dataclass
class Editor:
    app: CogtuiApp
    server: HostileServer


@pytest.fixture
def editor(
    hostile: Callable[..., HostileServer],
    no_secret: SecretCheck,
    monkeypatch: pytest.MonkeyPatch,
) -> Callable[..., Editor]:
    """`editor(behaviour, targets=..., signed_in=True)` -> the app against a hostile server,
    grace's (fake) tokens stored first when `signed_in`."""
    for name, value in TIMEOUTS.items():
        monkeypatch.setenv(name, value)

    def make(
        behaviour: str, signed_in: bool = True, moto: MotoUser | None = None, **options: Any
    ) -> Editor:
        if moto is not None:
            pool_id, client_id, tokens = moto.pool.user_pool_id, moto.pool.client_id, moto.tokens
            options["upstream"] = moto.pool.endpoint
        else:
            pool_id, client_id = POOL_ID, CLIENT_ID
            tokens = fake_tokens(pool_id, client_id, USERNAME, refresh_token="fake-refresh-tu1")
            no_secret.add_tokens("a token", tokens)
            options["auth_result"] = auth_result(tokens)
        server = hostile(behaviour, **options)
        store = MemoryStore()
        if signed_in:
            Vault(store, pool_id, client_id).save_tokens(USERNAME, tokens)
        settings = Settings(
            user_pool_id=pool_id,
            client_id=client_id,
            region=REGION,
            endpoint_url=server.url,
            auth_flow="password",
            use_keyring=False,
            connect_timeout=float(CONNECT_TIMEOUT),
            read_timeout=float(READ_TIMEOUT),
        )
        return Editor(CogtuiApp(settings, store=store), server)

    return make


# -- what the user sees ----------------------------------------------------------------------
def widget_text(app: Any, selector: str) -> str:
    found = app.screen.query(selector)
    return str(found.first().render()).strip() if found else ""


def sentences_shown(pilot: Pilot[Any]) -> list[str]:
    """What the screen says went wrong: error and warning notifications, and the problem
    lines (marked ⚠) under the form, the code field or the table (where the row's own line
    follows its problem after a ` · `)."""
    app = pilot.app
    found = [str(n.message) for n in app._notifications if n.severity in ("error", "warning")]
    for selector in PLACES:
        text = widget_text(app, selector)
        if text.startswith("⚠"):
            problem = text.removeprefix("⚠").strip()
            if selector == "#row-detail":
                problem = problem.split(" · ")[0]
            found.append(problem)
    return found


def assert_one_sentence(pilot: Pilot[Any]) -> str:
    shown = sentences_shown(pilot)
    assert shown, f"nothing says what went wrong; notifications: {notifications(pilot)!r}"
    distinct = set(shown)
    assert len(distinct) == 1, f"more than one thing went wrong? {shown!r}"
    sentence = shown[0]
    assert "\n" not in sentence.strip() and sentence.rstrip().endswith("."), sentence
    assert "Traceback" not in sentence and "Error:" not in sentence, sentence
    return sentence


def assert_still_running(app: CogtuiApp) -> None:
    assert app.is_running and app.return_code is None, app.return_code


async def profile_loaded(pilot: Pilot[Any]) -> ProfileScreen:
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ProfileScreen), screen
    assert screen.draft.original == ATTRIBUTES, screen.draft.original
    return screen


async def review_and_save(pilot: Pilot[Any]) -> None:
    await pilot.press("ctrl+s")
    await settle(pilot)  # the save first reads what the server holds now
    assert isinstance(pilot.app.screen, ReviewModal), pilot.app.screen
    await pilot.press("enter")
    await settle(pilot)


# -- loading the profile with stored tokens ------------------------------------------------------
LOAD_FAILURES = [
    "refuse",
    "hang",
    "slow",
    "ssh-banner",
    "reset",
    "html-500",
    "empty-200",
    "json-list",
    "wrong-types",
    "wrong-missing",
    "truncated",
    "non-utf8",
    "echo-400",
]


@pytest.mark.parametrize("behaviour", LOAD_FAILURES)
async def test_loading_the_profile_from_a_hostile_server_says_one_sentence(
    editor: Any, no_secret: SecretCheck, behaviour: str
) -> None:
    world = editor(behaviour, targets={"GetUser"})
    async with world.app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(world.app.screen, ProfileScreen), world.app.screen
        assert_one_sentence(pilot)
        assert_still_running(world.app)
        no_secret(screen_text(world.app))
    if behaviour != "refuse":
        assert "GetUser" in world.server.operations()


async def test_loading_the_profile_throttled_then_answered_shows_it(
    editor: Any, no_secret: SecretCheck
) -> None:
    world = editor("throttle-then-ok", targets={"GetUser"})
    async with world.app.run_test(size=SIZE) as pilot:
        await profile_loaded(pilot)
        assert sentences_shown(pilot) == []
        assert_still_running(world.app)
        no_secret(screen_text(world.app))
    assert world.server.operations() == ["GetUser", "GetUser"]


# -- saving an edit --------------------------------------------------------------------------
SAVE_FAILURES = [
    "hang",
    "reset",
    "ssh-banner",
    "html-500",
    "json-list",
    "wrong-types",
    "echo-400",
]


@pytest.mark.parametrize("behaviour", SAVE_FAILURES)
async def test_a_save_the_server_mangles_keeps_the_edits_and_says_one_sentence(
    editor: Any, no_secret: SecretCheck, behaviour: str
) -> None:
    world = editor(behaviour, targets={"UpdateUserAttributes"})
    async with world.app.run_test(size=SIZE) as pilot:
        screen = await profile_loaded(pilot)
        await edit(pilot, screen, "nickname", "x")
        assert screen.draft.edits == {"nickname": "x"}
        await review_and_save(pilot)
        assert pilot.app.screen is screen
        assert screen.draft.edits == {"nickname": "x"}  # nothing typed is lost
        assert_one_sentence(pilot)
        assert_still_running(world.app)
        no_secret(screen_text(world.app))
    assert world.server.attributes["nickname"] == "gracie"
    assert world.server.of("UpdateUserAttributes")


async def test_a_save_throttled_then_answered_is_saved(editor: Any, no_secret: SecretCheck) -> None:
    world = editor("throttle-then-ok", targets={"UpdateUserAttributes"})
    async with world.app.run_test(size=SIZE) as pilot:
        screen = await profile_loaded(pilot)
        await edit(pilot, screen, "nickname", "x")
        await review_and_save(pilot)
        assert not screen.draft.dirty
        assert screen.draft.original["nickname"] == "x"
        assert sentences_shown(pilot) == []
        assert "Saved" in notifications(pilot)
        no_secret(screen_text(world.app))
    assert len(world.server.of("UpdateUserAttributes")) == 2
    assert world.server.attributes["nickname"] == "x"


async def test_a_save_whose_answer_comes_too_late_after_the_write_landed_is_saved(
    editor: Any, no_secret: SecretCheck
) -> None:
    """The server applied the change and answered after the read timeout: the editor must
    not say "not saved" when the server holds the value."""
    world = editor("slow", targets={"UpdateUserAttributes"})
    async with world.app.run_test(size=SIZE) as pilot:
        screen = await profile_loaded(pilot)
        await edit(pilot, screen, "nickname", "x")
        await review_and_save(pilot)
        assert "not saved" not in notifications(pilot).lower()
        assert not screen.draft.dirty
        assert screen.draft.original["nickname"] == "x"
        assert_still_running(world.app)
        no_secret(screen_text(world.app))
    assert world.server.attributes["nickname"] == "x"


@pytest.mark.moto
async def test_a_save_whose_connection_drops_after_moto_applied_it_is_saved(
    editor: Any, moto_grace: MotoUser, no_secret: SecretCheck
) -> None:
    world = editor("dropped-after-write", moto=moto_grace, targets={"UpdateUserAttributes"})
    async with world.app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, ProfileScreen), screen
        assert screen.draft.original["nickname"] == "gracie"
        await edit(pilot, screen, "nickname", "x")
        await review_and_save(pilot)
        assert "not saved" not in notifications(pilot).lower()
        assert not screen.draft.dirty
        assert screen.draft.original["nickname"] == "x"
        assert_still_running(world.app)
        no_secret(screen_text(world.app))
    assert moto_grace.pool.attributes(USERNAME)["nickname"] == "x"
    assert world.server.dropped == 1


# -- signing in -------------------------------------------------------------------------------
SIGN_IN_FAILURES = [
    "refuse",
    "hang",
    "reset",
    "html-500",
    "json-list",
    "wrong-missing",
    "truncated",
    "echo-400",
]


async def type_sign_in(pilot: Pilot[Any]) -> SignInScreen:
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SignInScreen), screen
    await pilot.press(*USERNAME, "tab", *PASSWORD, "enter")
    await settle(pilot)
    return screen


@pytest.mark.parametrize("behaviour", SIGN_IN_FAILURES)
async def test_signing_in_against_a_hostile_server_says_one_sentence_on_the_form(
    editor: Any, no_secret: SecretCheck, behaviour: str
) -> None:
    world = editor(behaviour, signed_in=False, targets={"InitiateAuth", "RespondToAuthChallenge"})
    async with world.app.run_test(size=SIZE) as pilot:
        screen = await type_sign_in(pilot)
        assert pilot.app.screen is screen  # still on the form, not signed in
        assert_one_sentence(pilot)
        assert screen.query_one("#username").value == USERNAME  # what was typed stays
        assert_still_running(world.app)
        no_secret(screen_text(world.app))
    if behaviour != "refuse":
        sent = world.server.of("InitiateAuth")
        assert sent and sent[0].body["AuthParameters"]["PASSWORD"] == PASSWORD


async def test_signing_in_throttled_then_answered_opens_the_profile(
    editor: Any, no_secret: SecretCheck
) -> None:
    world = editor("throttle-then-ok", signed_in=False, targets={"InitiateAuth"})
    async with world.app.run_test(size=SIZE) as pilot:
        await type_sign_in(pilot)
        await profile_loaded(pilot)
        assert sentences_shown(pilot) == []
        no_secret(screen_text(world.app))
    assert len(world.server.of("InitiateAuth")) == 2


# -- entering a verification code ----------------------------------------------------------------
async def open_code_modal(pilot: Pilot[Any]) -> VerifyCodeModal:
    screen = await profile_loaded(pilot)
    await go_to(pilot, screen, "email")
    await pilot.press("v")
    await settle(pilot)
    modal = pilot.app.screen
    assert isinstance(modal, VerifyCodeModal), modal
    return modal


CODE_FAILURES = ["hang", "reset", "html-500", "json-null", "echo-400"]


@pytest.mark.parametrize("behaviour", CODE_FAILURES)
async def test_a_code_the_server_mangles_says_one_sentence_and_the_code_is_not_shown(
    editor: Any, no_secret: SecretCheck, behaviour: str
) -> None:
    world = editor(behaviour, targets={"VerifyUserAttribute"})
    async with world.app.run_test(size=SIZE) as pilot:
        modal = await open_code_modal(pilot)
        await pilot.press(*CODE, "enter")
        await settle(pilot)
        assert pilot.app.screen is modal  # still asking: the user may try again or leave
        assert_one_sentence(pilot)
        assert_still_running(world.app)
        no_secret(screen_text(world.app))
    sent = world.server.of("VerifyUserAttribute")
    assert sent and sent[0].body["Code"] == CODE
    assert world.server.attributes["email_verified"] == "false"


async def test_a_code_throttled_then_answered_verifies_the_email(
    editor: Any, no_secret: SecretCheck
) -> None:
    world = editor("throttle-then-ok", targets={"VerifyUserAttribute"})
    async with world.app.run_test(size=SIZE) as pilot:
        await open_code_modal(pilot)
        await pilot.press(*CODE, "enter")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, ProfileScreen), screen
        assert screen.draft.original["email_verified"] == "true"
        assert sentences_shown(pilot) == []
        no_secret(screen_text(world.app))
    assert len(world.server.of("VerifyUserAttribute")) == 2


@pytest.mark.parametrize("behaviour", ["html-500", "wrong-types", "hang"])
async def test_sending_a_code_the_server_mangles_says_one_sentence(
    editor: Any, no_secret: SecretCheck, behaviour: str
) -> None:
    world = editor(behaviour, targets={"GetUserAttributeVerificationCode"})
    async with world.app.run_test(size=SIZE) as pilot:
        screen = await profile_loaded(pilot)
        await go_to(pilot, screen, "email")
        await pilot.press("v")
        await settle(pilot)
        assert pilot.app.screen is screen  # no code modal for a code that was not sent
        assert_one_sentence(pilot)
        assert_still_running(world.app)
        no_secret(screen_text(world.app))
    assert world.server.of("GetUserAttributeVerificationCode")
