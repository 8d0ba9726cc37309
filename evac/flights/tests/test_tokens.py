"""The signed token a pass's QR code carries: it reads back as written, and any change to it is caught."""

import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from evac.flights import tokens


def claims(**changes) -> tokens.Claims:
    values = {
        "pass_id": uuid.uuid4(),
        "flight_id": uuid.uuid4(),
        "nonce": "0123456789abcdef",
        "name": "Mohammad Wali Ahmadzai",
        "birth_year": 1986,
        "document_digits": "P678",
    }
    return tokens.Claims(**{**values, **changes})


@given(st.binary(max_size=300))
def test_base45_round_trips_any_bytes(data):
    encoded = tokens.b45encode(data)
    assert set(encoded) <= set(tokens.BASE45)
    assert tokens.b45decode(encoded) == data


def test_base45_matches_the_rfc_examples():
    # RFC 9285, section 4.3
    assert tokens.b45encode(b"AB") == "BB8"
    assert tokens.b45encode(b"Hello!!") == "%69 VD92EX0"
    assert tokens.b45decode("QED8WEX0") == b"ietf!"


def test_a_token_reads_back_what_was_signed_and_stays_small():
    key = Ed25519PrivateKey.generate()
    original = claims(name="محمد ولی احمدزی")
    token = tokens.sign(original, key)
    assert token.startswith(tokens.PREFIX)
    assert tokens.verify(token, key.public_key()) == original
    assert len(token) < 260  # a QR code of version 10 at most, at error correction M


def test_a_long_name_is_cut_on_a_character_boundary():
    key = Ed25519PrivateKey.generate()
    token = tokens.sign(claims(name="عبدالرحمن " * 20), key)
    name = tokens.verify(token, key.public_key()).name
    assert len(name.encode()) <= tokens.MAX_NAME_BYTES and name.startswith("عبدالرحمن")


def test_a_token_signed_by_another_key_is_forged():
    token = tokens.sign(claims(), Ed25519PrivateKey.generate())
    with pytest.raises(tokens.BadSignature):
        tokens.verify(token, Ed25519PrivateKey.generate().public_key())


@pytest.mark.parametrize("field", ["name", "birth_year", "document_digits", "nonce"])
def test_an_altered_payload_breaks_the_signature(field):
    key = Ed25519PrivateKey.generate()
    original = claims()
    payload, signature = tokens.split(tokens.sign(original, key))
    altered = {
        "name": "Someone Else",
        "birth_year": 1999,
        "document_digits": "P111",
        "nonce": "fedcba9876543210",
    }[field]
    new_payload = tokens.encode_claims(claims(**{**original.__dict__, field: altered}))
    forged = tokens.PREFIX + tokens.b45encode(new_payload + signature)
    assert tokens.read(forged).__dict__[field] == altered
    with pytest.raises(tokens.BadSignature):
        tokens.verify(forged, key.public_key())
    assert payload != new_payload


def test_one_flipped_bit_anywhere_is_caught():
    key = Ed25519PrivateKey.generate()
    raw = tokens.b45decode(tokens.sign(claims(), key)[len(tokens.PREFIX) :])
    for index in range(len(raw)):
        flipped = bytearray(raw)
        flipped[index] ^= 0x01
        with pytest.raises(tokens.TokenError):
            tokens.verify(tokens.PREFIX + tokens.b45encode(bytes(flipped)), key.public_key())


@pytest.mark.parametrize(
    "text", ["", "hello", "EV1:", "EV1:abc", "EV1:" + "0" * 30, "https://example.org/EV1:ABC", "EV1:::::"]
)
def test_what_is_not_a_token_says_so(text):
    with pytest.raises(tokens.TokenError):
        tokens.verify(text, Ed25519PrivateKey.generate().public_key())
