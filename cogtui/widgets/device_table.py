"""The user's devices as a table: name (this machine marked), remembered, last sign-in, last
IP, added. Names and addresses come from the server: plain text, through `shown`."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable

from cogtui.cognito import Device
from cogtui.display import moment, shown

FIXED = {"remembered": 10, "last sign-in": 16, "last IP": 15, "added": 10}
PADDING = 2  # a DataTable cell's padding, both sides together
WIDE = 90  # narrower than this, the table leaves out the date added


class DeviceTable(DataTable[Text]):
    """Rows keyed by device key; `show` draws them for the width there is."""

    BINDINGS = [  # a list of rows: home and end go to the first and the last
        Binding("home", "scroll_top", show=False),
        Binding("end", "scroll_bottom", show=False),
    ]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)  # type: ignore[arg-type]
        self.devices: list[Device] = []
        self.this: str | None = None
        self._drawn_for = -1

    def show(self, devices: list[Device], this: str | None) -> None:
        self.devices, self.this = devices, this
        self._draw(force=True)

    def on_resize(self) -> None:
        self._draw()

    @property
    def device(self) -> Device | None:
        """The device under the cursor."""
        if not self.devices or self.cursor_row < 0:
            return None
        return self.devices[min(self.cursor_row, len(self.devices) - 1)]

    def _draw(self, force: bool = False) -> None:
        width = self.size.width or 80
        if not force and width == self._drawn_for:
            return
        self._drawn_for = width
        row = self.cursor_row
        self.clear(columns=True)
        fixed = dict(FIXED)
        if width < WIDE:  # at 80 columns the name needs the room more than the date added
            del fixed["added"]
        name_width = max(12, width - sum(fixed.values()) - PADDING * (len(fixed) + 1) - 1)
        self.add_column("device", key="device", width=name_width)
        for label, column_width in fixed.items():
            self.add_column(label, key=label, width=column_width)
        for device in self.devices:
            name = Text(shown(device.name or "(no name)"))
            if device.key == self.this:
                name = Text.assemble(name, (" (this device)", "bold"))
            if device.remembered is None:
                remembered = Text("?")
            else:
                remembered = Text("yes", "bold") if device.remembered else Text("no", "dim")
            cells = [
                name,
                remembered,
                Text(moment(device.last_authenticated)),
                Text(shown(device.last_ip or "-")),
                Text(moment(device.created)[:10]),
            ]
            self.add_row(*cells[: len(fixed) + 1], key=device.key)
        if self.devices:
            self.move_cursor(row=min(max(row, 0), len(self.devices) - 1), animate=False)
