"""Which keyring backend cogtui uses: keyring's own settings first, then the platform's
default without keyring's plugin discovery, and never a plaintext or failing one."""

from __future__ import annotations

from typing import Any

import pytest

from cogtui.errors import KeyringUnavailable
from cogtui.vault import system_store


def test_on_linux_with_a_secret_service_it_is_the_secret_service(secret_service: Any) -> None:
    from cogtui.keyring_store import SecretServiceStore

    store = system_store()
    assert isinstance(store, SecretServiceStore)
    store.set_password("cogtui-test", "probe", "through one connection")
    # keyring's own backend reads what cogtui wrote: the same items, the same schema.
    assert secret_service.get_password("cogtui-test", "probe") == "through one connection"
    store.delete_password("cogtui-test", "probe")
    assert secret_service.get_password("cogtui-test", "probe") is None


@pytest.mark.parametrize(
    "backend",
    ["keyring.backends.fail.Keyring", "keyring.backends.null.Keyring"],
    ids=["no keyring", "a keyring that keeps nothing"],
)
def test_a_keyring_that_cannot_keep_tokens_is_refused_with_the_fix(
    monkeypatch: pytest.MonkeyPatch, backend: str
) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", backend)

    with pytest.raises(KeyringUnavailable) as raised:
        system_store()

    assert raised.value.message == (
        "No keyring is available to keep your tokens: install and unlock a Secret Service "
        "(gnome-keyring, for one; the README shows how on a server), or run with "
        "--no-keyring, which keeps tokens in memory for this run only (a command then signs "
        "in itself with --username and --password-stdin)."
    )


def test_keyrings_own_setting_wins(monkeypatch: pytest.MonkeyPatch, secret_service: Any) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.chainer.ChainerBackend")
    from keyring.backends import chainer

    assert isinstance(system_store(), chainer.ChainerBackend)
