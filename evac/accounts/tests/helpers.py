"""What the two-factor tests share: an authenticator app computed from the device's key, the sign-in steps,
and a software security key (WebAuthn) made with `cryptography`, since no test can touch a real one."""

import hashlib
import json
import os
import struct

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.urls import reverse
from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_totp.models import TOTPDevice
from webauthn.helpers import bytes_to_base64url, encode_cbor

from evac.accounts import services
from evac.audit.services import COMMAND
from evac.conftest import PASSWORD

ORIGIN = "http://testserver"
RP_ID = "testserver"


def code(device: TOTPDevice) -> str:
    """The next code the authenticator app would accept: the current one, or, when that one was used
    already (two sign-ins within 30 s), the next step's, which the device's one step of tolerance admits."""
    device.refresh_from_db()
    now = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()
    return f"{hotp(device.bin_key, max(now, device.last_t + 1), digits=device.digits):06d}"


def enrol(user) -> tuple[TOTPDevice, list[str]]:
    """Set up an authenticator app through the real service, as the set-up page does."""
    device = services.pending_totp_device(user)
    codes = services.confirm_totp_device(user, device, code(device), origin=COMMAND)
    assert codes is not None
    device.refresh_from_db()
    return device, codes


def sign_in(client, username: str, password: str = PASSWORD):
    return client.post(reverse("accounts:sign_in"), {"username": username, "password": password})


def second_step(client, typed: str, next_url: str = ""):
    return client.post(reverse("accounts:two_factor"), {"code": typed, "next": next_url})


class SoftwareKey:
    """A security key in software: an ES256 credential answering WebAuthn ceremonies as a browser would
    pass them on (attestation "none")."""

    def __init__(self, origin: str = ORIGIN, rp_id: str = RP_ID):
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.sign_count = 0
        self.origin = origin
        self.rp_id = rp_id

    @property
    def id(self) -> str:
        return bytes_to_base64url(self.credential_id)

    def _client_data(self, kind: str, challenge: str) -> bytes:
        return json.dumps(
            {"type": kind, "challenge": challenge, "origin": self.origin, "crossOrigin": False}
        ).encode()

    def _cose_key(self) -> bytes:
        numbers = self.private_key.public_key().public_numbers()
        return encode_cbor(
            {1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"), -3: numbers.y.to_bytes(32, "big")}
        )

    def create(self, options: dict) -> dict:
        assert options["rp"]["id"] == self.rp_id
        client_data = self._client_data("webauthn.create", options["challenge"])
        rp_hash = hashlib.sha256(self.rp_id.encode()).digest()
        attested = (
            bytes(16) + struct.pack(">H", len(self.credential_id)) + self.credential_id + self._cose_key()
        )
        auth_data = rp_hash + bytes([0x41]) + struct.pack(">I", self.sign_count) + attested
        attestation = encode_cbor({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return {
            "id": self.id,
            "rawId": self.id,
            "type": "public-key",
            "response": {
                "clientDataJSON": bytes_to_base64url(client_data),
                "attestationObject": bytes_to_base64url(attestation),
                "transports": ["usb"],
            },
            "clientExtensionResults": {},
        }

    def get(self, options: dict, *, origin: str | None = None) -> dict:
        assert self.id in [c["id"] for c in options["allowCredentials"]]
        client_data = self._client_data("webauthn.get", options["challenge"])
        if origin is not None:
            client_data = client_data.replace(self.origin.encode(), origin.encode())
        self.sign_count += 1
        rp_hash = hashlib.sha256(self.rp_id.encode()).digest()
        auth_data = rp_hash + bytes([0x01]) + struct.pack(">I", self.sign_count)
        signature = self.private_key.sign(
            auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
        )
        return {
            "id": self.id,
            "rawId": self.id,
            "type": "public-key",
            "response": {
                "clientDataJSON": bytes_to_base64url(client_data),
                "authenticatorData": bytes_to_base64url(auth_data),
                "signature": bytes_to_base64url(signature),
            },
            "clientExtensionResults": {},
        }


def register_key(client, key: SoftwareKey, name: str = "Blue key"):
    options = client.post(reverse("accounts:key_register_options")).json()
    return client.post(
        reverse("accounts:key_register"),
        {"credential": key.create(options), "name": name},
        content_type="application/json",
    )


def use_key(client, key: SoftwareKey, next_url: str = "", **kwargs):
    options = client.post(reverse("accounts:key_sign_in_options")).json()
    url = reverse("accounts:key_sign_in") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"credential": key.get(options, **kwargs)}, content_type="application/json")
