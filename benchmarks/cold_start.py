"""What start-up imports: per-import time and module count, in a fresh interpreter each run.

    python benchmarks/cold_start.py [--runs 5] [--top 12]

For each path (the command line and `cogtui get`'s modules; the TUI's first paint), the best
of N fresh `python -X importtime` runs: the total import time, the number of modules loaded,
and the imports that cost the most (cumulative, in microseconds as Python reports them).
Uses only the standard library.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compiled import compile_package

PATHS = {
    "cogtui get (cli, session, vault, keyring store, transport)": (
        "import cogtui.cli, cogtui.session, cogtui.vault, cogtui.keyring_store, "
        "cogtui.cognito, cogtui.tokens, urllib.request"
    ),
    "the TUI's first paint (cogtui.app)": "import cogtui.app",
}
COUNT = "import sys; print(len(sys.modules))"


def one_run(code: str) -> tuple[int, int, list[tuple[int, str]]]:
    """(total microseconds, modules loaded, [(cumulative microseconds, import)]) where the
    imports are the code's own and theirs (two levels deep)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"{code}; {COUNT}"],
        capture_output=True,
        text=True,
        check=True,
    )
    total, imports = 0, []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line.removeprefix("import time:").split("|")
        depth = (len(name) - len(name.lstrip()) - 1) // 2
        if depth == 0:
            total += int(cumulative)
        if depth <= 1:
            imports.append((int(cumulative), name.strip()))
    return total, int(done.stdout.strip()), imports


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--top", type=int, default=12)
    options = parser.parse_args(argv)
    compile_package()
    for title, code in PATHS.items():
        best = min((one_run(code) for _ in range(options.runs)), key=lambda run: run[0])
        total, modules, imports = best
        runs = options.runs
        print(f"{title}: {total / 1000:.1f} ms of imports, {modules} modules (best of {runs})")
        for micros, name in sorted(imports, reverse=True)[: options.top]:
            print(f"  {micros / 1000:7.1f} ms  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
