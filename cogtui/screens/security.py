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

from cogtui.cognito import Device
from cogtui.display import shown
from cogtui.errors import CogtuiError, NotSignedIn, SessionExpired
from cogtui.screens.background import run_blocking
from cogtui.screens.confirm import ConfirmModal
from cogtui.screens.security_forms import ChangePasswordModal, DeleteAccountModal, TotpSetupForm
from cogtui.screens.sign_out import SignOutModal
from cogtui.security import METHOD_NAMES, METHODS, Mfa, Security
from cogtui.session import Session
from cogtui.widgets.device_table import DeviceTable

ABOUT = (
    "Tab moves between the tables · space turns the method on or off, or remembers the "
    "device (or stops) · f makes a method preferred · x forgets a device · p changes your "
    "password · t sets up an authenticator app · g signs out, here or everywhere · "
    "D deletes the account · Escape goes back to the profile"
)
MFA_ONLY, DEVICES_ONLY = {"prefer"}, {"forget"}


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
        Binding("x,delete", "forget", "Forget device", key_display="x"),
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
        self.reading_devices = False
        self.read_again = False  # a change landed while the list was being read
        self.ended = False  # SignedOut is said once, however many calls find it out

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        yield Static("Multi-factor authentication", classes="help-section")
        yield DataTable(id="mfa", cursor_type="row", zebra_stripes=False)
        yield Static("Devices", classes="help-section")
        yield Static("", id="devices-note", classes="muted", markup=False)
        yield DeviceTable(id="devices")
        yield Static("", id="security-status", markup=False)
        yield Static(ABOUT, id="security-about", classes="muted", markup=False)
        yield Footer(compact=True)

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
    def device_table(self) -> DeviceTable:
        return self.query_one(DeviceTable)

    @property
    def method(self) -> str:
        return METHODS[max(self.mfa_table.cursor_row, 0)]

    @property
    def on_devices(self) -> bool:
        return self.focused is self.device_table

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """f is for a method, x for a device: each shows when its table has the focus."""
        if action in MFA_ONLY:
            return not self.on_devices
        if action in DEVICES_ONLY:
            return self.on_devices
        return True

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    # -- the device table ------------------------------------------------------------------
    def read_devices(self) -> None:
        if self.reading_devices:
            self.read_again = True
            return
        self.reading_devices = True
        self.device_note("Reading your devices…")

        def read() -> tuple[list[Device], str | None]:
            return self.security.devices(), self.security.this_device()

        def done(found: tuple[list[Device], str | None]) -> None:
            self.reading_devices = False
            if self.read_again:  # what was read may predate a change: read once more
                self.read_again = False
                self.read_devices()
                return
            devices, this = found
            self.device_table.show(devices, this)
            self.device_table.display = bool(devices)
            if not devices:
                self.device_note(
                    "No devices: in a pool that tracks devices, signing in adds this one."
                )
            else:
                count = f"{len(devices)} device{'s' if len(devices) != 1 else ''}"
                here = "" if this else " · this machine is not one of them"
                self.device_note(f"{count}{here}")

        def failed(error: CogtuiError) -> None:
            self.reading_devices = self.read_again = False
            if isinstance(error, SessionExpired | NotSignedIn):
                self.end()
                return
            self.device_table.display = False
            self.device_note(error.message)

        run_blocking(self, "Reading your devices", read, done, failed, group="devices")

    def end(self) -> None:
        """The session is gone: say so once (the MFA and device reads may both find out)."""
        if not self.ended:
            self.ended = True
            self.post_message(self.SignedOut())

    def device_note(self, text: str) -> None:
        self.query_one("#devices-note", Static).update(shown(text))

    def device_named(self, device: Device) -> str:
        """What the messages call a device: a server's name, made safe to show."""
        if device.key == self.device_table.this:
            return "this device"
        return shown(device.name or device.key)

    def switch_device(self) -> None:
        device = self.device_table.device
        if device is None:
            return
        remember = not device.remembered
        name = self.device_named(device)
        self.work(
            f"{'Remembering' if remember else 'No longer remembering'} {name}",
            lambda: self.security.set_remembered(device.key, remember),
            lambda _: self.devices_changed(
                f"Remembered {name}." if remember else f"No longer remembering {name}."
            ),
        )

    def action_forget(self) -> None:
        device = self.device_table.device
        if device is None or not self.on_devices:
            return
        name = self.device_named(device)
        detail = (
            "This machine: the next sign-in here asks for an MFA code again, and Cognito "
            "may end this session when it next needs renewing."
            if device.key == self.device_table.this
            else "Signing in on it asks for an MFA code again, and its sessions end."
        )

        def answered(forget: bool | None) -> None:
            if forget:
                self.work(
                    f"Forgetting {name}",
                    lambda: self.security.forget_device(device.key),
                    lambda _: self.devices_changed(f"Forgot {name}."),
                )

        self.app.push_screen(
            ConfirmModal(f"Forget {name}?", detail, confirm="Forget", cancel="Keep"), answered
        )

    def devices_changed(self, said: str) -> None:
        self.notify(said)
        self.status("")
        self.read_devices()

    def status(self, text: str) -> None:
        self.query_one("#security-status", Static).update(shown(text))

    def work(self, what: str, call: Any, done: Any, reread: bool = True) -> None:
        """One call at a time, said on the status line; a failure is a toast, then (unless
        it was the reading itself) what the server holds is read again."""
        if self.busy:
            self.notify("Wait for the request in flight to finish.")
            return
        self.busy = True
        self.status(f"{what}…")

        def finished(result: Any) -> None:
            self.busy = False
            done(result)

        def failed(error: CogtuiError) -> None:
            self.busy = False
            self.status("")
            if isinstance(error, SessionExpired | NotSignedIn):
                self.end()
                return
            self.notify(str(error), severity="error", timeout=8)
            if reread:
                self.action_reload()
            else:
                self.status(f"{what} failed: {error.message}")

        run_blocking(self, what, call, finished, failed, group="security")

    # -- keys -----------------------------------------------------------------------------
    def action_reload(self) -> None:
        self.work("Reading your MFA settings", self.security.mfa, self.show_mfa, reread=False)
        self.read_devices()

    def action_switch(self) -> None:
        if self.on_devices:
            self.switch_device()
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
        if self.on_devices:
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
