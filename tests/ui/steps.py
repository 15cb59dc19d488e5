"""Pilot steps shared by the UI stories: what a person does, one key at a time."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.pilot import Pilot

from cogtui.app import CogtuiApp
from cogtui.screens.profile import ProfileScreen
from cogtui.screens.sign_in import SignInScreen
from tests.conftest import PASSWORD


def fake_app(cognito: Any, signed_in: bool = True, **options: Any) -> CogtuiApp:
    """The app on the fake Cognito, signed in unless told otherwise."""
    from fake_cognito import fake_session, fake_settings

    session = fake_session(cognito, signed_in=signed_in)
    return CogtuiApp(fake_settings(), session=session, **options)


async def profile(pilot: Pilot[Any]) -> ProfileScreen:
    """The profile screen, once it has loaded."""
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ProfileScreen), screen
    return screen


async def settle(pilot: Pilot[Any]) -> None:
    """Let every worker finish and the screen catch up."""
    for _ in range(4):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def sign_in(pilot: Pilot[Any], username: str, password: str = PASSWORD) -> ProfileScreen:
    """Type the username and password on the sign-in screen; the profile opens."""
    await settle(pilot)
    assert isinstance(pilot.app.screen, SignInScreen), pilot.app.screen
    await pilot.press(*username, "enter", *password, "enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ProfileScreen), screen
    return screen


async def go_to(pilot: Pilot[Any], screen: ProfileScreen, name: str) -> None:
    names = [row.name for row in screen.table.rows_shown]
    await pilot.press("home", *["down"] * names.index(name))
    assert screen.table.current_name == name


async def edit(pilot: Pilot[Any], screen: ProfileScreen, name: str, value: str) -> None:
    await go_to(pilot, screen, name)
    await pilot.press("e", "ctrl+u", *value, "enter")


def notifications(pilot: Pilot[Any]) -> str:
    """Every notification shown so far, titles and messages, as one text."""
    return "\n".join(f"{n.title}: {n.message}" for n in pilot.app._notifications)


async def burst(pilot: Pilot[Any], *keys: str) -> None:
    """Keys read in one go, as from a paste or tmux send-keys: no waiting between them."""
    for key in keys:
        character = key if len(key) == 1 else {"enter": "\r", "backspace": "\x7f"}.get(key)
        pilot.app.post_message(events.Key(key, character))
    await settle(pilot)
