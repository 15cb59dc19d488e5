"""The passkey helpers that need no key: the options a key is given, and an id that
begins with "-" on the command line."""

from __future__ import annotations

import pytest

from cogtui.cli import build_parser, options
from cogtui.cli_passkeys import id_first
from cogtui.passkeys import usable

ID = "-Ab3dEfGhIjKlMnOpQrStUv"


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["passkeys", "delete", ID], ["passkeys", "delete", f"--id={ID}"]),
        (
            ["passkeys", "delete", "--no-keyring", ID, "--profile", "x"],
            ["passkeys", "delete", "--no-keyring", f"--id={ID}", "--profile", "x"],
        ),
        (
            ["--profile", "p", "passkeys", "delete", "-" + ID],
            ["--profile", "p", "passkeys", "delete", f"--id=-{ID}"],
        ),
        (
            ["passkeys", "delete", "--profile", ID],
            ["passkeys", "delete", "--profile", ID],
        ),  # a value
        (
            ["passkeys", "delete", "Ab3dEfGhIjKlMnOpQr"],
            ["passkeys", "delete", "Ab3dEfGhIjKlMnOpQr"],
        ),
        (["get", ID], ["get", ID]),
    ],
)
def test_an_id_that_begins_with_a_dash_is_the_id(argv: list[str], expected: list[str]) -> None:
    assert id_first(argv, options(build_parser())) == expected


def test_the_parsed_command_has_the_id() -> None:
    parser = build_parser()
    args = parser.parse_args(
        id_first(["passkeys", "delete", ID, "--profile", "x"], options(parser))
    )

    assert (args.action, args.dashed_id, args.profile) == ("delete", ID, "x")


def test_a_key_with_no_pin_is_not_asked_for_verification_cognito_only_prefers() -> None:
    creation = {
        "rp": {"id": "a.example"},
        "challenge": "x",
        "authenticatorSelection": {"userVerification": "preferred"},
    }
    required = {"rpId": "a.example", "challenge": "x", "userVerification": "required"}

    assert usable(creation)["authenticatorSelection"]["userVerification"] == "discouraged"
    assert usable({"rp": {"id": "a"}, "challenge": "x"})["authenticatorSelection"] == {
        "userVerification": "discouraged"
    }
    assert usable({"rpId": "a", "challenge": "x"})["userVerification"] == "discouraged"
    assert usable(required)["userVerification"] == "required"  # never weakened


def test_transports_fido2_cannot_encode_are_dropped() -> None:
    listed = {
        "rpId": "a",
        "challenge": "x",
        "allowCredentials": [
            {"id": "AA", "type": "public-key", "transports": ["usb", "smart-card"]}
        ],
    }

    assert usable(listed)["allowCredentials"][0]["transports"] == ["usb"]
