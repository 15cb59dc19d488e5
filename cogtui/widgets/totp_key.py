"""The authenticator app's key, as a QR code to scan and as text to type: the one part the
sign-in's MFA_SETUP step and the Security screen's set-up share.

The QR code is drawn black on white, with a quiet zone, whatever the theme, so that a phone
reads it; where the terminal is too small for it, the otpauth:// URI and the secret in
groups of four stand in.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from cogtui.display import shown
from cogtui.qr import fits, grouped, qr_lines

DARK_ON_LIGHT = "#000000 on #ffffff"


class TotpKey(Vertical):
    """The QR code of `uri` when it fits the screen, then the secret as text."""

    DEFAULT_CSS = """
    TotpKey { height: auto; }
    TotpKey #totp-qr { width: auto; height: auto; margin: 0 0 1 0; }
    TotpKey #totp-uri { color: $text-muted; }
    """

    def __init__(self, uri: str, secret: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.uri = uri
        self.secret = secret
        self.lines = qr_lines(uri)

    def compose(self) -> ComposeResult:
        yield Static("", id="totp-qr")
        yield Static("", id="totp-uri", markup=False)
        yield Static("Secret key (type it into the app, or paste it):", classes="muted")
        yield Static(shown(grouped(self.secret)), id="totp-secret", classes="secret", markup=False)

    def on_mount(self) -> None:
        self.draw()

    def on_resize(self) -> None:
        self.draw()

    @property
    def shows_qr(self) -> bool:
        screen = self.screen.size
        return fits(self.lines, min(screen.width - 8, self.size.width or 80), screen.height - 10)

    def draw(self) -> None:
        qr = self.query_one("#totp-qr", Static)
        uri = self.query_one("#totp-uri", Static)
        if self.shows_qr:
            qr.update(Text("\n".join(self.lines), style=DARK_ON_LIGHT, no_wrap=True))
            qr.display, uri.display = True, False
        else:  # too small to scan: the URI, for an app that takes one, and the secret below
            uri.update(shown(f"ctrl+o shows the QR code on its own. The key as a link: {self.uri}"))
            qr.display, uri.display = False, True


class QrScreen(ModalScreen[None]):
    """The QR code alone on the screen: at 80x24 it fits only so. Any key closes it."""

    DEFAULT_CSS = """
    QrScreen { align: center middle; background: $background; }
    QrScreen #qr-alone { width: auto; height: auto; }
    QrScreen #qr-keys { width: auto; color: $text-muted; }
    """
    BINDINGS = [Binding("escape,ctrl+o,enter,q", "dismiss", "Close")]

    def __init__(self, lines: list[str]) -> None:
        super().__init__()
        self.lines = lines

    def compose(self) -> ComposeResult:
        yield Static(Text("\n".join(self.lines), style=DARK_ON_LIGHT, no_wrap=True), id="qr-alone")
        yield Static("Scan it with the app · Escape goes back", id="qr-keys", markup=False)
