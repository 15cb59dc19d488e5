"""What the tokens say about themselves: claims read with PyJWT, and the checks made on them."""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass
from typing import Any

from cogtui.errors import CognitoError
from cogtui.vault import Tokens

REFRESH_MARGIN = 60  # seconds: refresh an access token that expires within a minute


@dataclass(frozen=True)
class Identity:
    """Who the tokens belong to, and until when the access token is good."""

    username: str
    sub: str
    expires_at: int
    groups: tuple[str, ...] = ()

    def expires_soon(self, now: float | None = None) -> bool:
        return self.expires_at - (time.time() if now is None else now) < REFRESH_MARGIN


def claims(token: str) -> dict[str, Any]:
    """The claims of a JWT, unverified (the server verifies; `verify_signature` checks).

    Read by hand, not with PyJWT: its import loads `cryptography` (~30 ms and ~10 MiB, on
    every start-up and `get`) for what is base64 and JSON when no key is checked.
    """
    parts = token.split(".")
    if len(parts) != 3:
        return {}
    try:
        found = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (ValueError, TypeError):  # binascii.Error and UnicodeDecodeError are ValueErrors
        return {}
    return found if isinstance(found, dict) else {}


def identity(tokens: Tokens) -> Identity:
    access = claims(tokens.access_token)
    return Identity(
        username=str(access.get("username") or claims(tokens.id_token).get("cognito:username", "")),
        sub=str(access.get("sub", "")),
        expires_at=int(access.get("exp", 0)),
        groups=tuple(access.get("cognito:groups") or ()),
    )


def mismatch(tokens: Tokens, user_pool_id: str, client_id: str) -> str | None:
    """Why these tokens must not be sent for this pool and client, or None if they may."""
    access, id_claims = claims(tokens.access_token), claims(tokens.id_token)
    if access.get("token_use") != "access" or id_claims.get("token_use") != "id":
        return "the stored tokens are not a Cognito access token and id token"
    if access.get("client_id") != client_id or id_claims.get("aud") != client_id:
        return "the stored tokens belong to another app client"
    for issuer in (access.get("iss", ""), id_claims.get("iss", "")):
        if not str(issuer).rstrip("/").endswith("/" + user_pool_id):
            return "the stored tokens belong to another user pool"
    return None


def jwks_url(region: str, user_pool_id: str, endpoint_url: str | None) -> str:
    base = (
        endpoint_url.rstrip("/") if endpoint_url else f"https://cognito-idp.{region}.amazonaws.com"
    )
    return f"{base}/{user_pool_id}/.well-known/jwks.json"


def verify_signature(token: str, url: str) -> None:
    """Check the token's signature against the pool's published keys."""
    import jwt

    try:
        key = jwt.PyJWKClient(url, cache_keys=False, timeout=10).get_signing_key_from_jwt(token)
        jwt.decode(token, key.key, algorithms=["RS256"], options={"verify_aud": False})
    except jwt.PyJWKClientConnectionError:
        raise CognitoError(f"The pool's signing keys could not be fetched from {url}.") from None
    except jwt.ExpiredSignatureError:
        raise CognitoError("The signature is valid but the token has expired.") from None
    except jwt.PyJWTError as error:
        name = type(error).__name__
        raise CognitoError(f"The token's signature does not check out ({name}).") from None
