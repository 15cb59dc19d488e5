"""Hostile data, seeded on a real emulator, and the checks that it reached the user safely.

Every value, attribute name and username here is data a terminal must not interpret: Rich
and Textual markup, escape sequences (clear the screen, write the clipboard with OSC 52,
set the title), C0 and C1 control characters, bidi overrides, and text that is fine but
easy to break (3,000 characters, Arabic, Hebrew, emoji joined with ZWJ, CJK).

moto and cognito-local both store all of it as given (checked with their admin APIs: NUL,
ESC, C1 characters in values; brackets and ESC in custom attribute names and usernames).
`visible` is this suite's own statement of the display contract, written independently of
`cogtui.display.shown`, so that a broken `shown` cannot make the expectations agree with it.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from cogtui.vault import MemoryStore, Tokens, Vault
from tests.conftest import PASSWORD, SCHEMA, Pool, admin_client

LONG = "".join(f"{i:04d}·long-value·" for i in range(200))[:3000]

# case name -> the value of the custom attribute `custom:<case name>`.
HOSTILE_VALUES: dict[str, str] = {
    "markup_close": "[/x]",
    "markup_style": "[bold red]x[/]",
    "markup_click": "[@click=app.quit]q[/]",
    "markup_link": "[link=http://evil]x[/link]",
    "esc_clear": "\x1b[2J",
    "osc52_clipboard": "\x1b]52;c;SGVsbG8=\x07",
    "osc2_title": "\x1b]2;pwned\x07",
    "c1_csi": "\x9b31m",
    "bel_cr_bs_del": "a\x07b\rc\x08d\x7fe",
    "nul": "a\x00b",
    "newline_tab": "one\ntwo\tthree",
    "line_separators": "a\u2028b\u2029c",
    "long_3000": LONG,
    "rtl_override": "\u202eevil",
    "bidi_isolates": "\u2066a\u2067b\u2068c\u2069\u200ed\u200f",
    "arabic": "مرحبا بالعالم",
    "hebrew": "שלום עולם",
    "emoji_zwj": "👩\u200d💻 👨\u200d👩\u200d👧\u200d👦 🏳\ufe0f\u200d🌈",
    "cjk": "漢字かなカナ한글",
    "markup_and_escape": "[b]\x1b[31mred\x1b[0m[/b]",
}

# case name -> a custom attribute NAME that is hostile itself (its value is plain).
HOSTILE_NAMES: dict[str, str] = {
    "name_markup": "custom:[b]n[/b]",
    "name_click": "custom:[@click=app.quit]",
    "name_escape": "custom:n\x1b[7m",
}
NAME_VALUE = "plain value"

# A username with markup: a bad closing tag (which Textual's markup parser refuses) and a
# click action (which it would make live).
HOSTILE_USERNAME = "[/x][@click=app.quit]ada[/]"


def attribute(case: str) -> str:
    """The attribute that holds the hostile value of `case`, or the hostile name itself."""
    return HOSTILE_NAMES.get(case) or f"custom:{case}"


def value_of(case: str) -> str:
    return HOSTILE_VALUES.get(case, NAME_VALUE)


def hostile_attributes() -> dict[str, str]:
    """Every hostile attribute, name -> value, as seeded."""
    found = {attribute(case): value for case, value in HOSTILE_VALUES.items()}
    found.update({name: NAME_VALUE for name in HOSTILE_NAMES.values()})
    return found


# -- the display contract, stated independently ----------------------------------------------
NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
BIDI_AND_SEPARATORS = "\u202a-\u202e\u2066-\u2069\u200e\u200f\u2028\u2029"
UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f{BIDI_AND_SEPARATORS}]")


def visible(text: str) -> str:
    """What the contract says `shown(text)` is: every unsafe character as a visible escape."""
    out = []
    for char in text:
        code = ord(char)
        if char in NAMED:
            out.append(NAMED[char])
        elif code < 0x20 or 0x7F <= code <= 0x9F:
            out.append(f"\\x{code:02x}")
        elif UNSAFE.match(char):
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


def raw_controls(text: str, allow: str = "") -> list[str]:
    """The unsafe characters in `text` (as their code points), apart from those allowed."""
    return [f"U+{ord(c):04X}" for c in UNSAFE.findall(text) if c not in allow]


# -- seeding -------------------------------------------------------------------------------
def hostile_schema() -> list[dict[str, Any]]:
    """The tests' usual custom attributes, plus one per hostile case (names included)."""
    names = [attribute(case) for case in [*HOSTILE_VALUES, *HOSTILE_NAMES]]
    extra = [
        {"Name": name.removeprefix("custom:"), "AttributeDataType": "String", "Mutable": True}
        for name in names
    ]
    return [*SCHEMA, *extra]


def hostile_pool(endpoint: str, **pool_options: Any) -> Pool:
    """A fresh pool whose schema declares every hostile custom attribute, with an app client
    that allows SRP, the password flow and refresh."""
    admin = admin_client(endpoint)
    pool = admin.create_user_pool(
        PoolName=f"hostile-{uuid.uuid4().hex[:8]}", Schema=hostile_schema(), **pool_options
    )["UserPool"]
    client = admin.create_user_pool_client(
        UserPoolId=pool["Id"],
        ClientName="cogtui-faults",
        ExplicitAuthFlows=[
            "ALLOW_USER_SRP_AUTH",
            "ALLOW_USER_PASSWORD_AUTH",
            "ALLOW_REFRESH_TOKEN_AUTH",
        ],
    )["UserPoolClient"]
    return Pool(endpoint, pool["Id"], client["ClientId"], admin)


def seed_user(
    pool: Pool,
    attributes: dict[str, str],
    username: str | None = None,
    password: str = PASSWORD,
) -> str:
    """A confirmed user holding exactly these attributes (names as Cognito spells them)."""
    username = username or f"user-{uuid.uuid4().hex[:8]}"
    pool.admin.admin_create_user(
        UserPoolId=pool.user_pool_id,
        Username=username,
        UserAttributes=[{"Name": k, "Value": v} for k, v in attributes.items()],
        MessageAction="SUPPRESS",
    )
    pool.admin.admin_set_user_password(
        UserPoolId=pool.user_pool_id, Username=username, Password=password, Permanent=True
    )
    pool.users[username] = password
    return username


def seed_hostile_user(pool: Pool, username: str | None = None, **plain: str) -> str:
    """A user with every hostile attribute (and these plain ones, such as given_name)."""
    return seed_user(pool, {**plain, **hostile_attributes()}, username)


def signed_in_store(pool: Pool, username: str) -> MemoryStore:
    """A keyring in memory that already holds the user's tokens (from the emulator), so the
    app opens the profile without the sign-in screen."""
    reply = pool.admin.initiate_auth(
        ClientId=pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": pool.users[username]},
    )["AuthenticationResult"]
    store = MemoryStore()
    tokens = Tokens(reply["IdToken"], reply["AccessToken"], reply.get("RefreshToken"))
    Vault(store, pool.user_pool_id, pool.client_id).save_tokens(username, tokens)
    return store


# -- what the app put on the terminal ----------------------------------------------------------
def screen_lines(app: Any) -> list[str]:
    """The text of every line the current screen draws now (a modal draws only itself)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def live_markup(app: Any) -> list[str]:
    """Drawn cells that carry a click action or a hyperlink: markup that came alive."""
    found = []
    for strip in app.screen._compositor.render_strips():
        for segment in strip:
            style = segment.style
            if style is None:
                continue
            meta = style.meta or {}
            if style.link or "@click" in meta:
                found.append(f"{segment.text!r} link={style.link!r} meta={meta!r}")
    return found


def assert_drawn_safely(app: Any) -> None:
    """No raw control character on the screen or in its screenshot, no live markup."""
    for number, line in enumerate(screen_lines(app)):
        assert not raw_controls(line), (number, raw_controls(line), line)
    assert live_markup(app) == [], live_markup(app)
    svg = app.export_screenshot()
    assert not raw_controls(svg, allow="\n"), raw_controls(svg, allow="\n")


def rendered(widget: Any) -> str:
    """A widget's content as plain text (Static, Label: what it draws, without styles)."""
    return str(widget.render())
