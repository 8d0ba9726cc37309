"""Turning generated applications into cases, in bulk, for the demo and the benchmarks.

This is not the partner-spreadsheet import (which validates and reports each row): the generator's rows
are known to be well formed, and the demo must load thousands of families in seconds.
"""

import io
import random
from collections.abc import Callable, Iterable
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from evac.accounts.models import Organisation, User
from evac.audit.services import record_event
from evac.cases.models import (
    Application,
    Employment,
    EmploymentRole,
    Person,
    Relationship,
    Source,
    StatusChange,
)
from evac.cases.services import family_summary, fresh_references
from evac.cases.workflow import Status
from evac.core.dates import DateError, parse_partial_date
from evac.demo.generator import GeneratedApplication
from evac.demo.rosters import write_roster_csv
from evac.programs.models import Program
from evac.rosters.models import Employer
from evac.situation.provinces import resolve_province

S = Status
# The path a case takes to reach each status, and how common each status is in the demo.
PATHS = {
    S.RECEIVED: (S.RECEIVED,),
    S.IN_REVIEW: (S.RECEIVED, S.IN_REVIEW),
    S.ELIGIBLE: (S.RECEIVED, S.IN_REVIEW, S.ELIGIBLE),
    S.INELIGIBLE: (S.RECEIVED, S.IN_REVIEW, S.INELIGIBLE),
    S.APPROVED: (S.RECEIVED, S.IN_REVIEW, S.ELIGIBLE, S.APPROVED),
    S.SCHEDULED: (S.RECEIVED, S.IN_REVIEW, S.ELIGIBLE, S.APPROVED, S.SCHEDULED),
    S.BOARDED: (S.RECEIVED, S.IN_REVIEW, S.ELIGIBLE, S.APPROVED, S.SCHEDULED, S.BOARDED),
    S.ARRIVED: (S.RECEIVED, S.IN_REVIEW, S.ELIGIBLE, S.APPROVED, S.SCHEDULED, S.BOARDED, S.ARRIVED),
    S.WITHDRAWN: (S.RECEIVED, S.IN_REVIEW, S.WITHDRAWN),
}
# Enough approved families waiting that the flight board can be tried at once.
STATUS_WEIGHTS = {
    S.RECEIVED: 25,
    S.IN_REVIEW: 18,
    S.ELIGIBLE: 10,
    S.INELIGIBLE: 8,
    S.APPROVED: 22,
    S.SCHEDULED: 7,
    S.BOARDED: 4,
    S.ARRIVED: 3,
    S.WITHDRAWN: 3,
}
REASONS = {
    S.IN_REVIEW: "Picked up for review",
    S.ELIGIBLE: "Employment and family composition meet the program's rules",
    S.INELIGIBLE: "No employment with a covered employer could be shown",
    S.APPROVED: "Approved for evacuation",
    S.SCHEDULED: "Placed on a flight",
    S.BOARDED: "Boarded at Hamid Karzai International Airport",
    S.ARRIVED: "Arrived at destination",
    S.WITHDRAWN: "Withdrawn at the applicant's request",
}
KABUL = ZoneInfo("Asia/Kabul")
ROLES = set(EmploymentRole.values)


def _partial_date(text: str):
    try:
        return parse_partial_date(text)
    except DateError:
        return None


def _person(row: dict[str, str], position: int) -> Person:
    birth = _partial_date(row.get("birth_date", ""))
    relationship = row.get("relationship") or Relationship.OTHER
    return Person(
        source_ref=row.get("person_ref", ""),
        position=position,
        relationship=relationship if relationship in Relationship.values else Relationship.OTHER,
        given_name=row.get("given_name", ""),
        family_name=row.get("family_name", ""),
        father_name=row.get("father_name", ""),
        native_name=row.get("native_name", ""),
        sex=row.get("sex", "") if row.get("sex", "") in ("M", "F") else "",
        birth_year=birth.year if birth else None,
        birth_month=birth.month if birth else None,
        birth_day=birth.day if birth else None,
        tazkira_number=row.get("tazkira_number", ""),
        passport_number=row.get("passport_number", ""),
        nationality=row.get("nationality", ""),
        phone=row.get("phone", ""),
        email=row.get("email", ""),
        medical_needs=row.get("medical_needs", ""),
    )


def load_applications(
    organisation: Organisation,
    program: Program,
    generated: Iterable[GeneratedApplication],
    *,
    seed: int,
    start: datetime,
    end: datetime,
    actor: User | None = None,
    batch_size: int = 2000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Bulk-load generated applications into one organisation's program, spread over statuses and dates.
    Returns the number of applications loaded."""
    rng = random.Random(seed)
    employers = {e.name.casefold(): e for e in Employer.objects.filter(organisation=organisation)}
    statuses, weights = zip(*STATUS_WEIGHTS.items(), strict=True)
    span = (end - start).total_seconds()
    loaded = 0
    batch: list[GeneratedApplication] = []

    def flush() -> None:
        nonlocal loaded
        with transaction.atomic():
            applications, people, jobs, changes = [], [], [], []
            for generated_app in batch:
                family = [_person(row, i) for i, row in enumerate(generated_app.rows)]
                family = [p for p in family if p.given_name or p.native_name]
                if not family or sum(p.relationship == Relationship.SELF for p in family) != 1:
                    continue
                principal_row = generated_app.rows[0]
                status = rng.choices(statuses, weights)[0]
                province = resolve_province(principal_row.get("province", ""))
                received = start + timedelta(seconds=rng.random() * span)
                application = Application(
                    organisation=organisation,
                    program=program,
                    status=status,
                    source=Source.IMPORT,
                    # Prefixed, so that a generated file imported later into the demo is not taken for the
                    # same partner's rows (the importer identifies a family by its application_ref).
                    source_ref=f"demo:{generated_app.application_ref}",
                    province_id=province,
                    province_as_written="" if province else principal_row.get("province", ""),
                    district=principal_row.get("district", ""),
                    created_at=received,
                    created_by=actor,
                )
                application.principal_name, application.family_size, application.search_text = family_summary(
                    family
                )
                moment = received
                path = PATHS[status]
                for previous, current in zip(("", *path), path, strict=False):
                    changes.append(
                        (
                            application,
                            StatusChange(
                                from_status=previous,
                                to_status=current,
                                reason=REASONS.get(current, "Application received"),
                                at=moment,
                            ),
                        )
                    )
                    moment = min(moment + timedelta(hours=rng.uniform(2, 96)), end)
                application.status_changed_at = changes[-1][1].at
                applications.append(application)
                people.extend((application, p) for p in family)
                role = principal_row.get("role", "")
                if role:
                    jobs.append(
                        (
                            application,
                            family[0],
                            Employment(
                                employer=employers.get(principal_row.get("employer", "").casefold()),
                                employer_name=principal_row.get("employer", ""),
                                role=role if role in ROLES else EmploymentRole.OTHER,
                                start=_date(principal_row.get("employment_start", "")),
                                end=_date(principal_row.get("employment_end", "")),
                                badge_number=principal_row.get("badge_number", ""),
                            ),
                        )
                    )
            fresh_references(applications)
            Application.objects.bulk_create(applications)
            for application, person in people:
                person.application = application
            Person.objects.bulk_create([p for _, p in people])
            for application, principal, job in jobs:
                job.application, job.person = application, principal
            Employment.objects.bulk_create([j for _, _, j in jobs])
            for application, change in changes:
                change.application = application
            StatusChange.objects.bulk_create([c for _, c in changes])
            loaded += len(applications)
        batch.clear()
        if progress:
            progress(loaded)

    for generated_app in generated:
        batch.append(generated_app)
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    record_event(
        "demo.load",
        actor=actor,
        organisation=organisation,
        target_type="program",
        target_ref=program.slug,
        detail={"applications": loaded, "seed": seed},
    )
    return loaded


def load_roster(organisation: Organisation, employer_name: str, rows: list[dict[str, str]]) -> int:
    """Load a generated roster through the roster import itself (as a file an employer handed over).
    Returns the number of entries loaded."""
    from evac.rosters.importing import execute_roster_import
    from evac.rosters.models import RosterImport

    employer, _created = Employer.objects.get_or_create(organisation=organisation, name=employer_name)
    out = io.StringIO()
    write_roster_csv(rows, out)
    job = RosterImport.objects.create(
        organisation=organisation,
        employer=employer,
        filename=f"demo-roster-{organisation.slug}-{employer.pk}.csv",
        status=RosterImport.State.RUNNING,
        started_at=timezone.now(),
    )
    summary = execute_roster_import(job, content=out.getvalue().encode("utf-8"), batch_size=2000)
    return summary.entries["created"] if summary else 0


def _date(text: str):
    partial = _partial_date(text)
    return partial.earliest() if partial else None


def day_start(day) -> datetime:
    return datetime.combine(day, time.min, KABUL)
