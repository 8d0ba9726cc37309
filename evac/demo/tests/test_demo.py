import pytest
from django.core.management import CommandError, call_command

from evac.accounts.models import Membership, Organisation
from evac.accounts.roles import Role
from evac.audit.services import ChainProblem, verify_chain
from evac.audit.tasks import pending
from evac.cases.models import Application, Person
from evac.cases.workflow import TRANSITIONS, Status
from evac.situation.models import Province, ProvinceStatus


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    call_command("demo", size=300, no_serve=True, stdout=_Sink())


class _Sink:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass


def test_the_demo_is_kabul_in_august_2021(demo):
    fallen = set(Province.objects.filter(status=ProvinceStatus.FALLEN).values_list("code", flat=True))
    assert len(fallen) == 12 and {"AF-KAN", "AF-HER"} <= fallen
    assert Province.objects.count() == 34
    assert set(Organisation.objects.values_list("slug", flat=True)) == {"canada", "uk", "denmark"}
    assert Organisation.objects.get(slug="canada").programs.filter(slug="canada-special-measures").exists()
    assert Organisation.objects.get(slug="denmark").programs.get(slug="denmark-local-staff").people_cap == 45


def test_one_demo_user_per_role_and_organisation(demo):
    for slug in ("canada", "uk", "denmark"):
        roles = set(Membership.objects.filter(organisation__slug=slug).values_list("role", flat=True))
        assert roles == set(Role.values)
    assert Membership.objects.filter(user__username="liaison").count() == 2
    exporters = Membership.objects.filter(organisation__slug="canada", may_export=True)
    assert set(exporters.values_list("user__username", flat=True)) == {
        "canada-officer",
        "canada-verifier",
        "canada-planner",
    }


def test_the_cases_spread_over_the_statuses_with_valid_histories(demo):
    assert Application.objects.count() == 300
    assert Application.objects.filter(organisation__slug="denmark").count() == 45
    statuses = set(Application.objects.values_list("status", flat=True))
    assert statuses == set(Status.values)
    for case in Application.objects.filter(status=Status.ARRIVED)[:5]:
        moves = list(case.status_changes.order_by("at", "id").values_list("from_status", "to_status"))
        assert moves[0] == ("", Status.RECEIVED)
        for previous, current in moves[1:]:
            assert current in TRANSITIONS[previous]
        assert moves[-1][1] == Status.ARRIVED


def test_families_have_names_in_both_scripts_and_one_principal(demo):
    assert Person.objects.filter(family_name="").exists()
    assert Person.objects.exclude(native_name="").exists()
    for case in Application.objects.all()[:50]:
        assert case.people.filter(relationship="self").count() == 1
        assert case.family_size == case.people.count()
        assert case.principal_name


def test_running_it_again_reuses_what_is_there(demo, settings):
    sink = _Sink()
    call_command("demo", size=300, no_serve=True, stdout=sink)
    assert Application.objects.count() == 300
    assert "reusing" in sink.text
    assert "canada-officer" in sink.text


def test_the_audit_chain_of_the_demo_is_whole(demo):
    steps = list(verify_chain())
    assert not any(isinstance(step, ChainProblem) for step in steps)


@pytest.mark.django_db
def test_it_refuses_to_run_outside_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="EVAC_DEBUG=1"):
        call_command("demo", size=10, no_serve=True)
    assert not Organisation.objects.exists()


def test_the_demo_schedules_the_daily_audit_verification(demo):
    assert pending().count() == 1


def test_flights_out_of_kabul_and_approved_families_waiting_for_them(demo):
    from evac.flights.models import Flight, Placement
    from evac.flights.services import allocate_seats

    for slug in ("canada", "uk", "denmark"):
        flights = Flight.objects.filter(organisation__slug=slug)
        assert flights.exists() and all(f.origin == "Kabul (KBL)" and f.emergency_contact for f in flights)
        assert min(f.departs_at for f in flights).date().isoformat() == "2021-08-14"
    assert Flight.objects.filter(medical_places__gt=0).exists()
    canada = Organisation.objects.get(slug="canada")
    waiting = Application.objects.filter(organisation=canada, status=Status.APPROVED).count()
    assert waiting >= 20
    # Scheduled families sit on the flights, told; the allocation can be run at once.
    assert Placement.objects.filter(flight__organisation=canada, notified_at__isnull=False).exists()
    run = allocate_seats(canada, method="greedy", bound=False)
    assert run.state == "done" and run.families_placed > 0 and run.families_left_out > 0
