"""The Ed25519 key that signs audit exports, so that anyone outside evac can check one was not altered.

The private key is EVAC_AUDIT_SIGNING_KEY (base64 of its 32-byte seed); the public key is shown on the
audit log page, in base64 (32 bytes) and as PEM for `openssl pkeyutl -verify`.
"""

import base64
import binascii

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings


class BadPublicKey(ValueError):
    pass


def private_key() -> Ed25519PrivateKey:
    # The settings checked the seed's length at start-up.
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(settings.EVAC_AUDIT_SIGNING_KEY))


def public_key_base64(key: Ed25519PublicKey | None = None) -> str:
    key = key or private_key().public_key()
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def public_key_pem() -> str:
    return (
        private_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def load_public_key(text: str) -> Ed25519PublicKey:
    """A public key given as base64 of its 32 bytes (as the audit page shows it), or as PEM."""
    text = (text or "").strip()
    if text.startswith("-----BEGIN"):
        try:
            key = serialization.load_pem_public_key(text.encode())
        except ValueError as error:
            raise BadPublicKey("the PEM public key cannot be read") from error
        if not isinstance(key, Ed25519PublicKey):
            raise BadPublicKey("the PEM public key is not an Ed25519 key")
        return key
    try:
        raw = base64.b64decode(text, validate=True)
    except binascii.Error as error:
        raise BadPublicKey("the public key is not base64") from error
    if len(raw) != 32:
        raise BadPublicKey(f"the public key is {len(raw)} bytes; an Ed25519 public key is 32")
    return Ed25519PublicKey.from_public_bytes(raw)


def sign(data: bytes) -> bytes:
    return private_key().sign(data)


def signature_is_valid(key: Ed25519PublicKey, data: bytes, signature: bytes) -> bool:
    try:
        key.verify(signature, data)
    except InvalidSignature:
        return False
    return True
