"""Each flight's Ed25519 key: made when its first pass is issued, the private half sealed with the
organisation's data key (a FlightKey row), the public half handed to the gate's devices."""

import base64
import uuid

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.db import IntegrityError, transaction

from evac.flights.models import Flight, FlightKey
from evac.protection.fields import ProtectedValue
from evac.protection.keys import ProtectionError


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_record(flight: Flight) -> FlightKey:
    """The flight's key, made on first use. Two first uses at once make one key: the other loses the
    race on the one-to-one column and reads the winner's."""
    record = FlightKey.objects.filter(flight=flight).first()
    if record is not None:
        return record
    private = Ed25519PrivateKey.generate()
    seed = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    try:
        with transaction.atomic():
            return FlightKey.objects.create(
                flight=flight,
                seed=base64.b64encode(seed).decode(),
                public_key=base64.b64encode(_raw_public(private.public_key())).decode(),
            )
    except IntegrityError:
        return FlightKey.objects.get(flight=flight)


def private_key(flight: Flight) -> Ed25519PrivateKey:
    seed = key_record(flight).seed
    if isinstance(seed, ProtectedValue) and not seed.readable:
        raise ProtectionError("the flight's signing key was destroyed with the organisation's data keys")
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(seed))


def public_key_base64(flight: Flight) -> str | None:
    """The flight's public key as the gate's devices take it; None before any pass was issued."""
    return FlightKey.objects.filter(flight=flight).values_list("public_key", flat=True).first()


# A flight's key never changes once made (a data key rotation re-seals its private half, nothing more), so
# the public halves the gate checks every scan against are kept in memory.
# By public id, never by primary key: a rolled-back test hands the same primary keys out again.
_public_keys: dict[uuid.UUID, Ed25519PublicKey] = {}


def public_key(flight: Flight) -> Ed25519PublicKey | None:
    key = _public_keys.get(flight.public_id)
    if key is None:
        text = public_key_base64(flight)
        if not text:
            return None
        key = _public_keys[flight.public_id] = Ed25519PublicKey.from_public_bytes(base64.b64decode(text))
    return key
