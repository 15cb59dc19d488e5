"""The attribute table: one row per attribute, with its value and status, from Draft rows."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.color import Color, ColorParseError
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey

from cogtui.display import shown
from cogtui.profile import Row

STATUS_LABELS = {
    "verified": "✓ verified",
    "unverified": "unverified",
    "pending": "pending code",
    "changed": "● changed",
    "cleared": "✗ cleared",
    "new": "+ new",
    "read-only": "read-only",
    "": "",
}
STATUS_COLOURS = {  # the theme's text-* colours: tinted to read on its own background
    "verified": "text-success",
    "unverified": "text-warning",
    "pending": "text-warning",
    "changed": "text-primary",
    "cleared": "text-error",
    "new": "text-primary",
}
COLUMNS = ("name", "value", "status")
READABLE = 4.5  # WCAG's contrast ratio for text
NAME_WIDTH = (12, 24)
STATUS_WIDTH = 14


def contrast(one: Color, other: Color) -> float:
    """WCAG's contrast ratio of two opaque colours (1 to 21)."""

    def luminance(colour: Color) -> float:
        def channel(value: int) -> float:
            v = value / 255
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

        return 0.2126 * channel(colour.r) + 0.7152 * channel(colour.g) + 0.0722 * channel(colour.b)

    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def readable(colour: Color, background: Color) -> Color:
    """The theme's colour, darkened on a light background or lightened on a dark one until
    it reads as text (some built-in themes' warning and success colours do not)."""
    towards = Color(0, 0, 0) if background.brightness > 0.5 else Color(255, 255, 255)
    for step in range(21):
        candidate = colour.blend(towards, step / 20)
        if contrast(candidate, background) >= READABLE:
            return candidate
    return towards


def status_colours(variables: dict[str, str]) -> dict[str, str]:
    """Each status's colour for this theme, readable on the table's background; a theme of
    the terminal's own colours (ansi-*) keeps them as they are: the palette is not known."""
    names = {**STATUS_COLOURS, "problem": "text-error"}
    try:
        background = Color.parse(variables["surface"])
        if background.ansi is None:
            return {
                status: readable(Color.parse(variables[name]), background).hex
                for status, name in names.items()
            }
    except (KeyError, ColorParseError):
        pass
    return {status: variables.get(name, "") for status, name in names.items()}


class AttributeTable(DataTable[Text]):
    """A row-cursor table of the draft's rows; it shows, the screen decides."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("home", "scroll_top", "First", show=False),
        Binding("end", "scroll_bottom", "Last", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, id=id)
        self.rows_shown: list[Row] = []
        self._colours: dict[str, str] | None = None

    def show(self, rows: list[Row]) -> None:
        """Show these rows, keeping the cursor on the same attribute: only the cells that
        changed are redrawn when the rows are the same attributes in the same order."""
        if not self.size.width:  # not laid out yet: drawn once, at its widths, on resize
            self.rows_shown = rows
            return
        if self._update_in_place(rows):
            return
        current, index = self.current_name, self.cursor_row
        self.rows_shown = rows
        self.clear(columns=True)
        name_width, value_width = self._widths(rows)
        self.add_column("attribute", key="name", width=name_width)
        self.add_column("value", key="value", width=value_width)
        self.add_column("status", key="status", width=STATUS_WIDTH)
        colours = self.colours()
        for row in rows:
            height = 2 if row.problem else 1
            self.add_row(*self._cells(row, colours, value_width), key=row.name, height=height)
        names = [row.name for row in rows]
        if current in names:
            self.move_cursor(row=names.index(current), animate=False)
        elif names:  # the row is gone (a saved clear): stay at the same place
            self.move_cursor(row=min(max(index, 0), len(names) - 1), animate=False)

    def _update_in_place(self, rows: list[Row]) -> bool:
        before = self.rows_shown
        if [r.name for r in rows] != [r.name for r in before] or not self.columns:
            return False  # other rows: drawn anew
        if any(bool(a.problem) != bool(b.problem) for a, b in zip(rows, before, strict=True)):
            return False  # a row's height changes
        _, value_width = self._widths(rows)
        if value_width != self.columns[ColumnKey("value")].width:
            return False
        colours = self.colours()
        for old, new in zip(before, rows, strict=True):
            if old != new:
                for column, cell in zip(
                    COLUMNS, self._cells(new, colours, value_width), strict=True
                ):
                    self.update_cell(new.name, column, cell)
        self.rows_shown = rows
        return True

    @property
    def current_name(self) -> str | None:
        if not self.rows_shown or not 0 <= self.cursor_row < len(self.rows_shown):
            return None
        return self.rows_shown[self.cursor_row].name

    @property
    def current_row(self) -> Row | None:
        name = self.current_name
        return next((row for row in self.rows_shown if row.name == name), None)

    def on_resize(self) -> None:
        if self.rows_shown:
            self.show(self.rows_shown)

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def _theme_changed(self, _theme: object) -> None:
        self._colours = None
        rows, self.rows_shown = self.rows_shown, []
        self.show(rows)  # drawn anew, in the new theme's colours

    def colours(self) -> dict[str, str]:
        """The statuses' colours, worked out once per theme (not on every redraw)."""
        if self._colours is None:
            self._colours = status_colours(self.app.get_css_variables())
        return self._colours

    # -- cells ------------------------------------------------------------------------
    def _widths(self, rows: list[Row]) -> tuple[int, int]:
        longest = max((len(row.name) for row in rows), default=0)
        name_width = min(max(longest, NAME_WIDTH[0]), NAME_WIDTH[1])
        spare = self.size.width - name_width - STATUS_WIDTH - 2 * 3 * self.cell_padding - 2
        return name_width, max(spare, 16)

    def _cells(self, row: Row, colours: dict[str, str], width: int) -> tuple[Text, Text, Text]:
        colour = colours.get(row.status, "")
        name = Text(shown(row.name), overflow="ellipsis", no_wrap=True)
        value = Text(shown(row.value), overflow="ellipsis", no_wrap=True)
        status = Text(STATUS_LABELS.get(row.status, row.status), style=colour)
        if row.read_only:
            name.stylize("dim")
            value.stylize("dim")
            status.stylize("dim")
        elif row.status == "cleared":
            value.stylize("strike dim")
        elif row.status in ("changed", "new"):
            value.stylize("bold")
        elif row.status == "pending" and row.pending_value:
            value.append(f" → {shown(row.pending_value)}", style=colour)
        value.truncate(width, overflow="ellipsis")
        if row.problem:
            problem = Text("⚠ " + shown(row.problem), style=f"bold {colours['problem']}")
            problem.truncate(width, overflow="ellipsis")
            value = Text("\n").join([value, problem])
            status.append("\n")
            status.append("needs a fix", style=colours["problem"])
        return name, value, status
