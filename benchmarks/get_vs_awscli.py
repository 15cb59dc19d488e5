"""Time `cogtui get --json` against `aws cognito-idp get-user` for one user on one emulator.

    python benchmarks/get_vs_awscli.py [--runs 15]

Both tools run as fresh processes, as a user would run them, against the same moto server
(started in this process on a free loopback port) for the same signed-in user; the runs
alternate so that neither gets a warmer cache. cogtui reads its tokens from the keyring,
as it always does: when `dbus-run-session` and `gnome-keyring-daemon` are installed the
script re-runs itself in a private D-Bus session with a throwaway, unlocked gnome-keyring
and a temporary HOME, so the user's own keyring, config and ~/.aws are never touched.
Without them it uses the system keyring and signs out at the end.

The AWS CLI is optional (`pip install awscli`); without it only cogtui is timed.
Target (DESIGN §6): cogtui at most 0.6x the AWS CLI's median wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import private_keyring  # noqa: E402

TARGET = 0.6


def cogtui_command() -> list[str]:
    """The installed `cogtui` script when there is one (what users run), else `-m cogtui`."""
    found = shutil.which("cogtui")
    return [found] if found else [sys.executable, "-m", "cogtui"]


def timed(command: list[str], env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{command[0]} failed ({done.returncode}): {done.stderr.strip()}")
    return elapsed, done.stdout


def describe(name: str, times: list[float]) -> str:
    return (
        f"{name:<28} median {statistics.median(times):6.3f} s   "
        f"min {min(times):.3f}  max {max(times):.3f}  ({len(times)} runs)"
    )


def benchmark(runs: int) -> int:
    from cogtui.demo import demo_session, embedded_emulator, seed

    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "COGTUI_"))}
    env["AWS_PAGER"] = ""
    if not shutil.which("cogtui"):  # `python -m cogtui` from this checkout
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    aws = shutil.which("aws")
    with embedded_emulator() as url:
        pool = seed(url)
        options = pool.cli_options()
        cogtui = [*cogtui_command(), "get", "--json", *options]
        # cogtui signs in the way a user does; its tokens go to the keyring.
        login = [*cogtui_command(), "login", "--username", pool.username, "--password-stdin"]
        subprocess.run(
            [*login, *options],
            input=pool.password,
            text=True,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        commands = {"cogtui get --json": cogtui}
        if aws:
            # The AWS CLI gets its own access token for the same user (never printed).
            session = demo_session(pool)
            session.sign_in(pool.username, pool.password)
            commands["aws cognito-idp get-user"] = [
                aws, "cognito-idp", "get-user", "--no-sign-request", "--output", "json",
                "--region", pool.region, "--endpoint-url", url,
                "--access-token", session.access_token(),
            ]  # fmt: skip
        try:
            times: dict[str, list[float]] = {name: [] for name in commands}
            outputs: dict[str, str] = {}
            names = list(commands)
            for name in names:  # one warm-up run each: disk caches, .pyc files
                timed(commands[name], env)
            for run in range(runs):
                for name in names[run % len(names) :] + names[: run % len(names)]:
                    elapsed, outputs[name] = timed(commands[name], env)
                    times[name].append(elapsed)
        finally:
            subprocess.run(
                [*cogtui_command(), "logout", *options], env=env, check=False,
                capture_output=True,
            )  # fmt: skip
    mine = json.loads(outputs["cogtui get --json"])
    print(f"emulator: moto {moto_version()} at {url}; {runs} runs each, alternating")
    for name in names:
        print(describe(name, times[name]))
    if not aws:
        print("aws: not installed (`pip install awscli` to compare); cogtui timed alone")
        return 0
    theirs = json.loads(outputs["aws cognito-idp get-user"])["UserAttributes"]
    if {a["Name"]: a.get("Value", "") for a in theirs} != mine:
        raise SystemExit("cogtui and the AWS CLI returned different attributes")
    ratio = statistics.median(times["cogtui get --json"]) / statistics.median(
        times["aws cognito-idp get-user"]
    )
    verdict = "meets" if ratio <= TARGET else "MISSES"
    print(f"ratio cogtui / aws: {ratio:.2f}x ({verdict} the target of <= {TARGET}x)")
    print(f"versions: {aws_version(aws, env)}; python {sys.version.split()[0]}")
    return 0


def moto_version() -> str:
    from importlib.metadata import version

    return version("moto")


def aws_version(aws: str, env: dict[str, str]) -> str:
    done = subprocess.run([aws, "--version"], capture_output=True, text=True, env=env)
    return (done.stdout or done.stderr).split()[0] if (done.stdout or done.stderr) else "aws"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed runs of each tool")
    argv = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)
    try:
        import moto  # noqa: F401
    except ImportError:
        raise SystemExit("The benchmark needs moto: pip install -e '.[demo]'.") from None
    if not private_keyring.inside() and private_keyring.available():
        return private_keyring.rerun_inside(__file__, argv)
    if private_keyring.inside():
        private_keyring.start_gnome_keyring()
    return benchmark(args.runs)


if __name__ == "__main__":
    sys.exit(main())
