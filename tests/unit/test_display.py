"""The one display function: untrusted text is text, and no control character reaches a
terminal raw; `--json` keeps exact values."""

from __future__ import annotations

import json

import pytest

from cogtui.display import json_text, shown

CASES = {
    "markup stays literal": ("[bold red]x[/] [/x] [@click=app.quit]q[/]",) * 2,
    "newline, CR and tab are named": ("a\nb\rc\td", "a\\nb\\rc\\td"),
    "ESC sequences are visible": ("\x1b[2J\x1b]2;pwned\x07", "\\x1b[2J\\x1b]2;pwned\\x07"),
    "OSC 52 cannot write the clipboard": ("\x1b]52;c;SGk=\x07", "\\x1b]52;c;SGk=\\x07"),
    "C1 CSI and DEL are visible": ("\x9b31m\x7f", "\\x9b31m\\x7f"),
    "NUL and backspace": ("a\x00\x08", "a\\x00\\x08"),
    "bidi overrides are visible": ("abc\u202eevil\u2066", "abc\\u202eevil\\u2066"),
    "line separators are visible": ("a\u2028b\u2029", "a\\u2028b\\u2029"),
    "RTL letters, CJK and emoji with ZWJ are kept": ("שלום 中文 👩‍👩‍👧",) * 2,
}


@pytest.mark.parametrize(("text", "expected"), CASES.values(), ids=CASES.keys())
def test_shown(text: str, expected: str) -> None:
    assert shown(text) == expected


@pytest.mark.parametrize("text", [case[0] for case in CASES.values()], ids=CASES.keys())
def test_json_keeps_the_exact_value_and_no_raw_control_character(text: str) -> None:
    out = json_text({"name": text, text: "key too"})
    assert json.loads(out) == {"name": text, text: "key too"}
    assert not any((ord(c) < 32 and c != "\n") or 0x7F <= ord(c) <= 0x9F for c in out)
    assert "\u202e" not in out and "\u2028" not in out
