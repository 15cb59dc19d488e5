"""What a new user trips on in the editor, each checked from the user's side: what the
screen shows and what the fake Cognito (or cognito-local) received."""

from __future__ import annotations

from typing import Any

import pytest
from fake_cognito import CODE, POOL_ID, USERNAME, FakeCognito, fake_session
from steps import edit, fake_app, go_to, notifications, profile, settle, sign_in
from textual.widgets import Input, Static

from cogtui.app import CogtuiApp
from cogtui.screens.add_attribute import AddAttributeModal
from cogtui.screens.confirm import ConfirmModal
from cogtui.screens.help import HelpScreen
from cogtui.screens.review import ReviewModal
from cogtui.screens.sign_in import SignInScreen
from cogtui.screens.sign_out import SignOutModal
from cogtui.screens.verify_code import VerifyCodeModal
from cogtui.vault import MemoryStore
from cogtui.widgets.attribute_table import READABLE, contrast, status_colours
from cogtui.widgets.field import CodeField
from tests.conftest import PASSWORD, Pool, create_pool


def sent(cognito: FakeCognito, operation: str) -> list[Any]:
    return [detail for name, detail in cognito.calls if name == operation]


def texts(screen: Any, selector: str = Static) -> str:  # type: ignore[assignment]
    return "\n".join(str(widget.render()) for widget in screen.query(selector))


# -- the editor ---------------------------------------------------------------------------
async def test_ctrl_s_in_an_open_edit_keeps_it_and_opens_the_review() -> None:
    async with fake_app(FakeCognito()).run_test() as pilot:
        screen = await profile(pilot)
        await go_to(pilot, screen, "given_name")
        await pilot.press("e", "ctrl+u", *"Augusta", "ctrl+s")
        await settle(pilot)

        review = pilot.app.screen
        assert isinstance(review, ReviewModal)
        assert [(c.name, c.new) for c in review.changes] == [("given_name", "Augusta")]
        await pilot.press("enter")
        await settle(pilot)
    assert sent(pilot.app.session.cognito, "UpdateUserAttributes") == [  # type: ignore[union-attr]
        {"given_name": "Augusta"}
    ]


async def test_revert_all_asks_first_and_escape_keeps_every_edit() -> None:
    async with fake_app(FakeCognito()).run_test() as pilot:
        screen = await profile(pilot)
        await edit(pilot, screen, "given_name", "Augusta")
        await edit(pilot, screen, "family_name", "King")

        await pilot.press("U")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConfirmModal)
        await pilot.press("escape")
        await settle(pilot)
        assert set(screen.draft.edits) == {"given_name", "family_name"}

        await pilot.press("U")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert screen.draft.edits == {}
        assert "Every edit is reverted." in notifications(pilot)


async def test_backspace_on_a_row_clears_it_and_in_the_editor_deletes_a_character() -> None:
    async with fake_app(FakeCognito()).run_test() as pilot:
        screen = await profile(pilot)
        await go_to(pilot, screen, "nickname")
        await pilot.press("backspace")
        assert screen.draft.edits == {"nickname": ""}

        await go_to(pilot, screen, "given_name")
        await pilot.press("e", "end", "backspace", "enter")
        await settle(pilot)
        assert screen.draft.edits == {"nickname": "", "given_name": "Ad"}


@pytest.mark.parametrize(
    ("row", "said"),
    [
        ("email", "email is already verified."),
        ("given_name", "given_name needs no verification: only email and phone_number are "),
    ],
)
async def test_v_on_a_row_with_nothing_to_verify_says_why(row: str, said: str) -> None:
    cognito = FakeCognito()
    async with fake_app(cognito).run_test() as pilot:
        screen = await profile(pilot)
        await go_to(pilot, screen, row)
        await pilot.press("v")
        await settle(pilot)

        assert said in notifications(pilot)
        assert sent(cognito, "GetUserAttributeVerificationCode") == []
        assert not isinstance(pilot.app.screen, VerifyCodeModal)


async def test_adding_a_name_the_user_has_opens_its_row_in_the_editor_instead() -> None:
    async with fake_app(FakeCognito()).run_test() as pilot:
        screen = await profile(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"nickname")
        await settle(pilot)
        modal = pilot.app.screen
        assert "You have nickname already: Enter edits it." in texts(modal, "#name-note")

        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen is screen
        assert screen.editing == "nickname"
        assert screen.table.current_name == "nickname"
        assert screen.query_one("#editor-input", Input).value == "countess"


async def test_a_read_only_name_is_refused_at_the_name_and_the_value_typed_stays() -> None:
    async with fake_app(FakeCognito()).run_test() as pilot:
        screen = await profile(pilot)
        await pilot.press("a")
        await settle(pilot)
        modal = pilot.app.screen
        assert isinstance(modal, AddAttributeModal)

        await pilot.press(*"email_verified", "enter")
        await settle(pilot)
        note = "⚠ email_verified is read-only: only Cognito or an administrator sets it."
        assert texts(modal, "#name-note") == note
        assert modal.query_one("#name", Input).has_focus  # not on to the value

        await pilot.press("tab", *"false", "enter")  # past the name anyway: still refused
        await settle(pilot)
        assert pilot.app.screen is modal
        assert modal.query_one("#value", Input).value == "false"
        assert screen.draft.edits == {}


async def test_the_review_says_a_new_email_needs_a_code() -> None:
    async with fake_app(FakeCognito()).run_test() as pilot:
        screen = await profile(pilot)
        await edit(pilot, screen, "email", "ada@newmail.org")
        await pilot.press("ctrl+s")
        await settle(pilot)

        review = pilot.app.screen
        assert isinstance(review, ReviewModal)
        assert "⚠ Cognito will send a code to verify the new email." in texts(
            review, ".review-note"
        )


async def test_the_review_warns_before_clearing_the_email_the_user_signs_in_with(
    local_pool: Pool,
) -> None:
    local_pool.add_user("ada@example.com", email="ada@example.com", nickname="countess")
    app = CogtuiApp(
        local_pool.settings(auth_flow="password", use_keyring=False), store=MemoryStore()
    )
    async with app.run_test() as pilot:
        screen = await sign_in(pilot, "ada@example.com")
        await go_to(pilot, screen, "email")
        await pilot.press("x", "ctrl+s")
        await settle(pilot)

        note = texts(pilot.app.screen, ".review-note")
        assert "You sign in with this email (ada@example.com): once it is cleared, it no " in note


async def test_a_stale_warning_is_gone_when_the_review_opens() -> None:
    async with fake_app(FakeCognito()).run_test() as pilot:
        screen = await profile(pilot)
        await edit(pilot, screen, "birthdate", "yesterday")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Fix the marked rows first" in notifications(pilot)

        await edit(pilot, screen, "birthdate", "1815-12-10")
        await edit(pilot, screen, "given_name", "Augusta")
        await pilot.press("ctrl+s")
        await settle(pilot)

        assert isinstance(pilot.app.screen, ReviewModal)
        assert "Fix the marked rows first" not in notifications(pilot)


async def test_notifications_sit_under_the_header_not_over_the_row_line() -> None:
    app = fake_app(FakeCognito())
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        screen = await profile(pilot)
        await go_to(pilot, screen, "email")
        await pilot.press("v")
        await settle(pilot)

        toast = pilot.app.screen.query_one("Toast")
        detail = screen.query_one("#row-detail")
        assert toast.region.y < 5
        assert not toast.region.overlaps(detail.region)


async def test_a_code_is_masked_until_ctrl_t_shows_it() -> None:
    async with fake_app(FakeCognito()).run_test() as pilot:
        screen = await profile(pilot)
        await go_to(pilot, screen, "phone_number")
        await pilot.press("v")
        await settle(pilot)
        field = pilot.app.screen.query_one(CodeField)
        await pilot.press(*CODE)
        assert field.password

        await pilot.press("ctrl+t")
        assert not field.password and field.value == CODE
        await pilot.press("ctrl+t")
        assert field.password


# -- identity, themes, the palette, the help ---------------------------------------------
async def test_a_user_who_signs_in_by_email_sees_their_email_in_the_header(
    cognito_local_endpoint: str,
) -> None:
    pool = create_pool(cognito_local_endpoint, UsernameAttributes=["email"])
    pool.add_user("grace@example.com")
    app = CogtuiApp(pool.settings(auth_flow="password", use_keyring=False), store=MemoryStore())
    async with app.run_test() as pilot:
        screen = await sign_in(pilot, "grace@example.com")

        assert screen.sub_title.startswith("grace@example.com · ")
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(pilot.app.screen, SignOutModal)
        assert "Sign out grace@example.com?" in texts(pilot.app.screen)


async def test_every_status_reads_on_every_built_in_theme() -> None:
    async with fake_app(FakeCognito()).run_test() as pilot:
        await profile(pilot)
        checked = 0
        for theme in pilot.app.available_themes:
            if theme.startswith("ansi"):
                continue  # the terminal's own colours: not known to the app
            pilot.app.theme = theme
            await pilot.pause()
            variables = pilot.app.get_css_variables()
            from textual.color import Color

            background = Color.parse(variables["surface"])
            for status, colour in status_colours(variables).items():
                ratio = contrast(Color.parse(colour), background)
                assert ratio >= READABLE, (theme, status, colour, ratio)
            checked += 1
    assert checked >= 10


async def test_the_palette_offers_cogtuis_commands_and_the_theme_only() -> None:
    async with fake_app(FakeCognito()).run_test() as pilot:
        screen = await profile(pilot)
        await go_to(pilot, screen, "given_name")
        titles = [command.title for command in pilot.app.get_system_commands(screen)]

    assert "Theme" in titles
    assert {"Edit", "Clear", "Add", "Save", "Reload", "Sign out", "Quit", "Help"} <= set(titles)
    assert len(titles) == len(set(titles))  # one Quit
    internals = ("Keys", "Cursor", "Page", "Copy selected text", "Focus next", "Down", "First")
    for internal in internals:
        assert not any(internal.lower() in title.lower() for title in titles), titles


async def test_the_theme_picked_is_kept_in_the_config_file_for_the_next_run(tmp_path: Any) -> None:
    config = tmp_path / "config.toml"
    config.write_text('# mine\n[profiles.default]\nclient_id = "abc"\n')
    async with fake_app(FakeCognito(), theme_file=config).run_test() as pilot:
        await profile(pilot)
        pilot.app.theme = "nord"
        await pilot.pause()

    assert config.read_text() == 'theme = "nord"\n# mine\n[profiles.default]\nclient_id = "abc"\n'
    from cogtui.config import resolve

    settings = resolve({"user_pool_id": POOL_ID}, environ={}, path=config, use_keyring=False)
    again = CogtuiApp(settings, session=fake_session(FakeCognito()), theme_file=config)
    async with again.run_test() as pilot:  # the next run, with the settings `cogtui` reads
        await profile(pilot)
        assert pilot.app.theme == "nord"
        await pilot.press("question_mark")
        await settle(pilot)
        assert f"The theme you pick is kept in {config}." in texts(pilot.app.screen)


async def test_in_memory_the_help_and_the_sign_out_dialog_say_so() -> None:
    async with fake_app(FakeCognito()).run_test() as pilot:  # the fake keeps tokens in memory
        await profile(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(pilot.app.screen, HelpScreen)
        help_text = texts(pilot.app.screen)
        await pilot.press("escape", "ctrl+l")
        await settle(pilot)
        sign_out_text = texts(pilot.app.screen)

    assert "Tokens are kept in memory for this run only" in help_text
    assert "OS keyring" not in help_text
    assert "the tokens held in memory for this run are forgotten" in sign_out_text
    assert "keyring" not in sign_out_text


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_demo_sign_in_box_is_whole_at_80x24(size: tuple[int, int]) -> None:
    app = fake_app(
        FakeCognito(),
        signed_in=False,
        demo_credentials=(USERNAME, PASSWORD),
        notice="Demo on an emulator inside this process: tokens are kept in memory and die "
        "with the emulator; nothing is written to your keyring or config.",
    )
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, SignInScreen)
        box = screen.query_one("#sign-in").region
        footer = screen.query_one("Footer").region
        assert box.bottom <= footer.y  # the bottom border is on screen, above the keys
        assert box.y >= 1


async def test_the_table_is_drawn_once_at_its_final_widths(monkeypatch: pytest.MonkeyPatch) -> None:
    from cogtui.widgets.attribute_table import AttributeTable

    widths: list[int | None] = []
    add_column = AttributeTable.add_column

    def recorded(self: AttributeTable, label: Any, *, key: str, width: int | None = None) -> Any:
        if key == "value":
            widths.append(width)
        return add_column(self, label, key=key, width=width)

    monkeypatch.setattr(AttributeTable, "add_column", recorded)
    async with fake_app(FakeCognito()).run_test(size=(120, 40)) as pilot:
        screen = await profile(pilot)
        from textual.widgets.data_table import ColumnKey

        final = screen.table.columns[ColumnKey("value")]

    assert widths == [final.width]  # one draw, no narrow first one
    assert final.width > 60
