"""The user's passkeys as a table: name, kind (on a security key or in the platform),
transports, added. What the server says is plain text, through `shown`."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

from cogtui.cognito import Passkey
from cogtui.display import moment, shown

KINDS = {"cross-platform": "security key", "platform": "this computer"}


class PasskeyTable(DataTable[Text]):
    """Rows keyed by credential id."""

    BINDINGS = [
        Binding("home", "scroll_top", show=False),
        Binding("end", "scroll_bottom", show=False),
    ]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)  # type: ignore[arg-type]
        self.passkeys: list[Passkey] = []

    def on_mount(self) -> None:
        self.add_column("passkey", key="name", width=22)
        self.add_column("kind", key="kind", width=13)
        self.add_column("transports", key="transports", width=14)
        self.add_column("added", key="added", width=16)

    def show(self, passkeys: list[Passkey]) -> None:
        self.passkeys = passkeys
        row = self.cursor_row
        self.clear()
        for passkey in passkeys:
            self.add_row(
                Text(shown(passkey.name or "(no name)")),
                Text(shown(KINDS.get(passkey.attachment, passkey.attachment or "-"))),
                Text(shown(", ".join(passkey.transports) or "-")),
                Text(moment(passkey.created)),
                key=passkey.id,
            )
        if passkeys:
            self.move_cursor(row=min(max(row, 0), len(passkeys) - 1), animate=False)

    @property
    def passkey(self) -> Passkey | None:
        if not self.passkeys or self.cursor_row < 0:
            return None
        return self.passkeys[min(self.cursor_row, len(self.passkeys) - 1)]
