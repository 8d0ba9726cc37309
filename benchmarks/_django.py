"""Shared set-up for benchmarks that need Django on a database of their own (never the test database)."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/evac_bench"


def setup(database_url: str | None = None) -> str:
    """Point Django at the benchmark database (created if missing), migrate it, and return its URL."""
    url = database_url or os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    if url.startswith("postgres"):
        _create_postgres_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("EVAC_DEBUG", "0")
    os.environ.setdefault("EVAC_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ.setdefault("EVAC_SECRET_KEY", "benchmark-only-" + "x" * 40)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "evac.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return url


def _create_postgres_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]
