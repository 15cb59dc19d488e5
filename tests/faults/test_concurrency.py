"""Two writers on one user, and the session's tokens under two threads.

The app loads the profile; someone else (an administrator, or `cogtui set` in another
terminal) changes an attribute; ctrl+s fetches the attributes again before the review.
Where the draft changes the same attribute, the review shows both values: Enter saves the
draft's, `t` takes theirs. An attribute changed elsewhere that the draft does not touch is
kept (the save sends only the diff).

Under the UI, `Session` is shared by worker threads: a sign-out while a refresh is in flight
never lets the refreshed tokens back into the keyring, and two threads that find the access
token expiring make one REFRESH_TOKEN_AUTH request between them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from textual.widgets import Static

from cogtui import errors
from cogtui.app import CogtuiApp
from cogtui.screens.profile import ProfileScreen
from cogtui.screens.review import ReviewModal
from cogtui.session import Session, SignedIn
from cogtui.vault import MemoryStore, Tokens, Vault
from tests.conftest import PASSWORD, Pool, fake_tokens
from tests.ui.fake_cognito import CLIENT_ID, POOL_ID, fake_settings
from tests.ui.steps import burst, settle

from .seeding import rendered, signed_in_store

SIZE = (100, 30)


def app_on(pool: Pool, user: str) -> CogtuiApp:
    store = signed_in_store(pool, user)
    return CogtuiApp(pool.settings(auth_flow="password", use_keyring=False), store=store)


async def on_screen(pilot: Any, kind: type) -> Any:
    await settle(pilot)
    assert isinstance(pilot.app.screen, kind), pilot.app.screen
    return pilot.app.screen


async def edit(pilot: Any, screen: ProfileScreen, name: str, value: str) -> None:
    names = [row.name for row in screen.table.rows_shown]
    await burst(pilot, "home", *["down"] * names.index(name), "e", "ctrl+u")
    await burst(pilot, *value, "enter")
    assert screen.draft.value(name) == value


async def clear(pilot: Any, screen: ProfileScreen, name: str) -> None:
    names = [row.name for row in screen.table.rows_shown]
    await burst(pilot, "home", *["down"] * names.index(name), "x")
    assert screen.draft.row(name).status == "cleared"


def review_text(app: Any) -> str:
    return "\n".join(rendered(widget) for widget in app.screen.query(Static))


def sent_by_the_app(server: Any, since: int) -> list[dict[str, str]]:
    """The attributes of each UpdateUserAttributes the server received after `since`."""
    updates = server.of("UpdateUserAttributes")[since:]
    return [{a["Name"]: a["Value"] for a in u.body["UserAttributes"]} for u in updates]


def shown_value(screen: ProfileScreen, name: str) -> str:
    row = next(row for row in screen.table.rows_shown if row.name == name)
    return row.value


@pytest.fixture
def cogtui_set(cogtui_cli: Any, memory_keyring: Any) -> Callable[[Pool, str, str], None]:
    """`cogtui_set(pool, user, "NAME=VALUE")`: `cogtui login`, then `cogtui set`, in this
    process with a keyring of their own, as a second terminal would run them."""

    def run(pool: Pool, user: str, assignment: str) -> None:
        options = [*pool.cli_options(), "--auth-flow", "password"]
        login = ["login", "--username", user, "--password-stdin"]
        signed = cogtui_cli(*login, *options, stdin=PASSWORD + "\n")
        assert signed.code == 0, signed.err
        done = cogtui_cli("set", assignment, *options)
        assert done.code == 0, done.err

    return run


# -- two writers ---------------------------------------------------------------------------
@pytest.mark.moto
async def test_changed_elsewhere_the_review_shows_both_values_and_enter_saves_the_drafts(
    moto_pool: Pool, record: Any
) -> None:
    user = moto_pool.add_user(given_name="Ada", family_name="Lovelace")
    server = record(moto_pool)
    app = app_on(moto_pool, user)
    async with app.run_test(size=SIZE) as pilot:
        screen = await on_screen(pilot, ProfileScreen)
        await edit(pilot, screen, "given_name", "Augusta")
        moto_pool.admin.admin_update_user_attributes(
            UserPoolId=moto_pool.user_pool_id,
            Username=user,
            UserAttributes=[{"Name": "given_name", "Value": "Ida"}],
        )
        reads = len(server.of("GetUser"))
        await pilot.press("ctrl+s")
        await on_screen(pilot, ReviewModal)
        assert len(server.of("GetUser")) > reads, "the review did not fetch the attributes"
        text = review_text(app)
        assert "Ida" in text and "Augusta" in text, text
        updates = len(server.of("UpdateUserAttributes"))
        await pilot.press("enter")
        await on_screen(pilot, ProfileScreen)
        assert not screen.draft.dirty
        assert shown_value(screen, "given_name") == "Augusta"
    assert sent_by_the_app(server, updates) == [{"given_name": "Augusta"}]
    held = moto_pool.attributes(user)
    assert held["given_name"] == "Augusta" and held["family_name"] == "Lovelace"


@pytest.mark.moto
async def test_changed_elsewhere_by_cogtui_set_t_takes_theirs_and_keeps_the_other_edits(
    moto_pool: Pool, record: Any, cogtui_set: Callable[[Pool, str, str], None]
) -> None:
    user = moto_pool.add_user(given_name="Ada", nickname="countess")
    server = record(moto_pool)
    app = app_on(moto_pool, user)
    async with app.run_test(size=SIZE) as pilot:
        screen = await on_screen(pilot, ProfileScreen)
        await edit(pilot, screen, "given_name", "Augusta")
        await edit(pilot, screen, "nickname", "the countess")
        cogtui_set(moto_pool, user, "given_name=Ida")  # another terminal, same user
        updates = len(server.of("UpdateUserAttributes"))
        await pilot.press("ctrl+s")
        await on_screen(pilot, ReviewModal)
        text = review_text(app)
        assert "Ida" in text and "Augusta" in text, text
        await pilot.press("t")
        await settle(pilot)
        assert "given_name" not in screen.draft.edits
        assert screen.draft.value("given_name") == "Ida"
        assert shown_value(screen, "given_name") == "Ida"
        assert screen.draft.payload() == {"nickname": "the countess"}
        assert sent_by_the_app(server, updates) == [], "taking theirs sent something"
        if not isinstance(app.screen, ReviewModal):  # the review closed: review again
            await pilot.press("ctrl+s")
            await on_screen(pilot, ReviewModal)
        assert "Augusta" not in review_text(app)
        await pilot.press("enter")
        await on_screen(pilot, ProfileScreen)
        assert not screen.draft.dirty
    assert sent_by_the_app(server, updates) == [{"nickname": "the countess"}]
    held = moto_pool.attributes(user)
    assert held["given_name"] == "Ida" and held["nickname"] == "the countess"


@pytest.mark.moto
async def test_a_clear_against_a_change_elsewhere_shows_both_and_enter_clears(
    moto_pool: Pool, record: Any
) -> None:
    user = moto_pool.add_user(given_name="Ada", nickname="countess")
    server = record(moto_pool)
    app = app_on(moto_pool, user)
    async with app.run_test(size=SIZE) as pilot:
        screen = await on_screen(pilot, ProfileScreen)
        await clear(pilot, screen, "nickname")
        moto_pool.admin.admin_update_user_attributes(
            UserPoolId=moto_pool.user_pool_id,
            Username=user,
            UserAttributes=[{"Name": "nickname", "Value": "the enchantress"}],
        )
        updates = len(server.of("UpdateUserAttributes"))
        await pilot.press("ctrl+s")
        await on_screen(pilot, ReviewModal)
        text = review_text(app)
        assert "the enchantress" in text and "clear" in text, text
        await pilot.press("enter")
        await on_screen(pilot, ProfileScreen)
    assert sent_by_the_app(server, updates) == [{"nickname": ""}]
    assert moto_pool.attributes(user).get("nickname", "") == ""  # moto keeps a blank value


@pytest.mark.moto
async def test_an_attribute_changed_elsewhere_that_the_draft_does_not_touch_is_kept(
    moto_pool: Pool, record: Any, cogtui_set: Callable[[Pool, str, str], None]
) -> None:
    user = moto_pool.add_user(given_name="Ada", family_name="Lovelace", nickname="countess")
    server = record(moto_pool)
    app = app_on(moto_pool, user)
    async with app.run_test(size=SIZE) as pilot:
        screen = await on_screen(pilot, ProfileScreen)
        await edit(pilot, screen, "given_name", "Augusta")
        moto_pool.admin.admin_update_user_attributes(
            UserPoolId=moto_pool.user_pool_id,
            Username=user,
            UserAttributes=[{"Name": "family_name", "Value": "King"}],
        )
        cogtui_set(moto_pool, user, "nickname=enchantress")
        updates = len(server.of("UpdateUserAttributes"))
        await pilot.press("ctrl+s")
        await on_screen(pilot, ReviewModal)
        text = review_text(app)
        assert "King" not in text and "enchantress" not in text, text
        await pilot.press("enter")
        await on_screen(pilot, ProfileScreen)
        assert shown_value(screen, "family_name") == "King"
        assert shown_value(screen, "nickname") == "enchantress"
    assert sent_by_the_app(server, updates) == [{"given_name": "Augusta"}]
    held = moto_pool.attributes(user)
    assert held["given_name"] == "Augusta"
    assert held["family_name"] == "King"
    assert held["nickname"] == "enchantress"


# -- the session under two threads ----------------------------------------------------------
def result(tokens: Tokens, refresh: bool) -> dict[str, Any]:
    found = {"IdToken": tokens.id_token, "AccessToken": tokens.access_token}
    if refresh and tokens.refresh_token:
        found["RefreshToken"] = tokens.refresh_token
    return {"AuthenticationResult": found}


class HeldRefresh:
    """A Cognito stand-in: signs in with tokens about to expire, and holds every refresh
    until `release` is set (`entered`: the first refresh is in flight; `another`: a second
    one was sent)."""

    def __init__(self) -> None:
        self.signed_in = fake_tokens(POOL_ID, CLIENT_ID, "ada", 5, "refresh-of-ada-0001")
        self.renewed = fake_tokens(POOL_ID, CLIENT_ID, "ada", 3600, None)
        self.entered = threading.Event()
        self.another = threading.Event()
        self.release = threading.Event()
        self.refreshes = 0
        self.revoked: list[str] = []
        self._count = threading.Lock()

    def initiate_auth(self, flow: str, parameters: Any) -> dict[str, Any]:
        if flow != "REFRESH_TOKEN_AUTH":
            return result(self.signed_in, refresh=True)
        with self._count:
            self.refreshes += 1
            first = self.refreshes == 1
        (self.entered if first else self.another).set()
        if not self.release.wait(timeout=15):
            raise errors.NetworkError("The stand-in held this refresh too long.")
        return result(self.renewed, refresh=False)

    def revoke_token(self, refresh_token: str, client_secret: str | None = None) -> None:
        self.revoked.append(refresh_token)

    def global_sign_out(self, access_token: str) -> None:
        pass

    def every_token(self) -> list[str]:
        both = [self.signed_in, self.renewed]
        return [t for one in both for t in (one.id_token, one.access_token, one.refresh_token) if t]


class Outcome:
    """What a call made in a thread returned or raised."""

    def __init__(self, call: Callable[[], Any]) -> None:
        self.value: Any = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, args=(call,), daemon=True)
        self.thread.start()

    def _run(self, call: Callable[[], Any]) -> None:
        try:
            self.value = call()
        except BaseException as error:
            self.error = error

    def join(self, timeout: float = 15) -> None:
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "a thread is stuck"


def signed_in_session(cognito: HeldRefresh) -> tuple[Session, MemoryStore]:
    settings = fake_settings()
    store = MemoryStore()
    session = Session(settings, Vault(store, POOL_ID, CLIENT_ID), cognito=cognito)  # type: ignore[arg-type]
    assert isinstance(session.sign_in("ada", PASSWORD), SignedIn)
    return session, store


def test_sign_out_while_a_refresh_is_in_flight_never_writes_tokens_back() -> None:
    cognito = HeldRefresh()
    session, store = signed_in_session(cognito)
    refreshing = Outcome(session.access_token)  # the token expires within the minute
    assert cognito.entered.wait(timeout=10), "the refresh never started"

    signing_out = Outcome(session.sign_out)
    signing_out.thread.join(timeout=5)  # a sign-out that waits for the refresh is fine too
    cognito.release.set()
    refreshing.join()
    signing_out.join()

    assert signing_out.error is None, repr(signing_out.error)
    if refreshing.error is not None:
        assert isinstance(refreshing.error, errors.CogtuiError), repr(refreshing.error)
    held = "\n".join(store.entries.values())
    leaked = [token for token in cognito.every_token() if token in held]
    assert leaked == [], "tokens were written back to the keyring after the sign-out"
    with pytest.raises(errors.CogtuiError):
        session.access_token()
    again = Session(fake_settings(), Vault(store, POOL_ID, CLIENT_ID), cognito=cognito)  # type: ignore[arg-type]
    assert again.resume() is False


def test_two_threads_refreshing_at_once_send_one_refresh() -> None:
    cognito = HeldRefresh()
    session, store = signed_in_session(cognito)
    first = Outcome(session.access_token)
    assert cognito.entered.wait(timeout=10), "the refresh never started"
    second = Outcome(session.access_token)
    # The second caller either waits for the refresh in flight, or (wrongly) sends its own:
    # give it a moment to show which.
    sent_another = cognito.another.wait(timeout=1.0)
    cognito.release.set()
    first.join()
    second.join()

    assert not sent_another and cognito.refreshes == 1, f"{cognito.refreshes} refreshes"
    assert first.error is None and second.error is None, (first.error, second.error)
    assert first.value == second.value == cognito.renewed.access_token
    stored = Vault(store, POOL_ID, CLIENT_ID).load_tokens("ada")
    assert stored is not None
    assert stored.access_token == cognito.renewed.access_token
    assert stored.refresh_token == cognito.signed_in.refresh_token  # kept: none came back
