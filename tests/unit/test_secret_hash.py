"""SECRET_HASH = base64(HMAC-SHA256(client secret, username + client id))."""

from __future__ import annotations

import base64
import hashlib
import hmac

from cogtui.session import secret_hash

SECRET, USERNAME, CLIENT_ID = "client-secret-0123456789", "grace", "4exampleclientid"
# printf 'grace4exampleclientid' | openssl dgst -sha256 -hmac 'client-secret-0123456789' \
#   -binary | base64
KNOWN_VECTOR = "vyFHrcyod4I4AXB7REILITxmuxLYW9/RxyCTA4LQQOo="


def test_secret_hash_matches_an_independent_hmac() -> None:
    message = (USERNAME + CLIENT_ID).encode()
    expected = hmac.new(SECRET.encode(), message, hashlib.sha256).digest()

    assert secret_hash(SECRET, USERNAME, CLIENT_ID) == base64.b64encode(expected).decode()


def test_secret_hash_matches_a_known_vector() -> None:
    assert secret_hash(SECRET, USERNAME, CLIENT_ID) == KNOWN_VECTOR


def test_secret_hash_depends_on_the_username() -> None:
    assert secret_hash(SECRET, "ada", CLIENT_ID) != secret_hash(SECRET, USERNAME, CLIENT_ID)
