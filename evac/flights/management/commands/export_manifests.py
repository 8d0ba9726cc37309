import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from evac.accounts.models import Organisation, User
from evac.flights import manifests
from evac.flights.models import Flight, FlightStatus


class Command(BaseCommand):
    help = (
        "Write one manifest CSV per flight of the organisation (cancelled flights left out) into a folder. "
        "Each file is an export of personal data, recorded in the audit log: keep the folder safe."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="the organisation's slug")
        parser.add_argument("--out", required=True, help="the folder to write into (created if missing)")
        parser.add_argument("--by", help="the username of the person running this, for the audit log")

    def handle(self, *args, org, out, by, **options):
        organisation = Organisation.objects.filter(slug=org).first()
        if organisation is None:
            raise CommandError(f"no organisation {org!r}")
        actor = None
        if by:
            actor = User.objects.filter(username=by).first()
            if actor is None:
                raise CommandError(f"no user {by!r}")
        folder = Path(out)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CommandError(f"cannot write into {folder}: {error}") from None
        flights = Flight.objects.filter(organisation=organisation).exclude(status=FlightStatus.CANCELLED)
        written = 0
        for flight in flights.order_by("departs_at", "call_sign"):
            placed = manifests.families(flight)
            path = folder / manifests.file_name(flight, "csv")
            # Readable by whoever runs the command alone: these are people's names and documents.
            with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as handle:
                for chunk in manifests.csv_bytes(flight, placed):
                    handle.write(chunk)
            manifests.record_manifest(flight, placed, actor=actor, file_format="csv")
            people = sum(len(f.people) for f in placed)
            self.stdout.write(f"{path}: {flight.call_sign}, {len(placed)} families, {people} people")
            written += 1
        self.stdout.write(f"{written} manifests written to {folder}")
