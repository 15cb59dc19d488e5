"""Compile cogtui's modules before timing, as pip does when it installs a wheel.

An editable install (and PYTHONDONTWRITEBYTECODE=1) leaves the package without bytecode,
so every timed run would compile it again; no installed user pays that.
"""

from __future__ import annotations

import compileall
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "cogtui"


def compile_package() -> None:
    if not compileall.compile_dir(PACKAGE, quiet=1):
        raise SystemExit(f"cogtui's modules in {PACKAGE} do not compile")
