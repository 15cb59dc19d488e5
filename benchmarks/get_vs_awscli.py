"""Time `cogtui get --json` against `aws cognito-idp get-user` for one user on one emulator.

    python benchmarks/get_vs_awscli.py [--runs 15]

Both tools run as fresh processes, as a user would run them, against the same moto server
(started in this process on a free loopback port) for the same signed-in user; the runs
alternate so that neither gets a warmer cache. cogtui reads its tokens from the keyring,
as it always does: when `dbus-run-session` and `gnome-keyring-daemon` are installed the
script re-runs itself in a private D-Bus session with a throwaway, unlocked gnome-keyring
and a temporary HOME, so the user's own keyring, config and ~/.aws are never touched.
Without them it uses the system keyring and signs out at the end.

Both talk to the emulator through a loopback proxy that hands out tokens of the sizes AWS
issues (access ~1,100, id ~1,300, refresh ~1,780 characters; see aws_sized.py);
`--emulator-tokens` keeps the emulator's short ones. The script also reports the peak
memory of one `cogtui get --json` and the keyring items it keeps for the user.

The AWS CLI is optional (`pip install awscli`); without it only cogtui is timed.
Targets (DESIGN §6): cogtui at most 0.40x the AWS CLI's median wall time with AWS-sized
tokens; peak memory of `get` at most 60 MiB.
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
from aws_sized import SizingProxy  # noqa: E402
from compiled import compile_package  # noqa: E402

TARGET = 0.40
MEMORY_TARGET_MIB = 60


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


# A forked child's peak memory counts the pages of its parent (this process holds the
# emulator): a small launcher spawns the command and reports the command's own peak.
LAUNCHER = (
    "import os, subprocess, sys\n"
    "child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
    "print(os.wait4(child.pid, 0)[2].ru_maxrss)"
)


def peak_memory_mib(command: list[str], env: dict[str, str]) -> float:
    """The peak resident memory of one run of `command` (Linux reports KiB)."""
    done = subprocess.run(
        [sys.executable, "-c", LAUNCHER, *command], env=env, capture_output=True, text=True
    )
    return int(done.stdout.strip()) / 1024


def keyring_items(service: str) -> int | None:
    """How many Secret Service items cogtui keeps for this pool and client (None: not one)."""
    try:
        import secretstorage

        collection = secretstorage.get_default_collection(secretstorage.dbus_init())
        return sum(
            1
            for item in collection.get_all_items()
            if item.get_attributes().get("service") == service
        )
    except Exception:
        return None


def benchmark(runs: int, real_size: bool) -> int:
    from dataclasses import replace

    from cogtui.demo import demo_session, embedded_emulator, seed

    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "COGTUI_"))}
    env["AWS_PAGER"] = ""
    if not shutil.which("cogtui"):  # `python -m cogtui` from this checkout
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    aws = shutil.which("aws")
    with embedded_emulator() as emulator:
        proxy = SizingProxy(emulator, real_size=real_size)
        url = proxy.url
        pool = replace(seed(emulator), endpoint_url=url)
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
            memory = peak_memory_mib(cogtui, env)
            items = keyring_items(f"cogtui:{pool.user_pool_id}:{pool.client_id}")
        finally:
            subprocess.run(
                [*cogtui_command(), "logout", *options], env=env, check=False,
                capture_output=True,
            )  # fmt: skip
            proxy.close()
    mine = json.loads(outputs["cogtui get --json"])
    sizes = ", ".join(f"{k} {v}" for k, v in proxy.sizes.items()) or "the emulator's own"
    print(f"emulator: moto {moto_version()} behind a proxy; {runs} runs each, alternating")
    print(f"token sizes (characters): {sizes}")
    for name in names:
        print(describe(name, times[name]))
    verdict = "meets" if memory <= MEMORY_TARGET_MIB else "MISSES"
    print(f"peak memory of cogtui get --json: {memory:.1f} MiB ({verdict} <= {MEMORY_TARGET_MIB})")
    print(f"keyring items for the signed-in user: {items if items is not None else 'unknown'}")
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
    parser.add_argument(
        "--emulator-tokens", action="store_true", help="keep the emulator's short tokens"
    )
    argv = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(argv)
    compile_package()
    try:
        import moto  # noqa: F401
    except ImportError:
        raise SystemExit("The benchmark needs moto: pip install -e '.[demo]'.") from None
    if not private_keyring.inside() and private_keyring.available():
        return private_keyring.rerun_inside(__file__, argv)
    if private_keyring.inside():
        private_keyring.start_gnome_keyring()
    return benchmark(args.runs, real_size=not args.emulator_tokens)


if __name__ == "__main__":
    sys.exit(main())
