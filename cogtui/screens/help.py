"""The keys of the profile editor, on `?` or F1."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown, Static

HELP = """\
# cogtui keys

| key | what it does |
| --- | --- |
| up / down, home / end | move between attributes |
| enter or e | edit the value of the row |
| escape | cancel the edit in progress |
| delete or x | clear the value (it is deleted on save) |
| u / U | revert this row / revert every row |
| a | add an attribute (custom names get `custom:`) |
| v | send a code to verify this email or phone number |
| ctrl+s | review the changes, then save them |
| r | reload from Cognito |
| ctrl+l | sign out (removes the stored tokens) |
| q / ctrl+q | quit |
| ctrl+p | every command, searchable |

Nothing is sent while you edit. Saving sends one request with only the changed and
cleared attributes. Tokens are kept in the OS keyring and nowhere else.
"""


class HelpScreen(ModalScreen[None]):
    """What every key does."""

    BINDINGS = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close"),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help"):
            yield Markdown(HELP)
            yield Static("Escape closes", classes="dialog-keys")
