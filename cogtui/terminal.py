"""The terminal side of the commands: prompts, lines for the person, the signed-in check."""

from __future__ import annotations

import getpass
import sys
from typing import TYPE_CHECKING

from cogtui.display import shown
from cogtui.errors import CogtuiError, UsageError

if TYPE_CHECKING:
    from cogtui.session import Session


class Cancelled(CogtuiError):
    """Ctrl-D at a prompt."""


def ask(prompt: str, secret: bool = False) -> str:
    """A line from the terminal (hidden for secrets), or from standard input when piped."""
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
    if not answer.strip():
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
