"""The Security screen: the password, MFA methods (on, off, preferred), an authenticator
app, the devices (remembered or not, forgotten), sign out everywhere, delete the account.
The profile screen's neighbour: `s` there opens it, Escape here goes back."""

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
from cogtui.screens.security_lists import DeviceSection, ListSection, PasskeySection
from cogtui.screens.sign_out import SignOutModal
from cogtui.security import METHOD_NAMES, METHODS, Mfa, Security
from cogtui.session import Session

ABOUT = (
    "Tab: the next table · space: a method on or off, a device remembered or not · "
    "f: preferred · x: forget or delete · k: add a passkey · p: password · "
    "t: authenticator app · g: sign out · D: delete the account · ?: every key"
)
MFA_ONLY, LISTS_ONLY = {"prefer"}, {"remove"}


class SecurityScreen(Screen[None]):
    """How the user signs in, and the account itself."""

    class SignedOut(Message):
        """The tokens are gone (signed out everywhere, or the account deleted)."""

    BINDINGS = [
        Binding("escape,s", "back", "Profile", key_display="esc"),
        Binding("p", "password", "Password"),
        Binding("t", "totp", "Authenticator"),
        Binding("space", "switch", "On/off"),
        Binding("f", "prefer", "Prefer", show=False),  # the footer is full at 80 columns
        Binding("x,delete", "remove", "Remove", key_display="x"),
        Binding("k", "add_passkey", "Passkey"),
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
        self.ended = False  # SignedOut is said once, however many calls find it out

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static("Multi-factor authentication", classes="help-section")
        yield DataTable(id="mfa", cursor_type="row", zebra_stripes=False)
        yield DeviceSection(self.security, self.work, self.end)
        yield PasskeySection(self.security, self.work, self.end)
        yield Static("", id="security-status", markup=False)
        yield Static(ABOUT, id="security-about", classes="muted", markup=False)
        yield Footer(compact=True)

    def on_resize(self) -> None:
        # At 80x24 the lists need the rows more than the line of keys (Help has them all).
        self.query_one("#security-about").display = self.size.height >= 32

    def on_mount(self) -> None:
        self.sub_title = shown(f"Security · {self.session.display_name}")
        table = self.mfa_table
        table.add_column("method", key="method", width=28)
        table.add_column("state", key="state", width=6)
        table.add_column("", key="preferred", width=12)
        self.action_reload()

    # -- the MFA table ---------------------------------------------------------------------
    def show_mfa(self, mfa: Mfa) -> None:
        self.mfa = mfa
        table = self.mfa_table
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
    def mfa_table(self) -> DataTable[Any]:
        return self.query_one("#mfa", DataTable)

    @property
    def sections(self) -> list[ListSection]:
        return list(self.query(ListSection))

    @property
    def method(self) -> str:
        return METHODS[max(self.mfa_table.cursor_row, 0)]

    @property
    def section(self) -> ListSection | None:
        """The list that has the focus, if one has (else the MFA table has)."""
        return next((section for section in self.sections if section.focused_here), None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """f is for a method, x for a device or a passkey: each shows where it applies."""
        if action in MFA_ONLY:
            return self.section is None
        if action in LISTS_ONLY:
            return self.section is not None
        if action == "switch":  # on/off: a method, or a device remembered; not a passkey
            return not isinstance(self.section, PasskeySection)
        return True

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def end(self) -> None:
        """The session is gone: say so once (the MFA and list reads may all find out)."""
        if not self.ended:
            self.ended = True
            self.post_message(self.SignedOut())

    def action_remove(self) -> None:
        if self.section is not None:
            self.section.discard()

    def action_add_passkey(self) -> None:
        self.query_one(PasskeySection).add()

    def status(self, text: str) -> None:
        self.query_one("#security-status", Static).update(shown(text))

    def work(
        self, what: str, call: Any, done: Any, reread: bool = True, on_failure: Any = None
    ) -> bool:
        """One call at a time, said on the status line; a failure is a toast (after
        `on_failure`), then (unless it was the reading itself) what the server holds is
        read again."""
        if self.busy:
            self.notify("Wait for the request in flight to finish.")
            return False
        self.busy = True
        self.status(f"{what}…")

        def finished(result: Any) -> None:
            self.busy = False
            self.status("")
            done(result)

        def failed(error: CogtuiError) -> None:
            self.busy = False
            self.status("")
            if on_failure is not None:
                on_failure(error)
            if isinstance(error, SessionExpired | NotSignedIn):
                self.end()
                return
            self.notify(str(error), severity="error", timeout=8)
            if reread:
                self.action_reload()
            else:
                self.status(f"{what} failed: {error.message}")

        run_blocking(self, what, call, finished, failed, group="security")
        return True

    # -- keys -----------------------------------------------------------------------------
    def action_reload(self) -> None:
        self.work("Reading your MFA settings", self.security.mfa, self.show_mfa, reread=False)
        for section in self.sections:
            section.read()

    def action_switch(self) -> None:
        if self.section is not None:
            if isinstance(self.section, DeviceSection):
                self.section.switch()
            return
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
        if self.section is not None:
            return
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
                self.end()

        self.app.push_screen(SignOutModal(self.session), done)

    def action_delete(self) -> None:
        def done(deleted: bool | None) -> None:
            if deleted:
                self.app.notify("Your account is deleted; its tokens are gone from here.")
                self.end()

        self.app.push_screen(DeleteAccountModal(self.security), done)

    def action_back(self) -> None:
        self.dismiss(None)
