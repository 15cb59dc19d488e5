"""The error hierarchy: every expected failure carries one sentence a user can act on."""

from __future__ import annotations


class CogtuiError(Exception):
    """An expected failure; `str(error)` is the sentence shown to the user."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigError(CogtuiError):
    """A missing or malformed setting (exit code 2)."""

    exit_code = 2


class UsageError(CogtuiError):
    """A command used the wrong way (exit code 2)."""

    exit_code = 2


class KeyringUnavailable(CogtuiError):
    """No usable keyring backend, or it is locked."""


class CognitoError(CogtuiError):
    """Cognito (or the network on the way to it) refused a request."""

    def __init__(self, message: str, code: str = "", attribute: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.attribute = attribute


class WrongCredentials(CognitoError):
    """Wrong username or password."""


class CodeMismatch(CognitoError):
    """A verification or MFA code was wrong."""


class CodeExpired(CognitoError):
    """A verification code expired; a new one must be sent."""


class TooManyAttempts(CognitoError):
    """Cognito throttled the user; they should try again later."""


class ClientSecretRequired(CognitoError):
    """The app client has a secret and the request carried none (or a wrong one)."""


class SessionExpired(CognitoError):
    """The access token or the refresh token is no longer accepted."""


class NetworkError(CognitoError):
    """Cognito could not be reached, or did not answer in time."""


class Unsupported(CognitoError):
    """The server does not implement this operation (often a local emulator)."""


class DeviceUnknown(CognitoError):
    """Cognito no longer knows a device this machine remembers (it was forgotten)."""


class NotSignedIn(CogtuiError):
    """There are no usable stored tokens."""
