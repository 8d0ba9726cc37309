import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "evac.settings")

from django.conf import settings

# A production server must never run on the development key: sessions and signatures would be forgeable
# by anyone holding a copy of this machine's var/ folder.
if settings.USING_DEVELOPMENT_SECRET and not settings.DEBUG:
    raise ImproperlyConfigured(
        "EVAC_SECRET_KEY is not set: only the demo (EVAC_DEBUG=1) may start without it."
    )

# Nor on the development audit signing key: an export signed with a key anyone with var/ holds proves nothing.
if settings.USING_DEVELOPMENT_AUDIT_KEY and not settings.DEBUG:
    raise ImproperlyConfigured(
        "EVAC_AUDIT_SIGNING_KEY is not set: only the demo (EVAC_DEBUG=1) may start without it."
    )

application = get_wsgi_application()
