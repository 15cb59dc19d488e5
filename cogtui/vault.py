"""Tokens in the OS keyring, and nowhere else (vault v2).

One item per signed-in session, keyed by (pool, client): service `cogtui:<pool>:<client>`,
username `@session`, a versioned JSON value with the tokens, the username, the login name
the user typed and the material of this machine's devices (a device key, group key and
device password per user, kept after a sign-out so the next sign-in can skip MFA; one user
per entry, as a device belongs to one user). One read at start-up, one write per
refresh: every item costs a D-Bus round trip, and KeePassXC asks the user to confirm each
item read. The value is split into numbered pieces (a header with a count and a checksum,
read whole or not at all) only where the backend needs it: Windows Credential Manager
refuses blobs over 2,560 bytes (1,280 UTF-16 characters). The app client's secret is its
own item, `@client-secret`. Entries of the v1 format (one per token kind per user, plus
`@current`) are read once, rewritten as v2 and removed.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from cogtui.errors import KeyringUnavailable
from cogtui.keyring_store import FIX, NotStored, piece_size, system_store

__all__ = [
    "DeviceMaterial",
    "MemoryStore",
    "SecretStore",
    "StoredSession",
    "Tokens",
    "Vault",
    "system_store",
]

FORMAT = 2
SESSION = "@session"
CLIENT_SECRET = "@client-secret"
PIECES_HEADER = "cogtui-pieces:v2"
MAX_PIECES = 64  # a session is a few kilobytes; a header claiming more is corrupt
# v1: one entry per token kind per user, long ones split over `<key>#<i>` with this header.
V1_CURRENT_USER = "@current"
V1_TOKEN_KINDS = ("id_token", "access_token", "refresh_token")
V1_SHARD_HEADER = "cogtui-shards:v1"
V1_MAX_SHARDS = 16


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


@dataclass(frozen=True)
class StoredSession:
    """What the session item holds: who, the tokens, what they typed to sign in."""

    username: str
    tokens: Tokens
    login_name: str | None = None


@dataclass(frozen=True)
class DeviceMaterial:
    """A device this machine is to Cognito, for one user: its key, its group key and the
    random device password whose SRP verifier Cognito holds. `repr` never shows it."""

    username: str
    key: str
    group: str
    password: str
    login_name: str | None = None

    def __repr__(self) -> str:
        return "DeviceMaterial(<hidden>)"

    @property
    def provable(self) -> bool:
        """Whether it can answer DEVICE_SRP_AUTH: a device never registered (ConfirmDevice
        failed, or --no-keyring) has only its key, which a refresh must name."""
        return bool(self.password)

    def is_for(self, name: str) -> bool:
        """Whether `name` (typed at sign-in: the username or the alias typed when this
        device was made) is this user. Exact: a pool may tell Alice from alice."""
        return name in (self.username, self.login_name)


# -- the vault ----------------------------------------------------------------------------------
class Vault:
    """The signed-in session and the client secret of one (pool, client), in a SecretStore."""

    def __init__(self, store: SecretStore, user_pool_id: str, client_id: str) -> None:
        self.store = store
        self.service = f"cogtui:{user_pool_id}:{client_id}"
        self.piece = piece_size(store)
        self._devices: dict[str, DeviceMaterial] | None = None  # as last read or written

    @property
    def in_memory(self) -> bool:
        """Whether the tokens live in this process only (the demo, --no-keyring)."""
        return isinstance(self.store, MemoryStore)

    # -- the session --------------------------------------------------------------------
    def load(self) -> StoredSession | None:
        """The stored session (one keyring read), or None when there is none or it is
        corrupt. A session stored in the v1 format is moved to v2 on this read."""
        raw = self._get(SESSION)
        if raw is None:
            self._devices = {}
            return self._migrate_v1()
        stored, self._devices = _parse(raw)
        return stored

    def save(
        self, stored: StoredSession | None, devices: dict[str, DeviceMaterial] | None = None
    ) -> None:
        """Store the session whole (one keyring write where the backend takes any length),
        with `devices`, else the devices stored now: read again first, as another cogtui
        (a script, a second terminal) may have added or forgotten one since; None keeps
        only the devices."""
        if devices is None:
            _, devices = _parse(self._get(SESSION) or "")
        self._devices = devices
        if stored is None and not devices:
            self._delete(SESSION)
            return
        document: dict[str, Any] = {"format": FORMAT}
        if stored is not None:
            document["username"] = stored.username
            document["login_name"] = stored.login_name
            document["tokens"] = {
                "id": stored.tokens.id_token,
                "access": stored.tokens.access_token,
                "refresh": stored.tokens.refresh_token,
            }
        if devices:
            document["devices"] = {
                user: {"key": d.key, "group": d.group, "password": d.password}
                | ({"login": d.login_name} if d.login_name else {})
                for user, d in devices.items()
            }
        self._put(SESSION, json.dumps(document, separators=(",", ":")))

    def forget(self, user: str | None = None) -> None:
        """Remove the stored session (only if it is `user`'s, when given; a corrupt one
        always), and any v1 entries left. This machine's devices stay (see forget_device)."""
        raw = self._get(SESSION)
        stored, devices = _parse(raw or "")
        if user is None or stored is None or stored.username == user:
            self.save(None, devices)
        v1_user = self._v1_current_user()
        if v1_user is not None and (user is None or v1_user == user):
            self._forget_v1(v1_user)

    # -- this machine's devices ------------------------------------------------------------
    def device_for(self, name: str, exact_user: bool = False) -> DeviceMaterial | None:
        """The device material for the user signing in as `name` (username or alias; with
        `exact_user`, the username only), as last read."""
        if self._devices is None:
            self.load()
        devices = self._devices or {}
        if exact_user:
            return devices.get(name)
        return next((d for d in devices.values() if d.is_for(name)), None)

    def keep_device(self, device: DeviceMaterial) -> None:
        """Remember `device` for its user (replacing any other device of theirs)."""
        stored = self.load()  # read again: what another cogtui wrote since stays
        self.save(stored, {**(self._devices or {}), device.username: device})

    def forget_device(self, username: str) -> None:
        """Drop the user's device material (the device was forgotten, here or elsewhere)."""
        stored = self.load()
        if self._devices and username in self._devices:
            self.save(stored, {u: d for u, d in self._devices.items() if u != username})

    # -- the names the rest of cogtui uses -------------------------------------------------
    def current_user(self) -> str | None:
        stored = self.load()
        return stored.username if stored else None

    def load_tokens(self, user: str) -> Tokens | None:
        stored = self.load()
        return stored.tokens if stored and stored.username == user else None

    def save_tokens(self, user: str, tokens: Tokens, login_name: str | None = None) -> None:
        self.save(StoredSession(user, tokens, login_name))

    def client_secret(self) -> str | None:
        return self._get(CLIENT_SECRET)

    def save_client_secret(self, secret: str) -> None:
        self._put(CLIENT_SECRET, secret)

    def forget_client_secret(self) -> None:
        self._delete(CLIENT_SECRET)

    # -- v1, read once and removed -----------------------------------------------------------
    def _v1_current_user(self) -> str | None:
        return self._call("get_password", V1_CURRENT_USER)

    def _migrate_v1(self) -> StoredSession | None:
        user = self._v1_current_user()
        if not user:
            return None
        id_token, access_token, refresh_token = (
            self._v1_get(f"{kind}:{user}") for kind in V1_TOKEN_KINDS
        )
        stored = None
        if id_token and access_token:
            stored = StoredSession(user, Tokens(id_token, access_token, refresh_token))
            self.save(stored, {})  # written first: a crash in between loses nothing
        self._forget_v1(user)
        return stored

    def _forget_v1(self, user: str) -> None:
        for kind in V1_TOKEN_KINDS:
            key = f"{kind}:{user}"
            head = self._call("get_password", key)
            if head is None:
                continue
            if head.startswith(V1_SHARD_HEADER):  # a corrupt count: every possible piece
                for i in range(_v1_count(head) or V1_MAX_SHARDS):
                    self._remove(f"{key}#{i}")
            self._remove(key)
        self._remove(V1_CURRENT_USER)

    def _v1_get(self, key: str) -> str | None:
        head = self._call("get_password", key)
        if head is None or not head.startswith(V1_SHARD_HEADER):
            return head
        count, digest = _v1_count(head), head.split(":")[-1]
        parts = [self._call("get_password", f"{key}#{i}") for i in range(count)]
        if not count or any(part is None for part in parts):
            return None
        value = "".join(part or "" for part in parts)
        return value if _digest(value) == digest else None

    # -- pieces, only where the backend needs them ---------------------------------------------
    def _get(self, key: str) -> str | None:
        """The value, read whole or not at all: a corrupt one reads as none."""
        head = self._call("get_password", key)
        if head is None or not head.startswith(PIECES_HEADER):
            return head
        shape = _pieces(head)
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
        if self.piece is not None:
            self._delete(key)  # no stale piece of a longer value may stay behind
        if self.piece is None or len(value) <= self.piece:
            self._call("set_password", key, value)  # replaces the item (and any header)
            return
        parts = [value[i : i + self.piece] for i in range(0, len(value), self.piece)]
        for i, part in enumerate(parts):
            self._call("set_password", f"{key}#{i}", part)
        # The header goes last, so a reader never finds a header whose pieces are missing.
        self._call("set_password", key, f"{PIECES_HEADER}:{len(parts)}:{_digest(value)}")

    def _delete(self, key: str) -> None:
        head = self._call("get_password", key)
        if head is None:
            return
        shape = _pieces(head) if head.startswith(PIECES_HEADER) else None
        if shape is not None:
            for i in range(shape[0]):
                self._remove(f"{key}#{i}")
        elif self.piece is not None:  # corrupt: remove the pieces there are, in order
            for i in range(MAX_PIECES):
                if not self._remove(f"{key}#{i}"):
                    break
        self._remove(key)

    def _remove(self, key: str) -> bool:
        """Delete one entry; False when there was none."""
        try:
            self._call("delete_password", key)
        except NotStored:  # already gone
            return False
        return True

    def _call(self, method: str, key: str, *value: str) -> str | None:
        try:
            result: str | None = getattr(self.store, method)(self.service, key, *value)
            return result
        except NotStored:
            raise
        except Exception as error:  # the backend's errors, and D-Bus or OS errors it lets out
            raise _unavailable(error) from None


def _unavailable(error: Exception) -> Exception:
    """A keyring backend's error as ours (keyring's classes are looked at only when keyring
    is loaded, which it is not on the Secret Service path)."""
    keyring_errors = sys.modules.get("keyring.errors")
    if keyring_errors is not None:
        if isinstance(error, keyring_errors.PasswordDeleteError):
            return NotStored()
        if isinstance(error, keyring_errors.KeyringLocked):
            return KeyringUnavailable(f"The keyring is locked: {FIX}.")
        if isinstance(error, keyring_errors.NoKeyringError):
            return KeyringUnavailable(f"No keyring is available to keep your tokens: {FIX}.")
    if isinstance(error, KeyringUnavailable):
        return error
    name = type(error).__name__
    return KeyringUnavailable(f"The keyring refused the request ({name}): {FIX}.")


def _parse(raw: str) -> tuple[StoredSession | None, dict[str, DeviceMaterial]]:
    """A v2 session item, checked field by field: the session (None when there is none or
    it is malformed) and the devices (none when malformed)."""
    try:
        document = json.loads(raw)
    except ValueError:
        return None, {}
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        return None, {}
    return _session(document), _devices(document.get("devices"))


def _session(document: Mapping[str, Any]) -> StoredSession | None:
    tokens, username = document.get("tokens"), document.get("username")
    login_name = document.get("login_name")
    if not isinstance(tokens, dict) or not isinstance(username, str) or not username:
        return None
    id_token, access, refresh = tokens.get("id"), tokens.get("access"), tokens.get("refresh")
    if not (isinstance(id_token, str) and id_token and isinstance(access, str) and access):
        return None
    if refresh is not None and not isinstance(refresh, str):
        return None
    if login_name is not None and not isinstance(login_name, str):
        return None
    return StoredSession(username, Tokens(id_token, access, refresh or None), login_name)


def _devices(found: object) -> dict[str, DeviceMaterial]:
    if not isinstance(found, dict):
        return {}
    devices = {}
    for user, entry in found.items():
        if not isinstance(entry, dict):
            continue
        key, group, password = (entry.get(k) for k in ("key", "group", "password"))
        login = entry.get("login")
        named = all(isinstance(v, str) and v for v in (key, group))
        if named and isinstance(password, str) and isinstance(login, str | None):
            devices[user] = DeviceMaterial(user, str(key), str(group), str(password), login)
    return devices


def _pieces(head: str) -> tuple[int, str] | None:
    """(count, digest) from a pieces header, or None when it is corrupt or absurd."""
    parts = head.split(":")
    if len(parts) != 4 or not parts[2].isdigit() or not 0 < int(parts[2]) <= MAX_PIECES:
        return None
    return int(parts[2]), parts[3]


def _v1_count(head: str) -> int:
    parts = head.split(":")
    if len(parts) != 4 or not parts[2].isdigit() or not 0 < int(parts[2]) <= V1_MAX_SHARDS:
        return 0
    return int(parts[2])


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:16]
