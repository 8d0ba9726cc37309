from evac.situation.models import Province
from evac.situation.provinces import PROVINCES


def ensure_provinces(province_model=Province) -> None:
    """The 34 provinces are reference data every deployment needs, not demo data: the migration loads
    them, and so can anything that starts from an empty table (a test that flushed the database)."""
    for info in PROVINCES:
        province_model.objects.update_or_create(
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
