"""System checks for sign-in: `evac check`, and every command that runs checks (evac serve among them)."""

import ipaddress

from django.conf import settings
from django.core.checks import Error, Warning, register


@register("security")
def two_factor_required(app_configs, **kwargs):
    if settings.EVAC_REQUIRE_2FA:
        return []
    if settings.DEBUG:
        return [
            Warning(
                "Two-factor sign-in is off (EVAC_REQUIRE_2FA=0): a password alone opens the staff pages.",
                hint="Fine for the demo; never for real data.",
                id="accounts.W001",
            )
        ]
    return [
        Error(
            "Two-factor sign-in is off (EVAC_REQUIRE_2FA=0) outside debug mode.",
            hint="Unset EVAC_REQUIRE_2FA: staff must sign in with a second factor.",
            id="accounts.E001",
        )
    ]


@register("security", deploy=True)
def security_key_relying_party(app_configs, **kwargs):
    rp_id = settings.EVAC_WEBAUTHN_RP_ID
    try:
        ipaddress.ip_address(rp_id)
        is_address = True
    except ValueError:
        is_address = False
    if is_address or rp_id in ("", "*", "localhost"):
        return [
            Warning(
                f"Security keys cannot work with the relying party {rp_id!r}: it must be the site's host name.",
                hint="Set EVAC_WEBAUTHN_RP_ID (and EVAC_WEBAUTHN_ORIGINS), or list the host name first in "
                "EVAC_ALLOWED_HOSTS.",
                id="accounts.W002",
            )
        ]
    return []
