"""Keys typed in a burst (a paste of keystrokes, a password manager's auto-type, tmux
send-keys) go where they were typed, on every form.

`burst` posts every key at once, as a terminal delivers a fast burst: no waiting between
them. Each case asserts where the text landed (every value each field held along the way,
from its Input.Changed messages) and what the server received (a recorder in front of the
emulator, or the deterministic fake where no emulator has the challenge).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

import pytest
from textual.message import Message
from textual.widgets import Input

from cogtui.app import CogtuiApp
from cogtui.screens.add_attribute import AddAttributeModal
from cogtui.screens.challenges import ChallengeCodeModal, NewPasswordModal
from cogtui.screens.profile import ProfileScreen
from cogtui.screens.review import ReviewModal
from cogtui.screens.sign_in import SignInScreen
from cogtui.screens.verify_code import VerifyCodeModal
from cogtui.vault import MemoryStore
from tests.conftest import FIXED_CODE, PASSWORD, Pool, create_pool
from tests.ui.fake_cognito import FakeCognito, fake_session, fake_settings
from tests.ui.steps import burst, notifications, settle

from .seeding import screen_lines, signed_in_store

USER = "ada.lovelace"
TEMPORARY = "Temporary-Pass-1"
NEW = "Chosen-Pass-22"
SIZE = (100, 30)


class Typed:
    """Every value each input held, by input id, from the Input.Changed messages."""

    def __init__(self) -> None:
        self.values: dict[str, list[str]] = defaultdict(list)

    def __call__(self, message: Message) -> None:
        if isinstance(message, Input.Changed):
            self.values[message.input.id or ""].append(message.value)

    def only_prefixes_of(self, field: str, text: str) -> None:
        """The field only ever held the beginning of `text`: nothing typed elsewhere."""
        held = self.values[field]
        strays = [value for value in held if not text.startswith(value)]
        assert strays == [], f"#{field} held text typed for another field"
        assert text in held, f"#{field} never held all of what was typed into it"


def app_on(pool: Pool, user: str | None = None) -> CogtuiApp:
    store = signed_in_store(pool, user) if user else MemoryStore()
    return CogtuiApp(pool.settings(auth_flow="password", use_keyring=False), store=store)


def sent(server: Any, operation: str) -> list[dict[str, Any]]:
    return [r.body for r in server.of(operation)]


def password_nowhere_seen(pilot: Any, *secrets: str) -> None:
    """Not in a notification, not on the screen (a password field draws dots)."""
    seen = notifications(pilot) + "\n".join(screen_lines(pilot.app))
    for secret in secrets:
        assert secret not in seen, "a password was shown"


async def on_screen(pilot: Any, kind: type) -> Any:
    await settle(pilot)
    assert isinstance(pilot.app.screen, kind), pilot.app.screen
    return pilot.app.screen


async def go_to(pilot: Any, screen: ProfileScreen, name: str) -> None:
    names = [row.name for row in screen.table.rows_shown]
    await burst(pilot, "home", *["down"] * names.index(name))
    assert screen.table.current_name == name


# -- the sign-in screen --------------------------------------------------------------------
SIGN_IN_BURSTS: dict[str, list[str]] = {
    "tab": [*USER, "tab", *PASSWORD, "enter"],
    "enter": [*USER, "enter", *PASSWORD, "enter"],
    # shift+tab back to the username, end (the focus selects all), the rest, Enter twice.
    "shift_tab_goes_back": [
        *[*USER[:3], "tab", *PASSWORD, "shift+tab", "end", *USER[3:]],
        *["enter", "enter"],
    ],
    "back_and_forth": [
        *[*USER, "tab", *PASSWORD[:4], "shift+tab", "tab", "end", *PASSWORD[4:]],
        "enter",
    ],
}


@pytest.mark.cognito_local
@pytest.mark.parametrize("keys", SIGN_IN_BURSTS.values(), ids=SIGN_IN_BURSTS.keys())
async def test_sign_in_typed_in_one_burst_signs_in(
    local_pool: Pool, record: Any, keys: list[str]
) -> None:
    local_pool.add_user(USER, given_name="Ada")
    server = record(local_pool)
    typed = Typed()
    app = app_on(local_pool)
    async with app.run_test(size=SIZE, message_hook=typed) as pilot:
        await on_screen(pilot, SignInScreen)
        await burst(pilot, *keys)
        await on_screen(pilot, ProfileScreen)
        password_nowhere_seen(pilot, PASSWORD)
    typed.only_prefixes_of("username", USER)
    typed.only_prefixes_of("password", PASSWORD)
    [initiate] = sent(server, "InitiateAuth")
    assert initiate["AuthParameters"]["USERNAME"] == USER
    assert initiate["AuthParameters"]["PASSWORD"] == PASSWORD


@pytest.mark.cognito_local
async def test_after_a_refused_password_the_next_burst_goes_to_the_password(
    local_pool: Pool, record: Any
) -> None:
    wrong = "Wrong-Horse-0"
    local_pool.add_user(USER, given_name="Ada")
    server = record(local_pool)
    typed = Typed()
    app = app_on(local_pool)
    async with app.run_test(size=SIZE, message_hook=typed) as pilot:
        screen = await on_screen(pilot, SignInScreen)
        await burst(pilot, *USER, "tab", *wrong, "enter")
        assert app.screen is screen
        assert screen.query_one("#username", Input).value == USER
        assert screen.query_one("#password", Input).value == ""
        password_nowhere_seen(pilot, wrong)
        await burst(pilot, *PASSWORD, "enter")
        await on_screen(pilot, ProfileScreen)
        password_nowhere_seen(pilot, wrong, PASSWORD)
    assert all(USER.startswith(value) for value in typed.values["username"])
    tried = [
        (b["AuthParameters"]["USERNAME"], b["AuthParameters"]["PASSWORD"])
        for b in sent(server, "InitiateAuth")
    ]
    assert tried == [(USER, wrong), (USER, PASSWORD)]


# -- the add-attribute modal -----------------------------------------------------------------
ADD_BURSTS: dict[str, list[str]] = {
    "tab": ["a", *"team", "tab", *"Analysts", "enter"],
    "enter": ["a", *"team", "enter", *"Analysts", "enter"],
    "shift_tab_goes_back": [
        *["a", *"te", "tab", *"Analysts", "shift+tab", "end", *"am"],
        *["enter", "enter"],
    ],
}


@pytest.mark.cognito_local
@pytest.mark.parametrize("keys", ADD_BURSTS.values(), ids=ADD_BURSTS.keys())
async def test_add_attribute_typed_in_one_burst_adds_it(
    local_pool: Pool, record: Any, keys: list[str]
) -> None:
    local_pool.add_user(USER, given_name="Ada")
    server = record(local_pool)
    typed = Typed()
    app = app_on(local_pool, USER)
    async with app.run_test(size=SIZE, message_hook=typed) as pilot:
        screen = await on_screen(pilot, ProfileScreen)
        await burst(pilot, *keys)
        assert app.screen is screen, app.screen
        assert screen.draft.payload() == {"custom:team": "Analysts"}
        await pilot.press("ctrl+s")
        await on_screen(pilot, ReviewModal)
        await pilot.press("enter")
        await on_screen(pilot, ProfileScreen)
        assert not screen.draft.dirty
    typed.only_prefixes_of("name", "team")
    typed.only_prefixes_of("value", "Analysts")
    [update] = sent(server, "UpdateUserAttributes")
    assert update["UserAttributes"] == [{"Name": "custom:team", "Value": "Analysts"}]
    assert local_pool.attributes(USER)["custom:team"] == "Analysts"


@pytest.mark.cognito_local
async def test_add_attribute_modal_opened_and_filled_in_one_burst_with_the_table_keys_after(
    local_pool: Pool,
) -> None:
    """Keys after the modal closes act on the table again: here, clear given_name."""
    local_pool.add_user(USER, given_name="Ada", family_name="Lovelace")
    app = app_on(local_pool, USER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await on_screen(pilot, ProfileScreen)
        names = [row.name for row in screen.table.rows_shown]
        down = ["down"] * names.index("given_name")
        await burst(pilot, "a", *"plan", "tab", *"gold", "enter", "home", *down, "x")
        assert not isinstance(app.screen, AddAttributeModal)
        assert screen.draft.payload() == {"custom:plan": "gold", "given_name": ""}


# -- the new-password challenge --------------------------------------------------------------
NEW_PASSWORD_BURSTS: dict[str, list[str]] = {
    "tab": [*NEW, "tab", *NEW, "enter"],
    "enter": [*NEW, "enter", *NEW, "enter"],
    "shift_tab_goes_back": [*NEW[:3], "tab", *NEW, "shift+tab", "end", *NEW[3:], "enter"],
}


def temporary_user(pool: Pool) -> None:
    """An admin-created user who must choose a new password at the first sign-in."""
    pool.admin.admin_create_user(
        UserPoolId=pool.user_pool_id,
        Username=USER,
        TemporaryPassword=TEMPORARY,
        MessageAction="SUPPRESS",
    )


@pytest.mark.moto
@pytest.mark.parametrize("keys", NEW_PASSWORD_BURSTS.values(), ids=NEW_PASSWORD_BURSTS.keys())
async def test_new_password_typed_in_one_burst_is_sent_once(
    moto_pool: Pool, record: Any, keys: list[str]
) -> None:
    temporary_user(moto_pool)
    server = record(moto_pool)
    typed = Typed()
    app = app_on(moto_pool)
    async with app.run_test(size=SIZE, message_hook=typed) as pilot:
        await on_screen(pilot, SignInScreen)
        await burst(pilot, *USER, "tab", *TEMPORARY, "enter")
        await on_screen(pilot, NewPasswordModal)
        await burst(pilot, *keys)
        await on_screen(pilot, ProfileScreen)
        password_nowhere_seen(pilot, TEMPORARY, NEW)
    typed.only_prefixes_of("username", USER)
    typed.only_prefixes_of("password", TEMPORARY)
    typed.only_prefixes_of("new-password", NEW)
    typed.only_prefixes_of("new-password-again", NEW)
    answers = [
        b["ChallengeResponses"]
        for b in sent(server, "RespondToAuthChallenge")
        if b["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    ]
    assert [a["NEW_PASSWORD"] for a in answers] == [NEW]
    held = moto_pool.admin.admin_get_user(UserPoolId=moto_pool.user_pool_id, Username=USER)
    assert held["UserStatus"] == "CONFIRMED"


@pytest.mark.moto
async def test_mismatched_new_passwords_clear_both_fields_and_say_so(
    moto_pool: Pool, record: Any
) -> None:
    temporary_user(moto_pool)
    server = record(moto_pool)
    app = app_on(moto_pool)
    async with app.run_test(size=SIZE) as pilot:
        await on_screen(pilot, SignInScreen)
        await burst(pilot, *USER, "tab", *TEMPORARY, "enter")
        modal = await on_screen(pilot, NewPasswordModal)
        await burst(pilot, *"Aaaa-1111x", "tab", *"Bbbb-2222y", "enter")
        assert app.screen is modal
        assert modal.query_one("#new-password", Input).value == ""
        assert modal.query_one("#new-password-again", Input).value == ""
        said = "\n".join(screen_lines(app)).lower()
        assert "differ" in said or "match" in said, said
        assert app.focused is modal.query_one("#new-password", Input)
        password_nowhere_seen(pilot, "Aaaa-1111x", "Bbbb-2222y")
        before = len(server.of("RespondToAuthChallenge"))
        assert before == 0, "a mismatch sent something"
        await burst(pilot, *NEW, "tab", *NEW, "enter")
        await on_screen(pilot, ProfileScreen)
    answers = [b["ChallengeResponses"] for b in sent(server, "RespondToAuthChallenge")]
    assert [a.get("NEW_PASSWORD") for a in answers] == [NEW]


class RecordingCognito(FakeCognito):
    """The fake, remembering every challenge answer it was given."""

    def __init__(self, challenges: list[dict[str, Any]]) -> None:
        super().__init__(challenges=challenges)
        self.answers: list[tuple[str, dict[str, str]]] = []

    def respond_to_auth_challenge(
        self, name: str, session: str | None, responses: Any
    ) -> dict[str, Any]:
        self.answers.append((name, dict(responses)))
        return super().respond_to_auth_challenge(name, session, responses)


REQUIRED = {
    "ChallengeName": "NEW_PASSWORD_REQUIRED",
    "Session": "fake-session-1",
    "ChallengeParameters": {
        "USER_ID_FOR_SRP": "ada",
        "requiredAttributes": '["userAttributes.given_name", "userAttributes.family_name"]',
    },
}
REQUIRED_BURSTS: dict[str, list[str]] = {
    "tab": [*NEW, "tab", *NEW, "tab", *"Ada", "tab", *"Lovelace", "enter"],
    "enter": [*NEW, "enter", *NEW, "enter", *"Ada", "enter", *"Lovelace", "enter"],
}


@pytest.mark.parametrize("keys", REQUIRED_BURSTS.values(), ids=REQUIRED_BURSTS.keys())
async def test_new_password_and_required_attributes_in_one_burst(keys: list[str]) -> None:
    cognito = RecordingCognito([REQUIRED])
    typed = Typed()
    app = CogtuiApp(fake_settings(), session=fake_session(cognito, signed_in=False))
    async with app.run_test(size=SIZE, message_hook=typed) as pilot:
        await on_screen(pilot, SignInScreen)
        await burst(pilot, *"ada", "tab", *PASSWORD, "enter")
        await on_screen(pilot, NewPasswordModal)
        await burst(pilot, *keys)
        await on_screen(pilot, ProfileScreen)
        password_nowhere_seen(pilot, PASSWORD, NEW)
    typed.only_prefixes_of("new-password", NEW)
    typed.only_prefixes_of("new-password-again", NEW)
    [(name, answer)] = cognito.answers
    assert name == "NEW_PASSWORD_REQUIRED"
    assert answer["NEW_PASSWORD"] == NEW
    assert answer["userAttributes.given_name"] == "Ada"
    assert answer["userAttributes.family_name"] == "Lovelace"


# -- the code modals -----------------------------------------------------------------------
@pytest.fixture
def email_pool(cognito_local_endpoint: str) -> Pool:
    """cognito-local sends a code when the email changes and keeps the old one until then."""
    return create_pool(
        cognito_local_endpoint,
        AutoVerifiedAttributes=["email"],
        UserAttributeUpdateSettings={"AttributesRequireVerificationBeforeUpdate": ["email"]},
    )


CODE_BURSTS: dict[str, Callable[[str], list[str]]] = {
    "digits_enter": lambda code: [*code, "enter"],
    "pasted_with_a_space": lambda code: [*code[:3], " ", *code[3:], "enter"],
}


@pytest.mark.cognito_local
@pytest.mark.parametrize("keys", CODE_BURSTS.values(), ids=CODE_BURSTS.keys())
async def test_verification_code_typed_in_one_burst_verifies(
    email_pool: Pool, record: Any, keys: Callable[[str], list[str]]
) -> None:
    email_pool.add_user(USER, email="ada@example.com", email_verified="true")
    server = record(email_pool)
    app = app_on(email_pool, USER)
    async with app.run_test(size=SIZE) as pilot:
        screen = await on_screen(pilot, ProfileScreen)
        await go_to(pilot, screen, "email")
        await pilot.press("e")
        await burst(pilot, "ctrl+u", *"ada@newmail.org", "enter")
        await pilot.press("ctrl+s")
        await on_screen(pilot, ReviewModal)
        await pilot.press("enter")
        await on_screen(pilot, VerifyCodeModal)
        await burst(pilot, *keys(FIXED_CODE))
        await on_screen(pilot, ProfileScreen)
        assert FIXED_CODE not in notifications(pilot)
    assert [b["Code"] for b in sent(server, "VerifyUserAttribute")] == [FIXED_CODE]
    held = email_pool.attributes(USER)
    assert held["email"] == "ada@newmail.org" and held["email_verified"] == "true"


@pytest.mark.moto
async def test_sign_in_then_sms_code_each_in_one_burst(moto_pool: Pool, record: Any) -> None:
    moto_pool.add_user(USER, phone_number="+15555550123")
    moto_pool.admin.admin_set_user_mfa_preference(
        UserPoolId=moto_pool.user_pool_id,
        Username=USER,
        SMSMfaSettings={"Enabled": True, "PreferredMfa": True},
    )
    server = record(moto_pool)
    typed = Typed()
    app = app_on(moto_pool)
    async with app.run_test(size=SIZE, message_hook=typed) as pilot:
        await on_screen(pilot, SignInScreen)
        await burst(pilot, *USER, "tab", *PASSWORD, "enter")
        await on_screen(pilot, ChallengeCodeModal)
        await burst(pilot, *"135790", "enter")
        await on_screen(pilot, ProfileScreen)
        password_nowhere_seen(pilot, PASSWORD, "135790")
    typed.only_prefixes_of("username", USER)
    typed.only_prefixes_of("password", PASSWORD)
    [initiate] = sent(server, "InitiateAuth")
    assert initiate["AuthParameters"]["USERNAME"] == USER
    assert initiate["AuthParameters"]["PASSWORD"] == PASSWORD
    answers = [
        b["ChallengeResponses"]
        for b in sent(server, "RespondToAuthChallenge")
        if b["ChallengeName"] == "SMS_MFA"
    ]
    assert [a["SMS_MFA_CODE"] for a in answers] == ["135790"]
