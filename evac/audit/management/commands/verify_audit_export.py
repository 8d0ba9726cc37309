from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from evac.audit import signing
from evac.audit.export import verify_export


class Command(BaseCommand):
    help = (
        "Check a signed audit export (.zip from the audit log page): the signature of manifest.json and the "
        "checksum of events.csv. Exits 0 when both hold, and says what is wrong otherwise."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the export, audit-<org>-<time>.zip")
        parser.add_argument(
            "--public-key",
            help="the signer's public key as the audit log page shows it (base64, or PEM); "
            "default: this installation's own key",
        )

    def handle(self, *args, file: Path, public_key: str | None, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file")
        try:
            key = signing.load_public_key(public_key) if public_key else signing.private_key().public_key()
        except signing.BadPublicKey as error:
            raise CommandError(f"--public-key: {error}") from error
        result = verify_export(file, key)
        if not result.ok:
            raise CommandError(f"{file}: NOT verified\n  - " + "\n  - ".join(result.problems))
        manifest = result.manifest
        first, last = manifest.get("first_event") or {}, manifest.get("last_event") or {}
        span = f" (events {first.get('id')} to {last.get('id')})" if first else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"{file}: verified. Signed by {signing.public_key_base64(key)}; "
                f"{manifest.get('count', 0):,} events{span} of {manifest.get('organisation')}, "
                f"exported by {manifest.get('exported_by')} at {manifest.get('exported_at')}."
            )
        )
