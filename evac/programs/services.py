"""Checking cases against their program's rules: one case as it is saved, all open cases when the rules
change (in the background, in batches, with progress), and officers' overrides."""

from collections import defaultdict
from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from evac.accounts.models import User
from evac.audit.services import COMMAND, Origin, record_event
from evac.cases.models import Application, Employment, Person, Relationship
from evac.cases.workflow import OPEN_STATUSES, Status
from evac.core import clock
from evac.programs import rules as R
from evac.programs.models import EligibilityOverride, EligibilityRun, Program

BATCH = 2000
# Cases that hold places under the program's cap.
COUNTED = (Status.APPROVED, Status.SCHEDULED, Status.BOARDED, Status.ARRIVED)
CASE_COLUMNS = ("id", "program_id", "status", "eligible", "eligibility", "family_size")


def rules_for(program: Program) -> R.Rules:
    employers = {e.pk: e.name for e in program.eligible_employers.all()}
    return R.Rules(
        employer_ids=frozenset(employers),
        employer_names=employers,
        roles=frozenset(program.eligible_roles or []),
        min_months=program.min_months_service,
        window_start=program.service_from,
        window_end=program.service_until,
        nationalities=frozenset(n.strip().casefold() for n in program.nationalities or [] if n.strip()),
        family=frozenset(program.family_relationships or R.Rules().family),
        max_child_age=program.max_child_age,
        people_cap=program.people_cap,
    )


def people_taken(program: Program) -> int:
    taken = Application.objects.filter(program=program, status__in=COUNTED).aggregate(n=Sum("family_size"))
    return taken["n"] or 0


def _facts(cases: list[Application], taken: int) -> dict[int, R.Facts]:
    ids = [c.pk for c in cases]
    members: dict[int, list[R.Member]] = defaultdict(list)
    nationality: dict[int, str] = {}
    for app_id, relationship, birth_year, nat in Person.objects.filter(application_id__in=ids).values_list(
        "application_id", "relationship", "birth_year", "nationality"
    ):
        members[app_id].append(R.Member(relationship, birth_year))
        if relationship == Relationship.SELF:
            nationality[app_id] = nat
    claims: dict[int, list[R.Claim]] = defaultdict(list)
    for app_id, employer_id, written, known, role, start, end in Employment.objects.filter(
        application_id__in=ids
    ).values_list("application_id", "employer_id", "employer_name", "employer__name", "role", "start", "end"):
        claims[app_id].append(R.Claim(employer_id, known or written, role, start, end))
    return {
        c.pk: R.Facts(
            claims=tuple(claims[c.pk]),
            members=tuple(members[c.pk]),
            nationality=nationality.get(c.pk, ""),
            people_taken=taken,
            already_counted=c.status in COUNTED,
        )
        for c in cases
    }


def _overrides(ids: list[int]) -> dict[int, dict[str, bool]]:
    found: dict[int, dict[str, bool]] = defaultdict(dict)
    for app_id, rule, met in EligibilityOverride.objects.filter(application_id__in=ids).values_list(
        "application_id", "rule", "met"
    ):
        found[app_id][rule] = met
    return found


def evaluate_cases(
    program: Program,
    cases: Iterable[int] | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[int, int]:
    """Check the program's open cases (or the given ones) against its rules. Returns (checked, changed)."""
    table = rules_for(program)
    taken = people_taken(program)
    today = clock.today()
    rows = Application.objects.filter(program=program).only(*CASE_COLUMNS)
    rows = rows.filter(pk__in=list(cases)) if cases is not None else rows.filter(status__in=OPEN_STATUSES)
    checked = changed = last = 0
    while True:
        batch = list(rows.filter(pk__gt=last).order_by("pk")[:BATCH])
        if not batch:
            return checked, changed
        last = batch[-1].pk
        facts = _facts(batch, taken)
        overrides = _overrides([c.pk for c in batch])
        dirty = []
        for case in batch:
            results = R.evaluate(facts[case.pk], table, today)
            eligibility = {r.rule: r.met for r in results}
            eligible = R.overall(results, overrides.get(case.pk, {}))
            if eligibility != case.eligibility or eligible != case.eligible:
                case.eligibility, case.eligible = eligibility, eligible
                dirty.append(case)
        with transaction.atomic():
            Application.objects.bulk_update(dirty, ["eligibility", "eligible"])
        checked += len(batch)
        changed += len(dirty)
        if progress is not None:
            progress(checked, changed)


def evaluate_case(application: Application) -> None:
    evaluate_cases(application.program, [application.pk])
    application.refresh_from_db(fields=["eligibility", "eligible"])


def checklist(application: Application) -> list[tuple[R.Result, EligibilityOverride | None]]:
    """The case's rules as they stand now, in the reader's language, each with its override if any."""
    program = application.program
    facts = _facts([application], people_taken(program))[application.pk]
    overrides = {o.rule: o for o in application.eligibility_overrides.select_related("by")}
    return [(r, overrides.get(r.rule)) for r in R.evaluate(facts, rules_for(program), clock.today())]


def override_rule(
    application: Application,
    rule: str,
    *,
    met: bool | None,
    reason: str,
    actor: User,
    origin: Origin = COMMAND,
) -> None:
    """An officer decides a rule for this case (met or not), or withdraws their decision (met=None)."""
    if rule not in R.RULES:
        raise ValueError(f"unknown rule {rule!r}")
    with transaction.atomic():
        if met is None:
            EligibilityOverride.objects.filter(application=application, rule=rule).delete()
        else:
            EligibilityOverride.objects.update_or_create(
                application=application, rule=rule, defaults={"met": met, "reason": reason, "by": actor}
            )
        evaluate_case(application)
        record_event(
            "case.eligibility_override",
            actor=actor,
            organisation=application.organisation,
            target_type="case",
            target_ref=application.reference,
            origin=origin,
            detail={"rule": rule, "met": met, "eligible": application.eligible},
        )


RULE_FIELDS = (
    "eligible_roles",
    "min_months_service",
    "service_from",
    "service_until",
    "nationalities",
    "family_relationships",
    "max_child_age",
    "people_cap",
)


def save_rules(
    program: Program, changed: list[str], *, actor: User | None, origin: Origin = COMMAND
) -> EligibilityRun | None:
    """After the rules form saved the program: audit what changed and re-check its open cases in the
    background. Returns the run whose progress the page shows."""
    if not changed:
        return None
    with transaction.atomic():
        run = EligibilityRun.objects.create(
            program=program,
            total=Application.objects.filter(program=program, status__in=OPEN_STATUSES).count(),
            requested_by=actor if actor is not None and actor.pk else None,
        )
        record_event(
            "program.rules_changed",
            actor=actor,
            organisation=program.organisation,
            target_type="program",
            target_ref=program.slug,
            origin=origin,
            detail={"fields": sorted(changed)},
        )
        from evac.programs.tasks import run_eligibility

        transaction.on_commit(lambda: run_eligibility.enqueue(run.pk))
    return run


def execute_run(run: EligibilityRun) -> EligibilityRun:
    def progress(done: int, changed: int) -> None:
        EligibilityRun.objects.filter(pk=run.pk).update(done=done, changed=changed)

    try:
        checked, changed = evaluate_cases(run.program, progress=progress)
    except Exception as error:
        EligibilityRun.objects.filter(pk=run.pk).update(
            state=EligibilityRun.State.FAILED, failure=type(error).__name__, finished_at=timezone.now()
        )
        raise
    EligibilityRun.objects.filter(pk=run.pk).update(
        state=EligibilityRun.State.DONE, done=checked, total=max(checked, run.total), changed=changed,
        finished_at=timezone.now(),
    )  # fmt: skip
    run.refresh_from_db()
    return run
