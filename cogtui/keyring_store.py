"""Where the vault keeps its items: the OS keyring, chosen as keyring would choose it.

On Linux, with no keyring setting of the user's, that is the Secret Service, reached here
over one D-Bus connection and one encryption session, without importing keyring at all:
keyring opens both anew for every call (a round trip and a Diffie-Hellman exchange, ~10 ms
each) and its import costs ~50 ms, a quarter of a `cogtui get`. The items are in keyring's
schema, so keyring (and the tools built on it) read them, and cogtui reads theirs.
Elsewhere, or when the user set `PYTHON_KEYRING_BACKEND` or a `keyringrc.cfg`, keyring's
own backend is used, without its plugin discovery when possible.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from pathlib import Path
from typing import Any

from cogtui.errors import KeyringUnavailable

FIX = (
    "install and unlock a Secret Service (gnome-keyring, for one; the README shows how on "
    "a server), or run with --no-keyring, which keeps tokens in memory for this run only "
    "(a command then signs in itself with --username and --password-stdin)"
)
WINDOWS_PIECE = 1200  # characters: Credential Manager's 1,280 UTF-16 characters, with room


class NotStored(Exception):
    """There was nothing to delete."""


class SecretServiceStore:
    """The Secret Service's default collection, over one connection for the process."""

    APPLICATION = "Python keyring library"  # what keyring writes, so its tools see them

    def __init__(self) -> None:
        import secretstorage

        self._secretstorage = secretstorage
        self._lock = threading.Lock()  # one D-Bus connection: one call at a time
        try:
            bus = secretstorage.dbus_init()
            if not secretstorage.check_service_availability(bus):
                raise KeyringUnavailable(f"No Secret Service is running: {FIX}.")
            session = secretstorage.util.open_session(bus)
            self._collection = secretstorage.get_default_collection(bus, session)
        except KeyringUnavailable:
            raise
        except Exception as error:  # no D-Bus session, a broken daemon
            name = type(error).__name__
            raise KeyringUnavailable(
                f"The Secret Service did not answer ({name}): {FIX}."
            ) from None

    def _unlocked(self) -> Any:
        if self._collection.is_locked():
            self._collection.unlock()  # the desktop asks for the password
            if self._collection.is_locked():
                raise KeyringUnavailable(f"The keyring is locked: {FIX}.")
        return self._collection

    def _items(self, service: str, username: str) -> list[Any]:
        query = {"service": service, "username": username}
        return list(self._unlocked().search_items(query))

    def get_password(self, service: str, username: str) -> str | None:
        with self._lock:
            for item in self._items(service, username):
                if item.is_locked():
                    item.unlock()
                return str(item.get_secret().decode("utf-8"))
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        attributes = {"service": service, "username": username, "application": self.APPLICATION}
        label = f"Password for '{username}' on '{service}'"
        with self._lock:
            self._unlocked().create_item(label, attributes, password, replace=True)

    def delete_password(self, service: str, username: str) -> None:
        with self._lock:
            items = self._items(service, username)
            if not items:
                raise NotStored()
            items[0].delete()


def system_store() -> Any:
    """The OS keyring, refusing backends that would write secrets to a plain file."""
    if keyring_left_to_choose() and sys.platform == "linux" and not on_kde():
        with contextlib.suppress(KeyringUnavailable):  # keyring's own search says why
            return SecretServiceStore()
    from keyring.backends import chainer, fail, null

    try:
        backend = chosen_backend()
    except Exception as error:  # a broken backend raises anything at all
        name = type(error).__name__
        raise KeyringUnavailable(f"The keyring could not start ({name}): {FIX}.") from None
    backends = backend.backends if isinstance(backend, chainer.ChainerBackend) else [backend]
    # fail and null keep nothing (null says it did); plaintext ones write secrets to a file.
    unusable = (fail.Keyring, null.Keyring)
    usable = [b for b in backends if not isinstance(b, unusable) and not _is_plaintext(b)]
    if not usable:
        raise KeyringUnavailable(f"No keyring is available to keep your tokens: {FIX}.")
    return backend


def keyring_left_to_choose() -> bool:
    """Whether the user has no keyring setting (PYTHON_KEYRING_BACKEND, keyringrc.cfg);
    keyring's own config root, as keyring.util.platform_ finds it on Linux."""
    if os.environ.get("PYTHON_KEYRING_BACKEND"):
        return False
    root = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return not (Path(root) / "python_keyring" / "keyringrc.cfg").exists()


def on_kde() -> bool:
    return "KDE" in os.environ.get("XDG_CURRENT_DESKTOP", "")  # KWallet outranks it there


# The backend keyring picks by default on each platform.
PLATFORM_BACKENDS = {
    "linux": ("SecretService", "Keyring"),
    "darwin": ("macOS", "Keyring"),
    "win32": ("Windows", "WinVaultKeyring"),
}


def chosen_backend() -> Any:
    """The backend keyring would choose, found without its plugin discovery when possible
    (discovery reads the entry points of every installed package, ~50 ms)."""
    import importlib

    import keyring
    import keyring.core

    configured = keyring.core.load_env() or keyring.core.load_config()
    if configured:
        return configured
    module, name = PLATFORM_BACKENDS.get(sys.platform, ("", ""))
    if module and not on_kde():
        backend = getattr(importlib.import_module(f"keyring.backends.{module}"), name)()
        with contextlib.suppress(Exception):  # `priority` raises when it cannot work here
            if backend.priority > 0:
                return backend
    return keyring.get_keyring()


def _is_plaintext(backend: object) -> bool:
    module = type(backend).__module__
    return module.startswith("keyrings.alt") and "Plaintext" in type(backend).__name__


def piece_size(store: object) -> int | None:
    """How long one item's value may be in this store, or None when it takes any length."""
    limit = getattr(store, "max_value_length", None)
    if isinstance(limit, int):
        return limit
    return WINDOWS_PIECE if type(store).__module__.startswith("keyring.backends.Windows") else None
