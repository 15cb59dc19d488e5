"""Tokens in the OS keyring, and nowhere else.

Entries live under the service `cogtui:<pool>:<client>`, one per token kind per user
(`access_token:<user>` ...), plus `@current` (who is signed in) and `@client-secret`.
Long values are split over numbered entries because Windows Credential Manager refuses
blobs over 2,560 bytes (1,280 UTF-16 characters) and Cognito refresh tokens are longer.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
from dataclasses import dataclass
from typing import Protocol

from cogtui.errors import KeyringUnavailable

SHARD_SIZE = 1000
SHARD_HEADER = "cogtui-shards:v1"
MAX_SHARDS = 16  # a token is under 16,000 characters; a header claiming more is corrupt
TOKEN_KINDS = ("id_token", "access_token", "refresh_token")
CURRENT_USER = "@current"
CLIENT_SECRET = "@client-secret"
FIX = (
    "install and unlock a Secret Service (for example gnome-keyring), "
    "or run with --no-keyring to keep tokens in memory for this run only"
)


class SecretStore(Protocol):
    """The three calls of a keyring backend that the vault uses."""

    def get_password(self, service: str, username: str) -> str | None: ...

    def set_password(self, service: str, username: str, password: str) -> None: ...

    def delete_password(self, service: str, username: str) -> None: ...


class MemoryStore:
    """A store that lives as long as the process (`--no-keyring`, the demo)."""

    def __init__(self) -> None:
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username), None)


@dataclass(frozen=True)
class Tokens:
    """The tokens of one signed-in user. `repr` never shows them."""

    id_token: str
    access_token: str
    refresh_token: str | None = None

    def __repr__(self) -> str:
        return "Tokens(<hidden>)"


def system_store() -> SecretStore:
    """The OS keyring, refusing backends that would write secrets to a plain file."""
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
    return backend  # type: ignore[return-value]


# The backend keyring picks by default on each platform (KWallet outranks the Secret
# Service only on a KDE desktop).
PLATFORM_BACKENDS = {
    "linux": ("SecretService", "Keyring"),
    "darwin": ("macOS", "Keyring"),
    "win32": ("Windows", "WinVaultKeyring"),
}


def chosen_backend() -> object:
    """The backend keyring would choose, found without its plugin discovery when possible.

    Discovery reads the entry points of every installed package (~50 ms, a quarter of a
    `cogtui get`). keyring's own settings (PYTHON_KEYRING_BACKEND, keyringrc.cfg) still win.
    """
    import importlib

    import keyring
    import keyring.core

    configured = keyring.core.load_env() or keyring.core.load_config()
    if configured:
        return configured
    module, name = PLATFORM_BACKENDS.get(sys.platform, ("", ""))
    if module and "KDE" not in os.environ.get("XDG_CURRENT_DESKTOP", ""):
        backend = getattr(importlib.import_module(f"keyring.backends.{module}"), name)()
        with contextlib.suppress(Exception):  # `priority` raises when it cannot work here
            if backend.priority > 0:
                return backend
    return keyring.get_keyring()


def _is_plaintext(backend: object) -> bool:
    module = type(backend).__module__
    return module.startswith("keyrings.alt") and "Plaintext" in type(backend).__name__


class Vault:
    """Tokens and the client secret of one (pool, client), kept in a SecretStore."""

    def __init__(self, store: SecretStore, user_pool_id: str, client_id: str) -> None:
        self.store = store
        self.service = f"cogtui:{user_pool_id}:{client_id}"

    # -- public ---------------------------------------------------------------------
    def current_user(self) -> str | None:
        return self._get(CURRENT_USER)

    def load_tokens(self, user: str, with_refresh: bool = True) -> Tokens | None:
        """The user's tokens, or None unless the id and access tokens are both whole.

        Without `with_refresh` the refresh token is left in the keyring (each read is a
        D-Bus round trip); `refresh_token` fetches it when it is needed.
        """
        id_token, access_token = self._get(f"id_token:{user}"), self._get(f"access_token:{user}")
        if not id_token or not access_token:
            return None
        return Tokens(id_token, access_token, self.refresh_token(user) if with_refresh else None)

    def refresh_token(self, user: str) -> str | None:
        return self._get(f"refresh_token:{user}")

    def save_tokens(self, user: str, tokens: Tokens) -> None:
        """Store the tokens and make `user` the current user."""
        for kind in TOKEN_KINDS:
            value = getattr(tokens, kind)
            if value:
                self._put(f"{kind}:{user}", value)
            else:
                self._delete(f"{kind}:{user}")
        self._put(CURRENT_USER, user)

    def forget(self, user: str) -> None:
        """Remove every piece of the user's tokens, and the current-user mark if it is theirs."""
        for kind in TOKEN_KINDS:
            self._delete(f"{kind}:{user}")
        if self.current_user() == user:
            self._delete(CURRENT_USER)

    def client_secret(self) -> str | None:
        return self._get(CLIENT_SECRET)

    def save_client_secret(self, secret: str) -> None:
        self._put(CLIENT_SECRET, secret)

    def forget_client_secret(self) -> None:
        self._delete(CLIENT_SECRET)

    # -- sharding ---------------------------------------------------------------------
    def _get(self, key: str) -> str | None:
        """The value, read whole or not at all: a corrupt entry reads as none."""
        head = self._call("get_password", key)
        if head is None or not head.startswith(SHARD_HEADER):
            return head
        shape = _shards(head)
        if shape is None:
            return None
        count, digest = shape
        parts: list[str] = []
        for i in range(count):
            part = self._call("get_password", f"{key}#{i}")
            if part is None:
                return None
            parts.append(part)
        value = "".join(parts)
        return value if _digest(value) == digest else None

    def _put(self, key: str, value: str) -> None:
        self._delete(key)
        if len(value) <= SHARD_SIZE:
            self._call("set_password", key, value)
            return
        parts = [value[i : i + SHARD_SIZE] for i in range(0, len(value), SHARD_SIZE)]
        for i, part in enumerate(parts):
            self._call("set_password", f"{key}#{i}", part)
        # The header goes last, so a reader never finds a header whose pieces are missing.
        self._call("set_password", key, f"{SHARD_HEADER}:{len(parts)}:{_digest(value)}")

    def _delete(self, key: str) -> None:
        head = self._call("get_password", key)
        if head is None:
            return
        if head.startswith(SHARD_HEADER):
            count, _ = _shards(head) or (MAX_SHARDS, "")  # a corrupt header: every piece
            for i in range(count):
                self._remove(f"{key}#{i}")
        self._remove(key)

    def _remove(self, key: str) -> None:
        from keyring.errors import PasswordDeleteError

        with contextlib.suppress(PasswordDeleteError):  # already gone
            self._call("delete_password", key)

    def _call(self, method: str, key: str, *value: str) -> str | None:
        from keyring.errors import KeyringLocked, NoKeyringError, PasswordDeleteError

        try:
            result: str | None = getattr(self.store, method)(self.service, key, *value)
            return result
        except PasswordDeleteError:
            raise
        except KeyringLocked:
            raise KeyringUnavailable(f"The keyring is locked: {FIX}.") from None
        except NoKeyringError:
            raise KeyringUnavailable(
                f"No keyring is available to keep your tokens: {FIX}."
            ) from None
        except Exception as error:  # KeyringError, and D-Bus or OS errors a backend lets out
            name = type(error).__name__
            raise KeyringUnavailable(f"The keyring refused the request ({name}): {FIX}.") from None


def _shards(head: str) -> tuple[int, str] | None:
    """(count, digest) from a shard header, or None when it is corrupt or absurd."""
    parts = head.split(":")
    if len(parts) != 4 or not parts[2].isdigit() or not 0 < int(parts[2]) <= MAX_SHARDS:
        return None
    return int(parts[2]), parts[3]


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:16]
