"""The vault (v2): one keyring item per signed-in session, split only where the backend
needs it (Windows' 1,280 characters), read back whole or not at all; v1 entries migrate.

Most tests use a keyring backend in memory that refuses values over 1,280 characters, as
Windows Credential Manager does; AWS refresh tokens are ~1,800 characters and growing.
"""

from __future__ import annotations

import secrets
import string

import pytest
from keyring.errors import KeyringLocked, NoKeyringError

from cogtui.errors import KeyringUnavailable
from cogtui.vault import SESSION, MemoryStore, Tokens, Vault
from tests.conftest import MemoryKeyring, fake_tokens

POOL, CLIENT = "eu-west-1_Vault1", "vaultclient"


def random_text(length: int) -> str:
    alphabet = string.ascii_letters + string.digits + "-_."
    return "".join(secrets.choice(alphabet) for _ in range(length))


def tokens_with_refresh(length: int, username: str = "grace") -> Tokens:
    return fake_tokens(POOL, CLIENT, username, refresh_token=random_text(length))


def pieces_of(store: MemoryKeyring, value: str) -> list[tuple[str, str]]:
    """The entries that hold a part (not the whole) of `value`."""
    return [key for key, held in store.entries.items() if held != value and held in value]


@pytest.fixture
def store() -> MemoryKeyring:
    return MemoryKeyring()


@pytest.fixture
def vault(store: MemoryKeyring) -> Vault:
    return Vault(store, POOL, CLIENT)


class CountingStore(MemoryStore):
    """A store without a length limit (Secret Service, Keychain) that counts the calls."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []

    def get_password(self, service: str, username: str) -> str | None:
        self.calls.append("get")
        return super().get_password(service, username)

    def set_password(self, service: str, username: str, password: str) -> None:
        self.calls.append("set")
        super().set_password(service, username, password)

    def delete_password(self, service: str, username: str) -> None:
        self.calls.append("delete")
        super().delete_password(service, username)


def aws_sized(username: str = "grace") -> Tokens:
    """Tokens of the sizes AWS issues: access ~1,100, id ~1,300, refresh ~1,780 characters."""
    tokens = fake_tokens(POOL, CLIENT, username, access={"pad": "a" * 800}, id_={"pad": "i" * 950})
    return Tokens(tokens.id_token, tokens.access_token, random_text(1_780))


def test_a_session_of_real_size_is_one_item_read_once_and_written_once() -> None:
    store = CountingStore()
    vault = Vault(store, POOL, CLIENT)
    saved = aws_sized()

    vault.save_tokens("grace", saved, login_name="grace@example.com")
    # One write per sign-in or refresh, after one read: the devices another cogtui may
    # have stored since stay.
    assert store.calls == ["get", "set"]
    store.calls.clear()

    loaded = vault.load()

    assert store.calls == ["get"]  # one read at start-up
    assert loaded is not None and loaded.tokens == saved
    assert (loaded.username, loaded.login_name) == ("grace", "grace@example.com")
    assert list(store.entries) == [(vault.service, SESSION)]


@pytest.mark.parametrize("length", [1_800, 4_000])
def test_a_long_session_is_split_where_the_backend_needs_it(
    vault: Vault, store: MemoryKeyring, length: int
) -> None:
    saved = tokens_with_refresh(length)

    vault.save_tokens("grace", saved)

    loaded = vault.load_tokens("grace")
    assert loaded == saved
    assert len(store.cogtui_entries()) >= 3  # a header and its pieces
    assert max(len(value) for value in store.entries.values()) <= MemoryKeyring.LIMIT


def session_pieces(store: MemoryKeyring) -> list[tuple[str, str]]:
    return sorted(key for key in store.cogtui_entries() if key[1].startswith(SESSION + "#"))


def test_a_missing_piece_reads_as_no_session(vault: Vault, store: MemoryKeyring) -> None:
    vault.save_tokens("grace", tokens_with_refresh(4_000))

    del store.entries[session_pieces(store)[-1]]

    assert vault.load() is None


def test_a_changed_piece_fails_the_checksum_and_reads_as_no_session(
    vault: Vault, store: MemoryKeyring
) -> None:
    vault.save_tokens("grace", tokens_with_refresh(4_000))
    piece = session_pieces(store)[1]

    store.entries[piece] = store.entries[piece][::-1]  # same length, other text

    assert vault.load() is None


def test_forget_removes_every_piece(vault: Vault, store: MemoryKeyring) -> None:
    vault.save_tokens("grace", tokens_with_refresh(4_000))

    vault.forget("grace")

    assert store.cogtui_entries() == {}
    assert vault.load_tokens("grace") is None
    assert vault.current_user() is None


def test_saving_a_short_session_over_a_long_one_leaves_no_stale_piece(
    vault: Vault, store: MemoryKeyring
) -> None:
    vault.save_tokens("grace", tokens_with_refresh(4_000))

    vault.save_tokens("grace", tokens_with_refresh(36))

    assert list(store.cogtui_entries()) == [(vault.service, SESSION)]


def test_one_session_per_pool_and_client_the_last_sign_in_wins(vault: Vault) -> None:
    vault.save_tokens("grace", tokens_with_refresh(36, "grace"))
    ada = tokens_with_refresh(36, "ada")

    vault.save_tokens("ada", ada)

    assert vault.current_user() == "ada"
    assert vault.load_tokens("ada") == ada
    assert vault.load_tokens("grace") is None


def test_service_names_begin_with_cogtui_and_differ_by_pool_and_client(
    store: MemoryKeyring,
) -> None:
    places = [(POOL, CLIENT), (POOL, "otherclient"), ("eu-west-1_Other", CLIENT)]
    for pool, client in places:
        Vault(store, pool, client).save_tokens("grace", tokens_with_refresh(36))

    services = {service for service, _ in store.entries}
    assert len(services) == len(places)
    assert all(service.startswith("cogtui") for service in services)


def test_forgetting_another_user_keeps_the_session(vault: Vault, store: MemoryKeyring) -> None:
    vault.save_tokens("ada", tokens_with_refresh(2_000, "ada"))

    vault.forget("grace")

    assert vault.current_user() == "ada"


def test_tokens_never_show_in_their_repr() -> None:
    tokens = tokens_with_refresh(100)

    shown = repr(tokens) + str(tokens) + f"{tokens!r}"

    assert tokens.access_token not in shown and tokens.refresh_token not in shown  # type: ignore[operator]


class RefusingKeyring(MemoryKeyring):
    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.error = error

    def get_password(self, service: str, username: str) -> str | None:
        raise self.error


@pytest.mark.parametrize(
    ("error", "says"),
    [(KeyringLocked("locked"), "The keyring is locked"), (NoKeyringError(), "No keyring")],
)
def test_a_locked_or_missing_keyring_is_one_sentence_that_offers_no_keyring(
    error: Exception, says: str
) -> None:
    vault = Vault(RefusingKeyring(error), POOL, CLIENT)

    with pytest.raises(KeyringUnavailable) as raised:
        vault.current_user()

    message = str(raised.value)
    assert message.startswith(says) and "--no-keyring" in message and "\n" not in message


@pytest.mark.parametrize(
    "value",
    [
        "cogtui-pieces:v2:not-a-number:abc",
        "cogtui-pieces:v2:5000000:abc",  # would be five million D-Bus round trips
        "cogtui-pieces:v2:0:abc",
        "cogtui-pieces:v2",
        "cogtui-pieces:v2:2:abc:extra",
        "{not json",
        "[1, 2, 3]",
        '{"format": 3, "username": "grace", "tokens": {"id": "i", "access": "a"}}',
        '{"format": 2, "username": "grace", "tokens": {"id": 5, "access": "a"}}',
        '{"format": 2, "username": "", "tokens": {"id": "i", "access": "a"}}',
        '{"format": 2, "username": "grace", "tokens": "nope"}',
    ],
)
def test_a_corrupt_session_reads_as_no_stored_session_and_forget_cleans_it(
    vault: Vault, store: MemoryKeyring, value: str
) -> None:
    vault.save_tokens("grace", tokens_with_refresh(4_000))
    store.entries[(vault.service, SESSION)] = value

    assert vault.load() is None
    vault.forget()
    assert store.cogtui_entries() == {}


def write_v1(store: MemoryKeyring, service: str, user: str, tokens: Tokens) -> None:
    """Entries as cogtui 0.1 wrote them: one per token kind, split above 1,000 characters."""
    import hashlib

    for kind in ("id_token", "access_token", "refresh_token"):
        value = getattr(tokens, kind)
        parts = [value[i : i + 1000] for i in range(0, len(value), 1000)]
        if len(parts) == 1:
            store.entries[(service, f"{kind}:{user}")] = value
            continue
        for i, part in enumerate(parts):
            store.entries[(service, f"{kind}:{user}#{i}")] = part
        digest = hashlib.sha256(value.encode()).hexdigest()[:16]
        store.entries[(service, f"{kind}:{user}")] = f"cogtui-shards:v1:{len(parts)}:{digest}"
    store.entries[(service, "@current")] = user


def test_a_v1_session_is_read_once_rewritten_as_v2_and_removed(
    vault: Vault, store: MemoryKeyring
) -> None:
    old = tokens_with_refresh(1_800)
    write_v1(store, vault.service, "grace", old)
    assert len(store.cogtui_entries()) == 6  # id, access, refresh header + 2 pieces, current

    loaded = vault.load()

    assert loaded is not None and (loaded.username, loaded.tokens) == ("grace", old)
    assert all(key[1].startswith(SESSION) for key in store.cogtui_entries())
    assert vault.load_tokens("grace") == old  # now read from v2


# -- this machine's devices ------------------------------------------------------------------
def test_a_device_outlives_a_sign_out_and_is_found_by_the_name_typed() -> None:
    from cogtui.vault import DeviceMaterial

    vault = Vault(MemoryKeyring(), POOL, CLIENT)
    vault.save_tokens("grace", aws_sized(), login_name="grace@example.com")
    vault.keep_device(DeviceMaterial("grace", "eu-west-1_k", "-g", "pw", "grace@example.com"))

    vault.forget()  # signing out

    again = Vault(vault.store, POOL, CLIENT)  # the next run
    assert again.load() is None
    found = again.device_for("grace@example.com")
    assert found is not None and (found.key, found.group, found.password) == (
        "eu-west-1_k",
        "-g",
        "pw",
    )
    assert again.device_for("grace") is found or again.device_for("grace") == found
    assert again.device_for("someone-else") is None
    assert "pw" not in repr(found)


def test_forgetting_the_device_leaves_the_session() -> None:
    from cogtui.vault import DeviceMaterial

    vault = Vault(MemoryKeyring(), POOL, CLIENT)
    saved = aws_sized()
    vault.save_tokens("grace", saved)
    vault.keep_device(DeviceMaterial("grace", "eu-west-1_k", "-g", "pw"))

    vault.forget_device("grace")

    again = Vault(vault.store, POOL, CLIENT)
    loaded = again.load()
    assert loaded is not None and loaded.tokens == saved
    assert again.device_for("grace") is None


@pytest.mark.parametrize(
    "devices",
    [
        "nope",
        {"grace": "nope"},
        {"grace": {"key": "k", "group": "g"}},
        {"grace": {"key": 5, "group": "g", "password": "p"}},
    ],
)
def test_a_malformed_device_entry_is_no_device_and_the_session_stays(devices: object) -> None:
    import json

    from cogtui.vault import MemoryStore

    store = MemoryStore()  # no size limit: the value is one item, easy to edit
    vault = Vault(store, POOL, CLIENT)
    saved = Tokens("id-token", "access-token", "refresh-token")
    vault.save_tokens("grace", saved)
    document = json.loads(store.get_password(vault.service, SESSION) or "")
    document["devices"] = devices
    store.set_password(vault.service, SESSION, json.dumps(document))

    again = Vault(store, POOL, CLIENT)
    loaded = again.load()
    assert loaded is not None and loaded.tokens == saved
    assert again.device_for("grace") is None


def test_a_refresh_keeps_a_device_another_cogtui_stored_meanwhile() -> None:
    from cogtui.vault import DeviceMaterial

    store = MemoryKeyring()
    editor, script = Vault(store, POOL, CLIENT), Vault(store, POOL, CLIENT)
    editor.save_tokens("grace", aws_sized())
    editor.load()
    script.keep_device(DeviceMaterial("bob", "eu-west-1_b", "-g", "pw"))  # `cogtui login` elsewhere

    editor.save_tokens("grace", aws_sized())  # the editor's refresh

    assert Vault(store, POOL, CLIENT).device_for("bob") is not None


def test_names_are_matched_exactly() -> None:
    from cogtui.vault import DeviceMaterial

    vault = Vault(MemoryKeyring(), POOL, CLIENT)
    vault.keep_device(DeviceMaterial("Alice", "eu-west-1_a", "-g", "pw"))

    assert vault.device_for("Alice") is not None
    assert vault.device_for("alice") is None  # a pool may tell them apart
