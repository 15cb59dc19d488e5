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
Uses only the project's own dependencies and the standard library.
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
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import private_keyring
from emulator import Seeded, seed, start_cognito_local

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, sys, time
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

async def drive(pilot):
    from cogtui.screens.profile import ProfileScreen
    app = pilot.app
    deadline = time.time() + 20
    while time.time() < deadline:
        screen = app.screen
        tables = screen.query("AttributeTable") if isinstance(screen, ProfileScreen) else []
        if tables and tables.first().rows_shown:
            break
        await pilot.pause(0.002)
    marks["attributes"] = since_spawn()
    await app.workers.wait_for_complete()
    marks["startup_ops"] = requests_so_far()
    names = [row.name for row in screen.table.rows_shown]
    await pilot.press("home", *["down"] * names.index("given_name"), "e", "ctrl+u", *"Augusta",
                      "enter", "ctrl+s")
    await pilot.pause()
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
    "attributes": marks["attributes"],
    "startup_ops": marks["startup_ops"],
    "save_ops": marks["save_ops"],
    "nothing_ops": marks["nothing_ops"],
}))
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


class Proxy:
    """A loopback proxy in front of the emulator; GET /forwarded lists (and forgets) what it
    forwarded, so the timed child can count its requests without recording them itself."""

    def __init__(self, upstream: str) -> None:
        forwarded: list[str] = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.answer(200, json.dumps(forwarded).encode(), "application/json")
                forwarded.clear()

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                forwarded.append(self.headers.get("X-Amz-Target", "").rpartition(".")[2])
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                request = urllib.request.Request(upstream + self.path, body, headers)
                try:
                    with urllib.request.urlopen(request) as reply:
                        self.answer(reply.status, reply.read(), reply.headers["Content-Type"])
                except urllib.error.HTTPError as error:
                    self.answer(error.code, error.read(), error.headers["Content-Type"])

            def answer(self, status: int, payload: bytes, content_type: str | None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type or "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def sign_in(seeded: Seeded, use_keyring: bool) -> list[str]:
    """Sign in as cogtui does; with the keyring the tokens are stored there for the child."""
    from cogtui.config import Settings
    from cogtui.session import Session
    from cogtui.vault import MemoryStore, Vault, system_store

    settings = Settings(
        seeded.user_pool_id, seeded.client_id, "us-east-1", seeded.endpoint, auth_flow="password"
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


def run_app(seeded: Seeded, proxy: Proxy, tokens: list[str], use_keyring: bool) -> dict:
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


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args(argv).runs
    if not private_keyring.inside() and private_keyring.available():
        return private_keyring.rerun_inside(__file__, argv)
    use_keyring = private_keyring.inside()
    if use_keyring:
        private_keyring.start_gnome_keyring()
    process, endpoint = start_cognito_local()
    proxy = Proxy(endpoint)
    try:
        results, bare, aws = [], [], []
        for run in range(runs):
            seeded = seed(endpoint, username=f"bench{run}")
            tokens = sign_in(seeded, use_keyring)
            results.append(run_app(seeded, proxy, tokens, use_keyring))
            bare.append(timed([sys.executable, "-c", BARE_BOTO3, endpoint, tokens[1]]))
            if shutil.which("aws"):
                aws.append(timed([
                    "aws", "cognito-idp", "get-user", "--no-sign-request",
                    "--access-token", tokens[1], "--endpoint-url", endpoint,
                    "--region", "us-east-1",
                ]))  # fmt: skip
    finally:
        proxy.server.shutdown()
        process.terminate()
        process.wait(timeout=10)

    def median(key: str) -> float:
        return statistics.median(r[key] for r in results)

    last = results[-1]
    auth = [op for op in last["startup_ops"] if op in ("InitiateAuth", "RespondToAuthChallenge")]
    where = "a private gnome-keyring" if use_keyring else "memory (no gnome-keyring here)"
    print(f"runs: {runs} (median), cognito-local at {endpoint}; tokens in {where}")
    print("every time is a whole process, from its start")
    print(f"time to first frame:                    {median('first_frame') * 1000:7.0f} ms")
    print(f"attributes on screen (stored tokens):   {median('attributes') * 1000:7.0f} ms")
    print(f"bare boto3 get_user:                    {statistics.median(bare) * 1000:7.0f} ms")
    if aws:
        print(f"aws cognito-idp get-user:               {statistics.median(aws) * 1000:7.0f} ms")
    else:
        print("aws cognito-idp get-user:               (AWS CLI not installed)")
    print(f"requests at start-up: {len(last['startup_ops'])} {last['startup_ops']}")
    print(f"  of which auth requests: {len(auth)}")
    print(f"requests for one save: {len(last['save_ops'])} {last['save_ops']}")
    print(f"requests for a save with nothing changed: {len(last['nothing_ops'])}")
    return 0


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as home:  # never touch the user's config
        os.environ.setdefault("XDG_CONFIG_HOME", home)
        sys.exit(main(sys.argv[1:]))
