"""The Security screen's lists, each read in the background: the devices (remember, stop
remembering, forget) and the passkeys (add on a security key, delete). A section has a
title, one line that says what is going on, and its table."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from cogtui.cognito import Device, Passkey
from cogtui.display import shown
from cogtui.errors import CogtuiError, NotSignedIn, SessionExpired
from cogtui.screens.background import run_blocking
from cogtui.screens.confirm import ConfirmModal
from cogtui.screens.passwordless import TouchKeyModal
from cogtui.security import Security
from cogtui.widgets.device_table import DeviceTable
from cogtui.widgets.passkey_table import PasskeyTable


class Work(Protocol):
    """The screen's one call at a time: what (said on its status line), the call, what to
    do with its result, and (optionally) what to do first when it fails."""

    def __call__(
        self,
        what: str,
        call: Callable[[], Any],
        done: Callable[[Any], None],
        reread: bool = True,
        on_failure: Callable[[CogtuiError], None] | None = None,
    ) -> bool: ...


class ListSection(Vertical):
    """Subclasses give TITLE, GROUP, `table()`, `fetch()` (in a worker) and `show()`."""

    TITLE = ""
    GROUP = ""

    def __init__(self, security: Security, work: Work, ended: Callable[[], None]) -> None:
        super().__init__(classes="list-section")
        self.security = security
        self.work = work  # the screen's one call at a time, said on its status line
        self.ended = ended
        self.reading = False
        self.read_again = False  # a change landed while the list was being read

    def compose(self) -> ComposeResult:
        yield Static(self.TITLE, classes="help-section")
        yield Static("", classes="muted list-note", markup=False)
        yield self.table()

    def table(self) -> DataTable[Any]:
        raise NotImplementedError

    def fetch(self) -> Any:
        raise NotImplementedError

    def show(self, found: Any) -> None:
        raise NotImplementedError

    def discard(self) -> None:
        """x: forget the device, or delete the passkey, under the cursor (asks first)."""
        raise NotImplementedError

    @property
    def rows(self) -> DataTable[Any]:
        return self.query_one(DataTable)

    @property
    def focused_here(self) -> bool:
        return self.screen.focused is self.rows

    def note(self, text: str) -> None:
        self.query_one(".list-note", Static).update(shown(text))

    def read(self) -> None:
        if self.reading:
            self.read_again = True
            return
        self.reading = True
        self.note(f"Reading your {self.TITLE.lower()}…")

        def done(found: Any) -> None:
            self.reading = False
            if self.read_again:  # what was read may predate a change: read once more
                self.read_again = False
                self.read()
                return
            self.show(found)

        def failed(error: CogtuiError) -> None:
            self.reading = self.read_again = False
            if isinstance(error, SessionExpired | NotSignedIn):
                self.ended()
                return
            self.rows.display = False
            self.note(error.message)

        run_blocking(
            self, f"Reading your {self.TITLE.lower()}", self.fetch, done, failed, group=self.GROUP
        )

    def changed(self, said: str) -> None:
        self.notify(said)
        self.read()


class DeviceSection(ListSection):
    TITLE = "Devices"
    GROUP = "devices"

    def table(self) -> DataTable[Any]:
        return DeviceTable(id="devices")

    @property
    def devices(self) -> DeviceTable:
        return self.query_one(DeviceTable)

    def fetch(self) -> tuple[list[Device], str | None]:
        return self.security.devices(), self.security.this_device()

    def show(self, found: tuple[list[Device], str | None]) -> None:
        devices, this = found
        self.devices.show(devices, this)
        self.devices.display = bool(devices)
        if not devices:
            self.note("No devices: in a pool that tracks devices, signing in adds this one.")
        else:
            count = f"{len(devices)} device{'s' if len(devices) != 1 else ''}"
            self.note(count + ("" if this else " · this machine is not one of them"))

    def named(self, device: Device) -> str:
        """What the messages call a device: a server's name, made safe to show."""
        if device.key == self.devices.this:
            return "this device"
        return shown(device.name or device.key)

    def switch(self) -> None:
        device = self.devices.device
        if device is None:
            return
        remember, name = not device.remembered, self.named(device)
        self.work(
            f"{'Remembering' if remember else 'No longer remembering'} {name}",
            lambda: self.security.set_remembered(device.key, remember),
            lambda _: self.changed(
                f"Remembered {name}." if remember else f"No longer remembering {name}."
            ),
        )

    def discard(self) -> None:
        device = self.devices.device
        if device is None:
            return
        name = self.named(device)
        detail = (
            "This machine: the next sign-in here asks for an MFA code again, and Cognito "
            "may end this session when it next needs renewing."
            if device.key == self.devices.this
            else "Signing in on it asks for an MFA code again, and its sessions end."
        )

        def answered(forget: bool | None) -> None:
            if forget:
                self.work(
                    f"Forgetting {name}",
                    lambda: self.security.forget_device(device.key),
                    lambda _: self.changed(f"Forgot {name}."),
                )

        question = ConfirmModal(f"Forget {name}?", detail, confirm="Forget", cancel="Keep")
        self.app.push_screen(question, answered)


class PasskeySection(ListSection):
    TITLE = "Passkeys"
    GROUP = "passkeys"

    def table(self) -> DataTable[Any]:
        return PasskeyTable(id="passkeys")

    @property
    def passkeys(self) -> PasskeyTable:
        return self.query_one(PasskeyTable)

    def fetch(self) -> list[Passkey]:
        return self.security.passkeys()

    def show(self, found: list[Passkey]) -> None:
        self.passkeys.show(found)
        self.passkeys.display = bool(found)
        if not found:
            self.note("No passkeys: k adds one on a security key.")
        else:
            self.note(f"{len(found)} passkey{'s' if len(found) != 1 else ''} · k adds another")

    def add(self) -> None:
        """StartWebAuthnRegistration, the key makes the passkey, Complete…: "Touch your
        security key" shows until it has; Escape stops waiting."""
        cancel = self.security.session.key_wait()
        waiting = TouchKeyModal("Adding a passkey for this account.", cancel.set)

        def over(then: Callable[[], None]) -> Callable[[Any], None]:
            return lambda _: waiting.finish(then)

        started = self.work(
            "Adding a passkey",
            lambda: self.security.add_passkey(cancel),
            over(lambda: self.changed("The passkey is added: next time, sign in with it.")),
            on_failure=over(lambda: None),
        )
        if started:
            self.app.push_screen(waiting)

    def discard(self) -> None:
        passkey = self.passkeys.passkey
        if passkey is None:
            return
        name = shown(passkey.name or "this passkey")

        def answered(delete: bool | None) -> None:
            if delete:
                self.work(
                    f"Deleting {name}",
                    lambda: self.security.delete_passkey(passkey.id),
                    lambda _: self.changed(f"Deleted {name}."),
                )

        detail = "Signing in with it stops working (the key holds it until the key is reset)."
        question = ConfirmModal(f"Delete {name}?", detail, confirm="Delete", cancel="Keep")
        self.app.push_screen(question, answered)
