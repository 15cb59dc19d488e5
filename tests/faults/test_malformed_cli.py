"""A server answers, but not with what Cognito would: an HTML page, an empty body, `{}`,
`[1,2,3]`, `null`, the right keys holding the wrong types, required parts missing, a body
cut short, bytes that are not UTF-8, an error message that echoes the request.

Each case is a user's view of one command: the exit code (1, or 0 where the answer is
one Cognito may give), one sentence on standard error, nothing on standard output for a
failure, no traceback, and no secret on the terminal or in a file (the HTML page and the
echoing error carry the request, tokens and password included, back to cogtui).
"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import PASSWORD, assert_failed, assert_succeeded, run_command
from .hostile import MALFORMED

SET_TARGETS = {"UpdateUserAttributes"}  # set reads first (answered well), then writes
LOGIN_TARGETS = {"InitiateAuth", "RespondToAuthChallenge"}
# UpdateUserAttributes answers `{}` when no code is sent; an empty body reads the same.
SET_ACCEPTS = {"empty-200", "empty-object"}
# The server applied the write, then its answer was cut short: set has its own test below.
SET_LANDED = {"truncated"}


@pytest.mark.parametrize("behaviour", MALFORMED)
def test_get_with_a_malformed_answer_is_one_sentence(
    faulty: Any, no_secret: Any, behaviour: str
) -> None:
    world = faulty(behaviour)

    sentence = assert_failed(world("get"), world, no_secret)

    assert world.server.operations()[:1] == ["GetUser"]
    assert "<" not in sentence, sentence  # no HTML shown as if it were a message


@pytest.mark.parametrize("behaviour", ["json-list", "wrong-types", "truncated"])
def test_get_json_with_a_malformed_answer_prints_no_json(
    faulty: Any, no_secret: Any, behaviour: str
) -> None:
    world = faulty(behaviour)

    assert_failed(world("get", "--json"), world, no_secret)


@pytest.mark.parametrize("behaviour", [b for b in MALFORMED if b not in SET_ACCEPTS | SET_LANDED])
def test_set_with_a_malformed_answer_to_the_write_is_one_sentence(
    faulty: Any, no_secret: Any, behaviour: str
) -> None:
    world = faulty(behaviour, targets=SET_TARGETS)

    result = world("set", "nickname=x")

    assert_failed(result, world, no_secret)
    assert world.server.attributes["nickname"] == "gracie"  # the server never applied it
    assert "saved" not in result.err.lower() or "not saved" in result.err.lower(), result.err
    sent = world.server.of("UpdateUserAttributes")
    assert sent and sent[0].body["UserAttributes"] == [{"Name": "nickname", "Value": "x"}]


@pytest.mark.parametrize("behaviour", sorted(SET_ACCEPTS))
def test_set_with_an_empty_answer_to_the_write_is_sent(
    faulty: Any, no_secret: Any, behaviour: str
) -> None:
    world = faulty(behaviour, targets=SET_TARGETS)

    result = world("set", "nickname=x")

    assert_succeeded(result, world, no_secret)
    assert result.out.splitlines() == ["sent nickname: 'gracie' -> 'x'"]


def test_set_whose_answer_is_cut_short_after_the_write_landed_reports_the_truth(
    faulty: Any, no_secret: Any
) -> None:
    """The server applied the change, then its answer broke off (Content-Length larger than
    the body): cogtui must not say the change failed when the server holds it."""
    world = faulty("truncated", targets=SET_TARGETS)

    result = world("set", "nickname=x")

    assert world.server.attributes["nickname"] == "x"  # the write landed
    assert "not saved" not in (result.out + result.err).lower()
    assert_succeeded(result, world, no_secret, note=True)
    assert result.out.splitlines() == ["sent nickname: 'gracie' -> 'x'"]


@pytest.mark.parametrize("behaviour", MALFORMED)
def test_login_with_a_malformed_answer_is_one_sentence_and_stores_nothing(
    faulty: Any, no_secret: Any, behaviour: str
) -> None:
    world = faulty(behaviour, signed_in=False, targets=LOGIN_TARGETS)

    result = world.login("password")

    sentence = assert_failed(result, world, no_secret)
    assert PASSWORD not in sentence
    assert world.stored_tokens() is None, "a failed sign-in stored tokens"
    assert world.server.of("InitiateAuth"), world.server.operations()


@pytest.mark.parametrize("behaviour", ["json-list", "wrong-missing", "echo-400"])
def test_srp_login_with_a_malformed_answer_is_one_sentence(
    faulty: Any, no_secret: Any, behaviour: str
) -> None:
    world = faulty(behaviour, signed_in=False, targets=LOGIN_TARGETS)

    assert_failed(world.login("srp"), world, no_secret)
    assert world.stored_tokens() is None


def test_an_echoed_request_shows_no_token_but_still_says_what_was_refused(
    faulty: Any, no_secret: Any
) -> None:
    world = faulty("echo-400")

    sentence = assert_failed(world("get"), world, no_secret)

    assert "AccessToken" not in sentence or "[redacted]" in sentence, sentence
    assert world.server.of("GetUser")[0].body["AccessToken"] == world.tokens.access_token


def test_a_reply_of_the_wrong_shape_for_a_signed_in_user_keeps_the_tokens(
    faulty: Any, no_secret: Any
) -> None:
    """A garbled answer is not a sign-out: the stored session is still there afterwards."""
    world = faulty("wrong-types")

    assert_failed(world("get"), world, no_secret)

    stored = world.stored_tokens()
    assert stored is not None and stored.access_token == world.tokens.access_token


# -- as a new process, tokens in the real Secret Service -----------------------------------------
@pytest.mark.secret_service
@pytest.mark.parametrize(
    ("command", "behaviour"),
    [
        ("get", "wrong-missing"),
        ("get --json", "html-500"),
        ("set", "non-utf8"),
        ("login", "truncated"),
    ],
)
def test_in_a_new_process_a_malformed_answer_is_one_sentence(
    faulty_process: Any, no_secret: Any, command: str, behaviour: str
) -> None:
    targets = SET_TARGETS if command == "set" else LOGIN_TARGETS if command == "login" else None
    world = faulty_process(behaviour, timeouts=False, targets=targets)

    result = run_command(world, command)

    assert_failed(result, world, no_secret)


# ListDevices answers `{}` for a user with no devices; an empty body reads the same.
DEVICES_ACCEPTS = {"empty-200", "empty-object"}


@pytest.mark.parametrize("behaviour", [b for b in MALFORMED if b not in DEVICES_ACCEPTS])
def test_devices_with_a_malformed_answer_is_one_sentence(
    faulty: Any, no_secret: Any, behaviour: str
) -> None:
    world = faulty(behaviour, targets={"ListDevices"})

    assert_failed(world("devices"), world, no_secret)
    assert world.server.operations()[-1:] == ["ListDevices"]


@pytest.mark.parametrize("behaviour", sorted(DEVICES_ACCEPTS))
def test_devices_answered_with_nothing_is_no_devices(
    faulty: Any, no_secret: Any, behaviour: str
) -> None:
    world = faulty(behaviour, targets={"ListDevices"})

    result = world("devices")

    assert_succeeded(result, world, no_secret)
    assert result.out.startswith("You have no devices")


@pytest.mark.parametrize("behaviour", [b for b in MALFORMED if b not in DEVICES_ACCEPTS])
def test_passkeys_with_a_malformed_answer_is_one_sentence(
    faulty: Any, no_secret: Any, behaviour: str
) -> None:
    world = faulty(behaviour, targets={"ListWebAuthnCredentials"})

    assert_failed(world("passkeys"), world, no_secret)
