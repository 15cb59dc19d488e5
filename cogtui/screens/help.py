"""Every key, on `?` or F1 (the footer shows only those that fit in 80 columns)."""

from __future__ import annotations

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
        (("delete", "x"), "clear the value (it is deleted on save)"),
        (("u", "U"), "revert this row / revert every row"),
        (("a",), "add an attribute (a non-standard name gets custom:)"),
        (("v",), "send a code to verify this email or phone number"),
        (("ctrl+s",), "review the changes, then save them"),
        (("r",), "reload from Cognito (asks first if you have edits)"),
        (("ctrl+l",), "sign out, here or everywhere (asks first)"),
        (("q", "ctrl+q"), "quit (asks first if you have edits)"),
    ],
    "Verification code": [
        (("enter",), "verify the code"),
        (("ctrl+r",), "send a new code"),
        (("escape",), "later: the value waits for its code (v on the row)"),
    ],
    "Anywhere": [
        (("question_mark", "f1"), "this help"),
        (("ctrl+p",), "every command, searchable"),
    ],
}
SHOWN_AS = {
    "up": "↑",
    "down": "↓",
    "question_mark": "?",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "home": "Home",
    "end": "End",
    "enter": "Enter",
    "escape": "Esc",
    "delete": "Del",
    "f1": "F1",
}
NOTE = (
    "Nothing is sent while you edit. Saving sends one request with only the changed and "
    "cleared attributes. Tokens are kept in the OS keyring and nowhere else."
)


class HelpScreen(ModalScreen[None]):
    """What every key does."""

    BINDINGS = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help"):
            yield Label("cogtui keys", classes="dialog-title")
            for section, keys in KEYS.items():
                yield Label(section, classes="help-section")
                with Grid(classes="help-keys"):
                    for names, what in keys:
                        yield Static(" ".join(SHOWN_AS.get(n, n) for n in names), classes="key")
                        yield Static(what)
            yield Static(NOTE, classes="dialog-text")
            yield Static("Escape closes", classes="dialog-keys")
