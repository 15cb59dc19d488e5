"""Make the README's screenshots: the demo user's profile, driven by Textual's pilot.

    python screenshots/make.py            # writes screenshots/*.svg
    python screenshots/make.py --png /tmp/shots   # and a PNG of each, to look at

The app runs as `cogtui demo` runs it, with the demo user's data (`cogtui.demo`), except
that a deterministic stand-in answers at the `cognito.py` boundary instead of moto: pool
ids and `sub` stay the same from one run to the next, so a regenerated image changes only
when the UI does, and the stand-in behaves like a pool that sends codes and keeps the old
email active until the new one is verified (moto does neither). Nothing here is a real
token or a real password other than the demo's published one.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
os.environ["TZ"] = "UTC"  # the device list shows local times: the same on every machine
time.tzset()
sys.path.insert(0, str(HERE.parent))

from cogtui import demo  # noqa: E402
from cogtui.cognito import CodeDelivery, Device, Passkey, User  # noqa: E402
from cogtui.errors import CodeMismatch  # noqa: E402
from cogtui.session import Session  # noqa: E402
from cogtui.vault import MemoryStore, Vault  # noqa: E402

SIZE = (100, 32)
POOL = "us-east-1_DeMo7pQ2x"
CLIENT = "4demo1client2for3cogtui45"
SUB = "5f0c2a1e-7d3b-4c8e-9a61-2b7e4d9c1f08"
ENDPOINT = "http://127.0.0.1:5000"
CODE = "246810"
NEW_EMAIL = "ada.lovelace@example.org"
SIGNING_KEY = "cogtui screenshots: not a real signing key"
THIS_DEVICE = "us-east-1_3c1d9e2a-5b7f-4a60-8e21-6d0f4b9a7c35"
DEVICES = [  # two other machines of Ada's, then this one (registered at sign-in)
    Device(
        "us-east-1_0b7e3f4d-2c91-4d5a-b6e8-91f2a3c4d5e6",
        "analytical-engine",
        True,
        1_748_000_000.0,
        1_764_400_000.0,
        "203.0.113.42",
    ),
    Device(
        "us-east-1_7a2c9d1e-8f3b-4e6a-9c5d-3b1e7f2a4c6d",
        "library terminal",
        False,
        1_752_000_000.0,
        1_760_000_000.0,
        "198.51.100.17",
    ),
    Device(THIS_DEVICE, "ada-laptop", True, 1_764_500_000.0, 1_764_590_000.0, "192.0.2.8"),
]


def masked(value: str) -> str:
    """Cognito's masked destination: a***@e***.org, +*******0123."""
    if "@" in value:
        local, _, domain = value.partition("@")
        return f"{local[0]}***@{domain[0]}***.{domain.rpartition('.')[2]}"
    return "+" + "*" * (len(value) - 5) + value[-4:]


class StandIn:
    """Answers the calls `Session` makes, the way a pool that verifies email answers them."""

    where = ENDPOINT

    def __init__(self) -> None:
        self.attributes = {"sub": SUB, **demo.DEMO_PROFILE}
        self.pending: dict[str, str] = {}

    def _tokens(self) -> dict[str, Any]:
        import jwt

        issuer = f"{ENDPOINT}/{POOL}"
        expires = int(time.time()) + 3600
        common = {"sub": SUB, "iss": issuer, "exp": expires, "iat": expires - 3600}
        access = {**common, "token_use": "access", "client_id": CLIENT, "username": "ada"}
        id_claims = {**common, "token_use": "id", "aud": CLIENT, "cognito:username": "ada"}
        # Signed with a throwaway key: nothing here is a usable token.
        return {
            "AuthenticationResult": {
                "AccessToken": jwt.encode(access, SIGNING_KEY, algorithm="HS256"),
                "IdToken": jwt.encode(id_claims, SIGNING_KEY, algorithm="HS256"),
                "RefreshToken": "screenshots-refresh-token",
                # a pool that tracks devices and remembers them without asking
                "NewDeviceMetadata": {"DeviceKey": THIS_DEVICE, "DeviceGroupKey": "-screens"},
            }
        }

    def confirm_device(self, access_token: str, key: str, verifier: Any, name: str) -> bool:
        return False  # remembered without asking the user

    def list_devices(self, access_token: str, page: Any = None, limit: int = 60) -> Any:
        return list(DEVICES), None

    def list_passkeys(self, access_token: str, page: Any = None) -> Any:
        passkey = Passkey(
            "3q2-7w", "YubiKey 5C", "auth.example.com", "cross-platform", ("usb",), 1_764_000_000.0
        )
        return [passkey], None

    def initiate_auth(self, flow: str, parameters: Mapping[str, str]) -> dict[str, Any]:
        return self._tokens()

    def respond_to_auth_challenge(self, *args: Any) -> dict[str, Any]:
        return self._tokens()

    def get_user(self, access_token: str) -> User:
        return User("ada", dict(self.attributes), ("totp",), "totp")

    def update_user_attributes(
        self, access_token: str, attributes: Mapping[str, str], metadata: Any = None
    ) -> list[CodeDelivery]:
        deliveries = []
        for name, value in attributes.items():
            if name in ("email", "phone_number") and value:
                self.pending[name] = value  # the old value stays active until verified
                medium = "EMAIL" if name == "email" else "SMS"
                deliveries.append(CodeDelivery(name, masked(value), medium.lower()))
            elif value:
                self.attributes[name] = value
            else:
                self.attributes.pop(name, None)
        return deliveries

    def get_user_attribute_verification_code(
        self, access_token: str, attribute: str, metadata: Any = None
    ) -> CodeDelivery:
        value = self.pending.get(attribute, self.attributes.get(attribute, ""))
        return CodeDelivery(attribute, masked(value), "email" if "@" in value else "sms")

    def verify_user_attribute(self, access_token: str, attribute: str, code: str) -> None:
        if code != CODE:
            raise CodeMismatch("That code is not correct; check it and try again.")
        self.attributes[attribute] = self.pending.pop(attribute, self.attributes[attribute])
        self.attributes[f"{attribute}_verified"] = "true"

    def global_sign_out(self, access_token: str) -> None:
        pass


def demo_app() -> Any:
    """The app as `cogtui demo` opens it, talking to the stand-in."""
    from cogtui.app import CogtuiApp

    pool = demo.DemoPool(ENDPOINT, POOL, CLIENT)
    store = MemoryStore()
    settings = pool.settings("srp")
    session = Session(settings, Vault(store, POOL, CLIENT), cognito=StandIn())  # type: ignore[arg-type]
    return CogtuiApp(
        settings,
        store=store,
        demo_credentials=(pool.username, pool.password),
        notice=demo.notice_for(pool, embedded=True),
        session=session,
    )


async def until(pilot: Any, done: Any, what: str) -> None:
    for _ in range(100):
        await pilot.pause(0.05)
        if done():
            await pilot.pause(0.2)  # let the last frame settle
            return
    raise SystemExit(f"screenshots: timed out waiting for {what}")


def screen_is(app: Any, name: str) -> bool:
    return type(app.screen).__name__ == name


async def go_to(pilot: Any, app: Any, attribute: str) -> None:
    names = [row.name for row in app.screen.table.rows_shown]
    app.screen.table.move_cursor(row=names.index(attribute))
    await pilot.pause()


async def edit(pilot: Any, app: Any, attribute: str, value: str) -> None:
    await go_to(pilot, app, attribute)
    await pilot.press("e", "ctrl+u", *value, "enter")


async def make(folder: Path) -> list[Path]:
    app = demo_app()
    written = []

    def shot(name: str) -> None:
        path = folder / f"{name}.svg"
        app.save_screenshot(filename=path.name, path=str(folder))
        written.append(path)

    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: screen_is(app, "SignInScreen"), "the sign-in screen")
        await pilot.press(*demo.DEMO_USERNAME)
        shot("sign-in")

        await pilot.press("enter", *demo.DEMO_PASSWORD, "enter")
        profile_ready = lambda: screen_is(app, "ProfileScreen") and not app.screen.busy  # noqa: E731
        await until(pilot, profile_ready, "the profile")
        await edit(pilot, app, "email", NEW_EMAIL)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: screen_is(app, "ReviewModal"), "the review of one change")
        await pilot.press("enter")
        await until(pilot, lambda: screen_is(app, "VerifyCodeModal"), "the code modal")
        await pilot.press(*CODE[:3])  # half typed: the modal shows dots, never the code
        shot("verify-code")

        await pilot.press("escape")  # later: the new email waits for its code
        await until(pilot, profile_ready, "the profile after the save")
        await edit(pilot, app, "custom:team", "Difference Engine")
        await go_to(pilot, app, "website")
        await pilot.press("x")
        await pilot.press("a")
        await until(pilot, lambda: screen_is(app, "AddAttributeModal"), "the add modal")
        await pilot.press(*"nickname", "tab", *"Countess", "enter")
        await until(pilot, profile_ready, "the added attribute")
        await go_to(pilot, app, "email")
        shot("profile")

        await pilot.press("ctrl+s")
        await until(pilot, lambda: screen_is(app, "ReviewModal"), "the review of three changes")
        shot("review")
        await pilot.press("escape")
        await until(pilot, profile_ready, "the profile after the review")
        await pilot.press("s")
        security_ready = lambda: screen_is(app, "SecurityScreen") and not app.screen.busy  # noqa: E731
        await until(pilot, security_ready, "the Security screen")
        shot("security")
        await pilot.press("escape")
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--png", metavar="DIR", type=Path, help="also render each to a PNG in DIR (rsvg-convert)"
    )
    args = parser.parse_args()
    written = asyncio.run(make(HERE))
    for path in written:
        text = path.read_text(encoding="utf-8")
        for secret in (demo.DEMO_PASSWORD, CODE, "eyJ"):
            # The demo password is published, but the sign-in shot must not show it typed.
            if secret in text and not (secret == demo.DEMO_PASSWORD and path.stem == "sign-in"):
                raise SystemExit(f"screenshots: {path.name} shows {secret[:3]}…; not written")
        print(path.relative_to(HERE.parent))
        if args.png:
            if not shutil.which("rsvg-convert"):
                raise SystemExit("screenshots: --png needs rsvg-convert (librsvg2-bin)")
            args.png.mkdir(parents=True, exist_ok=True)
            png = args.png / path.with_suffix(".png").name
            subprocess.run(["rsvg-convert", str(path), "-o", str(png)], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
