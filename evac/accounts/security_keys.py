"""Security keys (WebAuthn): the two ceremonies, each an options step and a verification step.

The browser half is evac/static/evac/webauthn.js. The challenge lives in the session between the two
steps and is used once. The relying party is the configured host name (EVAC_WEBAUTHN_RP_ID and
EVAC_WEBAUTHN_ORIGINS); in debug mode, the request's own host and origin, so the demo works on localhost.
"""

import json
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from evac.accounts.models import SecurityKey, User
from evac.audit.services import Origin, record_event

REGISTER_CHALLENGE = "evac_webauthn_register"
SIGN_IN_CHALLENGE = "evac_webauthn_sign_in"


class KeyRejected(Exception):
    """The browser's answer did not prove possession of a key registered here."""


def relying_party(request: HttpRequest) -> tuple[str, list[str]]:
    if settings.DEBUG:
        host = request.get_host()  # already checked against ALLOWED_HOSTS
        return urlsplit("//" + host).hostname or host, [f"{request.scheme}://{host}"]
    return settings.EVAC_WEBAUTHN_RP_ID, list(settings.EVAC_WEBAUTHN_ORIGINS)


def user_handle(user: User) -> bytes:
    # Opaque to the key: neither the username nor the sequential primary key.
    return salted_hmac("evac.accounts.webauthn.user", str(user.pk)).digest()[:32]


def _descriptors(user: User) -> list[PublicKeyCredentialDescriptor]:
    return [
        PublicKeyCredentialDescriptor(id=base64url_to_bytes(credential_id))
        for credential_id in SecurityKey.objects.filter(user=user, confirmed=True).values_list(
            "credential_id", flat=True
        )
    ]


def _as_dict(credential: Any) -> dict:
    if isinstance(credential, str | bytes):
        try:
            credential = json.loads(credential)
        except ValueError as error:
            raise KeyRejected("not JSON") from error
    if not isinstance(credential, dict):
        raise KeyRejected("not a credential")
    return credential


def registration_options(request: HttpRequest, user: User) -> str:
    rp_id, _origins = relying_party(request)
    options = generate_registration_options(
        rp_id=rp_id,
        rp_name=settings.EVAC_WEBAUTHN_RP_NAME,
        user_id=user_handle(user),
        user_name=user.get_username(),
        user_display_name=str(user),
        exclude_credentials=_descriptors(user),
        # A second factor after the password: the key's presence is what is proved, no PIN needed.
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.DISCOURAGED,
            user_verification=UserVerificationRequirement.DISCOURAGED,
        ),
    )
    request.session[REGISTER_CHALLENGE] = bytes_to_base64url(options.challenge)
    return options_to_json(options)


def register(request: HttpRequest, user: User, credential: Any, name: str) -> SecurityKey:
    """Verify the key's answer to the registration options and keep its public key."""
    challenge = request.session.pop(REGISTER_CHALLENGE, None)
    if not challenge:
        raise KeyRejected("no registration under way")
    rp_id, origins = relying_party(request)
    try:
        verified = verify_registration_response(
            credential=_as_dict(credential),
            expected_challenge=base64url_to_bytes(challenge),
            expected_rp_id=rp_id,
            expected_origin=origins,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as error:
        raise KeyRejected(str(error)) from error
    try:
        with transaction.atomic():
            key = SecurityKey.objects.create(
                user=user,
                name=(name.strip() or "Security key")[:64],
                credential_id=bytes_to_base64url(verified.credential_id),
                public_key=verified.credential_public_key,
                sign_count=verified.sign_count,
                confirmed=True,
            )
            record_event(
                "auth.key_add",
                actor=user,
                target_type="user",
                target_ref=user.get_username(),
                origin=Origin.from_request(request),
                detail={"key": key.name},
            )
    except IntegrityError as error:
        raise KeyRejected("this key is registered already") from error
    return key


def sign_in_options(request: HttpRequest, user: User) -> str:
    rp_id, _origins = relying_party(request)
    options = generate_authentication_options(
        rp_id=rp_id,
        allow_credentials=_descriptors(user),
        user_verification=UserVerificationRequirement.DISCOURAGED,
    )
    request.session[SIGN_IN_CHALLENGE] = bytes_to_base64url(options.challenge)
    return options_to_json(options)


def verify(request: HttpRequest, user: User, credential: Any) -> SecurityKey:
    """Check the key's signature over the sign-in challenge; returns the key that signed."""
    challenge = request.session.pop(SIGN_IN_CHALLENGE, None)
    if not challenge:
        raise KeyRejected("no sign-in under way")
    credential = _as_dict(credential)
    rp_id, origins = relying_party(request)
    with transaction.atomic():
        # Locked, so that two answers racing with the same signature count cannot both pass.
        key = (
            SecurityKey.objects.select_for_update()
            .filter(user=user, confirmed=True, credential_id=str(credential.get("id", "")))
            .first()
        )
        if key is None:
            raise KeyRejected("not one of this user's keys")
        try:
            verified = verify_authentication_response(
                credential=credential,
                expected_challenge=base64url_to_bytes(challenge),
                expected_rp_id=rp_id,
                expected_origin=origins,
                credential_public_key=bytes(key.public_key),
                credential_current_sign_count=key.sign_count,
            )
        except (WebAuthnException, ValueError, KeyError, TypeError) as error:
            raise KeyRejected(str(error)) from error
        key.sign_count = verified.new_sign_count
        key.last_used_at = timezone.now()
        key.save(update_fields=["sign_count", "last_used_at"])
    return key
