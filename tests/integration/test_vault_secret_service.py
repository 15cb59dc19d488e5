"""Vault v2 in a real Secret Service (gnome-keyring): one item per signed-in session, and
a user who signed in with cogtui 0.1 (vault v1) stays signed in after the upgrade."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

import pytest

from tests.conftest import cogtui_entries, fake_tokens, run_cogtui_process

POOL, CLIENT = "eu-west-1_Migrate1", "migrateclient"
SERVICE = f"cogtui:{POOL}:{CLIENT}"
# Nothing listens on the endpoint: logout's RevokeToken is refused at once, on this machine.
OPTIONS = ("--user-pool-id", POOL, "--client-id", CLIENT, "--endpoint-url", "http://127.0.0.1:9")


def write_v1(backend: Any, user: str, tokens: Any) -> None:
    """What cogtui 0.1 wrote: an entry per token kind, split above 1,000 characters."""
    for kind in ("id_token", "access_token", "refresh_token"):
        value = getattr(tokens, kind)
        parts = [value[i : i + 1000] for i in range(0, len(value), 1000)]
        if len(parts) == 1:
            backend.set_password(SERVICE, f"{kind}:{user}", value)
            continue
        for i, part in enumerate(parts):
            backend.set_password(SERVICE, f"{kind}:{user}#{i}", part)
        digest = hashlib.sha256(value.encode()).hexdigest()[:16]
        backend.set_password(SERVICE, f"{kind}:{user}", f"cogtui-shards:v1:{len(parts)}:{digest}")
    backend.set_password(SERVICE, "@current", user)


@pytest.mark.secret_service
def test_a_v1_session_migrates_to_one_item_and_the_user_stays_signed_in(
    empty_keyring: Any,
) -> None:
    refresh = secrets.token_urlsafe(1_340)  # ~1,780 characters, as AWS's
    write_v1(empty_keyring, "grace", fake_tokens(POOL, CLIENT, "grace", refresh_token=refresh))
    assert len(cogtui_entries(empty_keyring)) == 6

    first = run_cogtui_process("whoami", *OPTIONS)

    assert first.code == 0, first.err
    assert "username: grace" in first.out
    assert cogtui_entries(empty_keyring) == [(SERVICE, "@session")]
    again = run_cogtui_process("whoami", *OPTIONS)  # now from the v2 item
    assert (again.code, again.out) == (0, first.out)
    stored = empty_keyring.get_password(SERVICE, "@session")
    assert refresh in stored and '"format":2' in stored

    out = run_cogtui_process("logout", *OPTIONS)

    assert out.code == 0, out.err
    assert "revoking it failed" in out.err  # said, not hidden: the server was not reached
    assert cogtui_entries(empty_keyring) == []
