"""The one place that decides how untrusted text may reach a terminal.

Values, attribute names, usernames and server messages are data. `shown` makes them safe to
draw: callers render the result as plain text (never as markup), and control characters
come out as visible escapes, so an ESC sequence cannot clear the screen, set the title or
write the clipboard, and a bidi override cannot reorder what the user reads. `--json`
keeps exact values (`json_text`), escaping the same characters in JSON's own way.
"""

from __future__ import annotations

import json
import re
from typing import Any

NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# C0, DEL, C1; bidi embeddings, overrides, isolates and marks; line and paragraph separators.
BEYOND_C0 = "\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029"
UNSAFE = re.compile(f"[\x00-\x1f{BEYOND_C0}]")
UNSAFE_IN_JSON = re.compile(f"[{BEYOND_C0}]")  # json.dumps escapes C0 itself


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in NAMED:
        return NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shown(text: object) -> str:
    """`text` as a terminal may show it: control characters as visible escapes."""
    return UNSAFE.sub(_escape, str(text))


def json_text(value: Any) -> str:
    """Indented JSON whose strings keep their exact values and carry no raw control byte."""
    text = json.dumps(value, indent=2, ensure_ascii=False)
    return UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def moment(seconds: float | None, missing: str = "-") -> str:
    """A time the server gave (seconds since 1970), local, to the minute; `missing` when
    it gave none, "?" when it is no time at all."""
    if seconds is None:
        return missing
    from datetime import datetime

    try:
        return datetime.fromtimestamp(seconds).astimezone().strftime("%Y-%m-%d %H:%M")
    except (OverflowError, OSError, ValueError):
        return "?"
