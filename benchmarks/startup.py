"""Start-up and request-count benchmark for the TUI, against cognito-local.

    python benchmarks/startup.py [--runs 5]

Reports, each a median over the runs, every run a fresh process timed from its start (the
interpreter's own start-up included) with the tokens in the keyring, as a user runs it:
- time to first frame (the app's first screen is painted),
- time until the attributes are on screen, starting with valid stored tokens,
- for comparison, `aws cognito-idp get-user` if the AWS CLI is installed, and a bare
  boto3 get_user (import boto3, make a client, one call) in a fresh interpreter,
- requests at start-up (and how many were auth requests), for one save, and for a save
  with nothing changed, counted by a loopback proxy in front of the emulator.
With dbus-run-session and gnome-keyring installed the tokens are in a throwaway, unlocked
Secret Service (see private_keyring.py); without them, in memory (and it says so).
The emulator sits behind a loopback proxy that hands out tokens of AWS's sizes (access
~1,100, id ~1,300, refresh ~1,780 characters; see aws_sized.py); `--emulator-tokens`
keeps its own short ones. cognito-local comes from tests/emulator (`npm ci` there, which
this script runs when it is missing and npm is installed). Times are also given as ratios
to `aws cognito-idp get-user` from the same run.
Targets (DESIGN §6): first frame <= 0.25 s; attributes on screen <= 1.0x the AWS CLI's
get-user; 0 auth requests and 1 GetUser at start-up.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import private_keyring
from aws_sized import SizingProxy
from compiled import compile_package
from emulator import COGNITO_LOCAL, Seeded, seed, start_cognito_local

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import asyncio, json, sys, time
spec = json.loads(sys.stdin.readline())
since_spawn = lambda: time.time() - spec["spawned_at"]  # the clock started before exec
from cogtui.config import Settings
from cogtui.app import CogtuiApp
settings = Settings(spec["pool"], spec["client"], "us-east-1", spec["proxy"],
                    auth_flow="password", use_keyring=spec["keyring"])
marks = {}

class Timed(CogtuiApp):
    def on_mount(self):  # Textual calls CogtuiApp.on_mount too
        self.call_after_refresh(lambda: marks.setdefault("first_frame", since_spawn()))

    if hasattr(CogtuiApp, "opened"):  # older trees (a before run) have no such step
        def opened(self, opened):  # the keyring read (and now GetUser) are done
            marks["opened"] = since_spawn()
            super().opened(opened)

async def drive(pilot):
    from cogtui.screens.profile import ProfileScreen
    app = pilot.app
    deadline = time.time() + 20
    while time.time() < deadline:  # a light poll: Pilot.pause would take the loop's time
        screen = app.screen
        if isinstance(screen, ProfileScreen) and screen.is_mounted and screen.table.rows_shown:
            break
        await asyncio.sleep(0.002)
    painted = asyncio.get_running_loop().create_future()
    screen.call_after_refresh(lambda: painted.set_result(None))  # the rows drawn, not only set
    await painted
    marks["attributes"] = since_spawn()
    await app.workers.wait_for_complete()
    marks["startup_ops"] = requests_so_far()
    names = [row.name for row in screen.table.rows_shown]
    await pilot.press("home", *["down"] * names.index("given_name"), "e", "ctrl+u", *"Augusta",
                      "enter", "ctrl+s")
    for _ in range(3):  # the check for changes made elsewhere, then the review
        await app.workers.wait_for_complete(); await pilot.pause()
    await pilot.press("enter")
    for _ in range(5):
        await app.workers.wait_for_complete(); await pilot.pause()
    marks["save_ops"] = requests_so_far()
    await pilot.press("ctrl+s")
    for _ in range(3):
        await app.workers.wait_for_complete(); await pilot.pause()
    marks["nothing_ops"] = requests_so_far()
    app.exit()

def requests_so_far():  # what the parent's proxy forwarded since we last asked
    import urllib.request
    with urllib.request.urlopen(spec["proxy"] + "/forwarded") as reply:
        return json.loads(reply.read())

store = None
if not spec["keyring"]:
    from cogtui.vault import MemoryStore, Tokens, Vault
    store = MemoryStore()
    Vault(store, spec["pool"], spec["client"]).save_tokens(spec["user"], Tokens(*spec["tokens"]))
Timed(settings, store=store).run(headless=True, size=(100, 30), auto_pilot=drive)
print(json.dumps({
    "first_frame": marks["first_frame"],
    "opened": marks.get("opened", 0.0),
    "attributes": marks["attributes"],
    "startup_ops": marks["startup_ops"],
    "save_ops": marks["save_ops"],
    "nothing_ops": marks["nothing_ops"],
}))
"""

BARE_TEXTUAL = r"""
import sys, time
spawned_at = float(sys.argv[1])
from textual.app import App
from textual.widgets import Footer, Header, Static

class Bare(App):  # what any Textual app pays before its first frame: the floor
    def compose(self):
        yield Header(); yield Static("Connecting…"); yield Footer()

    def on_mount(self):
        self.call_after_refresh(lambda: (print(time.time() - spawned_at), self.exit()))

Bare().run(headless=True, size=(100, 30))
"""

BARE_BOTO3 = r"""
import sys
import boto3
from botocore import UNSIGNED
from botocore.config import Config
client = boto3.client("cognito-idp", region_name="us-east-1", endpoint_url=sys.argv[1],
                      config=Config(signature_version=UNSIGNED))
client.get_user(AccessToken=sys.argv[2])
"""


def sign_in(seeded: Seeded, use_keyring: bool, endpoint: str) -> list[str]:
    """Sign in as cogtui does (through the proxy, so the tokens are AWS-sized); with the
    keyring the tokens are stored there for the child."""
    from cogtui.config import Settings
    from cogtui.session import Session
    from cogtui.vault import MemoryStore, Vault, system_store

    settings = Settings(
        seeded.user_pool_id, seeded.client_id, "us-east-1", endpoint, auth_flow="password"
    )
    store = system_store() if use_keyring else MemoryStore()
    session = Session(settings, Vault(store, seeded.user_pool_id, seeded.client_id))
    session.sign_in(seeded.username, seeded.password)
    assert session._tokens is not None
    t = session._tokens
    return [t.id_token, t.access_token, t.refresh_token or ""]


def timed(command: list[str], **options: Any) -> float:
    start = time.perf_counter()
    subprocess.run(command, capture_output=True, check=True, **options)
    return time.perf_counter() - start


def run_app(seeded: Seeded, proxy: SizingProxy, tokens: list[str], use_keyring: bool) -> dict:
    spec = {
        "proxy": proxy.url,
        "pool": seeded.user_pool_id,
        "client": seeded.client_id,
        "user": seeded.username,
        "tokens": [] if use_keyring else tokens,
        "keyring": use_keyring,
    }
    spawned_at = time.time()
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    spec["spawned_at"] = spawned_at
    out, err = child.communicate(json.dumps(spec) + "\n")
    if child.returncode:
        raise SystemExit(f"the timed run failed:\n{err[-3000:]}")
    return json.loads(out.strip().splitlines()[-1])


def bare_textual_first_frame() -> float:
    """The first frame of an empty Textual app (Header, Static, Footer), from its spawn."""
    out = subprocess.run(
        [sys.executable, "-c", BARE_TEXTUAL, repr(time.time())],
        capture_output=True, text=True, check=True, cwd=ROOT,
    ).stdout  # fmt: skip
    return float(out.split()[-1])


def ensure_cognito_local() -> None:
    """cognito-local from tests/emulator: installed with npm when missing, or named."""
    if COGNITO_LOCAL.exists():
        return
    if not shutil.which("npm"):
        raise SystemExit(
            "The benchmark needs cognito-local: install Node.js and npm, then run "
            "`npm ci` in tests/emulator."
        )
    print("installing cognito-local (npm ci in tests/emulator)…", file=sys.stderr)
    subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=COGNITO_LOCAL.parents[2],
        check=True,
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--emulator-tokens", action="store_true", help="keep the emulator's short tokens"
    )
    options = parser.parse_args(argv)
    runs, real_size = options.runs, not options.emulator_tokens
    compile_package()
    ensure_cognito_local()
    if not private_keyring.inside() and private_keyring.available():
        return private_keyring.rerun_inside(__file__, argv)
    use_keyring = private_keyring.inside()
    if use_keyring:
        private_keyring.start_gnome_keyring()
    process, endpoint = start_cognito_local()
    proxy = SizingProxy(endpoint, real_size=real_size)
    try:
        results, bare, aws, floor = [], [], [], []
        for run in range(runs):
            seeded = seed(endpoint, username=f"bench{run}")
            tokens = sign_in(seeded, use_keyring, proxy.url)
            proxy.forwarded.clear()
            results.append(run_app(seeded, proxy, tokens, use_keyring))
            bare.append(timed([sys.executable, "-c", BARE_BOTO3, proxy.url, tokens[1]]))
            floor.append(bare_textual_first_frame())
            if shutil.which("aws"):
                aws.append(timed([
                    "aws", "cognito-idp", "get-user", "--no-sign-request",
                    "--access-token", tokens[1], "--endpoint-url", proxy.url,
                    "--region", "us-east-1",
                ]))  # fmt: skip
    finally:
        proxy.close()
        process.terminate()
        process.wait(timeout=10)

    def median(key: str) -> float:
        return statistics.median(r[key] for r in results)

    last = results[-1]
    auth = [op for op in last["startup_ops"] if op in ("InitiateAuth", "RespondToAuthChallenge")]
    where = "a private gnome-keyring" if use_keyring else "memory (no gnome-keyring here)"
    sizes = ", ".join(f"{k} {v}" for k, v in proxy.sizes.items()) or "the emulator's own"
    print(f"runs: {runs} (median), cognito-local behind a proxy; tokens in {where}")
    print(f"token sizes (characters): {sizes}")
    print("every time is a whole process, from its start")
    first, shown = median("first_frame"), median("attributes")
    aws_median = statistics.median(aws) if aws else None

    def ratio(value: float) -> str:
        return f"  ({value / aws_median:.2f}x the AWS CLI)" if aws_median else ""

    verdict = "meets" if first <= 0.25 else "MISSES"
    print(f"time to first frame:                    {first * 1000:7.0f} ms ({verdict} <= 250)")
    print(f"  an empty Textual app's first frame:   {statistics.median(floor) * 1000:7.0f} ms"
          "  (the floor: Textual's own import and start)")  # fmt: skip
    print(f"session open (keyring read, GetUser):   {median('opened') * 1000:7.0f} ms")
    print(f"attributes on screen (stored tokens):   {shown * 1000:7.0f} ms{ratio(shown)}")
    print(f"bare boto3 get_user:                    {statistics.median(bare) * 1000:7.0f} ms")
    if aws_median:
        print(f"aws cognito-idp get-user:               {aws_median * 1000:7.0f} ms")
        verdict = "meets" if shown <= aws_median else "MISSES"
        print(f"attributes on screen / aws get-user: {shown / aws_median:.2f}x ({verdict} <= 1.0x)")
    else:
        print("aws cognito-idp get-user:               (AWS CLI not installed: pip install awscli)")
    print(f"requests at start-up: {len(last['startup_ops'])} {last['startup_ops']}")
    print(f"  of which auth requests: {len(auth)}")
    print(f"requests for one save: {len(last['save_ops'])} {last['save_ops']}")
    print(f"requests for a save with nothing changed: {len(last['nothing_ops'])}")
    return 0


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as home:  # never touch the user's config
        os.environ.setdefault("XDG_CONFIG_HOME", home)
        sys.exit(main(sys.argv[1:]))
