"""Importing families: good rows in, bad rows reported, re-imports idempotent, crashes recoverable."""

import pytest

from evac.audit.models import AuditEvent
from evac.cases.models import Application, Employment, Person, StatusChange
from evac.demo.generator import generate, write_csv

from .conftest import ROWS, import_bytes, snapshot, table

pytestmark = pytest.mark.django_db


def test_it_imports_families_with_canonical_values_and_flags(canada, clerk):
    summary = import_bytes(table(), canada, user=clerk)
    assert summary.as_json() == {
        "applications": {"created": 2, "updated": 0, "unchanged": 0},
        "persons": {"created": 4, "updated": 0, "unchanged": 0},
        "rows_rejected": 0,
    }
    wali = Application.objects.get(source_ref="A-001")
    assert (wali.source, wali.program, wali.created_by, wali.status) == (
        "import",
        canada.programs.first(),
        clerk,
        "received",
    )
    assert wali.province_id == "AF-KAB" and wali.province_as_written == ""
    assert wali.family_size == 3 and wali.principal_name == "Mohammad Wali Ahmadzai"
    assert "gul ahmad" in wali.search_text and "محمد ولی" in wali.search_text
    assert wali.review_flags == []
    principal, spouse, child = wali.people.all()
    assert principal.phone == "+93799123456" and principal.email == "wali@example.org"
    assert (principal.birth_year, principal.birth_month) == (1986, None)  # 1365, a year stays a year
    assert spouse.relationship == "spouse" and child.relationship == "child"
    assert (child.birth_year, child.birth_month, child.birth_day) == (2012, 6, 12)
    job = wali.employments.get()
    assert (
        job.role == "interpreter" and job.employer.name == "Canada Armed Forces" and job.person == principal
    )
    assert wali.status_changes.get().to_status == "received"
    gul = Application.objects.get(source_ref="A-002")
    assert gul.province_id == "AF-HER"
    assert gul.review_flags == ["employer_unknown", "placeholder_birth_date"]
    job = gul.employments.get()
    assert (job.employer, job.employer_name, job.role) == (None, "Embassy of Nowhere", "driver")
    batch = AuditEvent.objects.get(action="import.batch")
    assert sorted(batch.detail["created"]) == sorted([wali.reference, gul.reference])
    assert batch.target_type == "import" and batch.actor == clerk
    assert AuditEvent.objects.filter(action__in=["import.start", "import.finish"]).count() == 2


def test_bad_rows_never_sink_good_ones(canada):
    rows = [
        *ROWS,
        ("B-1", "B-1-1", "self", "", "", "Father", "", "M", "1980", "", "", "", "", ""),  # no name: line 6
        ("B-2", "B-2-1", "self", "Ok", "", "", "", "M", "2099-01-01", "", "", "", "", ""),  # future: line 7
        ("B-3", "B-3-1", "self", "Ok", "", "", "", "M", "1980", "", "", "", "", ""),
        ("B-3", "B-3-2", "cousin", "Kid", "", "", "", "M", "31/02/2010", "", "", "", "", ""),  # line 9: 2 reasons
        ("B-4", "B-4-1", "self", "Sayed", "", "", "", "M", "", "phone?", "", "Atlantis", "", "Mechanic"),
    ]  # fmt: skip
    summary = import_bytes(table(rows), canada)
    assert summary.as_json() == {
        "applications": {"created": 4, "updated": 0, "unchanged": 0},
        "persons": {"created": 6, "updated": 0, "unchanged": 0},
        "rows_rejected": 3,
    }
    found = [(e.line, e.column, e.reason.split(" (")[0]) for e in summary.errors]
    assert found == [
        (6, "given_name", "no name in any script"),
        (7, "birth_date", "date in the future"),
        (9, "relationship", "unknown relationship"),
        (9, "birth_date", "impossible date"),
    ]
    sayed = Application.objects.get(source_ref="B-4")
    assert sayed.province_as_written == "Atlantis" and sayed.province is None
    assert sayed.review_flags == ["phone_unparsed", "province_unresolved", "role_unknown"]
    assert sayed.people.get().phone == "phone?"
    job = sayed.employments.get()
    assert (job.role, job.role_as_written) == ("other", "Mechanic")
    assert Application.objects.get(source_ref="B-3").family_size == 1


def test_a_family_whose_rows_disagree_is_rejected_with_the_reason_on_each_line(canada):
    rows = [
        ("C-1", "C-1-1", "spouse", "A", "", "", "", "", "", "", "", "", "", ""),
        ("C-1", "C-1-2", "child", "B", "", "", "", "", "", "", "", "", "", ""),
        ("C-2", "C-2-1", "self", "C", "", "", "", "", "", "", "", "", "", ""),
        ("C-2", "C-2-2", "principal", "D", "", "", "", "", "", "", "", "", "", ""),
        ("C-3", "C-3-1", "self", "E", "", "", "", "", "", "", "", "", "", ""),
        ("C-3", "C-3-1", "child", "F", "", "", "", "", "", "", "", "", "", ""),
        ("C-4", "C-4-1", "self", "G", "", "", "", "", "", "", "", "", "", ""),
    ]  # fmt: skip
    summary = import_bytes(table(rows), canada)
    assert summary.rows_rejected == 6
    assert [(e.line, e.column) for e in summary.errors] == [
        (2, "relationship"), (3, "relationship"), (4, "relationship"), (5, "relationship"),
        (6, "person_ref"), (7, "person_ref"),
    ]  # fmt: skip
    assert "no principal" in summary.errors[0].reason and "2 principal" in summary.errors[2].reason
    assert list(Application.objects.values_list("source_ref", flat=True)) == ["C-4"]


def test_a_familys_rows_need_not_be_next_to_each_other(canada):
    rows = [ROWS[0], ROWS[3], ROWS[1], ("A-002", "A-002-02", "son", "Karim", *[""] * 10), ROWS[2]]
    summary = import_bytes(table(rows), canada, batch_size=1)
    assert summary.as_json()["applications"]["created"] == 2
    assert Application.objects.get(source_ref="A-001").family_size == 3
    assert Application.objects.get(source_ref="A-002").family_size == 2


def test_importing_the_same_file_again_changes_nothing(canada):
    import_bytes(table(), canada)
    before = snapshot(canada)
    stamps = dict(Application.objects.values_list("source_ref", "updated_at"))
    events = AuditEvent.objects.count()
    last_event = AuditEvent.objects.latest("id").pk
    summary = import_bytes(table(), canada)
    assert summary.as_json() == {
        "applications": {"created": 0, "updated": 0, "unchanged": 2},
        "persons": {"created": 0, "updated": 0, "unchanged": 4},
        "rows_rejected": 0,
    }
    assert snapshot(canada) == before
    assert dict(Application.objects.values_list("source_ref", "updated_at")) == stamps
    assert (Application.objects.count(), Person.objects.count(), Employment.objects.count()) == (2, 4, 2)
    assert StatusChange.objects.count() == 2
    # Only the run itself is logged: no batch event, since no case changed.
    assert AuditEvent.objects.count() == events + 2
    assert not AuditEvent.objects.filter(action="import.batch").filter(pk__gt=last_event).exists()


def test_a_changed_phone_updates_the_person_and_keeps_staff_work(canada, officer):
    import_bytes(table(), canada)
    case = Application.objects.get(source_ref="A-001")
    case.assigned_officer, case.review_flags = officer, []  # an officer's work the import does not touch
    case.save(update_fields=["assigned_officer", "review_flags"])
    spouse = Person.objects.get(source_ref="A-001-02")
    spouse.tazkira_number = "1400-0101-00000001"  # an officer's entry: the file has no tazkira column
    spouse.save(update_fields=["tazkira_number"])
    rows = [list(r) for r in ROWS]
    rows[1][9] = "0700 000 002"  # the spouse's phone
    rows.append(("A-001", "A-001-04", "daughter", "Maryam", *[""] * 10))
    summary = import_bytes(table(rows), canada)
    assert summary.as_json() == {
        "applications": {"created": 0, "updated": 1, "unchanged": 1},
        "persons": {"created": 1, "updated": 1, "unchanged": 3},
        "rows_rejected": 0,
    }
    case.refresh_from_db()
    assert case.assigned_officer == officer and case.review_flags == []
    assert case.family_size == 4 and "maryam" in case.search_text
    spouse = case.people.get(source_ref="A-001-02")
    assert spouse.phone == "+93700000002" and spouse.tazkira_number == "1400-0101-00000001"
    assert case.people.get(source_ref="A-001-04").position == 3
    event = AuditEvent.objects.filter(action="import.batch").latest("id")
    assert event.detail["updated"] == [case.reference] and event.detail["created"] == []


def test_a_dry_run_counts_everything_and_writes_nothing(canada):
    events = AuditEvent.objects.count()
    summary = import_bytes(table(), canada, dry_run=True)
    assert summary.as_json()["applications"]["created"] == 2
    assert Application.objects.count() == 0 and Person.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_a_crash_half_way_then_a_rerun_equals_one_clean_run(canada, uk):
    out = __import__("io").StringIO()
    write_csv(generate(120, seed=7), out)
    content = out.getvalue().encode()
    batches = 0

    def crash_after_three_batches(summary):
        nonlocal batches
        if summary.rows_done:
            batches += 1
        if batches == 3:
            raise RuntimeError("killed")

    with pytest.raises(RuntimeError):
        import_bytes(content, canada, batch_size=50, progress=crash_after_three_batches)
    partial = Application.objects.filter(organisation=canada).count()
    assert 0 < partial < 120
    second = import_bytes(content, canada, batch_size=50)
    assert second.applications["unchanged"] == partial
    assert second.applications["created"] == 120 - partial
    import_bytes(content, uk, batch_size=50)  # the clean run, into another organisation
    strip = lambda shot: {(*case[:7], case[8], case[9], case[10]) for case in shot}  # noqa: E731 - flags name employers
    assert strip(snapshot(canada)) == strip(snapshot(uk))
    assert Application.objects.filter(organisation=canada).count() == 120


def test_a_claimed_badge_number_is_imported_and_a_changed_claim_reopens_its_verification(canada, verifier):
    header = ("Dossier", "Lien", "Prénom", "Employeur", "Poste", "Matricule")
    rows = [("B-1", "self", "Wali", "Canada Armed Forces", "interprète", "CAF-004211")]
    import_bytes(table(rows, header), canada)
    job = Employment.objects.get(application__source_ref="B-1")
    assert (job.badge_number, job.role) == ("CAF-004211", "interpreter")
    Employment.objects.filter(pk=job.pk).update(verification="verified")
    # The same file again: nothing changed, the verifier's decision stands.
    import_bytes(table(rows, header), canada)
    job.refresh_from_db()
    assert job.verification == "verified"
    # Another badge number claimed: the decision vouched for the old claim, so it is checked again.
    summary = import_bytes(table([(*rows[0][:5], "CAF-999")], header), canada)
    assert summary.as_json()["applications"]["updated"] == 1
    job.refresh_from_db()
    assert (job.badge_number, job.verification) == ("CAF-999", "unverified")
    assert "verification_reopened" in job.application.review_flags
