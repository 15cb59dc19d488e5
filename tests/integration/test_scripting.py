"""Scripting stories: `cogtui get`, `set` and `verify` against real emulators over HTTP.

Each story is several `cogtui.cli.main([...])` calls in one process, as a script would run
several `cogtui` commands in a row. Between two commands the tokens must survive the way
they do in the keyring; `--no-keyring` would drop them when `main` returns. So
`cogtui.vault.system_store` is patched to hand out one MemoryStore per test (the keyring
tests prove that tokens land in a real Secret Service; these prove the commands).
"""

from __future__ import annotations

import io
import json
import sys
from dataclasses import dataclass
from typing import Any

import pytest

from cogtui.cli import main
from cogtui.vault import MemoryStore
from tests.conftest import FIXED_CODE, PASSWORD, Pool, create_pool

PROFILE = {
    "given_name": "Grace",
    "family_name": "Hopper",
    "email": "grace@example.com",
    "email_verified": "true",
    "website": "https://example.com/grace",
    "custom_team": "Compilers",
}


@dataclass
class Ran:
    """What one `cogtui` command did: exit code, standard output, standard error."""

    code: int
    out: str
    err: str

    def one_sentence(self) -> str:
        """The error the command printed, checked to be one clear line."""
        lines = [line for line in self.err.splitlines() if line.strip()]
        assert len(lines) == 1, f"expected one line on stderr, got {self.err!r}"
        assert lines[0].startswith("cogtui: ") and lines[0].endswith("."), lines[0]
        assert "Traceback" not in self.err
        return lines[0]


class Cogtui:
    """Runs `cogtui ...` in this process against one pool, with stdin and output captured."""

    def __init__(self, pool: Pool, capsys: Any, monkeypatch: Any, flow: str) -> None:
        self.pool, self.capsys, self.monkeypatch, self.flow = pool, capsys, monkeypatch, flow

    def __call__(self, *argv: str, stdin: str = "") -> Ran:
        self.monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        self.capsys.readouterr()
        options = [*self.pool.cli_options(), "--auth-flow", self.flow]
        code = main([*argv, *options])
        out, err = self.capsys.readouterr()
        return Ran(code, out, err)

    def login(self, username: str) -> None:
        ran = self("login", "--username", username, "--password-stdin", stdin=PASSWORD + "\n")
        assert ran.code == 0, ran.err


@pytest.fixture
def shared_keyring(monkeypatch: pytest.MonkeyPatch) -> MemoryStore:
    """One in-memory keyring for every command of the test (see the module docstring)."""
    store = MemoryStore()
    monkeypatch.setattr("cogtui.vault.system_store", lambda: store)
    return store


# Pools that send codes for email and phone changes, as real pools usually do.
AUTO_VERIFIED = {"AutoVerifiedAttributes": ["email", "phone_number"]}


@pytest.fixture
def local(
    cognito_local_endpoint: str,
    record: Any,
    shared_keyring: MemoryStore,
    capsys: Any,
    monkeypatch: Any,
) -> tuple[Cogtui, Pool, Any]:
    """A fresh cognito-local pool behind a recorder; it knows only USER_PASSWORD_AUTH."""
    pool = create_pool(cognito_local_endpoint, **AUTO_VERIFIED)
    recorder = record(pool)
    return Cogtui(pool, capsys, monkeypatch, flow="password"), pool, recorder


@pytest.fixture
def moto(
    moto_endpoint: str,
    record: Any,
    shared_keyring: MemoryStore,
    capsys: Any,
    monkeypatch: Any,
) -> tuple[Cogtui, Pool, Any]:
    """A fresh moto pool behind a recorder, signed in with SRP (cogtui's default)."""
    pool = create_pool(moto_endpoint, **AUTO_VERIFIED)
    recorder = record(pool)
    return Cogtui(pool, capsys, monkeypatch, flow="srp"), pool, recorder


def sent_attributes(recorder: Any) -> list[dict[str, str]]:
    """The attributes of the one UpdateUserAttributes request the server received."""
    updates = recorder.of("UpdateUserAttributes")
    assert len(updates) == 1, recorder.operations()
    return sorted(updates[0].body["UserAttributes"], key=lambda a: a["Name"])


# -- cognito-local ----------------------------------------------------------------------------
def test_get_json_prints_the_attributes_as_one_object(local: Any) -> None:
    cogtui, pool, _ = local
    user = pool.add_user(**PROFILE)
    cogtui.login(user)

    ran = cogtui("get", "--json")

    assert ran.code == 0, ran.err
    assert json.loads(ran.out) == pool.attributes(user)


def test_get_prints_a_table_of_name_and_value(local: Any) -> None:
    cogtui, pool, _ = local
    user = pool.add_user(**PROFILE)
    cogtui.login(user)

    ran = cogtui("get")

    assert ran.code == 0, ran.err
    rows = dict(line.split(None, 1) for line in ran.out.splitlines())
    assert rows["given_name"] == "Grace"
    assert rows["custom:team"] == "Compilers"


def test_set_sends_exactly_the_named_attributes_in_one_request(local: Any) -> None:
    cogtui, pool, recorder = local
    user = pool.add_user(**PROFILE)
    cogtui.login(user)
    recorder.requests.clear()

    # `team` is short for `custom:team`; given_name is written with its own value unchanged.
    ran = cogtui("set", "given_name=Grace Brewster", "team=Navy", "family_name=Hopper")

    assert ran.code == 0, ran.err
    assert sent_attributes(recorder) == [
        {"Name": "custom:team", "Value": "Navy"},
        {"Name": "given_name", "Value": "Grace Brewster"},
    ]
    held = pool.attributes(user)
    assert held["given_name"] == "Grace Brewster"
    assert held["custom:team"] == "Navy"
    assert held["website"] == PROFILE["website"]
    assert "given_name: 'Grace' -> 'Grace Brewster'" in ran.out


def test_a_bare_name_clears_the_attribute(local: Any) -> None:
    cogtui, pool, recorder = local
    user = pool.add_user(**PROFILE)
    cogtui.login(user)
    recorder.requests.clear()

    ran = cogtui("set", "website=")

    assert ran.code == 0, ran.err
    assert sent_attributes(recorder) == [{"Name": "website", "Value": ""}]
    assert "website" not in pool.attributes(user)
    assert "website: clear" in ran.out


def test_setting_the_values_already_held_sends_nothing(local: Any) -> None:
    cogtui, pool, recorder = local
    user = pool.add_user(**PROFILE)
    cogtui.login(user)
    recorder.requests.clear()

    ran = cogtui("set", "given_name=Grace", "nickname=")

    assert ran.code == 0, ran.err
    assert "Nothing to change" in ran.out
    assert recorder.of("UpdateUserAttributes") == []


@pytest.mark.parametrize(
    ("assignment", "says"),
    [
        ("birthdate=10/12/1906", "birthdate cannot be saved: a birthdate is a real date"),
        ("phone_number=555 0123", "phone_number cannot be saved: a phone number is in E.164"),
        ("email_verified=true", "email_verified is read-only"),
        ("sub=someone-else", "sub is read-only"),
        ("no-equals-sign", "is not NAME=VALUE"),
    ],
)
def test_an_invalid_value_exits_2_with_one_sentence_and_sends_nothing(
    local: Any, assignment: str, says: str
) -> None:
    cogtui, pool, recorder = local
    user = pool.add_user(**PROFILE)
    cogtui.login(user)
    recorder.requests.clear()

    ran = cogtui("set", "given_name=Amazing Grace", assignment)

    assert ran.code == 2
    assert says in ran.one_sentence()
    assert recorder.requests == []  # validated before any request, not only before the save
    assert pool.attributes(user)["given_name"] == "Grace"


def test_an_email_change_says_where_the_code_went_and_verify_takes_it(local: Any) -> None:
    cogtui, pool, recorder = local
    user = pool.add_user(**PROFILE)
    cogtui.login(user)

    changed = cogtui("set", "email=grace.hopper@example.org")

    assert changed.code == 0, changed.err
    assert "A code for email was sent by email to grace.hopper@example.org" in changed.out
    assert "cogtui verify email --code CODE" in changed.out

    verified = cogtui("verify", "email", "--code", FIXED_CODE)

    assert verified.code == 0, verified.err
    assert verified.out.strip() == "email is verified."
    assert [r.body["Code"] for r in recorder.of("VerifyUserAttribute")] == [FIXED_CODE]
    assert recorder.of("GetUserAttributeVerificationCode") == []  # --code sends no new code
    held = pool.attributes(user)
    assert held["email"] == "grace.hopper@example.org"
    assert held["email_verified"] == "true"


def test_a_wrong_code_exits_1_with_one_sentence(local: Any) -> None:
    cogtui, pool, _ = local
    user = pool.add_user(**PROFILE)
    cogtui.login(user)
    assert cogtui("set", "email=grace.hopper@example.org").code == 0

    ran = cogtui("verify", "email", "--code", "000000")

    assert ran.code == 1
    assert ran.one_sentence() == "cogtui: That code is not correct; check it and try again."
    assert pool.attributes(user)["email_verified"] == "false"


def test_verify_resend_sends_a_new_code_then_asks_for_it(local: Any) -> None:
    cogtui, pool, recorder = local
    user = pool.add_user(**PROFILE, phone_number="+15555550123", phone_number_verified="false")
    cogtui.login(user)
    recorder.requests.clear()

    ran = cogtui("verify", "phone_number", "--resend", stdin=FIXED_CODE + "\n")

    assert ran.code == 0, ran.err
    assert "A new code for phone_number was sent" in ran.err
    assert recorder.operations() == ["GetUserAttributeVerificationCode", "VerifyUserAttribute"]
    assert pool.attributes(user)["phone_number_verified"] == "true"


def test_verify_without_a_code_asks_for_it_and_sends_none(local: Any) -> None:
    cogtui, pool, recorder = local
    user = pool.add_user(**PROFILE)
    cogtui.login(user)
    assert cogtui("set", "email=grace.hopper@example.org").code == 0
    recorder.requests.clear()

    ran = cogtui("verify", "email", stdin=FIXED_CODE + "\n")

    assert ran.code == 0, ran.err
    assert "Enter the code sent for email" in ran.err
    assert recorder.operations() == ["VerifyUserAttribute"]


def test_verify_refuses_an_attribute_that_has_no_code(local: Any) -> None:
    cogtui, pool, recorder = local
    user = pool.add_user(**PROFILE)
    cogtui.login(user)
    recorder.requests.clear()

    ran = cogtui("verify", "given_name", "--code", FIXED_CODE)

    assert ran.code == 2
    assert "Only email and phone_number can be verified" in ran.one_sentence()
    assert recorder.requests == []


def test_commands_without_a_signed_in_user_say_how_to_sign_in(local: Any) -> None:
    cogtui, _, recorder = local

    ran = cogtui("get", "--json")

    assert ran.code == 1
    assert "run `cogtui login`" in ran.one_sentence()
    assert recorder.requests == []


# -- moto -----------------------------------------------------------------------------------
def test_get_and_set_work_on_moto(moto: Any) -> None:
    cogtui, pool, recorder = moto
    user = pool.add_user(**PROFILE)
    cogtui.login(user)
    recorder.requests.clear()

    changed = cogtui("set", "custom:team=Navy", "website=")
    listed = cogtui("get", "--json")

    assert changed.code == 0, changed.err
    assert sent_attributes(recorder) == [
        {"Name": "custom:team", "Value": "Navy"},
        {"Name": "website", "Value": ""},
    ]
    assert listed.code == 0, listed.err
    attributes = json.loads(listed.out)
    assert attributes["custom:team"] == "Navy"
    assert attributes.get("website", "") == ""  # moto keeps a cleared value as ""


@pytest.mark.parametrize(
    ("argv", "operation"),
    [
        (("verify", "email", "--code", "123456"), "VerifyUserAttribute"),
        (("verify", "email", "--resend"), "GetUserAttributeVerificationCode"),
    ],
)
def test_verify_on_moto_says_plainly_that_it_is_unsupported(
    moto: Any, argv: tuple[str, ...], operation: str
) -> None:
    cogtui, pool, _ = moto
    user = pool.add_user(**PROFILE)
    cogtui.login(user)

    ran = cogtui(*argv, stdin="123456\n")

    assert ran.code == 1
    assert ran.one_sentence() == (
        f"cogtui: This server does not support {operation} (a local emulator may lack it)."
    )


def test_a_server_rejection_exits_1_with_one_sentence_that_names_the_attribute(local: Any) -> None:
    cogtui, pool, recorder = local
    user = pool.add_user(**PROFILE)
    cogtui.login(user)
    recorder.requests.clear()

    ran = cogtui("set", "custom:shoe_size=44")  # the pool has no such attribute

    assert ran.code == 1
    assert "custom:shoe_size" in ran.one_sentence()
    assert len(recorder.of("UpdateUserAttributes")) == 1


def test_an_unrelated_aws_setup_does_not_get_in_the_way(
    local: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    """cogtui needs no AWS profile: a missing one or a broken ~/.aws/config is ignored."""
    cogtui, pool, _ = local
    broken = tmp_path / "aws-config"
    broken.write_text("[profile broken\nregion = ")
    monkeypatch.setenv("AWS_PROFILE", "no-such-profile")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(broken))
    user = pool.add_user(**PROFILE)
    cogtui.login(user)

    ran = cogtui("get", "--json")

    assert ran.code == 0, ran.err
    assert json.loads(ran.out)["given_name"] == "Grace"
