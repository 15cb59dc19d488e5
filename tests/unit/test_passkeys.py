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


# -- the real authenticator's answers, with fido2's client replaced (no key on this machine)
REQUEST = {"rpId": "auth.example.com", "challenge": "Y2hhbGxlbmdlLWZvci10ZXN0cw"}
CREATION = {
    "rp": {"id": "auth.example.com", "name": "Example"},
    "user": {"id": "YWRh", "name": "ada", "displayName": "ada"},
    "challenge": "Y2hhbGxlbmdlLWZvci10ZXN0cw",
    "pubKeyCredParams": [{"type": "public-key", "alg": -7}],
}


def test_no_key_plugged_in_is_one_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    from cogtui.passkeys import NoAuthenticator, SecurityKey

    monkeypatch.setattr("fido2.hid.CtapHidDevice.list_devices", staticmethod(lambda: iter(())))

    with pytest.raises(NoAuthenticator) as said:
        SecurityKey().authenticate(REQUEST, "https://auth.example.com", threading.Event())

    assert str(said.value).startswith("No security key is plugged in")


@pytest.mark.parametrize(
    ("error", "registering", "stopped", "sentence"),
    [
        ("TIMEOUT", False, True, "Stopped waiting for the security key."),
        ("TIMEOUT", False, False, "The security key was not touched in time; try again."),
        ("DEVICE_INELIGIBLE", False, False, "This security key holds no passkey for this account."),
        (
            "DEVICE_INELIGIBLE",
            True,
            False,
            "This security key already holds a passkey for this account.",
        ),
        ("PIN", False, False, "This security key asks for its PIN"),
        ("OTHER_ERROR", False, False, "The security key refused (OTHER_ERROR)."),
    ],
)
def test_what_the_key_says_becomes_one_sentence(
    monkeypatch: pytest.MonkeyPatch, error: str, registering: bool, stopped: bool, sentence: str
) -> None:
    import threading

    from fido2.client import ClientError, PinRequiredError

    from cogtui.passkeys import SecurityKey

    def refuse(*args: object, **kwargs: object) -> None:
        if error == "PIN":
            raise PinRequiredError()
        raise ClientError(ClientError.ERR[error])

    class Client:
        def __init__(self, *args: object, **kwargs: object) -> None:
            self.make_credential = self.get_assertion = refuse

    monkeypatch.setattr(
        "fido2.hid.CtapHidDevice.list_devices", staticmethod(lambda: iter([object()]))
    )
    monkeypatch.setattr("fido2.client.Fido2Client", Client)
    cancel = threading.Event()
    if stopped:
        cancel.set()

    with pytest.raises(Exception) as said:
        if registering:
            SecurityKey().register(CREATION, "https://auth.example.com", cancel)
        else:
            SecurityKey().authenticate(REQUEST, "https://auth.example.com", cancel)

    assert str(said.value).startswith(sentence)
