from django.db import migrations


def load_provinces(apps, schema_editor):
    from evac.situation.services import ensure_provinces

    ensure_provinces(apps.get_model("situation", "Province"))


class Migration(migrations.Migration):
    dependencies = [("situation", "0001_initial")]

    operations = [migrations.RunPython(load_provinces, migrations.RunPython.noop)]
