"""Keys and the two things done with them: sealing a value (AES-256-GCM) and indexing it (HMAC-SHA256).

Three layers. The master key comes from the environment and never touches the database. Each
organisation has a data key, stored only wrapped by the master key. From the data key, HKDF derives one
key that encrypts field values and one that computes blind indexes, so that destroying the one data key
makes both the values and their indexes meaningless.

A sealed value is text: "ev1.<data key id>.<base64url(nonce | ciphertext | tag)>". The key id says which
key opens it, so values under an old key stay readable during a rotation. The associated data binds the
value to its organisation, its key and its column, so a ciphertext copied into another column or another
organisation's row does not open.
"""

import base64
import binascii
import hashlib
import hmac
import os
import time
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.utils import timezone

PREFIX = "ev1."
NONCE_BYTES = 12
INDEX_HEX_CHARS = 32  # 128 bits of the HMAC: collisions are out of reach, the column stays small
# A worker that serves no request (the task worker) still forgets keys this often.
CACHE_SECONDS = 60


class ProtectionError(Exception):
    """A protected value cannot be sealed or opened as asked."""


class KeyDestroyed(ProtectionError):
    """The data key that sealed this value was destroyed: the value is gone for good."""


# Master keys


@dataclass(frozen=True)
class MasterKey:
    key: bytes

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(b"evac master key\0" + self.key).hexdigest()[:16]

    @classmethod
    def from_text(cls, text: str, name: str) -> "MasterKey":
        try:
            key = base64.b64decode(text.strip(), validate=True)
        except (binascii.Error, ValueError) as error:
            raise ImproperlyConfigured(f"{name} is not base64: {error}") from error
        if len(key) != 32:
            raise ImproperlyConfigured(f"{name} must be 32 bytes (base64 of os.urandom(32)), not {len(key)}")
        return cls(key)


def current_master() -> MasterKey:
    return MasterKey.from_text(settings.EVAC_MASTER_KEY, "EVAC_MASTER_KEY")


def known_masters() -> dict[str, MasterKey]:
    masters = [current_master()] + [
        MasterKey.from_text(text, "EVAC_MASTER_KEY_PREVIOUS") for text in settings.EVAC_MASTER_KEY_PREVIOUS
    ]
    return {master.fingerprint: master for master in masters}


def _wrapping_aad(organisation_id: int, version: int) -> bytes:
    return f"evac data key|{organisation_id}|{version}".encode()


def wrap(data_key: bytes, organisation_id: int, version: int, master: MasterKey) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(master.key).encrypt(nonce, data_key, _wrapping_aad(organisation_id, version))


def unwrap(record) -> bytes:
    """The plain data key of a DataKey row."""
    if record.state == record.State.DESTROYED or not record.wrapped:
        raise KeyDestroyed(f"data key {record.pk} was destroyed on {record.destroyed_at:%Y-%m-%d %H:%M}")
    master = known_masters().get(record.master_fingerprint)
    if master is None:
        raise ImproperlyConfigured(
            f"data key {record.pk} was wrapped by master key {record.master_fingerprint}, and neither "
            f"EVAC_MASTER_KEY ({current_master().fingerprint}) nor EVAC_MASTER_KEY_PREVIOUS is that key"
        )
    wrapped = bytes(record.wrapped)
    try:
        return AESGCM(master.key).decrypt(
            wrapped[:NONCE_BYTES],
            wrapped[NONCE_BYTES:],
            _wrapping_aad(record.organisation_id, record.version),
        )
    except InvalidTag as error:
        raise ProtectionError(f"data key {record.pk} does not unwrap: altered in the database") from error


# Data keys


@dataclass(frozen=True)
class KeyMaterial:
    """A data key ready for use: its row's id, its organisation, and the two keys derived from it."""

    id: int
    organisation_id: int
    cipher: AESGCM
    index_key: bytes

    @classmethod
    def derive(cls, key_id: int, organisation_id: int, data_key: bytes) -> "KeyMaterial":
        def derived(purpose: bytes) -> bytes:
            return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(data_key)

        return cls(
            id=key_id,
            organisation_id=organisation_id,
            cipher=AESGCM(derived(b"evac field encryption")),
            index_key=derived(b"evac blind index"),
        )


_by_id: dict[int, tuple[float, KeyMaterial]] = {}
_active: dict[int, tuple[float, KeyMaterial]] = {}
# Organisations whose key this process made inside a transaction not yet committed. Their keys are not
# cached until it commits: were it rolled back, a cached key would outlive its row, and values sealed
# with it would name a key that does not exist, which is to say be lost.
_uncommitted: set[int] = set()


def forget_keys(**_signal_args) -> None:
    """Drop every key this process holds; the next use reads them again from the database."""
    _by_id.clear()
    _active.clear()


def reset_for_tests() -> None:
    """Tests roll their transactions back, and SQLite then hands the same ids out again."""
    forget_keys()
    _uncommitted.clear()


def assume_committed_for_tests() -> None:
    """A test never commits, so its organisations' keys are never cached; a test that counts queries
    wants them cached, as a running server has them."""
    _uncommitted.clear()


def _cached(cache: dict, key: int) -> KeyMaterial | None:
    hit = cache.get(key)
    if hit is None or time.monotonic() - hit[0] > CACHE_SECONDS:
        return None
    return hit[1]


def _remember(material: KeyMaterial, *, active: bool) -> KeyMaterial:
    if material.organisation_id in _uncommitted:
        return material
    now = time.monotonic()
    _by_id[material.id] = (now, material)
    if active:
        _active[material.organisation_id] = (now, material)
    return material


def key_by_id(key_id: int) -> KeyMaterial:
    from evac.protection.models import DataKey

    material = _cached(_by_id, key_id)
    if material is not None:
        return material
    try:
        record = DataKey.objects.get(pk=key_id)
    except DataKey.DoesNotExist as error:
        raise KeyDestroyed(f"data key {key_id} does not exist") from error
    return _remember(KeyMaterial.derive(record.pk, record.organisation_id, unwrap(record)), active=False)


def active_key(organisation_id: int) -> KeyMaterial:
    """The organisation's active data key, made on first use."""
    from evac.protection.models import DataKey

    material = _cached(_active, organisation_id)
    if material is not None:
        return material
    record = DataKey.objects.filter(organisation_id=organisation_id, state=DataKey.State.ACTIVE).first()
    if record is None:
        record = new_data_key(organisation_id)
    return _remember(KeyMaterial.derive(record.pk, organisation_id, unwrap(record)), active=True)


def key_for_new_organisation(sender, instance, created: bool, **_kwargs) -> None:
    """A new organisation gets its data key as soon as the organisation is committed, in a transaction of
    its own: a key made later inside a data transaction (an import's first batch) cannot be cached until
    that transaction commits, and every value sealed meanwhile would read it from the database."""
    if created:
        transaction.on_commit(lambda: active_key(instance.pk))


def new_data_key(organisation_id: int):
    """A fresh active data key for the organisation; the previous active one, if any, is retired."""
    from evac.protection.models import DataKey

    master = current_master()
    for _attempt in range(3):
        try:
            with transaction.atomic():
                DataKey.objects.filter(organisation_id=organisation_id, state=DataKey.State.ACTIVE).update(
                    state=DataKey.State.RETIRED, retired_at=timezone.now()
                )
                last = DataKey.objects.filter(organisation_id=organisation_id).order_by("-version").first()
                version = (last.version if last else 0) + 1
                record = DataKey.objects.create(
                    organisation_id=organisation_id,
                    version=version,
                    wrapped=wrap(AESGCM.generate_key(256), organisation_id, version, master),
                    master_fingerprint=master.fingerprint,
                )
            if transaction.get_connection().in_atomic_block:
                _uncommitted.add(organisation_id)
                transaction.on_commit(lambda: _uncommitted.discard(organisation_id))
            forget_keys()
            return record
        except IntegrityError:
            # Two processes made the first key at once: the other one won; use its key.
            existing = DataKey.objects.filter(
                organisation_id=organisation_id, state=DataKey.State.ACTIVE
            ).first()
            if existing is not None:
                return existing
    raise ProtectionError(f"could not make a data key for organisation {organisation_id}")


def live_keys(organisation_id: int) -> list[KeyMaterial]:
    """The organisation's keys that still open something: the active one first, then retired ones that a
    rotation in progress has not finished with."""
    from evac.protection.models import DataKey

    materials = [active_key(organisation_id)]
    retired = DataKey.objects.filter(organisation_id=organisation_id, state=DataKey.State.RETIRED)
    materials += [key_by_id(pk) for pk in retired.values_list("pk", flat=True)]
    return materials


# Values


def _value_aad(material: KeyMaterial, label: str) -> bytes:
    return f"evac value|{material.organisation_id}|{material.id}|{label}".encode()


def seal(plaintext: str, material: KeyMaterial, label: str) -> str:
    nonce = os.urandom(NONCE_BYTES)
    sealed = material.cipher.encrypt(nonce, plaintext.encode(), _value_aad(material, label))
    return f"{PREFIX}{material.id}.{base64.urlsafe_b64encode(nonce + sealed).decode().rstrip('=')}"


def is_sealed(text: str) -> bool:
    return text.startswith(PREFIX)


def key_id_of(sealed: str) -> int:
    try:
        return int(sealed[len(PREFIX) :].split(".", 1)[0])
    except ValueError as error:
        raise ProtectionError("not a sealed value") from error


def open_sealed(sealed: str, label: str) -> tuple[str, KeyMaterial]:
    """The plaintext of a sealed value and the key that opened it. KeyDestroyed when that key is gone."""
    material = key_by_id(key_id_of(sealed))
    body = sealed[len(PREFIX) :].split(".", 1)[1]
    raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    try:
        plain = material.cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], _value_aad(material, label))
    except InvalidTag as error:
        raise ProtectionError(f"a sealed {label} does not open: altered, or moved from elsewhere") from error
    return plain.decode(), material


def blind_index(normalised: str, material: KeyMaterial, label: str) -> str:
    """A keyed hash of a normalised value: equal values give equal indexes within one organisation and
    key, and nobody without the key can test a guess against it."""
    digest = hmac.new(material.index_key, f"{label}\0{normalised}".encode(), hashlib.sha256)
    return digest.hexdigest()[:INDEX_HEX_CHARS]
