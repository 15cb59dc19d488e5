"""Entry point: parse the command line, build the settings, run the TUI or a command."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from cogtui import __version__, cli_devices, cli_passkeys, cli_security, config
from cogtui.display import json_text, shown
from cogtui.errors import CogtuiError, UsageError
from cogtui.terminal import ask, say, sign_in_as, signed_in

if TYPE_CHECKING:  # the TUI loads the session in its worker, off the first frame
    from cogtui.session import Session

EPILOG = """\
settings come from, in order: options, COGTUI_* environment variables, the Amplify outputs
file, the profile in the config file ([profiles.NAME] tables in {path}).
exit codes: 0 success, 1 Cognito, network or keyring error, 2 usage or configuration error.
"""


def connection_options(default: object = None) -> argparse.ArgumentParser:
    """Options every command takes, before or after the command name."""
    common = argparse.ArgumentParser(add_help=False, argument_default=default)
    group = common.add_argument_group("connection")
    group.add_argument("--profile", help="profile from the config file (COGTUI_PROFILE)")
    group.add_argument("--region", help="default: from the pool id (COGTUI_REGION)")
    group.add_argument("--user-pool-id", metavar="ID", help="(COGTUI_USER_POOL_ID)")
    group.add_argument("--client-id", metavar="ID", help="app client id (COGTUI_CLIENT_ID)")
    group.add_argument(
        "--endpoint-url",
        metavar="URL",
        help="a local emulator or VPC endpoint (COGTUI_ENDPOINT_URL)",
    )
    group.add_argument(
        "--amplify-outputs",
        metavar="FILE",
        help="amplify_outputs.json or amplifyconfiguration.json",
    )
    group.add_argument(
        "--auth-flow",
        choices=["srp", "password", "choice"],
        help="USER_SRP_AUTH (default), USER_PASSWORD_AUTH, or choice: USER_AUTH, where the "
        "pool offers a passkey, a code by email or text, or the password (COGTUI_AUTH_FLOW)",
    )
    group.add_argument(
        "--no-keyring",
        action="store_true",
        help="keep tokens in memory for this run only (nothing is stored)",
    )
    group.add_argument(
        "--device-name",
        metavar="NAME",
        help="this machine in your device list (default: the host name; COGTUI_DEVICE_NAME)",
    )
    group.add_argument(
        "--client-metadata",
        metavar="KEY=VALUE",
        action="append",
        help="passed to the pool's Lambda triggers on save and verify (repeatable)",
    )
    return common


def remember_options(parser: argparse.ArgumentParser | argparse._ArgumentGroup) -> None:
    parser.add_argument(
        "--remember-device",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="when the pool asks: remember this device, so signing in here skips MFA "
        "(asked at a terminal when neither is given)",
    )


def build_parser() -> argparse.ArgumentParser:
    # After the command name the options default to "not given", so they never overwrite
    # the same options given before it.
    after_command = connection_options(default=argparse.SUPPRESS)
    parser = argparse.ArgumentParser(
        prog="cogtui",
        description="Sign in to an Amazon Cognito user pool and edit your own profile.",
        epilog=EPILOG.format(path=config.config_path()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[connection_options()],
    )
    parser.add_argument("--version", action="version", version=f"cogtui {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    # With --no-keyring nothing lasts between commands: each can sign in for itself.
    for_itself = argparse.ArgumentParser(add_help=False)
    one_shot = for_itself.add_argument_group("signing in first (what --no-keyring needs)")
    one_shot.add_argument("--username", help="sign in as this user first")
    one_shot.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    remember_options(one_shot)

    def command(name: str, help: str, signs_in: bool = False) -> argparse.ArgumentParser:
        parents = [after_command, for_itself] if signs_in else [after_command]
        found = commands.add_parser(name, help=help, description=help, parents=parents)
        found.set_defaults(sign_in_first=signs_in)
        return found

    command("edit", "open the profile editor (the default)")
    login = command("login", "sign in without the TUI")
    login.add_argument("--username", help="asked for when missing")
    login.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    remember_options(login)
    logout = command("logout", "remove the stored tokens")
    logout.add_argument(
        "--global",
        dest="everywhere",
        action="store_true",
        help="also sign out of every device (GlobalSignOut)",
    )
    whoami = command(
        "whoami", "who is signed in and until when (never prints a token)", signs_in=True
    )
    whoami.add_argument("--verify", action="store_true", help="check the token signatures")
    whoami.add_argument("--json", action="store_true", help="one JSON object")
    get = command("get", "print your attributes (all, or the NAMEs given)", signs_in=True)
    get.add_argument(
        "names", nargs="*", metavar="NAME", help="only these; with one NAME, only its value"
    )
    get.add_argument("--json", action="store_true", help="one JSON object, name -> value")
    set_ = command("set", "change attributes: NAME=VALUE ..., NAME= clears", signs_in=True)
    set_.add_argument("assignments", nargs="+", metavar="NAME=VALUE")
    verify = command("verify", "verify an email address or phone number with a code", signs_in=True)
    verify.add_argument("attribute", metavar="NAME", help="email or phone_number")
    verify.add_argument("--code", help="asked for when missing")
    verify.add_argument("--resend", action="store_true", help="send a new code, then ask for it")
    cli_security.add_parsers(command)
    cli_devices.add_parser(command)
    cli_passkeys.add_parser(command)
    demo = command(
        "demo",
        "try cogtui on an embedded emulator with a seeded user "
        "(--endpoint-url: seed an emulator that is already running)",
    )
    demo.add_argument(
        "--seed-only",
        action="store_true",
        help="with --endpoint-url: seed the emulator and print how to sign in, no TUI",
    )
    return parser


def options(parser: argparse.ArgumentParser) -> dict[str, bool]:
    """Every option of the parser and its commands -> whether it takes a value."""
    found: dict[str, bool] = {}
    parsers = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            parsers += list(action.choices.values())
    for each in parsers:
        for name, action in each._option_string_actions.items():
            found[name] = action.nargs != 0
    return found


def settings_from(args: argparse.Namespace) -> config.Settings:
    metadata = {}
    for item in args.client_metadata or []:
        key, equals, value = item.partition("=")
        if not equals or not key:
            raise UsageError(f"--client-metadata takes KEY=VALUE, not {item!r}.")
        metadata[key] = value
    options = {name: getattr(args, name, None) for name in config.SETTING_NAMES}
    options["profile"] = args.profile
    return config.resolve(
        options,
        device_name=getattr(args, "device_name", None),
        auth_flow=args.auth_flow or os.environ.get("COGTUI_AUTH_FLOW"),
        use_keyring=not args.no_keyring,
        client_metadata=metadata,
    )


def open_session(settings: config.Settings, keyring_optional: bool = False) -> Session:
    from cogtui.errors import KeyringUnavailable
    from cogtui.session import Session
    from cogtui.vault import MemoryStore, SecretStore, Vault, system_store

    store: SecretStore = MemoryStore()
    if settings.use_keyring:
        try:
            store = system_store()
        except KeyringUnavailable:
            if not keyring_optional:
                raise
    return Session(settings, Vault(store, settings.user_pool_id, settings.client_id))


# -- prompts --------------------------------------------------------------------------------
# -- commands -----------------------------------------------------------------------------
def login(args: argparse.Namespace, session: Session) -> int:
    sign_in(args, session)
    where = "memory only, for this run" if not session.settings.use_keyring else "the keyring"
    print(f"Signed in as {shown(session.display_name)}; tokens are kept in {where}.")
    return 0


def sign_in(args: argparse.Namespace, session: Session) -> None:
    """Sign in with --username (or a prompt) and the password, answering any challenge."""
    username = args.username or ask("Username")
    # --password-stdin: the first line of standard input; typed at a terminal, hidden.
    if session.settings.auth_flow == "choice":  # none: a code or a passkey instead
        password = ask("Password (empty: a code or a passkey)", secret=True, optional=True)
    else:
        password = ask("Password", secret=True)
    sign_in_as(session, username, password, args.remember_device)


def logout(args: argparse.Namespace, session: Session) -> int:
    user = session.username or session.vault.current_user()
    note = session.sign_out(everywhere=args.everywhere)  # raises if not everywhere
    print(f"Signed out {shown(user)}." if user else "Nobody was signed in.")
    if note:
        say(note)
    return 0


def whoami(args: argparse.Namespace, session: Session) -> int:
    from cogtui import tokens

    me = signed_in(session).identity()
    expires = datetime.fromtimestamp(me.expires_at).astimezone().isoformat(timespec="seconds")
    settings = session.settings
    facts: dict[str, object] = {
        "signed in as": session.display_name,
        "username": me.username,
        "sub": me.sub,
        "pool": settings.user_pool_id,
        "region": settings.region,
        "client": settings.client_id,
        "groups": list(me.groups),
        "access token expires": expires,
    }
    if args.verify:
        url = tokens.jwks_url(settings.region, settings.user_pool_id, settings.endpoint_url)
        tokens.verify_signature(session.access_token(), url)
        if session.id_token:
            tokens.verify_signature(session.id_token, url)
        facts["signatures"] = f"valid ({url})"
    if args.json:
        print(json_text({name.replace(" ", "_"): value for name, value in facts.items()}))
        return 0
    if facts["signed in as"] == me.username:
        del facts["signed in as"]  # the username says it
    if not me.groups:
        del facts["groups"]
    for name, value in facts.items():
        text = ", ".join(value) if isinstance(value, list) else str(value)
        print(f"{name}: {shown(text)}")
    return 0


def get(args: argparse.Namespace, session: Session) -> int:
    attributes = signed_in(session).get_user().attributes
    if args.names:
        from cogtui.profile import attribute_name

        # As `set` names them: `team` is custom:team unless there is a `team`.
        asked = list(dict.fromkeys(args.names))
        wanted = [typed if typed in attributes else attribute_name(typed) for typed in asked]
        for typed, name in zip(asked, wanted, strict=True):
            if name not in attributes:
                raise CogtuiError(f"You have no attribute named {shown(typed)}.")
        attributes = {name: attributes[name] for name in wanted}
    if args.json:
        print(json_text(attributes))
    elif args.names and len(attributes) == 1:  # one attribute asked for: its value alone
        print(shown(next(iter(attributes.values()))))
    else:
        names = {name: shown(name) for name in attributes}
        width = max((len(name) for name in names.values()), default=0)
        for name, value in attributes.items():
            print(f"{names[name]:<{width}}  {shown(value)}")
    return 0


def set_attributes(args: argparse.Namespace, session: Session) -> int:
    from cogtui.profile import Draft, parse_assignments

    wanted = parse_assignments(args.assignments)
    # Validated before any request, with the checks the editor uses; Draft.set refuses
    # read-only attributes, Draft.problems finds malformed values.
    check = Draft()
    for name, value in wanted.items():
        check.set(name, value)
    problems = check.problems()
    if problems:
        name, reason = next(iter(problems.items()))
        raise UsageError(f"{name} cannot be saved: {reason}.")
    draft = Draft()
    draft.load(signed_in(session).get_user().attributes)
    for name, value in wanted.items():
        draft.set(name, value)
    if not draft.dirty:
        print("Nothing to change: the attributes already have those values.")
        return 0
    saved = session.save(draft.payload())
    deliveries = saved.deliveries
    waiting = {delivery.attribute for delivery in deliveries}
    for change in draft.changes():
        after = " (needs verification)" if change.name in waiting else ""
        print(f"sent {shown(change.describe())}{after}")
    if saved.reply_lost:
        say("Cognito's answer was lost, but it holds the new values: the change is saved.")
    for delivery in deliveries:
        print(
            shown(
                f"A code for {delivery.attribute} was sent{delivery.how_and_where()}; "
                f"verify it with `cogtui verify {delivery.attribute} --code CODE`."
            )
        )
    return 0


def verify(args: argparse.Namespace, session: Session) -> int:
    from cogtui.profile import VERIFIED_BY

    if args.attribute not in VERIFIED_BY:
        raise UsageError(f"Only {' and '.join(VERIFIED_BY)} can be verified, not {args.attribute}.")
    if args.resend and args.code:
        raise UsageError("--resend sends a new code, so it cannot be used with --code.")
    signed_in(session)
    if args.resend:
        delivery = session.send_code(args.attribute)
        say(f"A new code for {args.attribute} was sent{delivery.how_and_where()}.")
    elif not args.code:
        say(
            f"Enter the code sent for {args.attribute} "
            f"(no code yet? run `cogtui verify {args.attribute} --resend`)."
        )
    code = args.code or ask("Code", secret=True)
    session.verify(args.attribute, code)
    print(f"{args.attribute} is verified.")
    return 0


def edit(args: argparse.Namespace, settings: config.Settings) -> int:
    from cogtui.app import CogtuiApp

    app = CogtuiApp(settings, theme_file=config.config_path())
    app.run()  # a crash is told by the app itself, in one sentence
    return app.return_code or 0


COMMANDS = {
    "login": login,
    "logout": logout,
    "whoami": whoami,
    "get": get,
    "set": set_attributes,
    "verify": verify,
    **cli_security.COMMANDS,
    **cli_devices.COMMANDS,
    **cli_passkeys.COMMANDS,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    words = cli_passkeys.id_first(list(sys.argv[1:] if argv is None else argv), options(parser))
    args = parser.parse_args(words)
    try:
        if args.command == "demo":
            from cogtui.demo import run_demo

            return run_demo(args)
        settings = settings_from(args)
        if args.command in (None, "edit"):
            return edit(args, settings)
        if args.command == "forgot-password":  # stores nothing: a missing keyring is no bar
            session = open_session(settings, keyring_optional=True)
        else:
            session = open_session(settings)
        if getattr(args, "sign_in_first", False) and getattr(args, "username", None):
            sign_in(args, session)  # as `login` does (the keyring keeps the tokens, if used)
        return COMMANDS[args.command](args, session)
    except CogtuiError as error:
        print(f"cogtui: {shown(error.message)}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("\ncogtui: interrupted.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`| head -1`): nothing more to say
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so that Python's exit flush stays quiet
        return 1
    except Exception as error:  # the last resort: never a traceback, which may hold secrets
        kind = type(error).__name__
        print(f"cogtui: an unexpected error ({kind}) stopped the command.", file=sys.stderr)
        return 1
