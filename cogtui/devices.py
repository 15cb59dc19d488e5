"""This machine as a Cognito device: its password and verifier when Cognito hands out a new
device key, and its SRP answer to DEVICE_SRP_AUTH. pycognito does the SRP math
(`generate_hash_device`, AWSSRP's device helpers); cogtui makes the calls.
"""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING, Any

from cogtui.vault import DeviceMaterial

if TYPE_CHECKING:
    from cogtui.config import Settings

FORGOTTEN = "Cognito no longer knows this device (it was forgotten), so it was set up again"
FORGOTTEN_ASKS = "Cognito no longer knows this device (it was forgotten), so it asks for a code"


def device_name(settings: Settings) -> str:
    """What the device list calls this machine: the setting, else the host name."""
    return settings.device_name or socket.gethostname() or "cogtui"


def new_device(
    username: str, login_name: str | None, metadata: object
) -> tuple[DeviceMaterial, dict[str, str]] | None:
    """Material for the device in NewDeviceMetadata, and the verifier Cognito is to hold
    (None when the metadata is not two keys)."""
    if not isinstance(metadata, dict):
        return None
    key, group = metadata.get("DeviceKey"), metadata.get("DeviceGroupKey")
    if not (isinstance(key, str) and key and isinstance(group, str) and group):
        return None
    from pycognito.aws_srp import generate_hash_device

    password, verifier = generate_hash_device(group, key)
    return DeviceMaterial(username, key, group, password, login_name), verifier


class DeviceProof:
    """The device's side of DEVICE_SRP_AUTH and DEVICE_PASSWORD_VERIFIER."""

    def __init__(self, device: DeviceMaterial, settings: Settings, secret: str | None) -> None:
        from pycognito.aws_srp import AWSSRP

        self.device = device
        self._srp = AWSSRP(
            username=device.username,
            password="",  # the device password is what is proved here
            pool_id=settings.user_pool_id,
            client_id=settings.client_id,
            client=object(),  # never used: pycognito would otherwise make a boto3 client
            client_secret=secret,
            device_key=device.key,
            device_group_key=device.group,
            device_password=device.password,
        )

    def __repr__(self) -> str:
        return "DeviceProof(<hidden>)"

    def start(self, username: str) -> dict[str, str]:
        """The DEVICE_SRP_AUTH answer: who, which device, and SRP_A."""
        from pycognito.aws_srp import long_to_hex

        return {
            "USERNAME": username,
            "DEVICE_KEY": self.device.key,
            "SRP_A": long_to_hex(self._srp.large_a_value),
        }

    def answer(self, parameters: dict[str, Any]) -> dict[str, str]:
        """The DEVICE_PASSWORD_VERIFIER answer (with SECRET_HASH when the client has one);
        KeyError, ValueError or TypeError when the challenge is malformed."""
        answer: dict[str, str] = self._srp.process_device_challenge(parameters)
        return answer
