"""Tokens in the keyring: split to fit Windows' limit, read back whole or not at all.

The backend is a keyring backend in memory that refuses values over 1,280 characters, as
Windows Credential Manager does; AWS refresh tokens are ~1,800 characters and growing.
"""

from __future__ import annotations

import secrets
import string

import pytest
from keyring.errors import KeyringLocked, NoKeyringError

from cogtui.errors import KeyringUnavailable
from cogtui.vault import Tokens, Vault
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


@pytest.mark.parametrize("length", [1_800, 4_000])
def test_a_long_refresh_token_round_trips(vault: Vault, store: MemoryKeyring, length: int) -> None:
    saved = tokens_with_refresh(length)

    vault.save_tokens("grace", saved)

    loaded = vault.load_tokens("grace")
    assert loaded is not None
    assert loaded.refresh_token == saved.refresh_token
    assert (loaded.id_token, loaded.access_token) == (saved.id_token, saved.access_token)
    assert len(pieces_of(store, saved.refresh_token)) >= 2
    assert max(len(value) for value in store.entries.values()) <= MemoryKeyring.LIMIT


def test_a_long_access_token_round_trips(vault: Vault) -> None:
    long_access = fake_tokens(POOL, CLIENT, access={"cognito:groups": ["g" * 30] * 100})
    assert len(long_access.access_token) > 3_000

    vault.save_tokens("grace", long_access)

    loaded = vault.load_tokens("grace")
    assert loaded is not None and loaded.access_token == long_access.access_token


def test_a_missing_piece_reads_as_no_value(vault: Vault, store: MemoryKeyring) -> None:
    saved = tokens_with_refresh(4_000)
    vault.save_tokens("grace", saved)

    del store.entries[pieces_of(store, saved.refresh_token)[-1]]

    loaded = vault.load_tokens("grace")
    assert loaded is not None and loaded.refresh_token is None


def test_a_changed_piece_fails_the_checksum_and_reads_as_no_value(
    vault: Vault, store: MemoryKeyring
) -> None:
    saved = tokens_with_refresh(4_000)
    vault.save_tokens("grace", saved)
    piece = pieces_of(store, saved.refresh_token)[1]

    store.entries[piece] = store.entries[piece][::-1]  # same length, other text

    loaded = vault.load_tokens("grace")
    assert loaded is not None and loaded.refresh_token is None


def test_a_broken_access_token_means_no_tokens_at_all(vault: Vault, store: MemoryKeyring) -> None:
    saved = fake_tokens(POOL, CLIENT, access={"padding": "p" * 3_000})
    vault.save_tokens("grace", saved)

    del store.entries[pieces_of(store, saved.access_token)[0]]

    assert vault.load_tokens("grace") is None


def test_forget_removes_every_piece(vault: Vault, store: MemoryKeyring) -> None:
    vault.save_tokens("grace", tokens_with_refresh(4_000))

    vault.forget("grace")

    assert store.cogtui_entries() == {}
    assert vault.load_tokens("grace") is None
    assert vault.current_user() is None


def test_saving_a_short_value_over_a_long_one_leaves_no_stale_piece(
    vault: Vault, store: MemoryKeyring
) -> None:
    vault.save_tokens("grace", tokens_with_refresh(4_000))

    vault.save_tokens("grace", tokens_with_refresh(36))

    assert len(store.cogtui_entries()) == 4  # id, access, refresh, current user


def test_one_entry_per_token_kind_per_user_plus_the_current_user(
    vault: Vault, store: MemoryKeyring
) -> None:
    grace, ada = tokens_with_refresh(36, "grace"), tokens_with_refresh(36, "ada")

    vault.save_tokens("grace", grace)
    vault.save_tokens("ada", ada)

    entries = store.cogtui_entries()
    assert len(entries) == 3 + 3 + 1
    assert vault.current_user() == "ada"
    loaded = vault.load_tokens("grace")
    assert loaded is not None and loaded.access_token == grace.access_token


def test_service_names_begin_with_cogtui_and_differ_by_pool_and_client(
    store: MemoryKeyring,
) -> None:
    places = [(POOL, CLIENT), (POOL, "otherclient"), ("eu-west-1_Other", CLIENT)]
    for pool, client in places:
        Vault(store, pool, client).save_tokens("grace", tokens_with_refresh(36))

    services = {service for service, _ in store.entries}
    assert len(services) == len(places)
    assert all(service.startswith("cogtui") for service in services)


def test_forgetting_one_user_keeps_the_other(vault: Vault, store: MemoryKeyring) -> None:
    vault.save_tokens("grace", tokens_with_refresh(2_000, "grace"))
    vault.save_tokens("ada", tokens_with_refresh(2_000, "ada"))

    vault.forget("grace")

    assert vault.load_tokens("grace") is None
    assert vault.load_tokens("ada") is not None
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
    "header",
    [
        "cogtui-shards:v1:not-a-number:abc",
        "cogtui-shards:v1:5000000:abc",  # would be five million D-Bus round trips
        "cogtui-shards:v1:0:abc",
        "cogtui-shards:v1",
        "cogtui-shards:v1:2:abc:extra",
    ],
)
def test_a_corrupt_header_reads_as_no_stored_session_and_forget_cleans_it(
    vault: Vault, store: MemoryKeyring, header: str
) -> None:
    vault.save_tokens("grace", tokens_with_refresh(4_000))
    store.entries[(vault.service, "access_token:grace")] = header

    assert vault.load_tokens("grace") is None
    vault.forget("grace")
    assert store.cogtui_entries() == {}
