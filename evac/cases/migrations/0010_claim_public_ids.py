import uuid

from django.db import migrations


def give_public_ids(apps, schema_editor):
    """Every claim already there gets its own public id (a column default would give them all one)."""
    Employment = apps.get_model("cases", "Employment")
    batch = []
    for employment in Employment.objects.filter(public_id=None).only("pk").iterator(chunk_size=2000):
        employment.public_id = uuid.uuid4()
        batch.append(employment)
        if len(batch) >= 2000:
            Employment.objects.bulk_update(batch, ["public_id"])
            batch = []
    Employment.objects.bulk_update(batch, ["public_id"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0009_claims_against_rosters")]

    operations = [migrations.RunPython(give_public_ids, migrations.RunPython.noop)]
