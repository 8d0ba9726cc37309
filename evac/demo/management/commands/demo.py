import subprocess
import sys
from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from evac.accounts.models import Membership, Organisation, User
from evac.accounts.services import add_member, set_may_export
from evac.audit.services import record_event
from evac.audit.tasks import ensure_scheduled
from evac.demo import scenario
from evac.demo.flights import load_flights
from evac.demo.generator import generate
from evac.demo.loader import day_start, load_applications, load_roster
from evac.demo.rosters import generate_rosters
from evac.programs.models import Program
from evac.programs.services import evaluate_cases
from evac.ranking.services import rank_cases
from evac.rosters.models import Employer
from evac.situation.models import Province, ProvinceStatus, SituationEvent

DEMO_PASSWORD = "kabul-august-2021"  # noqa: S105 - published on purpose: the demo refuses to run in production


class Command(BaseCommand):
    help = "Load the Kabul, August 2021 demo (provinces, organisations, programs, staff, cases) and serve it."

    def add_arguments(self, parser):
        parser.add_argument("--size", type=int, default=2000, help="applications to generate (default 2000)")
        parser.add_argument("--seed", type=int, default=2021)
        parser.add_argument("--no-serve", action="store_true", help="load and stop, without serving")
        parser.add_argument("--addrport", default="127.0.0.1:8000")

    def handle(self, *args, size, seed, no_serve, addrport, **options):
        if not settings.DEBUG:
            raise CommandError(
                "evac demo creates staff accounts whose password is published. It runs only with EVAC_DEBUG=1, "
                "and never against a production database."
            )
        if size < 0:
            raise CommandError("--size must be zero or more")
        if Organisation.objects.filter(slug="canada", applications__isnull=False).exists():
            self.stdout.write("Demo data already loaded: reusing it (delete var/evac.sqlite3 to start over).")
        else:
            self.load(size, seed)
        # The daily audit verification: the worker started below runs the first one at once.
        ensure_scheduled()
        self.print_sign_ins()
        if not no_serve:
            self.serve(addrport)

    def serve(self, addrport: str) -> None:
        """The web server, with a task worker beside it for imports and other background work."""
        worker = subprocess.Popen(
            [sys.executable, "-m", "evac.manage", "db_worker", "--no-reload", "--verbosity", "0"]
        )
        self.stdout.write(f"Serving evac on http://{addrport}/ with a task worker (Ctrl-C stops both)")
        try:
            call_command("runserver", addrport, use_reloader=False)
        finally:
            worker.terminate()
            worker.wait(timeout=10)

    def load(self, size: int, seed: int) -> None:
        with transaction.atomic():
            load_situation()
            organisations = {}
            for slug, name in scenario.ORGANISATIONS:
                organisation, _ = Organisation.objects.get_or_create(slug=slug, defaults={"name": name})
                organisations[slug] = organisation
                for program_slug, title, description, cap in scenario.PROGRAMS[slug]:
                    Program.objects.get_or_create(
                        organisation=organisation,
                        slug=program_slug,
                        defaults={
                            "name": title,
                            "description": description,
                            "people_cap": cap,
                            **scenario.PROGRAM_RULES.get(program_slug, {}),
                        },
                    )
                for employer in scenario.EMPLOYERS[slug]:
                    Employer.objects.get_or_create(organisation=organisation, name=employer)
                for suffix, role in scenario.DEMO_ROLES:
                    user = demo_user(f"{slug}-{suffix}")
                    add_member(organisation, user, role, actor=None)
                    if suffix in scenario.DEMO_EXPORTERS:
                        set_may_export(organisation, user, True, actor=None)
            name, role, slugs = scenario.LIAISON
            liaison = demo_user(name)
            for slug in slugs:
                add_member(organisations[slug], liaison, role, actor=None)

        denmark = min(scenario.DENMARK_APPLICATIONS, size)
        rest = size - denmark
        shares = {slug: int(rest * share) for slug, share in scenario.SHARES.items()}
        shares["canada"] += rest - sum(shares.values())
        shares["denmark"] = denmark
        start = day_start(scenario.DEMO_DAY - timedelta(days=40))
        end = day_start(scenario.DEMO_DAY) + timedelta(hours=18)
        for index, (slug, count) in enumerate(shares.items()):
            organisation = organisations[slug]
            program = organisation.programs.first()
            employers = scenario.EMPLOYERS[slug]
            generated = list(generate(count, seed + index, employers=employers))
            # Each employer's roster, written from these claims with decoys among the real staff (and some
            # claims it does not back), so that a verifier has claims to check at once.
            rosters = generate_rosters(generated, seed + index)
            loaded = load_applications(
                organisation,
                program,
                generated,
                seed=seed + index,
                start=start,
                end=end,
                progress=self.progress(organisation.name, count),
            )
            entries = sum(
                load_roster(organisation, employer, rows) for employer, rows in sorted(rosters.rows.items())
            )
            rank_cases(organisation)
            evaluate_cases(program)
            flights, placed = load_flights(organisation)
            if sys.stderr.isatty():
                self.stderr.write("")
            self.stdout.write(
                f"{organisation.name}: {loaded:,} applications, {entries:,} roster entries "
                f"from {len(rosters.rows)} employers, {flights} flights planned "
                f"({placed} scheduled families on them)"
            )

    def progress(self, label: str, total: int):
        def report(done: int) -> None:
            if sys.stderr.isatty():
                self.stderr.write(f"\r{label}: {done:,}/{total:,}", ending="")

        return report

    def print_sign_ins(self) -> None:
        self.stdout.write(f"\nDemo sign-ins (password for all: {DEMO_PASSWORD})")
        memberships = Membership.objects.select_related("user", "organisation").order_by(
            "organisation__slug", "role", "user__username"
        )
        for m in memberships:
            exports = ", may export" if m.may_export else ""
            self.stdout.write(
                f"  {m.user.username:<22} {m.organisation.slug:<8} {m.get_role_display()}{exports}"
            )


def demo_user(username: str) -> User:
    user, created = User.objects.get_or_create(username=username)
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def load_situation() -> None:
    """The week the country fell, as events, with each province's latest status (provinces come with
    the migrations)."""
    if SituationEvent.objects.exists():
        return
    for code, status, day, source in sorted(scenario.SITUATION_EVENTS, key=lambda e: e[2]):
        SituationEvent.objects.create(province_id=code, status=status, occurred_on=day, source=source)
        Province.objects.filter(code=code).update(status=status, status_since=day)
    fallen = Province.objects.filter(status=ProvinceStatus.FALLEN).count()
    record_event(
        "situation.load", actor=None, detail={"events": len(scenario.SITUATION_EVENTS), "fallen": fallen}
    )
