from django.db import migrations


def load_provinces(apps, schema_editor):
    """The 34 provinces are reference data every deployment needs, not demo data."""
    from evac.situation.provinces import PROVINCES

    Province = apps.get_model("situation", "Province")
    for info in PROVINCES:
        Province.objects.update_or_create(
            code=info.code,
            defaults={
                "name": info.name,
                "name_fr": info.name_fr,
                "name_fa": info.name_fa,
                "capital": info.capital,
                "tile_row": info.row,
                "tile_col": info.col,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("situation", "0001_initial")]

    operations = [migrations.RunPython(load_provinces, migrations.RunPython.noop)]
