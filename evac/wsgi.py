import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "evac.settings")

from django.conf import settings

# A production server must never run on the development keys: sessions and signatures (audit exports
# included) would be forgeable, and the applicants' protected fields readable, by anyone holding a copy of
# this machine's var/ folder.
if settings.USING_DEVELOPMENT_SECRET and not settings.DEBUG:
    raise ImproperlyConfigured(
        f"not set: {', '.join(settings.DEVELOPMENT_SECRETS)}. Only the demo (EVAC_DEBUG=1) may start "
        "without them."
    )

application = get_wsgi_application()
