"""Settings: command-line options over COGTUI_* environment over Amplify file over profile."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cogtui.errors import ConfigError

REGION_PREFIX = re.compile(r"^([a-z]{2}(?:-[a-z]+)+-\d+)_")
SETTING_NAMES = ("user_pool_id", "client_id", "region", "endpoint_url", "amplify_outputs")
FLAG_OF = {name: "--" + name.replace("_", "-") for name in SETTING_NAMES}
ENV_OF = {name: "COGTUI_" + name.upper() for name in SETTING_NAMES}
WHERE_TO_SET = "pass {flag}, set {env}, or add it to a profile in {path}"


@dataclass(frozen=True)
class Settings:
    """Everything needed to talk to one app client of one user pool."""

    user_pool_id: str
    client_id: str
    region: str
    endpoint_url: str | None = None
    profile: str | None = None
    auth_flow: str = "srp"
    use_keyring: bool = True
    client_metadata: Mapping[str, str] = field(default_factory=dict)
    connect_timeout: float = 5.0  # seconds (COGTUI_CONNECT_TIMEOUT)
    read_timeout: float = 20.0  # seconds (COGTUI_READ_TIMEOUT)
    theme: str | None = None  # the editor's theme: `theme = "NAME"` atop the config file
    totp_issuer: str = "Cognito"  # the name an authenticator app shows (totp_issuer)
    device_name: str | None = None  # this machine in the device list (default: host name)


def config_path() -> Path:
    """The TOML file that holds profiles, in the platform's user config directory."""
    from platformdirs import user_config_path

    return user_config_path("cogtui") / "config.toml"


def load_config(path: Path) -> tuple[dict[str, dict[str, str]], str | None]:
    """The `[profiles.NAME]` tables of the config file and its top-level `theme`, read in
    one pass; a missing file has neither."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}, None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"The config file {path} cannot be read: {error}.") from None
    import tomllib  # only when there is a file to read

    try:
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"The config file {path} cannot be read: {error}.") from None
    profiles = data.get("profiles", {})
    if not isinstance(profiles, dict) or not all(isinstance(p, dict) for p in profiles.values()):
        raise ConfigError(f"The config file {path} must hold profiles as [profiles.NAME] tables.")
    for name, profile in profiles.items():
        for key, value in profile.items():
            if not isinstance(value, str):
                raise ConfigError(
                    f"In the config file {path}, {key} of profile {name!r} must be a quoted "
                    f'string, such as {key} = "...".'
                )
    theme = data.get("theme")
    return profiles, theme if isinstance(theme, str) else None


def read_amplify_outputs(path: str | Path) -> dict[str, str]:
    """Pool, client and region from Amplify Gen 2 outputs or a Gen 1 configuration file."""
    path = Path(path).expanduser()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"The Amplify outputs file {path} does not exist.") from None
    except (OSError, ValueError):  # unreadable, not UTF-8, not JSON, or a NUL in the path
        raise ConfigError(
            f"The Amplify outputs file {path} is not valid JSON (or cannot be read)."
        ) from None
    if not isinstance(data, dict):
        raise ConfigError(f"The Amplify outputs file {path} does not hold a JSON object.")
    auth = data.get("auth")
    if isinstance(auth, dict) and "user_pool_id" in auth:  # Gen 2: amplify_outputs.json
        found = {
            "user_pool_id": auth.get("user_pool_id"),
            "client_id": auth.get("user_pool_client_id"),
            "region": auth.get("aws_region"),
        }
    else:  # Gen 1: amplifyconfiguration.json / aws-exports
        found = {
            "user_pool_id": data.get("aws_user_pools_id"),
            "client_id": data.get("aws_user_pools_web_client_id"),
            "region": data.get("aws_cognito_region"),
        }
    settings = {key: value for key, value in found.items() if isinstance(value, str) and value}
    if "user_pool_id" not in settings:
        raise ConfigError(
            f"The Amplify outputs file {path} names no user pool "
            "(auth.user_pool_id or aws_user_pools_id)."
        )
    return settings


def region_of_pool(user_pool_id: str) -> str | None:
    """`eu-west-1_AbC` -> `eu-west-1`; emulator ids such as `local_abc` give None."""
    match = REGION_PREFIX.match(user_pool_id)
    return match.group(1) if match else None


def resolve(
    options: Mapping[str, str | None],
    environ: Mapping[str, str] | None = None,
    path: Path | None = None,
    **extra: object,
) -> Settings:
    """Build Settings from options, environment, Amplify outputs and the config file."""
    environ = os.environ if environ is None else environ
    path = path or config_path()
    profile_name = options.get("profile") or environ.get("COGTUI_PROFILE")
    profiles, theme = load_config(path)
    if profile_name and profile_name not in profiles:
        raise ConfigError(f"There is no profile named {profile_name!r} in {path}.")
    profile = profiles.get(profile_name or "default", {})

    def explicit(name: str) -> str | None:
        return options.get(name) or environ.get(ENV_OF[name]) or None

    amplify_file = explicit("amplify_outputs") or profile.get("amplify_outputs")
    amplify = read_amplify_outputs(amplify_file) if amplify_file else {}

    def pick(name: str) -> str | None:
        value = explicit(name) or amplify.get(name) or profile.get(name)
        return str(value) if value else None

    def where_to_set(name: str) -> str:
        return WHERE_TO_SET.format(flag=FLAG_OF[name], env=ENV_OF[name], path=path)

    def missing(name: str) -> ConfigError:
        return ConfigError(f"No {name.replace('_', ' ')} is configured: {where_to_set(name)}.")

    user_pool_id = pick("user_pool_id")
    if not user_pool_id:
        raise missing("user_pool_id")
    if "_" not in user_pool_id:
        raise ConfigError(
            f"The user pool id {user_pool_id!r} is malformed: it looks like REGION_ID, "
            f"for example eu-west-1_AbCdEf123 ({where_to_set('user_pool_id')})."
        )
    client_id = pick("client_id")
    if not client_id:
        raise missing("client_id")
    endpoint_url = pick("endpoint_url")
    if endpoint_url and not usable_url(endpoint_url):
        raise ConfigError(
            f"The endpoint URL {endpoint_url!r} is malformed: it must be an http:// or "
            f"https:// URL with a host name ({where_to_set('endpoint_url')})."
        )
    region = (
        pick("region")
        or region_of_pool(user_pool_id)
        or environ.get("AWS_REGION")
        or environ.get("AWS_DEFAULT_REGION")
        or ("us-east-1" if endpoint_url else None)  # emulators accept any region
    )
    if not region:
        raise missing("region")
    auth_flow = str(extra.pop("auth_flow", None) or profile.get("auth_flow") or "srp")
    if auth_flow not in ("srp", "password", "choice"):
        raise ConfigError(f"The auth flow {auth_flow!r} is unknown: use srp, password or choice.")
    connect_timeout, read_timeout = (
        _seconds(environ, variable, default)
        for variable, default in (("COGTUI_CONNECT_TIMEOUT", 5.0), ("COGTUI_READ_TIMEOUT", 20.0))
    )
    return Settings(
        user_pool_id=user_pool_id,
        client_id=client_id,
        region=region,
        endpoint_url=endpoint_url,
        profile=profile_name,
        auth_flow=auth_flow,
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        totp_issuer=environ.get("COGTUI_TOTP_ISSUER") or profile.get("totp_issuer") or "Cognito",
        device_name=str(
            extra.pop("device_name", None)
            or environ.get("COGTUI_DEVICE_NAME")
            or profile.get("device_name")
            or ""
        )
        or None,
        theme=theme,
        **extra,  # type: ignore[arg-type]
    )


def usable_url(url: str) -> bool:
    from urllib.parse import urlsplit

    if not re.match(r"^https?://[^\s/]+", url):
        return False
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return False
    return bool(parts.hostname)


def _seconds(environ: Mapping[str, str], variable: str, default: float) -> float:
    text = environ.get(variable)
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 600:
        raise ConfigError(f"{variable} must be a number of seconds from 0 to 600, not {text!r}.")
    return value


THEME_LINE = re.compile(r"^\s*theme\s*=")


def remember_theme(path: Path, name: str) -> None:
    """Write `theme = "NAME"` at the top of the config file, leaving every other line as it
    is (the one line cogtui writes there); refuses when the result would not read back."""
    import tomllib

    try:
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    except FileNotFoundError:
        lines = []
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"The theme was not kept: {path} cannot be read ({error}).") from None
    line = f"theme = {json.dumps(name)}\n"
    first_table = next((i for i, text in enumerate(lines) if text.lstrip().startswith("[")), None)
    top = lines[:first_table] if first_table is not None else lines
    found = next((i for i, text in enumerate(top) if THEME_LINE.match(text)), None)
    if found is None:
        lines.insert(0, line)
    else:
        lines[found] = line
    text = "".join(lines)
    try:
        if tomllib.loads(text).get("theme") != name:
            raise ValueError
    except (tomllib.TOMLDecodeError, ValueError):
        raise ConfigError(f"The theme was not kept: {path} is not plain TOML.") from None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    except OSError as error:
        raise ConfigError(f"The theme was not kept: {path} cannot be written ({error}).") from None
