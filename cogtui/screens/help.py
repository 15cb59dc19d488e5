"""Every key, on `?` or F1 (the footer shows only those that fit in 80 columns)."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

# Key names as Textual spells them, so a test can check that every binding is listed.
KEYS: dict[str, list[tuple[tuple[str, ...], str]]] = {
    "Profile": [
        (("up", "down", "j", "k"), "move between attributes"),
        (("home", "end", "pageup", "pagedown"), "first, last, a page up or down"),
        (("enter", "e"), "edit the value of the row (read-only rows refuse)"),
        (("escape",), "cancel the edit in progress"),
        (("delete", "backspace", "x"), "clear the value (it is deleted on save)"),
        (("u", "U"), "revert this row / revert every row (asks first)"),
        (("a",), "add an attribute (a non-standard name gets custom:)"),
        (("v",), "send a code to verify this email or phone number"),
        (("ctrl+s",), "review the changes, then save them (keeps an open edit)"),
        (("r",), "reload from Cognito (asks first if you have edits)"),
        (("s",), "Security: password, MFA, authenticator, devices, passkeys, account"),
        (("ctrl+l",), "sign out, here or everywhere (asks first)"),
        (("q", "ctrl+q"), "quit (asks first if you have edits)"),
    ],
    "Security": [
        (("p",), "change your password"),
        (("t",), "set up an authenticator app (a QR code to scan; ctrl+o shows it alone)"),
        (("tab",), "move between the MFA methods, the devices and the passkeys"),
        (("space",), "turn the method on or off; remember the device, or stop"),
        (("f",), "make the method the preferred one"),
        (("x", "delete"), "forget the device, or delete the passkey (asks first)"),
        (("k",), "add a passkey on a security key (touch it when it blinks)"),
        (("g",), "sign out, here or everywhere"),
        (("D",), "delete the account (type your username to confirm)"),
        (("escape", "s"), "back to the profile"),
    ],
    "Sign-in": [
        (("ctrl+r",), "reset a forgotten password with a code"),
        (("escape",), "stop waiting (for Cognito, or for the security key)"),
    ],
    "Verification code": [
        (("enter",), "verify the code"),
        (("ctrl+t",), "show or hide the code as typed"),
        (("ctrl+r",), "send a new code"),
        (("escape",), "later: the value waits for its code (v on the row)"),
    ],
    "Anywhere": [
        (("question_mark", "f1"), "this help"),
        (("ctrl+p",), "every command, searchable; Theme picks the colours"),
    ],
}
SHOWN_AS = {
    "up": "↑",
    "down": "↓",
    "question_mark": "?",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "home": "Home",
    "tab": "Tab",
    "end": "End",
    "enter": "Enter",
    "escape": "Esc",
    "delete": "Del",
    "f1": "F1",
    "backspace": "⌫",
}
NOTE = (
    "Nothing is sent while you edit. Saving sends one request with only the changed and "
    "cleared attributes."
)


def where_things_are(in_memory: bool, theme_file: Path | None) -> str:
    """The truth for this run: where the tokens live and where the theme is kept."""
    tokens = (
        "Tokens are kept in memory for this run only: nothing is stored on this machine."
        if in_memory
        else "Tokens are kept in the OS keyring and nowhere else."
    )
    theme = (
        f"The theme you pick is kept in {theme_file}."
        if theme_file
        else "The theme you pick lasts for this run."
    )
    return f"{tokens} {theme}"


class HelpScreen(ModalScreen[None]):
    """What every key does."""

    BINDINGS = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close"),
    ]

    def __init__(self, in_memory: bool = False, theme_file: Path | None = None) -> None:
        super().__init__()
        self.where = where_things_are(in_memory, theme_file)

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help"):
            yield Label("cogtui keys", classes="dialog-title")
            for section, keys in KEYS.items():
                yield Label(section, classes="help-section")
                with Grid(classes="help-keys"):
                    for names, what in keys:
                        yield Static(" ".join(SHOWN_AS.get(n, n) for n in names), classes="key")
                        yield Static(what)
            yield Static(f"{NOTE} {self.where}", classes="dialog-text", markup=False)
            yield Static("Escape closes", classes="dialog-keys")
