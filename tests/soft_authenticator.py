"""A FIDO2 authenticator in software, for the tests: the other implementation of cogtui's
`Authenticator` (the real one talks CTAP2 to a security key over `fido2`).

It makes ES256 credentials with "none" attestation, counts signatures as a key does, and
builds its answers with fido2's own WebAuthn types. Written here because `soft-webauthn`,
the package for this, pins fido2 < 2 and so cryptography < 45, which moto's stack cannot
share.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from fido2.cose import ES256
from fido2.webauthn import (
    AttestationObject,
    AttestedCredentialData,
    AuthenticationResponse,
    AuthenticatorAssertionResponse,
    AuthenticatorAttachment,
    AuthenticatorAttestationResponse,
    AuthenticatorData,
    CollectedClientData,
    PublicKeyCredentialCreationOptions,
    PublicKeyCredentialRequestOptions,
    RegistrationResponse,
)

from cogtui.passkeys import AuthenticatorCancelled, NoAuthenticator

FLAGS = AuthenticatorData.FLAG


@dataclass
class Credential:
    key: ec.EllipticCurvePrivateKey
    rp_id: str
    user_handle: bytes


class SoftAuthenticator:
    """Holds its credentials in memory. `touch` is set when "touched": clear it to make
    the authenticator wait (as a key waits for a finger) until it is set or cancelled;
    `present = False` is a machine with no key plugged in."""

    def __init__(self) -> None:
        self.credentials: dict[bytes, Credential] = {}
        self.counter = 0
        self.present = True
        self.touch = threading.Event()
        self.touch.set()
        self.waiting = threading.Event()  # set while it waits for the touch

    def _wait_for_touch(self, cancel: threading.Event) -> None:
        if not self.present:
            raise NoAuthenticator("No security key is plugged in: plug one in and try again.")
        self.waiting.set()
        try:
            while not self.touch.wait(0.02):
                if cancel.is_set():
                    raise AuthenticatorCancelled("Stopped waiting for the security key.")
        finally:
            self.waiting.clear()

    def register(
        self, options: Mapping[str, Any], origin: str, cancel: threading.Event
    ) -> dict[str, Any]:
        request = PublicKeyCredentialCreationOptions.from_dict(options)
        self._wait_for_touch(cancel)
        rp_id = request.rp.id or ""
        key = ec.generate_private_key(ec.SECP256R1())
        credential_id = os.urandom(32)
        self.credentials[credential_id] = Credential(key, rp_id, request.user.id)
        attested = AttestedCredentialData.create(
            b"\0" * 16, credential_id, ES256.from_cryptography_key(key.public_key())
        )
        self.counter += 1
        data = AuthenticatorData.create(
            hashlib.sha256(rp_id.encode()).digest(),
            FLAGS.UP | FLAGS.UV | FLAGS.AT,
            self.counter,
            attested,
        )
        client_data = CollectedClientData.create(
            type=CollectedClientData.TYPE.CREATE, challenge=request.challenge, origin=origin
        )
        response = RegistrationResponse(
            raw_id=credential_id,
            response=AuthenticatorAttestationResponse(
                client_data=client_data,
                attestation_object=AttestationObject.create("none", data, {}),
            ),
            authenticator_attachment=AuthenticatorAttachment.CROSS_PLATFORM,
        )
        answer: dict[str, Any] = json.loads(json.dumps(dict(response)))
        answer["response"]["transports"] = ["usb"]
        return answer

    def authenticate(
        self, options: Mapping[str, Any], origin: str, cancel: threading.Event
    ) -> dict[str, Any]:
        request = PublicKeyCredentialRequestOptions.from_dict(options)
        allowed = [c.id for c in request.allow_credentials or []] or list(self.credentials)
        mine = [i for i in allowed if i in self.credentials]
        self._wait_for_touch(cancel)
        if not mine:
            raise NoAuthenticator("This security key holds no passkey for this account.")
        credential_id = mine[0]
        credential = self.credentials[credential_id]
        self.counter += 1
        data = AuthenticatorData.create(
            hashlib.sha256((request.rp_id or credential.rp_id).encode()).digest(),
            FLAGS.UP | FLAGS.UV,
            self.counter,
        )
        client_data = CollectedClientData.create(
            type=CollectedClientData.TYPE.GET, challenge=request.challenge, origin=origin
        )
        signed = bytes(data) + hashlib.sha256(bytes(client_data)).digest()
        signature = credential.key.sign(signed, ec.ECDSA(hashes.SHA256()))
        response = AuthenticationResponse(
            raw_id=credential_id,
            response=AuthenticatorAssertionResponse(
                client_data=client_data,
                authenticator_data=data,
                signature=signature,
                user_handle=credential.user_handle,
            ),
            authenticator_attachment=AuthenticatorAttachment.CROSS_PLATFORM,
        )
        answer: dict[str, Any] = json.loads(json.dumps(dict(response)))
        return answer
