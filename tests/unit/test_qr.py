"""The authenticator QR code: what cogtui draws decodes back to the otpauth:// URI."""

from __future__ import annotations

import pytest

from cogtui.qr import fits, grouped, qr_lines
from cogtui.security import otpauth_uri
from tests.qr_decode import decode

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSW"  # longer than most


@pytest.mark.parametrize(
    ("account", "issuer"),
    [("ada", "Cognito"), ("ada@example.com", "Acme Shop"), ("名前 & co", "プール")],
)
def test_the_drawn_code_decodes_to_the_uri(account: str, issuer: str) -> None:
    uri = otpauth_uri(SECRET, account, issuer)

    assert decode(qr_lines(uri)) == uri


def test_the_uri_follows_the_key_uri_format() -> None:
    uri = otpauth_uri("ABCD", "ada@example.com", "Acme Shop")

    assert uri == "otpauth://totp/Acme%20Shop:ada@example.com?secret=ABCD&issuer=Acme+Shop"


def test_a_typical_code_fits_80_columns_and_the_secret_reads_in_fours() -> None:
    lines = qr_lines(otpauth_uri(SECRET, "ada@example.com", "Cognito"))

    assert fits(lines, 80, 40) and not fits(lines, 30, 10)
    assert grouped("ABCDEFGHIJ") == "ABCD EFGH IJ"


@pytest.mark.parametrize(
    ("value", "usable"),
    [("JBSWY3DPEHPK3PXP", True), ("asdfasdfasdf", True), ("\x1b[2Jpwned!", False), ("", False),
     ("short", False), (["JBSWY3DP"], False), ("A" * 200, False)],
)  # fmt: skip
def test_only_a_base32_key_from_the_server_is_shown_or_drawn(value: object, usable: bool) -> None:
    from cogtui.cognito import is_totp_secret

    assert is_totp_secret(value) is usable
