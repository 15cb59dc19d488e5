"""Run a benchmark in its own D-Bus session with a throwaway, unlocked gnome-keyring.

The script re-runs itself under `dbus-run-session` with a temporary HOME, so cogtui keeps
its tokens in a real Secret Service, as it does for a user, and the user's own keyring,
config and ~/.aws are never touched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile

INNER = "COGTUI_BENCH_PRIVATE_KEYRING"  # set when re-run inside the private D-Bus session
KEYRING_PASSWORD = b"cogtui-benchmark"


def available() -> bool:
    return bool(shutil.which("dbus-run-session") and shutil.which("gnome-keyring-daemon"))


def inside() -> bool:
    return bool(os.environ.get(INNER))


def rerun_inside(script: str, argv: list[str]) -> int:
    """`script` again, in its own D-Bus session, with a temporary HOME."""
    with tempfile.TemporaryDirectory(prefix="cogtui-bench-") as home:
        env = {
            **os.environ,
            INNER: "1",
            "HOME": home,
            "XDG_CONFIG_HOME": f"{home}/.config",
            "XDG_DATA_HOME": f"{home}/.local/share",
            "XDG_CACHE_HOME": f"{home}/.cache",
        }
        command = ["dbus-run-session", "--", sys.executable, script, *argv]
        return subprocess.run(command, env=env, check=False).returncode


def start_gnome_keyring() -> None:
    """An unlocked gnome-keyring on this session's bus; its variables go to our children."""
    started = subprocess.run(
        ["gnome-keyring-daemon", "--unlock", "--components=secrets", "--daemonize"],
        input=KEYRING_PASSWORD,
        capture_output=True,
        timeout=30,
        check=False,
    )
    if started.returncode != 0:
        raise SystemExit(f"gnome-keyring-daemon did not start: {started.stderr.decode().strip()}")
    for line in started.stdout.decode().splitlines():
        name, _, value = line.partition("=")
        if name.startswith("GNOME_KEYRING"):
            os.environ[name] = value
