from django.db import migrations

from evac.core.migration_ops import PostgresOnlySQL


class Migration(migrations.Migration):
    """A trigram index lets "every word appears in the family's names" (LIKE '%word%') use an index."""

    dependencies = [("cases", "0001_initial")]

    operations = [
        PostgresOnlySQL("CREATE EXTENSION IF NOT EXISTS pg_trgm", reverse_sql=migrations.RunSQL.noop),
        PostgresOnlySQL(
            "CREATE INDEX case_search_trgm ON cases_application USING gin (search_text gin_trgm_ops)",
            reverse_sql="DROP INDEX IF EXISTS case_search_trgm",
        ),
    ]
