"""The security commands: password, forgot-password, mfa, delete-account."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from cogtui.display import json_text, shown
from cogtui.errors import UsageError
from cogtui.terminal import ask, say, sign_in_as, signed_in

if TYPE_CHECKING:
    from cogtui.session import Session

Parser = Callable[..., argparse.ArgumentParser]
MFA_ACTIONS = ("setup-totp", "enable", "disable", "prefer")


def add_parsers(command: Parser) -> None:
    """Add the security commands with `command(name, help, signs_in=...)`."""
    password = command("password", "change your password")
    password.add_argument(
        "--username", help="sign in first, with the current password (what --no-keyring needs)"
    )
    password.add_argument(
        "--password-stdin",
        action="store_true",
        help="read two lines from standard input: the current password, then the new one",
    )
    forgot = command("forgot-password", "reset a forgotten password with a code")
    forgot.add_argument("--username", required=True, help="the user whose password to reset")
    forgot.add_argument(
        "--password-stdin",
        action="store_true",
        help="read two lines from standard input: the code, then the new password",
    )
    mfa = command(
        "mfa",
        "show MFA, or: setup-totp, enable|disable|prefer sms|totp|email",
        signs_in=True,
    )
    mfa.add_argument("action", nargs="?", choices=MFA_ACTIONS, metavar="ACTION")
    mfa.add_argument("method", nargs="?", metavar="METHOD", help="sms, totp or email")
    mfa.add_argument("--json", action="store_true", help="with no ACTION: one JSON object")
    mfa.add_argument("--name", default="", help="setup-totp: a name for the authenticator")
    delete = command("delete-account", "delete your account from the pool", signs_in=True)
    delete.add_argument("--confirm", metavar="USERNAME", help="your username, to confirm")


def new_password(prompt: str = "New password") -> str:
    """A new password typed twice at a terminal, once from standard input."""
    new = ask(prompt, secret=True)
    if sys.stdin.isatty() and ask(f"{prompt}, again", secret=True) != new:
        raise UsageError("The new passwords do not match; nothing was changed.")
    return new


def password(args: argparse.Namespace, session: Session) -> int:
    from cogtui.security import Security

    if not args.username:
        signed_in(session)
    if args.password_stdin:  # two lines; hidden all the same if typed at a terminal
        current, new = ask("Current password", secret=True), ask("New password", secret=True)
    else:
        current, new = ask("Current password", secret=True), new_password()
    if args.username:  # signed in here with the current password, then it is changed
        sign_in_as(session, args.username, current)
    Security(session).change_password(current, new)
    print("Your password is changed.")
    return 0


def forgot_password(args: argparse.Namespace, session: Session) -> int:
    from cogtui.security import Security

    security = Security(session)
    delivery = security.forgot_password(args.username)
    say(f"A code to reset the password was sent{delivery.how_and_where()}.")
    if args.password_stdin:  # two lines; hidden all the same if typed at a terminal
        code, new = ask("Code", secret=True), ask("New password", secret=True)
    else:
        code, new = ask("Code", secret=True), new_password()
    security.confirm_forgot_password(args.username, code, new)
    print(shown(f"The password is reset: sign in with `cogtui login --username {args.username}`."))
    return 0


def mfa(args: argparse.Namespace, session: Session) -> int:
    from cogtui.security import METHOD_NAMES, METHODS, Security

    security = Security(session)
    if args.action != "setup-totp" and args.name:
        raise UsageError("--name is for `cogtui mfa setup-totp` only.")
    if args.action is not None and args.json:
        raise UsageError("--json is for `cogtui mfa` with no action only.")
    if args.action in (None, "setup-totp") and args.method:
        used = "cogtui mfa setup-totp" if args.action else "cogtui mfa"
        raise UsageError(f"`{used}` takes no method.")
    signed_in(session)
    if args.action is None:
        state = security.mfa()
        if args.json:
            print(json_text({"enabled": list(state.enabled), "preferred": state.preferred}))
            return 0
        if not state.enabled:
            print("MFA is off: sign-in asks for the password only.")
        for method in METHODS:
            if method in state.enabled:
                preferred = ", preferred" if method == state.preferred else ""
                print(f"{method}: on{preferred} ({METHOD_NAMES[method]})")
        return 0
    if args.action == "setup-totp":
        return setup_totp(args, session)
    if args.method not in METHODS:
        raise UsageError(f"`cogtui mfa {args.action}` takes sms, totp or email.")
    if args.action == "prefer":
        security.set_mfa(args.method, enabled=True, preferred=True)
        print(f"{args.method} is on and preferred.")
    else:
        security.set_mfa(args.method, enabled=args.action == "enable")
        print(f"{args.method} is {'on' if args.action == 'enable' else 'off'}.")
    return 0


def setup_totp(args: argparse.Namespace, session: Session) -> int:
    """The URI on a line of its own, the QR code, the secret; then the first code."""
    from cogtui.qr import grouped, qr_lines
    from cogtui.security import Security, otpauth_uri

    security = Security(session)
    secret = security.start_totp()
    uri = otpauth_uri(secret, session.display_name, session.settings.totp_issuer)
    print(shown(uri))  # percent-encoded already; shown() in case a server sent odd text
    dark_on_light = ("\x1b[30;47m", "\x1b[0m") if sys.stdout.isatty() else ("", "")
    for line in qr_lines(uri):
        print(dark_on_light[0] + line + dark_on_light[1])
    print(shown(f"secret: {grouped(secret)}"), flush=True)
    code = ask("Code from the app")
    security.finish_totp(code, args.name)
    print("The authenticator app is on and preferred: sign-in will ask for its code.")
    return 0


def delete_account(args: argparse.Namespace, session: Session) -> int:
    from cogtui.security import Security

    signed_in(session)
    who = session.display_name
    if not args.confirm:
        say(f"To delete the account {who}, type its username.")
    typed = args.confirm or ask("Username")
    Security(session).delete_account(typed)
    print(shown(f"The account {who} is deleted, and its tokens are gone from this machine."))
    return 0


COMMANDS = {
    "password": password,
    "forgot-password": forgot_password,
    "mfa": mfa,
    "delete-account": delete_account,
}
