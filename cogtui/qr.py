"""A QR code as terminal text: two module rows per line, in half-block characters.

segno makes the matrix (no QR math here); drawing it is what no library does for a Textual
widget: each character is a top and a bottom module. The caller draws the lines dark on
light (black on white, whatever the theme) so that any phone camera reads them.
"""

from __future__ import annotations

QUIET = 2  # modules of light border: the standard asks for 4, scanners read 2, 80x24 fits it
BLOCKS = {(True, True): "█", (True, False): "▀", (False, True): "▄", (False, False): " "}


def qr_lines(text: str, quiet: int = QUIET) -> list[str]:
    """The QR code of `text`, with a quiet zone, as lines of ' ', '▀', '▄' and '█' where the
    foreground is a dark module."""
    import segno

    rows = [[bool(m) for m in row] for row in segno.make(text, error="l").matrix_iter(border=quiet)]
    if len(rows) % 2:
        rows.append([False] * len(rows[0]))
    return ["".join(BLOCKS[pair] for pair in zip(top, bottom, strict=True))
            for top, bottom in zip(rows[::2], rows[1::2], strict=True)]  # fmt: skip


def fits(lines: list[str], width: int, height: int) -> bool:
    return bool(lines) and len(lines[0]) <= width and len(lines) <= height


def grouped(secret: str) -> str:
    """The secret in groups of four, to type into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
