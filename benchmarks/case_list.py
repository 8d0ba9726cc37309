"""The case list at scale: load N applications into PostgreSQL, then time the list page.

    .venv/bin/python benchmarks/case_list.py --applications 1000000

Uses its own database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/evac_bench), loads
generated applications only up to the count asked for (re-runs reuse them), and times whole requests
through Django's test client: the view, the query, the count for the pager, the template, and the audit
event every list page writes. Target: under 300 ms for a filtered first page and for a name search.
"""

import argparse
import re
import statistics
import sys
import time

from _django import percentile, setup


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--applications", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    url = setup()

    from django.db import connection
    from django.test import Client

    from evac.accounts.models import Organisation, User
    from evac.accounts.roles import Role
    from evac.accounts.services import add_member
    from evac.cases.models import Application
    from evac.demo import scenario
    from evac.demo.generator import generate
    from evac.demo.loader import day_start, load_applications
    from evac.programs.models import Program

    organisation, _ = Organisation.objects.get_or_create(slug="bench", defaults={"name": "Benchmark"})
    program, _ = Program.objects.get_or_create(
        organisation=organisation, slug="bench", defaults={"name": "Bench"}
    )
    user, created = User.objects.get_or_create(username="bench-officer")
    if created:
        add_member(organisation, user, Role.CASE_OFFICER, actor=None)

    have = Application.objects.filter(organisation=organisation).count()
    if have < args.applications:
        # Generated references restart at P-0000001 for every run: load the whole set again.
        Application.objects.filter(organisation=organisation).delete()
        missing = args.applications
        print(f"loading {missing:,} applications into {url} ...", file=sys.stderr)
        started = time.perf_counter()

        def progress(done: int) -> None:
            rate = done / (time.perf_counter() - started)
            print(f"\r  {done:,}/{missing:,} ({rate:,.0f}/s)", end="", file=sys.stderr)

        load_applications(
            organisation,
            program,
            generate(missing, args.seed),
            seed=args.seed,
            start=day_start(scenario.DEMO_DAY) - __import__("datetime").timedelta(days=60),
            end=day_start(scenario.DEMO_DAY),
            batch_size=5000,
            progress=progress,
        )
        print(f"\n  loaded in {time.perf_counter() - started:,.0f} s", file=sys.stderr)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    total = Application.objects.filter(organisation=organisation).count()

    # The benchmark signs in with force_login, over plain HTTP: the second factor and the HTTPS redirect
    # are not what it measures.
    from django.conf import settings

    settings.EVAC_REQUIRE_2FA = False
    settings.SECURE_SSL_REDIRECT = False
    client = Client()
    client.force_login(user)
    base = "/o/bench/cases/"
    some = Application.objects.filter(organisation=organisation).order_by("id")[total // 2]
    father = some.people.filter(relationship="self").first().father_name or "Gul"
    scenarios = [
        ("first page, by priority", {}),
        ("first page, oldest first", {"sort": "oldest"}),
        ("filtered: in review in Kandahar", {"status": "in_review", "province": "AF-KAN"}),
        ("filtered: approved interpreters", {"status": "approved", "role": "interpreter"}),
        ("filtered: program + province, page 5", {"program": "bench", "province": "AF-KAB", "page": "5"}),
        ("name search: common family name", {"q": "ahmadzai"}),
        ("name search: two words", {"q": some.principal_name.split()[0] + " " + father.split()[0]}),
        ("name search: Perso-Arabic", {"q": "احمد"}),
        ("name search: another spelling", {"q": "Mohamed Ouali"}),
        ("name search: another spelling, Dari", {"q": "محمد ولی"}),
        ("name search: less common name", {"q": "Mahmud"}),
        ("reference search", {"q": some.display_reference}),
    ]
    print(f"\ncase list on {connection.vendor}, {total:,} applications, {args.runs} runs each")
    print(f"{'scenario':<42} {'matches':>9} {'median ms':>10} {'p95 ms':>8}")
    for label, params in scenarios:
        # A name is searched by POST (the list ignores one in a URL); the other filters are links.
        send = client.post if "q" in params else client.get
        for _ in range(3):
            response = send(base, params)
            assert response.status_code == 200, (label, response.status_code)
        timings = []
        for _ in range(args.runs):
            started = time.perf_counter()
            response = send(base, params)
            timings.append((time.perf_counter() - started) * 1000)
        match = re.search(rb"(More than )?([\d,]+) cases?[<:]", response.content)
        matches = (">" if match and match.group(1) else "") + (match.group(2).decode() if match else "?")
        report(label, matches, timings)

    timings = []
    for _ in range(args.runs):
        started = time.perf_counter()
        assert client.get("/o/bench/").status_code == 200
        timings.append((time.perf_counter() - started) * 1000)
    report("dashboard (cases by status)", f"{total:,}", timings)


def report(label: str, matches: str, timings: list[float]) -> None:
    print(f"{label:<42} {matches:>9} {statistics.median(timings):>10.1f} {percentile(timings, 95):>8.1f}")


if __name__ == "__main__":
    main()
