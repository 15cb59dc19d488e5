"""The network lets `cogtui` down: nothing listening, a server that hangs or is slow, a
non-HTTP banner, a reset, throttling, a write applied and its answer lost.

Each case is a user's view of one command: the exit code, one sentence on standard error,
nothing on standard output for a failure, no traceback, no secret on the terminal or in a
file, and no hang (the timeouts are small: a hang not cut off shows as wall time).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from .conftest import (
    HANG_BOUND,
    PASSWORD,
    assert_failed,
    assert_succeeded,
    printed_attributes,
    run_command,
)
from .hostile import ATTRIBUTES, NETWORK, USERNAME

FAILING = [b for b in NETWORK if b != "throttle-then-ok"]
# A slow server did the write before its answer came too late: set has its own test below.
FAILING_CASES = [
    (command, behaviour)
    for command in ("get", "get --json", "set", "login", "login-srp")
    for behaviour in FAILING
    if (command, behaviour) != ("set", "slow")
]
SET_TARGETS = {"UpdateUserAttributes"}  # set reads first (answered well), then writes
LOGIN_TARGETS = {"InitiateAuth", "RespondToAuthChallenge"}


def targets_for(command: str) -> set[str] | None:
    if command == "set":
        return SET_TARGETS
    if command.startswith("login"):
        return LOGIN_TARGETS
    return None


@pytest.mark.parametrize(("command", "behaviour"), FAILING_CASES)
def test_a_network_failure_is_one_sentence_and_exit_1(
    faulty: Any, no_secret: Any, command: str, behaviour: str
) -> None:
    login = command.startswith("login")
    world = faulty(behaviour, signed_in=not login, targets=targets_for(command))

    result = run_command(world, command)

    assert_failed(result, world, no_secret)
    if command == "set":
        assert world.server.attributes["nickname"] == "gracie"  # the write never landed
        assert "sent" not in result.out
    if login:
        assert world.stored_tokens() is None, "a failed sign-in stored tokens"


@pytest.mark.parametrize("behaviour", ["hang", "slow"])
def test_a_server_that_does_not_answer_in_time_is_cut_off_by_the_read_timeout(
    faulty: Any, no_secret: Any, behaviour: str
) -> None:
    world = faulty(behaviour)

    result = world("get")

    sentence = assert_failed(result, world, no_secret)
    assert world.last_took < HANG_BOUND
    assert "time" in sentence.lower(), sentence  # it says the server did not answer in time
    assert world.server.operations()[:1] == ["GetUser"]


def test_nothing_listening_names_the_endpoint(faulty: Any, no_secret: Any) -> None:
    world = faulty("refuse")

    sentence = assert_failed(world("get"), world, no_secret)

    assert world.server.url in sentence or "127.0.0.1" in sentence, sentence


# -- throttling, then an answer -------------------------------------------------------------
@pytest.mark.parametrize("command", ["get", "get --json"])
def test_throttled_then_answered_get_prints_the_attributes(
    faulty: Any, no_secret: Any, command: str
) -> None:
    world = faulty("throttle-then-ok")

    result = run_command(world, command)

    assert_succeeded(result, world, no_secret)
    if command == "get --json":
        assert json.loads(result.out) == ATTRIBUTES
    else:
        assert printed_attributes(result.out) == ATTRIBUTES
    assert world.server.operations() == ["GetUser", "GetUser"]  # throttled once, tried again


def test_throttled_twice_then_answered_is_tried_a_third_time(faulty: Any, no_secret: Any) -> None:
    world = faulty("throttle-then-ok", throttle_first=2)

    result = world("get", "--json")

    assert_succeeded(result, world, no_secret)
    assert json.loads(result.out) == ATTRIBUTES
    assert world.server.operations() == ["GetUser"] * 3


def test_throttled_then_answered_set_sends_the_change(faulty: Any, no_secret: Any) -> None:
    world = faulty("throttle-then-ok", targets=SET_TARGETS)

    result = world("set", "nickname=x")

    assert_succeeded(result, world, no_secret)
    assert result.out.splitlines() == ["sent nickname: 'gracie' -> 'x'"]
    updates = world.server.of("UpdateUserAttributes")
    assert len(updates) == 2
    assert all(u.body["UserAttributes"] == [{"Name": "nickname", "Value": "x"}] for u in updates)
    assert world.server.attributes["nickname"] == "x"


@pytest.mark.parametrize("flow", ["password", "srp"])
def test_throttled_then_answered_login_signs_in(faulty: Any, no_secret: Any, flow: str) -> None:
    world = faulty("throttle-then-ok", signed_in=False, targets=LOGIN_TARGETS)

    result = world.login(flow)

    assert_succeeded(result, world, no_secret)
    assert result.out.startswith(f"Signed in as {USERNAME};"), result.out
    stored = world.stored_tokens()
    assert stored is not None
    assert stored.access_token == world.server.auth_result["AccessToken"]
    assert len(world.server.of("InitiateAuth")) == 2  # throttled once, tried again
    if flow == "password":
        sent = world.server.of("InitiateAuth")[-1].body
        assert sent["AuthParameters"]["PASSWORD"] == PASSWORD


# -- a write applied, its answer lost ----------------------------------------------------------
def test_set_whose_answer_comes_too_late_after_the_write_landed_reports_the_truth(
    faulty: Any, no_secret: Any
) -> None:
    """The server applied the change at once and answered after the read timeout: cogtui
    must not say the change failed when the server holds it."""
    world = faulty("slow", targets=SET_TARGETS)

    result = world("set", "nickname=x")

    assert world.server.attributes["nickname"] == "x"  # the write landed
    assert "not saved" not in (result.out + result.err).lower()
    assert_succeeded(result, world, no_secret, note=True)
    assert result.out.splitlines() == ["sent nickname: 'gracie' -> 'x'"]


@pytest.mark.moto
def test_set_whose_answer_is_lost_after_the_write_landed_reports_the_truth(
    faulty_on_moto: Any, moto_grace: Any, no_secret: Any
) -> None:
    """moto holds the new value; the connection dropped before the reply. cogtui must not say
    the change failed: it finds out (a reload) and says the value was saved."""
    world = faulty_on_moto("dropped-after-write", targets=SET_TARGETS)

    result = world("set", "nickname=x")

    assert moto_grace.pool.attributes(USERNAME)["nickname"] == "x"  # the write landed
    assert "Traceback" not in result.out + result.err
    assert "not saved" not in (result.out + result.err).lower()
    assert_succeeded(result, world, no_secret, note=True)
    assert result.out.splitlines() == ["sent nickname: 'gracie' -> 'x'"]
    assert world.server.of("UpdateUserAttributes"), world.server.operations()


@pytest.mark.moto
def test_get_whose_connection_drops_after_the_request_is_one_sentence(
    faulty_on_moto: Any, no_secret: Any
) -> None:
    world = faulty_on_moto("dropped-after-write", targets={"GetUser"}, drop_first=10)

    assert_failed(world("get"), world, no_secret)


# -- as a new process, tokens in the real Secret Service -----------------------------------------
@pytest.mark.secret_service
@pytest.mark.parametrize(
    ("command", "behaviour", "timeouts"),
    [
        ("get", "refuse", False),
        ("get --json", "hang", True),
        ("set", "ssh-banner", False),
        ("set", "reset", False),
        ("login", "slow", True),
    ],
)
def test_in_a_new_process_a_network_failure_is_one_sentence(
    faulty_process: Any, no_secret: Any, command: str, behaviour: str, timeouts: bool
) -> None:
    world = faulty_process(behaviour, timeouts=timeouts, targets=targets_for(command))

    result = run_command(world, command)

    assert_failed(result, world, no_secret)


@pytest.mark.secret_service
def test_in_a_new_process_throttled_then_answered_get_succeeds(
    faulty_process: Any, no_secret: Any
) -> None:
    world = faulty_process("throttle-then-ok", timeouts=False)

    result = world("get", "--json")

    assert_succeeded(result, world, no_secret)
    assert json.loads(result.out) == ATTRIBUTES
    assert world.server.operations() == ["GetUser", "GetUser"]


@pytest.mark.moto
@pytest.mark.secret_service
def test_in_a_new_process_a_set_whose_answer_is_lost_reports_the_truth(
    faulty_process: Any, moto_grace: Any, no_secret: Any
) -> None:
    world = faulty_process("dropped-after-write", upstream_user=moto_grace, targets=SET_TARGETS)

    result = world("set", "nickname=x")

    assert moto_grace.pool.attributes(USERNAME)["nickname"] == "x"
    assert "not saved" not in (result.out + result.err).lower()
    assert_succeeded(result, world, no_secret, note=True)
    assert result.out.splitlines() == ["sent nickname: 'gracie' -> 'x'"]
