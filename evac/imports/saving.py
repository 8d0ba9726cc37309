"""Saving one batch of families: compare each with what is stored, then create and update in bulk.

Only the fields an import sets are compared, so a staff member's work on anything else (status,
officer, priority, a person added by hand) is kept. Nothing is deleted: a person missing from a
re-sent sheet stays on the case, for an officer to decide about.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from evac.accounts.models import Organisation, User
from evac.cases.models import (
    CLAIM_FIELDS,
    DECISION_FIELDS,
    Application,
    Employment,
    EmploymentRole,
    Person,
    Relationship,
    Source,
    StatusChange,
)
from evac.cases.services import family_summary, fresh_references
from evac.core.text import fold
from evac.imports.families import Family, RowError
from evac.imports.rows import PERSON_FIELDS, ParsedRow
from evac.programs.models import Program
from evac.protection.fields import index_fields, seal
from evac.rosters.models import Employer
from evac.rosters.services import resolve_employer

CASE_FIELDS = ("province_id", "province_as_written", "district", "address")
EMPLOYMENT_FIELDS = (
    "employer_id",
    "employer_name",
    "role",
    "role_as_written",
    "start",
    "end",
    "badge_number",
)
SUMMARY_FIELDS = ("principal_name", "family_size", "search_text")


@dataclass
class Outcome:
    applications: Counter = field(default_factory=Counter)
    persons: Counter = field(default_factory=Counter)
    created: list[str] = field(default_factory=list)  # case references, for the audit event
    updated: list[str] = field(default_factory=list)
    rejected: list[RowError] = field(default_factory=list)
    flagged: int = 0


@dataclass
class _Writes:
    new_cases: list[Application] = field(default_factory=list)
    new_people: list[Person] = field(default_factory=list)
    new_jobs: list[Employment] = field(default_factory=list)
    cases: list[Application] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    jobs: list[Employment] = field(default_factory=list)


# The column each stored field comes from: a column the file leaves out changes nothing on re-import.
SOURCE_COLUMN = {
    "birth_year": "birth_date",
    "birth_month": "birth_date",
    "birth_day": "birth_date",
    "province_id": "province",
    "province_as_written": "province",
    "employer_id": "employer",
    "employer_name": "employer",
    "role_as_written": "role",
    "start": "employment_start",
    "end": "employment_end",
}


class Saver:
    def __init__(
        self,
        *,
        organisation: Organisation,
        program: Program,
        actor: User | None,
        filename: str,
        columns: set[str],
    ):
        def present(fields: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(f for f in fields if SOURCE_COLUMN.get(f, f) in columns)

        self.person_fields = present(PERSON_FIELDS)
        self.person_indexes = tuple(f.name for f in index_fields(Person) if f.source in self.person_fields)
        self.case_fields = present(CASE_FIELDS)
        self.employment_fields = present(EMPLOYMENT_FIELDS)
        self.organisation = organisation
        self.program = program
        self.actor = actor if actor is not None and actor.pk else None
        self.reason = _("Imported from {file}").format(file=filename)
        self._employers: dict[str, Employer | None] = {}

    def employer(self, written: str) -> Employer | None:
        # resolve_employer reads the organisation's employers each time: ask once per spelling.
        key = fold(written)
        if key not in self._employers:
            self._employers[key] = resolve_employer(self.organisation, written)
        return self._employers[key]

    def save(self, families: list[Family]) -> Outcome:
        """Upsert the families. Call inside a transaction: the rows read are locked until it ends."""
        outcome = Outcome()
        stored = {
            case.source_ref: case
            for case in Application.objects.select_for_update().filter(
                organisation=self.organisation, source=Source.IMPORT, source_ref__in=[f.ref for f in families]
            )
        }
        people: dict[int, list[Person]] = defaultdict(list)
        for person in Person.objects.filter(application__in=[c.pk for c in stored.values()]).order_by(
            "position", "id"
        ):
            people[person.application_id].append(person)
        jobs: dict[int, Employment] = {}
        for job in Employment.objects.filter(application__in=[c.pk for c in stored.values()]).order_by("id"):
            jobs.setdefault(job.application_id, job)
        now = timezone.now()
        writes = _Writes()
        for family in families:
            case = stored.get(family.ref)
            if case is None:
                self._create(family, now, writes, outcome)
            else:
                self._update(family, case, people[case.pk], jobs.get(case.pk), now, writes, outcome)
        self._write(writes, now)
        outcome.created = [case.reference for case in writes.new_cases]
        return outcome

    # -- deciding --------------------------------------------------------------------------------

    def _case_values(self, family: Family) -> dict[str, object]:
        return {
            "province_id": family.first("province"),
            "province_as_written": family.first("province_as_written") or "",
            "district": family.first("district") or "",
            "address": family.first("address") or "",
        }

    def _employment_values(self, family: Family, flags: set[str]) -> dict[str, object] | None:
        row: ParsedRow | None = next(
            (r for r in family.case_rows() if r.employer or r.role or r.badge_number), None
        )
        if row is None:
            return None
        employer = self.employer(row.employer) if row.employer else None
        if row.employer and employer is None:
            flags.add("employer_unknown")
        return {
            "employer_id": employer.pk if employer else None,
            "employer_name": row.employer,
            "role": row.role or EmploymentRole.OTHER,
            "role_as_written": row.role_as_written,
            "start": row.employment_start,
            "end": row.employment_end,
            "badge_number": row.badge_number,
        }

    def _create(self, family: Family, now, writes: _Writes, outcome: Outcome) -> None:
        flags = family.flags
        job_values = self._employment_values(family, flags)
        case = Application(
            organisation=self.organisation,
            program=self.program,
            source=Source.IMPORT,
            source_ref=family.ref,
            review_flags=sorted(flags),
            created_by=self.actor,
            created_at=now,
            status_changed_at=now,
            **self._case_values(family),
        )
        family_people = [
            Person(application=case, source_ref=key, position=i, **row.person)
            for i, (key, row) in enumerate(family.members)
        ]
        case.principal_name, case.family_size, case.search_text = family_summary(family_people)
        writes.new_cases.append(case)
        writes.new_people.extend(family_people)
        if job_values is not None:
            principal = next(p for p in family_people if p.relationship == Relationship.SELF)
            writes.new_jobs.append(Employment(application=case, person=principal, **job_values))
        outcome.applications["created"] += 1
        outcome.persons["created"] += len(family_people)
        outcome.flagged += bool(flags)

    def _update(
        self,
        family: Family,
        case: Application,
        stored_people: list[Person],
        stored_job: Employment | None,
        now,
        writes: _Writes,
        outcome: Outcome,
    ) -> None:
        flags = family.flags
        changed = False
        case_values = self._case_values(family)
        for name in self.case_fields:
            value = case_values[name]
            if getattr(case, name) != value:
                setattr(case, name, value)
                changed = True
        by_ref = {p.source_ref: p for p in stored_people if p.source_ref}
        position = max((p.position for p in stored_people), default=-1) + 1
        created: list[Person] = []
        updated: list[Person] = []
        for key, row in family.members:
            person = by_ref.get(key)
            if person is None:
                created.append(Person(application=case, source_ref=key, position=position, **row.person))
                position += 1
                continue
            differs = [name for name in self.person_fields if getattr(person, name) != row.person[name]]
            for name in differs:
                setattr(person, name, row.person[name])
            if differs:
                updated.append(person)
        family_people = [*stored_people, *created]
        principals = sum(1 for p in family_people if p.relationship == Relationship.SELF)
        if principals != 1:
            reason = _("the case would have {count} principal applicants; it needs exactly one").format(
                count=principals
            )
            outcome.rejected.extend(RowError(line, "relationship", reason) for line in family.lines)
            return
        job_values = self._employment_values(family, flags)
        principal = next(p for p in family_people if p.relationship == Relationship.SELF)
        if job_values is not None and stored_job is None:
            writes.new_jobs.append(Employment(application=case, person=principal, **job_values))
            changed = True
        elif job_values is not None and stored_job is not None:
            differs = [
                name for name in self.employment_fields if getattr(stored_job, name) != job_values[name]
            ]
            if differs:
                for name in differs:
                    setattr(stored_job, name, job_values[name])
                # A verifier's decision vouched for the claim as it was: a changed claim is checked again.
                if any(n in CLAIM_FIELDS for n in differs) and stored_job.reopen():
                    flags.add("verification_reopened")
                writes.jobs.append(stored_job)
                changed = True
        outcome.persons["created"] += len(created)
        outcome.persons["updated"] += len(updated)
        outcome.persons["unchanged"] += len(family.members) - len(created) - len(updated)
        if not (changed or created or updated):
            outcome.applications["unchanged"] += 1
            return
        # Flags are only ever added: an officer who cleared one has checked it.
        case.review_flags = sorted(set(case.review_flags) | flags)
        case.principal_name, case.family_size, case.search_text = family_summary(family_people)
        case.updated_at = now
        for person in created:
            person.application = case
        writes.new_people.extend(created)
        writes.people.extend(updated)
        writes.cases.append(case)
        outcome.applications["updated"] += 1
        outcome.updated.append(case.reference)
        outcome.flagged += bool(case.review_flags)

    # -- writing ---------------------------------------------------------------------------------

    def _write(self, writes: _Writes, now) -> None:
        if writes.new_cases:
            fresh_references(writes.new_cases)
            Application.objects.bulk_create(writes.new_cases)
            StatusChange.objects.bulk_create(
                StatusChange(
                    application=case,
                    from_status="",
                    to_status=case.status,
                    reason=self.reason,
                    actor=self.actor,
                    at=now,
                )
                for case in writes.new_cases
            )
        for person in writes.new_people:
            person.application = person.application  # picks up the primary key bulk_create just set
        Person.objects.bulk_create(writes.new_people)
        for job in writes.new_jobs:
            job.application, job.person = job.application, job.person
        Employment.objects.bulk_create(writes.new_jobs)
        # bulk_update writes what is on the objects as it is: seal the protected fields (and their blind
        # indexes) first, as save() and bulk_create do by themselves.
        if writes.cases:
            seal(writes.cases)
            Application.objects.bulk_update(
                writes.cases,
                [*self.case_fields, "review_flags", *SUMMARY_FIELDS, "updated_at"],
                batch_size=500,
            )
        if writes.people:
            seal(writes.people)
            Person.objects.bulk_update(
                writes.people, [*self.person_fields, *self.person_indexes], batch_size=200
            )
        if writes.jobs:
            Employment.objects.bulk_update(
                writes.jobs, [*self.employment_fields, *DECISION_FIELDS], batch_size=200
            )
