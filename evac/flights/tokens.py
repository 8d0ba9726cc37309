"""The token a boarding pass's QR code carries, and its signature.

A token names one pass and says just enough about its holder for the agent to compare with the person in
front of them (name, birth year, the document number's last three digits), never more: no photo, no
document number, no address. It is signed with the flight's Ed25519 key (evac/flights/signing.py), so a
token cannot be made or altered without that key, and it carries the pass's nonce, which changes when a
pass is re-issued, so an old QR code stops working. Copying a token is still possible: the gate accepts
each pass once (evac/flights/gate.py).

Layout, in bytes, before base45 (RFC 9285, which fits the QR code's alphanumeric mode):

    version (1) | pass id (16) | flight id (16) | nonce (8) | birth year (2, 0 unknown)
    | digits length (1) | digits (ASCII) | name length (1) | name (UTF-8) | Ed25519 signature (64)

The signature covers DOMAIN + everything before it, so it cannot be lifted from anything else evac signs.
A token is about 140 bytes, a QR code of version 8 to 10: easy to scan from a phone or a cheap print.
The gate's script (evac/static/gate/gate.js) reads the same layout.
"""

import struct
import uuid
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

PREFIX = "EV1:"
VERSION = 1
DOMAIN = b"evac boarding pass\x00"
NONCE_BYTES = 8
SIGNATURE_BYTES = 64
MAX_NAME_BYTES = 60
_HEAD = struct.Struct(">B16s16s8sH")

BASE45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_BASE45_VALUE = {ch: i for i, ch in enumerate(BASE45)}


class TokenError(ValueError):
    """Not a boarding pass token at all: unreadable, truncated, of an unknown version."""


class BadSignature(TokenError):
    """A well-formed token whose signature does not match: forged, or altered after signing."""


@dataclass(frozen=True)
class Claims:
    pass_id: uuid.UUID
    flight_id: uuid.UUID
    nonce: str  # hex, as BoardingPass.nonce holds it
    name: str
    birth_year: int | None
    document_digits: str


def b45encode(data: bytes) -> str:
    out = []
    for i in range(0, len(data) - 1, 2):
        n = data[i] * 256 + data[i + 1]
        c, n = n % 45, n // 45
        d, e = n % 45, n // 45
        out += [BASE45[c], BASE45[d], BASE45[e]]
    if len(data) % 2:
        c, d = data[-1] % 45, data[-1] // 45
        out += [BASE45[c], BASE45[d]]
    return "".join(out)


def b45decode(text: str) -> bytes:
    try:
        values = [_BASE45_VALUE[ch] for ch in text]
    except KeyError as error:
        raise TokenError("a character that base45 does not use") from error
    out = bytearray()
    for i in range(0, len(values), 3):
        chunk = values[i : i + 3]
        if len(chunk) == 3:
            n = chunk[0] + chunk[1] * 45 + chunk[2] * 45 * 45
            if n > 0xFFFF:
                raise TokenError("not base45")
            out += bytes((n >> 8, n & 0xFF))
        elif len(chunk) == 2:
            n = chunk[0] + chunk[1] * 45
            if n > 0xFF:
                raise TokenError("not base45")
            out.append(n)
        else:
            raise TokenError("base45 of a wrong length")
    return bytes(out)


def _truncate_utf8(text: str, limit: int) -> bytes:
    raw = text.encode()
    if len(raw) <= limit:
        return raw
    return raw[:limit].decode("utf-8", "ignore").encode()


def encode_claims(claims: Claims) -> bytes:
    digits = claims.document_digits.encode("ascii")[:8]
    name = _truncate_utf8(claims.name, MAX_NAME_BYTES)
    head = _HEAD.pack(
        VERSION,
        claims.pass_id.bytes,
        claims.flight_id.bytes,
        bytes.fromhex(claims.nonce),
        claims.birth_year or 0,
    )
    return head + bytes([len(digits)]) + digits + bytes([len(name)]) + name


def decode_claims(payload: bytes) -> Claims:
    try:
        version, pass_id, flight_id, nonce, year = _HEAD.unpack_from(payload)
        at = _HEAD.size
        digits = payload[at + 1 : at + 1 + payload[at]]
        at += 1 + payload[at]
        name = payload[at + 1 : at + 1 + payload[at]]
        end = at + 1 + payload[at]
    except (struct.error, IndexError) as error:
        raise TokenError("the token is truncated") from error
    if version != VERSION:
        raise TokenError(f"token version {version} is not one this evac reads")
    if end != len(payload) or len(name) != payload[at]:
        raise TokenError("the token's length does not match its content")
    try:
        return Claims(
            pass_id=uuid.UUID(bytes=pass_id),
            flight_id=uuid.UUID(bytes=flight_id),
            nonce=nonce.hex(),
            name=name.decode(),
            birth_year=year or None,
            document_digits=digits.decode("ascii"),
        )
    except UnicodeDecodeError as error:
        raise TokenError("the token's text is not readable") from error


def sign(claims: Claims, key: Ed25519PrivateKey) -> str:
    payload = encode_claims(claims)
    return PREFIX + b45encode(payload + key.sign(DOMAIN + payload))


def split(token: str) -> tuple[bytes, bytes]:
    """(payload, signature) of a token, unchecked. TokenError if it is not one."""
    token = (token or "").strip()
    if not token.startswith(PREFIX):
        raise TokenError("not an evac boarding pass")
    raw = b45decode(token[len(PREFIX) :])
    if len(raw) <= SIGNATURE_BYTES + _HEAD.size:
        raise TokenError("the token is truncated")
    return raw[:-SIGNATURE_BYTES], raw[-SIGNATURE_BYTES:]


def read(token: str) -> Claims:
    """What a token claims, before its signature is checked: to find which flight's key checks it."""
    payload, _signature = split(token)
    return decode_claims(payload)


def verify(token: str, key: Ed25519PublicKey) -> Claims:
    """The claims of a token signed by `key`. TokenError if unreadable, BadSignature if not signed by it."""
    payload, signature = split(token)
    claims = decode_claims(payload)
    try:
        key.verify(signature, DOMAIN + payload)
    except InvalidSignature as error:
        raise BadSignature("the signature does not match: a forged or altered pass") from error
    return claims
