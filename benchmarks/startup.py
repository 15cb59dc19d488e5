"""Start-up and request-count benchmark for the TUI, against cognito-local.

    python benchmarks/startup.py [--runs 5]

Reports, each a median over the runs, every run in a fresh interpreter:
- time to first frame (the app's first screen is painted),
- time until the attributes are on screen, starting with valid stored tokens,
- for comparison, `aws cognito-idp get-user` if the AWS CLI is installed, and a bare
  boto3 get_user (import boto3, make a client, one call) in a fresh interpreter,
- requests at start-up (and how many were auth requests), for one save, and for a save
  with nothing changed, counted by a loopback proxy in front of the emulator.
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
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from emulator import seed, start_cognito_local

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, os, sys, time, threading, urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
T0 = time.perf_counter()
spec = json.loads(sys.stdin.read())
operations = []

class Proxy(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        target = self.headers.get("X-Amz-Target", "")
        operations.append(target.rpartition(".")[2])
        headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
        request = urllib.request.Request(spec["endpoint"] + self.path, body, headers)
        try:
            with urllib.request.urlopen(request) as reply:
                status, payload, ctype = reply.status, reply.read(), reply.headers["Content-Type"]
        except urllib.error.HTTPError as error:
            status, payload, ctype = error.code, error.read(), error.headers["Content-Type"]
        self.send_response(status)
        self.send_header("Content-Type", ctype or "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)
    def log_message(self, *a):
        pass

server = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
threading.Thread(target=server.serve_forever, daemon=True).start()
proxy = f"http://127.0.0.1:{server.server_address[1]}"

from cogtui.vault import MemoryStore, Tokens, Vault
store = MemoryStore()
Vault(store, spec["pool"], spec["client"]).save_tokens(spec["user"], Tokens(*spec["tokens"]))
T1 = time.perf_counter()  # the clock starts here: what `cogtui` itself would do
from cogtui.config import Settings
from cogtui.app import CogtuiApp
settings = Settings(spec["pool"], spec["client"], "us-east-1", proxy, auth_flow="password",
                    use_keyring=False)
marks = {}

class Timed(CogtuiApp):
    def on_mount(self):  # Textual calls CogtuiApp.on_mount too
        self.call_after_refresh(lambda: marks.setdefault("first_frame", time.perf_counter()))

async def drive(pilot):
    from cogtui.screens.profile import ProfileScreen
    app = pilot.app
    deadline = time.perf_counter() + 20
    while time.perf_counter() < deadline:
        screen = app.screen
        tables = screen.query("AttributeTable") if isinstance(screen, ProfileScreen) else []
        if tables and tables.first().rows_shown:
            break
        await pilot.pause(0.002)
    marks["attributes"] = time.perf_counter()
    await app.workers.wait_for_complete()
    marks["startup_ops"] = list(operations)
    n = len(operations)
    names = [row.name for row in screen.table.rows_shown]
    await pilot.press("home", *["down"] * names.index("given_name"), "e", "ctrl+u", *"Augusta",
                      "enter", "ctrl+s")
    await pilot.pause()
    await pilot.press("enter")
    for _ in range(5):
        await app.workers.wait_for_complete(); await pilot.pause()
    marks["save_ops"] = operations[n:]
    n = len(operations)
    await pilot.press("ctrl+s")
    for _ in range(3):
        await app.workers.wait_for_complete(); await pilot.pause()
    marks["nothing_ops"] = operations[n:]
    app.exit()

Timed(settings, store=store).run(headless=True, size=(100, 30), auto_pilot=drive)
print(json.dumps({
    "first_frame": marks["first_frame"] - T1,
    "attributes": marks["attributes"] - T1,
    "startup_ops": marks["startup_ops"],
    "save_ops": marks["save_ops"],
    "nothing_ops": marks["nothing_ops"],
}))
"""

BARE_BOTO3 = r"""
import sys, time
t = time.perf_counter()
import boto3
from botocore import UNSIGNED
from botocore.config import Config
client = boto3.client("cognito-idp", region_name="us-east-1", endpoint_url=sys.argv[1],
                      config=Config(signature_version=UNSIGNED))
client.get_user(AccessToken=sys.argv[2])
print(time.perf_counter() - t)
"""


def sign_in(seeded) -> list[str]:
    from cogtui.config import Settings
    from cogtui.session import Session
    from cogtui.vault import MemoryStore, Vault

    settings = Settings(
        seeded.user_pool_id, seeded.client_id, "us-east-1", seeded.endpoint, auth_flow="password"
    )
    session = Session(settings, Vault(MemoryStore(), seeded.user_pool_id, seeded.client_id))
    session.sign_in(seeded.username, seeded.password)
    assert session._tokens is not None
    t = session._tokens
    return [t.id_token, t.access_token, t.refresh_token or ""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    process, endpoint = start_cognito_local()
    try:
        results, bare, aws = [], [], []
        for run in range(runs):
            seeded = seed(endpoint, username=f"bench{run}")
            tokens = sign_in(seeded)
            spec = {
                "endpoint": endpoint,
                "pool": seeded.user_pool_id,
                "client": seeded.client_id,
                "user": seeded.username,
                "tokens": tokens,
            }
            child = subprocess.run(
                [sys.executable, "-c", CHILD],
                input=json.dumps(spec),
                capture_output=True,
                text=True,
                cwd=ROOT,
                check=False,
            )
            if child.returncode:
                raise SystemExit(f"the timed run failed:\n{child.stderr[-3000:]}")
            results.append(json.loads(child.stdout.strip().splitlines()[-1]))
            out = subprocess.run(
                [sys.executable, "-c", BARE_BOTO3, endpoint, tokens[1]],
                capture_output=True,
                text=True,
                check=True,
            )
            bare.append(float(out.stdout))
            if shutil.which("aws"):
                env = {**os.environ, "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x"}
                start = time.perf_counter()
                subprocess.run(
                    ["aws", "cognito-idp", "get-user", "--access-token", tokens[1],
                     "--endpoint-url", endpoint, "--region", "us-east-1"],
                    capture_output=True, env=env, check=False,
                )  # fmt: skip
                aws.append(time.perf_counter() - start)
    finally:
        process.terminate()
        process.wait(timeout=10)

    def median(key: str) -> float:
        return statistics.median(r[key] for r in results)

    last = results[-1]
    auth = [op for op in last["startup_ops"] if op in ("InitiateAuth", "RespondToAuthChallenge")]
    print(f"runs: {runs} (median), cognito-local at {endpoint}")
    print(f"time to first frame:                    {median('first_frame') * 1000:7.0f} ms")
    print(f"attributes on screen (stored tokens):   {median('attributes') * 1000:7.0f} ms")
    print(f"bare boto3 get_user, fresh interpreter: {statistics.median(bare) * 1000:7.0f} ms")
    if aws:
        print(f"aws cognito-idp get-user:               {statistics.median(aws) * 1000:7.0f} ms")
    else:
        print("aws cognito-idp get-user:               (AWS CLI not installed)")
    print(f"requests at start-up: {len(last['startup_ops'])} {last['startup_ops']}")
    print(f"  of which auth requests: {len(auth)}")
    print(f"requests for one save: {len(last['save_ops'])} {last['save_ops']}")
    print(f"requests for a save with nothing changed: {len(last['nothing_ops'])}")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as home:  # never touch the user's config
        os.environ.setdefault("XDG_CONFIG_HOME", home)
        main()
