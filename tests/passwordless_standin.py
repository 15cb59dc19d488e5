"""A stand-in for Cognito's choice-based sign-in (USER_AUTH) and passkeys, in front of moto
(which has neither), built on the device stand-in's relay.

It offers the challenges a pool of the Essentials plan offers (PASSWORD, PASSWORD_SRP,
EMAIL_OTP, SMS_OTP, WEB_AUTHN; `offered` narrows them), as the API reference describes:
InitiateAuth with USER_AUTH answers the PREFERRED_CHALLENGE or SELECT_CHALLENGE with
AvailableChallenges; RespondToAuthChallenge takes the ANSWER, the codes it "sent" (kept in
`codes`) and passkey assertions. The four WebAuthn operations register, list (paginated),
and delete passkeys. Registrations and assertions are checked by a server-side WebAuthn
library (`webauthn`): a wrong signature, challenge, origin or relying party, or a replayed
counter, is refused. Password checks and tokens are moto's: once a code or a passkey has
proved the user, the stand-in signs in to moto with the password it was given for that
user (`passwords`), answering moto's MFA itself.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

import webauthn
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import InvalidAuthenticationResponse, InvalidRegistrationResponse
from webauthn.helpers.structs import PublicKeyCredentialDescriptor

from tests.device_standin import MFA, DeviceStandIn, Refused

RP_ID = "auth.cogtui.test"
ORIGIN = f"https://{RP_ID}"
ALL = ("PASSWORD", "PASSWORD_SRP", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN")


@dataclass
class Passkey:
    username: str
    credential_id: bytes
    public_key: bytes
    sign_count: int
    created: float
    transports: list[str]
    attachment: str

    def described(self) -> dict[str, Any]:
        return {
            "CredentialId": bytes_to_base64url(self.credential_id),
            "FriendlyCredentialName": "Security key",
            "RelyingPartyId": RP_ID,
            "AuthenticatorAttachment": self.attachment,
            "AuthenticatorTransports": self.transports,
            "CreatedAt": self.created,
        }


@dataclass
class Choice:
    """A USER_AUTH sign-in in progress."""

    username: str
    client_id: str
    available: list[str]
    code: str = ""  # EMAIL_OTP / SMS_OTP: the code sent
    challenge: bytes = b""  # WEB_AUTHN: the assertion's challenge


class PasswordlessStandIn(DeviceStandIn):
    OWN = {
        **DeviceStandIn.OWN,
        "StartWebAuthnRegistration": "start_registration",
        "CompleteWebAuthnRegistration": "complete_registration",
        "ListWebAuthnCredentials": "list_passkeys",
        "DeleteWebAuthnCredential": "delete_passkey",
    }

    def __init__(self, upstream: str, pool_id: str) -> None:
        super().__init__(upstream)
        self.tracking = False  # a pool that does not track devices
        self.pool_id = pool_id
        self.offered = list(ALL)
        self.passwords: dict[str, str] = {}
        self.passkeys: dict[bytes, Passkey] = {}
        self.registering: dict[str, bytes] = {}  # username -> the registration challenge
        self.choices: dict[str, Choice] = {}
        self.codes: list[tuple[str, str, str]] = []  # (username, EMAIL|SMS, code)
        self.origins = [ORIGIN]

    # -- USER_AUTH -------------------------------------------------------------------------
    def attributes(self, username: str) -> dict[str, str]:
        try:
            user = self.moto("AdminGetUser", {"UserPoolId": self.pool_id, "Username": username})
        except Refused:
            raise Refused(
                400, "NotAuthorizedException", "Incorrect username or password."
            ) from None
        return {a["Name"]: a.get("Value", "") for a in user.get("UserAttributes", [])}

    def available(self, username: str) -> list[str]:
        attributes = self.attributes(username)
        has = {
            "PASSWORD": True,
            "PASSWORD_SRP": True,
            "EMAIL_OTP": bool(attributes.get("email")),
            "SMS_OTP": bool(attributes.get("phone_number")),
            "WEB_AUTHN": any(p.username == username for p in self.passkeys.values()),
        }
        return [name for name in self.offered if has[name]]

    def initiate_auth(self, request: dict[str, Any]) -> dict[str, Any]:
        if request.get("AuthFlow") != "USER_AUTH":
            return super().initiate_auth(request)
        parameters = dict(request.get("AuthParameters") or {})
        username, client_id = str(parameters.get("USERNAME", "")), str(request.get("ClientId"))
        self.check_secret_hash(client_id, username, parameters)
        choice = Choice(username, client_id, self.available(username))
        preferred = parameters.get("PREFERRED_CHALLENGE")
        if preferred in choice.available:
            return self.begin(choice, str(preferred), parameters)
        return self.ask(choice, "SELECT_CHALLENGE", {"USERNAME": username}, choice.available)

    def ask(
        self,
        choice: Choice,
        name: str,
        parameters: dict[str, str],
        available: list[str] | None = None,
    ) -> dict[str, Any]:
        session = secrets.token_urlsafe(24)
        self.choices[session] = choice
        reply: dict[str, Any] = {
            "ChallengeName": name,
            "Session": session,
            "ChallengeParameters": parameters,
        }
        if available is not None:
            reply["AvailableChallenges"] = available
        return reply

    def begin(self, choice: Choice, name: str, answers: dict[str, str]) -> dict[str, Any]:
        """The first step of the challenge chosen (with its answer, where one goes along)."""
        username = choice.username
        if name == "PASSWORD":
            if not answers.get("PASSWORD"):
                raise Refused(400, "InvalidParameterException", "PASSWORD is required.")
            return self.moto(
                "InitiateAuth",
                {
                    "ClientId": choice.client_id,
                    "AuthFlow": "USER_PASSWORD_AUTH",
                    "AuthParameters": {"USERNAME": username, "PASSWORD": answers["PASSWORD"]},
                },
            )
        if name == "PASSWORD_SRP":
            if not answers.get("SRP_A"):
                raise Refused(400, "InvalidParameterException", "SRP_A is required.")
            return self.moto(
                "InitiateAuth",
                {
                    "ClientId": choice.client_id,
                    "AuthFlow": "USER_SRP_AUTH",
                    "AuthParameters": {"USERNAME": username, "SRP_A": answers["SRP_A"]},
                },
            )
        if name in ("EMAIL_OTP", "SMS_OTP"):
            choice.code = f"{secrets.randbelow(10**8):08d}"
            medium = "EMAIL" if name == "EMAIL_OTP" else "SMS"
            self.codes.append((username, medium, choice.code))
            where = self.attributes(username)["email" if medium == "EMAIL" else "phone_number"]
            masked = where[0] + "***" + where[-4:]
            return self.ask(
                choice,
                name,
                {"CODE_DELIVERY_DELIVERY_MEDIUM": medium, "CODE_DELIVERY_DESTINATION": masked},
            )
        # WEB_AUTHN
        if answers.get("CREDENTIAL"):
            raise Refused(400, "InvalidParameterException", "Ask for the options first.")
        mine = [p for p in self.passkeys.values() if p.username == username]
        options = webauthn.generate_authentication_options(
            rp_id=RP_ID,
            allow_credentials=[PublicKeyCredentialDescriptor(id=p.credential_id) for p in mine],
        )
        choice.challenge = options.challenge
        return self.ask(
            choice, "WEB_AUTHN", {"CREDENTIAL_REQUEST_OPTIONS": webauthn.options_to_json(options)}
        )

    def respond(self, request: dict[str, Any]) -> dict[str, Any]:
        name = request.get("ChallengeName")
        if name not in ("SELECT_CHALLENGE", "EMAIL_OTP", "SMS_OTP", "WEB_AUTHN"):
            return super().respond(request)
        answers = dict(request.get("ChallengeResponses") or {})
        choice = self.choices.get(str(request.get("Session")))
        if choice is None or answers.get("USERNAME") != choice.username:
            raise Refused(400, "NotAuthorizedException", "Invalid session for the user.")
        self.check_secret_hash(choice.client_id, choice.username, answers)
        if name == "SELECT_CHALLENGE":
            answer = answers.get("ANSWER", "")
            if answer not in choice.available:
                raise Refused(400, "InvalidParameterException", f"{answer} is not available.")
            del self.choices[str(request.get("Session"))]
            return self.begin(choice, answer, answers)
        if name in ("EMAIL_OTP", "SMS_OTP"):
            if answers.get(f"{name}_CODE") != choice.code:
                raise Refused(
                    400,
                    "CodeMismatchException",
                    "Invalid code provided, please request a code again.",
                )
        else:
            self.verify_assertion(choice, answers.get("CREDENTIAL", ""))
        del self.choices[str(request.get("Session"))]
        return self.tokens_for(choice)

    def verify_assertion(self, choice: Choice, credential: str) -> None:
        try:
            raw_id = base64url_to_bytes(json.loads(credential)["rawId"])
        except (ValueError, KeyError, TypeError):
            raise Refused(400, "InvalidParameterException", "CREDENTIAL is malformed.") from None
        passkey = self.passkeys.get(raw_id)
        if passkey is None or passkey.username != choice.username:
            raise Refused(400, "NotAuthorizedException", "Incorrect username or password.")
        try:
            verified = webauthn.verify_authentication_response(
                credential=credential,
                expected_challenge=choice.challenge,
                expected_rp_id=RP_ID,
                expected_origin=self.origins,
                credential_public_key=passkey.public_key,
                credential_current_sign_count=passkey.sign_count,
            )
        except InvalidAuthenticationResponse:
            raise Refused(
                400, "NotAuthorizedException", "Incorrect username or password."
            ) from None
        passkey.sign_count = verified.new_sign_count

    def tokens_for(self, choice: Choice) -> dict[str, Any]:
        """The user is proved: moto's tokens, through its password sign-in (and its MFA)."""
        reply = self.moto(
            "InitiateAuth",
            {
                "ClientId": choice.client_id,
                "AuthFlow": "USER_PASSWORD_AUTH",
                "AuthParameters": {
                    "USERNAME": choice.username,
                    "PASSWORD": self.passwords[choice.username],
                },
            },
        )
        if reply.get("ChallengeName") in MFA:
            reply = self.moto(
                "RespondToAuthChallenge", self.mfa_answer(choice.client_id, choice.username, reply)
            )
        return reply

    # -- passkeys ----------------------------------------------------------------------------
    def start_registration(self, request: dict[str, Any]) -> dict[str, Any]:
        username = self.user_of(request)
        mine = [p for p in self.passkeys.values() if p.username == username]
        options = webauthn.generate_registration_options(
            rp_id=RP_ID,
            rp_name="cogtui tests",
            user_name=username,
            user_id=username.encode(),
            exclude_credentials=[PublicKeyCredentialDescriptor(id=p.credential_id) for p in mine],
        )
        self.registering[username] = options.challenge
        return {"CredentialCreationOptions": json.loads(webauthn.options_to_json(options))}

    def complete_registration(self, request: dict[str, Any]) -> dict[str, Any]:
        username = self.user_of(request)
        challenge = self.registering.pop(username, None)
        if challenge is None:
            raise Refused(400, "WebAuthnChallengeNotFoundException", "No registration was started.")
        credential = request.get("Credential") or {}
        try:
            verified = webauthn.verify_registration_response(
                credential=credential,
                expected_challenge=challenge,
                expected_rp_id=RP_ID,
                expected_origin=self.origins,
            )
        except InvalidRegistrationResponse as error:
            code = (
                "WebAuthnOriginNotAllowedException"
                if "origin" in str(error).lower()
                else "InvalidParameterException"
            )
            raise Refused(400, code, f"The credential was refused: {error}") from None
        response = credential.get("response") if isinstance(credential, dict) else None
        self.passkeys[verified.credential_id] = Passkey(
            username,
            verified.credential_id,
            verified.credential_public_key,
            verified.sign_count,
            time.time(),
            list((response or {}).get("transports") or []),
            str(credential.get("authenticatorAttachment") or ""),
        )
        return {}

    def list_passkeys(self, request: dict[str, Any]) -> dict[str, Any]:
        username = self.user_of(request)
        limit = int(request.get("MaxResults") or 20)
        if not 0 < limit <= 20:
            raise Refused(400, "InvalidParameterException", "MaxResults must be at most 20.")
        mine = sorted(
            (p for p in self.passkeys.values() if p.username == username), key=lambda p: p.created
        )
        start = int(request.get("NextToken") or "0")
        page = mine[start : start + limit]
        reply: dict[str, Any] = {"Credentials": [p.described() for p in page]}
        if start + len(page) < len(mine):
            reply["NextToken"] = str(start + len(page))
        return reply

    def delete_passkey(self, request: dict[str, Any]) -> dict[str, Any]:
        username = self.user_of(request)
        try:
            raw_id = base64url_to_bytes(str(request.get("CredentialId", "")))
        except ValueError:
            raw_id = b""
        passkey = self.passkeys.get(raw_id)
        if passkey is None or passkey.username != username:
            raise Refused(400, "ResourceNotFoundException", "Credential does not exist.")
        del self.passkeys[raw_id]
        return {}

    def add_passkeys(self, username: str, count: int) -> None:
        """Passkeys registered elsewhere (their keys are not here: for listing only)."""
        for number in range(count):
            raw = secrets.token_bytes(16)
            self.passkeys[raw] = Passkey(
                username, raw, b"", 0, 1_700_000_000.0 + number, ["usb"], "cross-platform"
            )


def main() -> None:
    """`python -m tests.passwordless_standin [COGTUI ARGS]`: moto, this stand-in and a user
    with an email address, then cogtui itself in this process with the software
    authenticator as its security key (`--auth-flow choice` and the connection options are
    added); `cogtui` alone opens the editor. Codes "sent" are printed to standard error."""
    import logging
    import os
    import sys

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's request log
    from moto.server import ThreadedMotoServer

    import cogtui.passkeys
    from cogtui.cli import main as run_cogtui
    from tests.conftest import PASSWORD, create_pool
    from tests.soft_authenticator import SoftAuthenticator

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    pool = create_pool(f"http://{host}:{port}")
    standin = PasswordlessStandIn(f"http://{host}:{port}", pool.user_pool_id)
    user = pool.add_user("ada", email="ada@example.com")
    standin.passwords[user] = PASSWORD
    key = SoftAuthenticator()
    cogtui.passkeys.default_authenticator = lambda: key  # type: ignore[assignment]
    codes = os.environ.get("CODES_TO")  # a file the codes go to (the editor owns the screen)
    original = standin.begin

    def begin(choice: Choice, name: str, answers: dict[str, str]) -> dict[str, Any]:
        reply = original(choice, name, answers)
        if name in ("EMAIL_OTP", "SMS_OTP") and codes:
            with open(codes, "a", encoding="utf-8") as out:
                out.write(f"{choice.username}: {standin.codes[-1][2]}\n")
        return reply

    standin.begin = begin  # type: ignore[method-assign]
    options = ["--endpoint-url", standin.endpoint, "--user-pool-id", pool.user_pool_id]
    options += ["--client-id", pool.client_id, "--auth-flow", "choice"]
    print(f"user {user}, password {PASSWORD}; codes go to {codes or 'nowhere (set CODES_TO)'}")
    try:
        sys.exit(run_cogtui([*sys.argv[1:], *options]))
    finally:
        standin.close()
        server.stop()


if __name__ == "__main__":
    main()
