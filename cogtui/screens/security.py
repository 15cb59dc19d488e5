"""The Security screen: the password, MFA methods (on, off, preferred), an authenticator
app, sign out everywhere, delete the account. The profile screen's neighbour: `s` there
opens it, Escape here goes back."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from cogtui.display import shown
from cogtui.errors import CogtuiError, NotSignedIn, SessionExpired
from cogtui.screens.background import run_blocking
from cogtui.screens.security_forms import ChangePasswordModal, DeleteAccountModal, TotpSetupForm
from cogtui.screens.sign_out import SignOutModal
from cogtui.security import METHOD_NAMES, METHODS, Mfa, Security
from cogtui.session import Session

ABOUT = (
    "p changes your password · t sets up an authenticator app · space turns the method "
    "under the cursor on or off · f makes it preferred · g signs out, here or everywhere · "
    "D deletes the account · Escape goes back to the profile"
)


class SecurityScreen(Screen[None]):
    """How the user signs in, and the account itself."""

    class SignedOut(Message):
        """The tokens are gone (signed out everywhere, or the account deleted)."""

    BINDINGS = [
        Binding("escape,s", "back", "Profile", key_display="esc"),
        Binding("p", "password", "Password"),
        Binding("t", "totp", "Authenticator"),
        Binding("space", "switch", "On/off"),
        Binding("f", "prefer", "Prefer"),
        Binding("g", "sign_out_everywhere", "Sign out everywhere", show=False),
        Binding("D", "delete", "Delete account", show=False),
        Binding("r", "reload", "Reload", show=False),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.security = Security(session)
        self.mfa = Mfa((), None)
        self.busy = False

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static("Multi-factor authentication", classes="help-section")
        yield DataTable(id="mfa", cursor_type="row", zebra_stripes=False)
        yield Static("", id="security-status", markup=False)
        yield Static(ABOUT, id="security-about", classes="muted", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.sub_title = shown(f"Security · {self.session.display_name}")
        table = self.query_one(DataTable)
        table.add_column("method", key="method", width=28)
        table.add_column("state", key="state", width=6)
        table.add_column("", key="preferred", width=12)
        self.action_reload()

    # -- the MFA table ---------------------------------------------------------------------
    def show_mfa(self, mfa: Mfa) -> None:
        self.mfa = mfa
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for method in METHODS:
            on = method in mfa.enabled
            state = Text("on", style="bold") if on else Text("off", style="dim")
            preferred = Text("preferred") if method == mfa.preferred else Text("")
            table.add_row(f"{METHOD_NAMES[method]} ({method})", state, preferred, key=method)
        table.move_cursor(row=max(row, 0), animate=False)
        if not mfa.enabled:
            self.status("MFA is off: signing in asks for your password only.")
        else:
            self.status("")

    @property
    def method(self) -> str:
        return METHODS[max(self.query_one(DataTable).cursor_row, 0)]

    def status(self, text: str) -> None:
        self.query_one("#security-status", Static).update(shown(text))

    def work(self, what: str, call: Any, done: Any) -> None:
        if self.busy:
            self.notify("Wait for the request in flight to finish.")
            return
        self.busy = True
        self.status(f"{what}…")

        def finished(result: Any) -> None:
            self.busy = False
            done(result)

        run_blocking(self, what, call, finished, self.failed, group="security")

    def failed(self, error: CogtuiError) -> None:
        self.busy = False
        self.status("")
        if isinstance(error, SessionExpired | NotSignedIn):
            self.post_message(self.SignedOut())
            return
        self.notify(str(error), severity="error", timeout=8)
        self.action_reload()

    # -- keys -----------------------------------------------------------------------------
    def action_reload(self) -> None:
        self.work("Reading your MFA settings", self.security.mfa, self.show_mfa)

    def action_switch(self) -> None:
        method = self.method
        on = method not in self.mfa.enabled
        if on and method == "totp":
            self.action_totp()  # an app is set up first: it is turned on when it works
            return
        self.work(
            f"Turning {method} {'on' if on else 'off'}",
            lambda: self.security.set_mfa(method, enabled=on),
            lambda _: self.changed(f"{METHOD_NAMES[method]} is {'on' if on else 'off'}."),
        )

    def action_prefer(self) -> None:
        method = self.method
        self.work(
            f"Making {method} preferred",
            lambda: self.security.set_mfa(method, enabled=True, preferred=True),
            lambda _: self.changed(f"{METHOD_NAMES[method]} is on and preferred."),
        )

    def changed(self, said: str) -> None:
        self.notify(said)
        self.action_reload()

    def action_password(self) -> None:
        self.app.push_screen(
            ChangePasswordModal(self.security),
            lambda done: self.notify("Your password is changed.") if done else None,
        )

    def action_totp(self) -> None:
        def done(ok: bool | None) -> None:
            if ok:
                self.changed("The authenticator app is on and preferred.")

        self.app.push_screen(TotpSetupForm(self.security), done)

    def action_sign_out_everywhere(self) -> None:
        def done(signed_out: bool | None) -> None:
            if signed_out:
                self.post_message(self.SignedOut())

        self.app.push_screen(SignOutModal(self.session), done)

    def action_delete(self) -> None:
        def done(deleted: bool | None) -> None:
            if deleted:
                self.app.notify("Your account is deleted; its tokens are gone from here.")
                self.post_message(self.SignedOut())

        self.app.push_screen(DeleteAccountModal(self.security), done)

    def action_back(self) -> None:
        self.dismiss(None)
