import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    # Apart from the migration that fills the column: PostgreSQL refuses to alter a table with updates
    # still pending in the same transaction.
    dependencies = [("cases", "0010_claim_public_ids")]

    operations = [
        migrations.AlterField(
            model_name="employment",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
