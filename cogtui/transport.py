"""How cogtui reaches Cognito: urllib's opener and botocore's client, made alike.

Both lanes take the same trust (AWS_CA_BUNDLE, else botocore's bundle), proxies from the
environment, separate connect and read timeouts, and no AWS profile or credentials. Only
`cognito.py` uses this module; it is split off it to keep the operations apart from the
wiring.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cogtui.cognito import CognitoClient

# botocore session variables as (config key, environment variable, default, conversion).
IGNORE_AWS_CONFIG = {
    "profile": (None, None, None, None),
    "config_file": (None, None, os.devnull, None),
}


def opener(connect_timeout: float, read_timeout: float, url: str) -> Any:
    """A urllib opener: connect and read timed apart, proxies from the environment (as
    botocore reads them), and for https the CA bundle botocore would use."""
    import http.client
    import urllib.request

    class Timed(http.client.HTTPConnection):
        def connect(self) -> None:
            self.timeout = connect_timeout
            super().connect()
            self.sock.settimeout(read_timeout)

    class TimedHTTPS(Timed, http.client.HTTPSConnection):
        pass

    class HTTPHandler(urllib.request.HTTPHandler):
        def http_open(self, req: Any) -> Any:
            return self.do_open(Timed, req)

    handlers: list[Any] = [HTTPHandler()]
    if url.startswith("https:"):
        import ssl

        context = ssl.create_default_context(cafile=ca_bundle())

        class HTTPSHandler(urllib.request.HTTPSHandler):
            def https_open(self, req: Any) -> Any:
                return self.do_open(TimedHTTPS, req, context=context)

        handlers.append(HTTPSHandler(context=context))
    return urllib.request.build_opener(*handlers)


def ca_bundle() -> str | None:
    """AWS_CA_BUNDLE, else what botocore trusts: certifi's bundle, else its own cacert.pem."""
    if os.environ.get("AWS_CA_BUNDLE"):
        return os.environ["AWS_CA_BUNDLE"]
    try:
        import certifi

        return str(certifi.where())
    except ImportError:
        pass
    import importlib.util

    spec = importlib.util.find_spec("botocore")  # found without importing botocore
    if spec and spec.origin:
        bundle = os.path.join(os.path.dirname(spec.origin), "cacert.pem")
        if os.path.exists(bundle):
            return bundle
    return None


def is_loopback(endpoint_url: str | None) -> bool:
    """Whether the endpoint is on this machine (a local emulator)."""
    from urllib.parse import urlparse

    try:
        host = urlparse(endpoint_url or "").hostname or ""
    except ValueError:
        return False
    return host == "localhost" or host.startswith("127.") or host == "::1"


def botocore_client(cognito: CognitoClient) -> Any:
    """An unsigned botocore client that never looks for AWS credentials or profiles."""
    import logging

    from botocore import UNSIGNED
    from botocore.config import Config
    from botocore.session import get_session

    # botocore's debug log prints request bodies, which hold tokens and passwords.
    for name in ("botocore", "urllib3"):
        logging.getLogger(name).setLevel(logging.WARNING)
    config = Config(
        signature_version=UNSIGNED,
        retries={"mode": "standard", "total_max_attempts": 1},  # `_attempts` retries
        connect_timeout=cognito.connect_timeout,
        read_timeout=cognito.read_timeout,
        user_agent_extra="cogtui",
    )
    # AWS_PROFILE and ~/.aws/config are never read: cogtui needs no AWS profile, and a
    # profile that does not exist (or a config file that does not parse) would otherwise
    # stop every call with botocore's ProfileNotFound.
    session = get_session(IGNORE_AWS_CONFIG)
    session.set_config_variable("credential_provider", "")  # never look for credentials
    return session.create_client(
        "cognito-idp",
        region_name=cognito.region,
        endpoint_url=cognito.endpoint_url,
        config=config,
        verify=ca_bundle(),
    )
