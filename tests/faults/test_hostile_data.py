"""Hostile data from the server, shown to the user: `cogtui get`, `get --json` and the TUI.

Each case is a value (or an attribute name, or a username) a terminal must not interpret,
seeded on a real emulator (see seeding.py). The plain output and the screen show it with
visible escapes and markup as typed; `--json` gives back the exact value; no raw control
byte reaches the terminal; editing, clearing, reverting and reviewing such a row work.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from textual.widgets import Static

from cogtui.app import CogtuiApp
from cogtui.display import shown
from cogtui.screens.profile import ProfileScreen
from cogtui.screens.review import ReviewModal
from cogtui.screens.sign_in import SignInScreen
from cogtui.screens.verify_code import VerifyCodeModal
from cogtui.vault import MemoryStore
from tests.conftest import PASSWORD, Pool, Story
from tests.ui.steps import burst, settle, sign_in

from .seeding import (
    HOSTILE_NAMES,
    HOSTILE_USERNAME,
    HOSTILE_VALUES,
    assert_drawn_safely,
    attribute,
    hostile_attributes,
    hostile_pool,
    raw_controls,
    rendered,
    screen_lines,
    seed_hostile_user,
    seed_user,
    signed_in_store,
    value_of,
    visible,
)

CASES = [*HOSTILE_VALUES, *HOSTILE_NAMES]
SIZE = (120, 40)
SEEN = 40  # characters of a shown value that fit in the table's value column at 120 columns


def app_for(pool: Pool, user: str | None = None) -> CogtuiApp:
    """The app on this pool; with `user`, already signed in as them (tokens in the store)."""
    store = signed_in_store(pool, user) if user else MemoryStore()
    return CogtuiApp(pool.settings(auth_flow="password", use_keyring=False), store=store)


async def profile(pilot: Any) -> ProfileScreen:
    await settle(pilot)
    assert isinstance(pilot.app.screen, ProfileScreen), pilot.app.screen
    return pilot.app.screen


async def go_to(pilot: Any, screen: ProfileScreen, name: str) -> None:
    """The cursor to the row of `name` (keys sent in one go: many rows, no waiting)."""
    names = [row.name for row in screen.table.rows_shown]
    await burst(pilot, "home", *["down"] * names.index(name))
    assert screen.table.current_name == name


def modal_text(app: Any) -> str:
    """Every Static (and Label) of the screen on top, as plain text, one per line."""
    return "\n".join(rendered(widget) for widget in app.screen.query(Static))


def row_line(app: Any, name: str) -> str:
    """The line of the attribute table that shows the attribute `name`."""
    table = app.screen.query_one("#attributes").region
    label = visible(name)
    drawn = screen_lines(app)[table.y : table.bottom]
    lines = [line for line in drawn if f" {label} " in line]
    assert len(lines) == 1, (label, lines)
    return lines[0]


def detail(screen: ProfileScreen) -> str:
    return rendered(screen.query_one("#row-detail", Static))


# -- the display function ------------------------------------------------------------------
@pytest.mark.parametrize("case", HOSTILE_VALUES)
def test_shown_turns_controls_into_visible_escapes_and_keeps_the_rest(case: str) -> None:
    value = HOSTILE_VALUES[case]
    assert shown(value) == visible(value)
    assert not raw_controls(shown(value))


@pytest.mark.parametrize(
    "markup", ["[/x]", "[bold red]x[/]", "[@click=app.quit]q[/]", "[link=http://evil]x[/link]"]
)
def test_shown_keeps_markup_exactly_as_typed(markup: str) -> None:
    assert shown(markup) == markup


def test_shown_keeps_rtl_letters_emoji_and_cjk() -> None:
    for case in ("arabic", "hebrew", "emoji_zwj", "cjk", "long_3000"):
        assert shown(HOSTILE_VALUES[case]) == HOSTILE_VALUES[case], case


# -- cogtui get, on both emulators ---------------------------------------------------------
@pytest.fixture(
    params=[
        pytest.param("moto", marks=pytest.mark.moto),
        pytest.param("cognito_local", marks=pytest.mark.cognito_local),
    ]
)
def seeded(request: pytest.FixtureRequest, record: Any, cogtui_cli: Any, memory_keyring: Any):
    """(story, user): a user holding every hostile attribute, signed in with `cogtui login`."""
    fixture = "moto_endpoint" if request.param == "moto" else "cognito_local_endpoint"
    pool = hostile_pool(request.getfixturevalue(fixture))
    user = seed_hostile_user(pool, given_name="Ada")
    story = Story(pool, record(pool), cogtui_cli, memory_keyring, flow="password")
    ran = story.login(user, PASSWORD)
    assert ran.code == 0, ran.err
    return story, user


def test_get_prints_every_value_with_visible_escapes_and_markup_as_typed(seeded: Any) -> None:
    story, user = seeded
    ran = story("get")
    assert ran.code == 0, ran.err
    assert raw_controls(ran.out, allow="\n") == []
    lines = ran.out.splitlines()
    held = story.pool.attributes(user)
    assert len(lines) == len(held), "a value broke the one-line-per-attribute layout"
    rows = dict(line.split(None, 1) for line in lines)
    wrong = [
        case
        for case in CASES
        if rows.get(visible(attribute(case)), "").rstrip() != visible(value_of(case))
    ]
    assert wrong == [], f"shown wrongly by `cogtui get`: {wrong}"


def test_get_json_gives_back_the_exact_values_and_no_raw_control_byte(seeded: Any) -> None:
    story, user = seeded
    ran = story("get", "--json")
    assert ran.code == 0, ran.err
    assert raw_controls(ran.out, allow="\n") == []
    printed = json.loads(ran.out)
    assert printed == story.pool.attributes(user)
    wrong = [case for case in CASES if printed.get(attribute(case)) != value_of(case)]
    assert wrong == [], f"not given back exactly by `get --json`: {wrong}"


# -- the TUI, on moto -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def moto_hostile(moto_endpoint: str) -> tuple[Pool, str]:
    """One pool and user with every hostile attribute, for the tests that save nothing."""
    pool = hostile_pool(moto_endpoint)
    return pool, seed_hostile_user(pool, given_name="Ada")


@pytest.mark.moto
@pytest.mark.parametrize("case", CASES)
async def test_a_hostile_row_is_shown_literally_while_cleared_reverted_edited_and_reviewed(
    moto_hostile: tuple[Pool, str], case: str
) -> None:
    pool, user = moto_hostile
    name, value = attribute(case), value_of(case)
    app = app_for(pool, user)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await profile(pilot)
        assert_drawn_safely(app)

        # The table and the line under it.
        await go_to(pilot, screen, name)
        assert visible(value)[:SEEN] in row_line(app, name)
        assert visible(name) in detail(screen)
        assert_drawn_safely(app)

        # Clear: the line under the table says what it was.
        await pilot.press("x")
        await pilot.pause()
        assert screen.draft.row(name).status == "cleared"
        assert visible(value)[:SEEN] in detail(screen)
        assert_drawn_safely(app)

        # Review the clear, then go back.
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReviewModal), app.screen
        assert visible(name) in modal_text(app)
        assert visible(value)[:SEEN] in modal_text(app)
        assert_drawn_safely(app)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen

        # Revert.
        await pilot.press("u")
        await pilot.pause()
        assert name not in screen.draft.edits
        assert visible(value)[:SEEN] in row_line(app, name)
        assert_drawn_safely(app)

        # Edit: the editor holds the value without drawing a raw control; Enter keeps the new.
        await pilot.press("e")
        await pilot.pause()
        assert_drawn_safely(app)
        await burst(pilot, "ctrl+u", *"tame", "enter")
        assert screen.draft.edits.get(name) == "tame", screen.draft.edits
        assert visible(value)[:SEEN] in detail(screen)
        assert_drawn_safely(app)

        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReviewModal), app.screen
        assert visible(value)[:SEEN] in modal_text(app)
        assert_drawn_safely(app)
        await pilot.press("escape")
        await pilot.pause()

        assert app.is_running
        assert app.screen is screen
    assert pool.attributes(user)[name] == value  # nothing was saved


ESCAPED = [case for case, value in HOSTILE_VALUES.items() if visible(value) != value]


@pytest.mark.moto
@pytest.mark.parametrize("case", ESCAPED)
async def test_enter_in_the_editor_without_typing_leaves_the_value_as_it_was(
    moto_hostile: tuple[Pool, str], case: str
) -> None:
    """The editor may show escapes for control characters, but an edit that changes nothing
    must not turn the value into its escapes (a save would then write backslashes)."""
    pool, user = moto_hostile
    name = attribute(case)
    app = app_for(pool, user)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await profile(pilot)
        await go_to(pilot, screen, name)
        await pilot.press("e")
        await burst(pilot, "enter")
        assert app.screen is screen
        assert name not in screen.draft.edits, screen.draft.edits.get(name)
        assert not screen.draft.dirty
        assert_drawn_safely(app)


@pytest.mark.moto
async def test_every_hostile_row_at_once_draws_no_raw_control_character(
    moto_hostile: tuple[Pool, str],
) -> None:
    pool, user = moto_hostile
    app = app_for(pool, user)
    async with app.run_test(size=(160, 60), notifications=True) as pilot:
        screen = await profile(pilot)
        names = [row.name for row in screen.table.rows_shown]
        assert set(hostile_attributes()) <= set(names)
        for _ in names:  # every row under the cursor once, with its line under the table
            assert_drawn_safely(app)
            await pilot.press("down")
            await pilot.pause()
        assert app.is_running


@pytest.mark.moto
async def test_a_username_with_markup_is_shown_literally_on_every_screen(
    moto_pool: Pool,
) -> None:
    user = seed_user(moto_pool, {"given_name": "Ada"}, username=HOSTILE_USERNAME)
    app = app_for(moto_pool)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await sign_in(pilot, user)
        assert any(visible(user) in line for line in screen_lines(app)), screen_lines(app)[:2]
        assert_drawn_safely(app)

        # The session ends elsewhere: the sign-in screen names the user to sign in again as.
        moto_pool.admin.admin_user_global_sign_out(UserPoolId=moto_pool.user_pool_id, Username=user)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen), app.screen
        assert visible(user) in modal_text(app)
        assert_drawn_safely(app)

        await pilot.press(*PASSWORD, "enter")
        await settle(pilot)
        assert isinstance(app.screen, ProfileScreen), app.screen
        assert_drawn_safely(app)
        assert app.is_running


# -- the TUI, on cognito-local ----------------------------------------------------------------
@pytest.mark.cognito_local
async def test_hostile_values_cleared_and_edited_are_saved_exactly(
    cognito_local_endpoint: str, record: Any
) -> None:
    pool = hostile_pool(cognito_local_endpoint)
    user = seed_hostile_user(pool, given_name="Ada")
    server = record(pool)
    app = app_for(pool, user)
    click = HOSTILE_VALUES["markup_click"]
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await profile(pilot)
        await go_to(pilot, screen, attribute("markup_close"))
        await pilot.press("x")
        await go_to(pilot, screen, attribute("markup_style"))
        await pilot.press("e")
        await burst(pilot, "ctrl+u", *click, "enter")
        assert screen.draft.payload() == {
            attribute("markup_close"): "",
            attribute("markup_style"): click,
        }
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReviewModal), app.screen
        assert_drawn_safely(app)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen and not screen.draft.dirty
        assert click in row_line(app, attribute("markup_style"))
        assert_drawn_safely(app)
        assert app.is_running
    held = pool.attributes(user)
    assert attribute("markup_close") not in held
    assert held[attribute("markup_style")] == click
    sent = server.of("UpdateUserAttributes")[-1].body["UserAttributes"]
    assert {a["Name"]: a["Value"] for a in sent} == {
        attribute("markup_close"): "",
        attribute("markup_style"): click,
    }


@pytest.mark.cognito_local
async def test_a_server_message_naming_a_markup_attribute_is_shown_literally(
    cognito_local_endpoint: str,
) -> None:
    pool = hostile_pool(cognito_local_endpoint)
    user = seed_user(pool, {"given_name": "Ada"})
    app = app_for(pool, user)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await profile(pilot)
        # Not in the pool's schema: cognito-local refuses it, naming it in its message.
        await pilot.press("a")
        await burst(pilot, *"[/x]", "enter", *"[b]v[/b]", "enter")
        assert screen.draft.payload() == {"custom:[/x]": "[b]v[/b]"}
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running
        assert app.screen is screen
        assert screen.draft.payload() == {"custom:[/x]": "[b]v[/b]"}  # kept
        await go_to(pilot, screen, "custom:[/x]")
        await settle(pilot)
        assert "[b]v[/b]" in row_line(app, "custom:[/x]")
        assert_drawn_safely(app)
    assert "custom:[/x]" not in pool.attributes(user)


@pytest.mark.cognito_local
async def test_a_code_destination_with_markup_is_shown_literally(
    cognito_local_endpoint: str,
) -> None:
    # cognito-local says where the code for a changed email went: the new address as given.
    pool = hostile_pool(cognito_local_endpoint, AutoVerifiedAttributes=["email"])
    user = seed_user(pool, {"email": "ada@example.com", "email_verified": "true"})
    destination = "[/x][link=http://evil][b]ada[/b][/link]@evil.example"  # one @: an email
    app = app_for(pool, user)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await profile(pilot)
        await go_to(pilot, screen, "email")
        await pilot.press("e")
        await burst(pilot, "ctrl+u", *destination, "enter")
        assert screen.draft.payload() == {"email": destination}
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReviewModal), app.screen
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, VerifyCodeModal), app.screen
        assert destination in modal_text(app)
        assert_drawn_safely(app)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert_drawn_safely(app)
        assert app.is_running
