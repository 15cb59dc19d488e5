"""Decode a QR code drawn as terminal text, the way a phone reads the screen: the cells
become pixels of a plain PBM image (dark modules black, the rest white), and zbarimg
(Debian's zbar-tools) reads it."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

import pytest

TOP = {"█": (1, 1), "▀": (1, 0), "▄": (0, 1), " ": (0, 0)}


def decode(lines: list[str], scale: int = 6) -> str:
    """The text of the QR code in `lines` (half-block characters), as zbarimg reads it."""
    if not shutil.which("zbarimg"):
        if os.environ.get("CI"):
            pytest.fail("zbarimg is missing: apt-get install zbar-tools")
        pytest.skip("LOUD SKIP: zbarimg is missing (apt-get install zbar-tools)")
    rows: list[list[int]] = []
    for line in lines:
        top, bottom = zip(*(TOP[c] for c in line), strict=True)
        rows += [list(top), list(bottom)]
    margin = [[0] * len(rows[0])] * 4  # a white frame around what the terminal shows
    rows = margin + rows + margin
    pixels = [
        " ".join(str(v) for v in ([0] * 4 + row + [0] * 4) for _ in range(scale))
        for row in rows
        for _ in range(scale)
    ]
    width = (len(rows[0]) + 8) * scale
    with tempfile.NamedTemporaryFile("w", suffix=".pbm", delete=False) as image:
        image.write(f"P1\n{width} {len(pixels)}\n" + "\n".join(pixels) + "\n")
    try:
        done = subprocess.run(
            ["zbarimg", "--quiet", "--raw", image.name], capture_output=True, text=True
        )
    finally:
        os.unlink(image.name)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()
