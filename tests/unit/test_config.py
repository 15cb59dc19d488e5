"""Where settings come from: flags, COGTUI_* environment, Amplify files, config profiles.

The order is the one `cogtui --help` documents: options, then COGTUI_* variables, then the
Amplify outputs file, then the profile in the config file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cogtui.config import Settings, resolve
from cogtui.errors import ConfigError

POOL = "eu-west-1_AbCdEf123"


def write_profiles(path: Path, **profiles: dict[str, str]) -> Path:
    """A config file holding `[profiles.NAME]` tables."""
    lines = []
    for name, values in profiles.items():
        lines.append(f"[profiles.{name}]")
        lines += [f"{key} = {json.dumps(value)}" for key, value in values.items()]
    path.write_text("\n".join(lines) + "\n")
    return path


def write_json(path: Path, data: Any) -> str:
    path.write_text(json.dumps(data))
    return str(path)


def settings(
    tmp_path: Path,
    options: dict[str, str] | None = None,
    env: dict[str, str] | None = None,
    **profiles: dict[str, str],
) -> Settings:
    """resolve() with only these options, environment and profiles (nothing from the host)."""
    config = write_profiles(tmp_path / "config.toml", **profiles)
    return resolve(options or {}, environ=env or {}, path=config)


def error_of(tmp_path: Path, **kwargs: Any) -> str:
    with pytest.raises(ConfigError) as raised:
        settings(tmp_path, **kwargs)
    message = str(raised.value)
    assert "\n" not in message and message.endswith(".")
    assert raised.value.exit_code == 2
    return message


# -- precedence ---------------------------------------------------------------------------
def test_a_flag_beats_the_environment_and_the_profile(tmp_path: Path) -> None:
    got = settings(
        tmp_path,
        options={"client_id": "from-flag"},
        env={"COGTUI_USER_POOL_ID": POOL, "COGTUI_CLIENT_ID": "from-env"},
        default={"client_id": "from-profile"},
    )

    assert got.client_id == "from-flag"
    assert got.user_pool_id == POOL


def test_the_environment_beats_the_profile(tmp_path: Path) -> None:
    got = settings(
        tmp_path,
        env={"COGTUI_CLIENT_ID": "from-env", "COGTUI_REGION": "eu-central-1"},
        default={"user_pool_id": POOL, "client_id": "from-profile", "region": "us-west-2"},
    )

    assert (got.client_id, got.region) == ("from-env", "eu-central-1")


def test_the_default_profile_is_used_when_none_is_named(tmp_path: Path) -> None:
    got = settings(tmp_path, default={"user_pool_id": POOL, "client_id": "default-client"})

    assert got.client_id == "default-client"
    assert got.profile is None


@pytest.mark.parametrize(
    ("options", "env"),
    [({"profile": "work"}, {}), ({}, {"COGTUI_PROFILE": "work"})],
    ids=["--profile", "COGTUI_PROFILE"],
)
def test_a_named_profile_replaces_the_default_one(
    tmp_path: Path, options: dict[str, str], env: dict[str, str]
) -> None:
    got = settings(
        tmp_path,
        options=options,
        env=env,
        default={"user_pool_id": POOL, "client_id": "default-client"},
        work={"user_pool_id": "us-east-2_Work1", "client_id": "work-client"},
    )

    assert (got.user_pool_id, got.client_id, got.region) == (
        "us-east-2_Work1",
        "work-client",
        "us-east-2",
    )
    assert got.profile == "work"


def test_an_amplify_file_on_the_command_line_beats_the_profile(tmp_path: Path) -> None:
    outputs = write_json(
        tmp_path / "amplify_outputs.json",
        {"auth": {"user_pool_id": "ap-south-1_Amp", "user_pool_client_id": "amp-client"}},
    )

    got = settings(
        tmp_path,
        options={"amplify_outputs": outputs},
        default={"user_pool_id": POOL, "client_id": "profile-client"},
    )

    assert (got.user_pool_id, got.client_id) == ("ap-south-1_Amp", "amp-client")


def test_a_flag_beats_the_amplify_file(tmp_path: Path) -> None:
    outputs = write_json(
        tmp_path / "amplify_outputs.json",
        {"auth": {"user_pool_id": "ap-south-1_Amp", "user_pool_client_id": "amp-client"}},
    )

    got = settings(
        tmp_path, options={"client_id": "flag-client"}, env={"COGTUI_AMPLIFY_OUTPUTS": outputs}
    )

    assert (got.user_pool_id, got.client_id) == ("ap-south-1_Amp", "flag-client")


def test_a_profile_may_name_the_amplify_file(tmp_path: Path) -> None:
    outputs = write_json(
        tmp_path / "amplifyconfiguration.json",
        {"aws_user_pools_id": "ca-central-1_Gen1", "aws_user_pools_web_client_id": "gen1"},
    )

    got = settings(tmp_path, default={"amplify_outputs": outputs})

    assert (got.user_pool_id, got.client_id, got.region) == (
        "ca-central-1_Gen1",
        "gen1",
        "ca-central-1",
    )


# -- region ---------------------------------------------------------------------------------
def test_the_region_defaults_to_the_pool_id_prefix(tmp_path: Path) -> None:
    got = settings(tmp_path, options={"user_pool_id": "ap-northeast-2_Xyz", "client_id": "c"})

    assert got.region == "ap-northeast-2"


def test_the_pool_id_prefix_beats_aws_region(tmp_path: Path) -> None:
    got = settings(
        tmp_path, options={"user_pool_id": POOL, "client_id": "c"}, env={"AWS_REGION": "us-west-2"}
    )

    assert got.region == "eu-west-1"


def test_aws_region_is_used_when_the_pool_id_names_no_region(tmp_path: Path) -> None:
    got = settings(
        tmp_path,
        options={"user_pool_id": "local_abc123", "client_id": "c"},
        env={"AWS_REGION": "eu-north-1"},
    )

    assert got.region == "eu-north-1"


def test_a_region_flag_beats_the_pool_id_prefix(tmp_path: Path) -> None:
    got = settings(tmp_path, options={"user_pool_id": POOL, "client_id": "c", "region": "xx-1"})

    assert got.region == "xx-1"


# -- Amplify files ----------------------------------------------------------------------------
AMPLIFY_FILES = {
    "gen2 amplify_outputs.json": {
        "version": "1.3",
        "auth": {
            "user_pool_id": "us-west-2_Gen2Pool",
            "user_pool_client_id": "gen2client",
            "aws_region": "us-west-2",
            "identity_pool_id": "us-west-2:0000",
        },
    },
    "gen1 amplifyconfiguration.json": {
        "aws_project_region": "us-west-2",
        "aws_cognito_region": "us-west-2",
        "aws_user_pools_id": "us-west-2_Gen2Pool",
        "aws_user_pools_web_client_id": "gen2client",
    },
}


@pytest.mark.parametrize("data", AMPLIFY_FILES.values(), ids=AMPLIFY_FILES.keys())
def test_an_amplify_file_gives_pool_client_and_region(tmp_path: Path, data: Any) -> None:
    outputs = write_json(tmp_path / "outputs.json", data)

    got = settings(tmp_path, options={"amplify_outputs": outputs})

    assert (got.user_pool_id, got.client_id, got.region) == (
        "us-west-2_Gen2Pool",
        "gen2client",
        "us-west-2",
    )


def test_the_amplify_region_beats_the_pool_id_prefix(tmp_path: Path) -> None:
    outputs = write_json(
        tmp_path / "aws-exports.json",
        {
            "aws_user_pools_id": "local_pool",
            "aws_user_pools_web_client_id": "c",
            "aws_cognito_region": "eu-south-1",
        },
    )

    assert settings(tmp_path, options={"amplify_outputs": outputs}).region == "eu-south-1"


# -- missing and malformed settings ---------------------------------------------------------
@pytest.mark.parametrize(
    ("options", "setting", "flag", "env"),
    [
        ({"client_id": "c"}, "user pool id", "--user-pool-id", "COGTUI_USER_POOL_ID"),
        ({"user_pool_id": POOL}, "client id", "--client-id", "COGTUI_CLIENT_ID"),
        ({"user_pool_id": "local_1", "client_id": "c"}, "region", "--region", "COGTUI_REGION"),
    ],
)
def test_a_missing_setting_names_it_and_where_to_set_it(
    tmp_path: Path, options: dict[str, str], setting: str, flag: str, env: str
) -> None:
    message = error_of(tmp_path, options=options)

    assert f"No {setting} is configured" in message
    assert flag in message and env in message
    assert str(tmp_path / "config.toml") in message


@pytest.mark.parametrize(
    ("options", "setting", "flag"),
    [
        ({"user_pool_id": "AbCdEf123", "client_id": "c"}, "user pool id", "--user-pool-id"),
        (
            {"user_pool_id": POOL, "client_id": "c", "endpoint_url": "localhost:9229"},
            "endpoint URL",
            "--endpoint-url",
        ),
    ],
)
def test_a_malformed_setting_names_it_and_where_to_set_it(
    tmp_path: Path, options: dict[str, str], setting: str, flag: str
) -> None:
    message = error_of(tmp_path, options=options)

    assert setting in message and "malformed" in message
    assert flag in message, f"the error does not say where the setting is set: {message!r}"


@pytest.mark.parametrize(
    ("content", "says"),
    [
        ("{not json", "is not valid JSON"),
        (json.dumps({"auth": {"user_pool_client_id": "c"}}), "names no user pool"),
        (json.dumps(["a list"]), "does not hold a JSON object"),
    ],
)
def test_a_broken_amplify_file_is_named_in_one_sentence(
    tmp_path: Path, content: str, says: str
) -> None:
    outputs = tmp_path / "amplify_outputs.json"
    outputs.write_text(content)

    message = error_of(tmp_path, options={"amplify_outputs": str(outputs)})

    assert str(outputs) in message and says in message


def test_a_missing_amplify_file_is_named(tmp_path: Path) -> None:
    message = error_of(tmp_path, env={"COGTUI_AMPLIFY_OUTPUTS": str(tmp_path / "nope.json")})

    assert message == f"The Amplify outputs file {tmp_path / 'nope.json'} does not exist."


def test_an_unknown_profile_is_named_with_the_config_file(tmp_path: Path) -> None:
    message = error_of(tmp_path, options={"profile": "staging"}, default={"client_id": "c"})

    assert "'staging'" in message and str(tmp_path / "config.toml") in message


def test_a_config_file_that_is_not_toml_is_named(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[profiles.default\nclient_id = ")

    with pytest.raises(ConfigError, match="cannot be read") as raised:
        resolve({}, environ={}, path=config)

    assert str(config) in str(raised.value)
