"""The terminal side of the commands: prompts, lines for the person, the signed-in check."""

from __future__ import annotations

import getpass
import sys
from typing import TYPE_CHECKING

from cogtui.display import shown
from cogtui.errors import ClientSecretRequired, CogtuiError, UsageError

if TYPE_CHECKING:
    from cogtui.session import Challenge, Session


class Cancelled(CogtuiError):
    """Ctrl-D at a prompt."""


def ask(prompt: str, secret: bool = False, optional: bool = False) -> str:
    """A line from the terminal (hidden for secrets), or from standard input when piped;
    an empty one only when `optional`."""
    if sys.stdin.isatty():
        try:
            answer = getpass.getpass(prompt + ": ") if secret else input(prompt + ": ")
        except EOFError:
            print(file=sys.stderr)  # end the prompt's line
            raise Cancelled(f"Cancelled at the {prompt.lower()} prompt.") from None
    else:
        line = sys.stdin.readline()
        if not line:
            raise UsageError(f"{prompt} is needed, but standard input has ended.")
        answer = line.rstrip("\r\n")
    if not answer.strip() and not optional:
        raise UsageError(f"{prompt} cannot be empty.")
    return answer


def say(text: str) -> None:
    """A line for the person at the terminal (standard error), shown safely."""
    print(shown(text), file=sys.stderr)


def signed_in(session: Session) -> Session:
    if not session.resume():
        if not session.settings.use_keyring:
            raise UsageError(
                "With --no-keyring nothing is kept between commands: give --username "
                "(and --password-stdin) to sign in for this one."
            )
        raise CogtuiError("Nobody is signed in to this pool and client; run `cogtui login`.")
    return session


def sign_in_as(
    session: Session, username: str, password: str, remember: bool | None = None
) -> None:
    """Sign in, asking for the client secret if the app client has one, answering any
    challenge at the prompts, and (when the pool asks) whether to remember this device:
    `remember`, else a question at a terminal, else no."""
    from cogtui.session import Challenge, SignedIn

    try:
        outcome = session.sign_in(username, password)
    except ClientSecretRequired:
        session.set_client_secret(ask("This app client has a secret. Client secret", secret=True))
        outcome = session.sign_in(username, password)
    while isinstance(outcome, Challenge):
        if outcome.notice:
            say(outcome.notice)
        answer, attributes = answer_challenge(outcome, password)
        outcome = session.respond(outcome, answer, attributes)
    assert isinstance(outcome, SignedIn)
    if outcome.notice:
        say(outcome.notice)
    if outcome.ask_remember:
        remember_this_device(session, remember)


def remember_this_device(session: Session, remember: bool | None) -> None:
    if remember is None and sys.stdin.isatty():
        answer = ask_yes_no("Remember this device, so that signing in here needs no MFA code?")
        remember = answer
    if remember is None:
        say("This device is not remembered: sign in with --remember-device to skip MFA here.")
        remember = False
    try:
        session.remember_device(remember)
    except CogtuiError as error:
        say(
            f"Signed in, but the device could not be {'remembered' if remember else 'set'}: "
            + error.message
        )
        return
    if remember:
        say("This device is remembered: signing in here needs no MFA code.")


def ask_yes_no(question: str) -> bool:
    """y or n at a terminal (Enter: no)."""
    try:
        answer = input(f"{question} [y/N]: ").strip().lower()
    except EOFError:
        print(file=sys.stderr)
        return False
    return answer in ("y", "yes")


def answer_challenge(challenge: Challenge, password: str = "") -> tuple[str, dict[str, str]]:
    """Ask the user what this challenge needs; returns (answer, attributes)."""
    say(challenge.prompt)
    if challenge.name == "SELECT_CHALLENGE":
        from cogtui.challenge import CHOICE_LABELS

        choice = pick(challenge.choices, [CHOICE_LABELS[name] for name in challenge.choices])
        if choice in ("PASSWORD", "PASSWORD_SRP"):
            return choice, {"PASSWORD": password or ask("Password", secret=True)}
        return choice, {}
    if challenge.name == "WEB_AUTHN":
        return "", {}  # the session asks the security key
    if challenge.name == "NEW_PASSWORD_REQUIRED":
        password = ask("New password", secret=True)
        attributes = {name: ask(name) for name in challenge.required_attributes}
        return password, attributes
    if challenge.name == "SELECT_MFA_TYPE":
        return pick(challenge.mfa_options, challenge.mfa_options), {}
    if challenge.name == "MFA_SETUP":
        say(f"  secret: {challenge.secret_code}")  # the user must see it to set up the app
    return ask("Code", secret=True), {}


def pick(options: list[str], labels: list[str]) -> str:
    """One of `options`, chosen by its number in a list of `labels`."""
    for number, label in enumerate(labels, 1):
        say(f"  {number}. {label}")
    choice = ask(f"Choice (1-{len(options)})").strip()
    if not choice.isascii() or not choice.isdigit() or not 1 <= int(choice) <= len(options):
        raise UsageError(f"Choose a number from 1 to {len(options)}.")
    return options[int(choice) - 1]
