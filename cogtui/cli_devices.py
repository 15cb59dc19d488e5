"""`cogtui devices`: this user's devices, remembering one, forgetting one or this one."""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from cogtui.display import json_text, moment, shown
from cogtui.errors import UsageError
from cogtui.terminal import signed_in

if TYPE_CHECKING:
    from cogtui.cognito import Device
    from cogtui.session import Session

Parser = Callable[..., argparse.ArgumentParser]
ACTIONS = ("forget", "remember", "forget-this")
DEVICE_KEY = re.compile(r"[\w-]+_[0-9a-fA-F-]+")  # Cognito's pattern: REGION_UUID


def add_parser(command: Parser) -> None:
    devices = command(
        "devices",
        "your devices, or: forget KEY, remember KEY, forget-this",
        signs_in=True,
    )
    devices.add_argument("action", nargs="?", choices=ACTIONS, metavar="ACTION")
    devices.add_argument("key", nargs="?", metavar="DEVICE_KEY", help="from `cogtui devices`")
    devices.add_argument("--json", action="store_true", help="with no ACTION: a JSON list")


def devices(args: argparse.Namespace, session: Session) -> int:
    from cogtui.security import Security

    if args.action is not None and args.json:
        raise UsageError("--json is for `cogtui devices` with no action only.")
    if args.action in ("forget", "remember"):
        if not args.key:
            raise UsageError(f"`cogtui devices {args.action}` takes a DEVICE_KEY.")
        if len(args.key) > 55 or not DEVICE_KEY.fullmatch(args.key):
            raise UsageError(
                f"{shown(args.key)} is not a device key; `cogtui devices` lists yours."
            )
    elif args.key:
        used = f"cogtui devices {args.action}" if args.action else "cogtui devices"
        raise UsageError(f"`{used}` takes no device key.")
    security = Security(signed_in(session))
    this = security.this_device()
    if args.action == "forget-this":
        key = security.forget_this_device()
        print(f"Forgot this device ({shown(key)}): the next sign-in asks for an MFA code.")
    elif args.action == "forget":
        security.forget_device(args.key)
        if args.key == this:
            print(f"Forgot this device ({args.key}): the next sign-in asks for an MFA code.")
        else:
            print(f"Forgot the device {args.key}.")
    elif args.action == "remember":
        security.set_remembered(args.key, True)
        print(f"The device {args.key} is remembered: signing in on it needs no MFA code.")
    else:
        found = security.devices()
        if args.json:
            print(json_text([as_json(device, device.key == this) for device in found]))
        else:
            print_table(found, this)
    return 0


def as_json(device: Device, this: bool) -> dict[str, object]:
    return {
        "key": device.key,
        "name": device.name,
        "remembered": device.remembered,
        "this_device": this,
        "last_authenticated": iso(device.last_authenticated),
        "last_ip": device.last_ip or None,
        "created": iso(device.created),
    }


def iso(seconds: float | None) -> str | None:
    """A time the server gave, in UTC ISO 8601 (None: it gave none, or nonsense)."""
    if seconds is None:
        return None
    try:
        return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds")
    except (OverflowError, OSError, ValueError):
        return None


def remembered(device: Device) -> str:
    if device.remembered is None:
        return "unknown"
    return "remembered" if device.remembered else "not remembered"


def print_table(found: list[Device], this: str | None) -> None:
    if not found:
        print("You have no devices: in a pool that tracks devices, signing in adds this one.")
        return
    rows = [("NAME", "STATUS", "LAST SIGN-IN", "LAST IP", "ADDED", "KEY")]
    for device in found:
        name = shown(device.name or "(no name)") + (" (this device)" if device.key == this else "")
        rows.append(
            (
                name,
                remembered(device),
                moment(device.last_authenticated),
                shown(device.last_ip or "-"),
                moment(device.created),
                shown(device.key),
            )
        )
    print_columns(rows)


def print_columns(rows: Sequence[tuple[str, ...]]) -> None:
    """Rows of cells already made safe to show, aligned; the last cell (a key or an id,
    long) is not padded."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        print("  ".join([*cells, row[-1]]))


COMMANDS = {"devices": devices}
