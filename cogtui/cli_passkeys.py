"""`cogtui passkeys`: this user's passkeys, adding one on a security key, deleting one."""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from cogtui.cli_devices import iso, print_columns
from cogtui.display import json_text, moment, shown
from cogtui.errors import UsageError
from cogtui.terminal import say, signed_in

if TYPE_CHECKING:
    from cogtui.cognito import Passkey
    from cogtui.session import Session

Parser = Callable[..., argparse.ArgumentParser]
ACTIONS = ("add", "delete")
CREDENTIAL_ID = re.compile(r"[A-Za-z0-9_-]{16,1400}")  # base64url, as Cognito gives it


def add_parser(command: Parser) -> None:
    passkeys = command(
        "passkeys", "your passkeys, or: add (on a security key), delete ID", signs_in=True
    )
    passkeys.add_argument("action", nargs="?", choices=ACTIONS, metavar="ACTION")
    passkeys.add_argument("id", nargs="?", metavar="CREDENTIAL_ID", help="from `cogtui passkeys`")
    passkeys.add_argument("--json", action="store_true", help="with no ACTION: a JSON list")
    passkeys.add_argument(
        "--id", dest="dashed_id", metavar="CREDENTIAL_ID", help="the id, written this way too"
    )


def id_first(argv: list[str], options: dict[str, bool]) -> list[str]:
    """A passkey id may begin with "-" (base64url): after `passkeys delete`, the first word
    that is not one of `options` (option -> takes a value) nor an option's value, and looks
    like an id, is the id: it is passed as `--id=ID`, which argparse cannot mistake."""
    if "passkeys" not in argv or "--" in argv:
        return argv
    start = argv.index("passkeys")
    if argv[start + 1 : start + 2] != ["delete"]:
        return argv
    words = argv[start + 2 :]
    for i, word in enumerate(words):
        if word.split("=")[0] in options or (i and options.get(words[i - 1], False)):
            continue
        if word.startswith("-") and CREDENTIAL_ID.fullmatch(word):
            return [*argv[: start + 2], *words[:i], f"--id={word}", *words[i + 1 :]]
        return argv
    return argv


def passkeys(args: argparse.Namespace, session: Session) -> int:
    from cogtui.security import Security

    if args.dashed_id:
        if args.id:
            raise UsageError("Give the passkey id once.")
        args.id = args.dashed_id
    if args.action is not None and args.json:
        raise UsageError("--json is for `cogtui passkeys` with no action only.")
    if args.action == "delete":
        if not args.id:
            raise UsageError("`cogtui passkeys delete` takes a CREDENTIAL_ID.")
        if not CREDENTIAL_ID.fullmatch(args.id):
            raise UsageError(
                f"{shown(args.id)} is not a passkey id; `cogtui passkeys` lists yours."
            )
    elif args.id:
        used = f"cogtui passkeys {args.action}" if args.action else "cogtui passkeys"
        raise UsageError(f"`{used}` takes no passkey id.")
    security = Security(signed_in(session))
    if args.action == "add":
        say(shown(f"Touch your security key to make a passkey for {session.display_name}."))
        security.add_passkey()
        print("The passkey is added: sign in with it by `cogtui login --auth-flow choice`.")
    elif args.action == "delete":
        security.delete_passkey(args.id)
        print(f"Deleted the passkey {args.id}.")
    else:
        found = security.passkeys()
        if args.json:
            print(json_text([as_json(passkey) for passkey in found]))
        else:
            print_table(found)
    return 0


def as_json(passkey: Passkey) -> dict[str, object]:
    return {
        "id": passkey.id,
        "name": passkey.name,
        "relying_party": passkey.relying_party,
        "attachment": passkey.attachment or None,
        "transports": list(passkey.transports),
        "created": iso(passkey.created),
    }


def print_table(found: list[Passkey]) -> None:
    if not found:
        print("You have no passkeys: `cogtui passkeys add` makes one on a security key.")
        return
    rows = [("NAME", "KIND", "TRANSPORTS", "ADDED", "ID")]
    for passkey in found:
        rows.append(
            (
                shown(passkey.name or "(no name)"),
                shown(passkey.attachment or "-"),
                shown(", ".join(passkey.transports) or "-"),
                moment(passkey.created),
                shown(passkey.id),
            )
        )
    print_columns(rows)


COMMANDS = {"passkeys": passkeys}
