import os
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Run evac in production under gunicorn, configured from the environment (see the README)."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("EVAC_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("EVAC_WORKERS", "3")))

    def handle(self, *args, bind, workers, **options):
        if settings.USING_DEVELOPMENT_SECRET:
            raise CommandError(
                f"not set: {', '.join(settings.DEVELOPMENT_SECRETS)}. evac serve is for production and "
                "refuses the development keys (make each with `openssl rand -base64 32`); for the demo, run "
                "`make demo`."
            )
        argv = [
            sys.executable, "-m", "gunicorn", "evac.wsgi:application",
            "--bind", bind,
            "--workers", str(workers),
            "--access-logfile", "-",
            # A slow phone on a bad network must not hold a worker forever.
            "--timeout", "60",
        ]  # fmt: skip
        self.stdout.write(f"evac serving on http://{bind}/ with {workers} workers")
        sys.stdout.flush()
        os.execv(sys.executable, argv)  # noqa: S606 - replaces this process with gunicorn, on purpose
