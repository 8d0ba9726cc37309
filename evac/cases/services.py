"""Everything that changes a case goes through these functions: pages, API, commands and tasks alike.

Each runs in one transaction and writes its audit event in it.
"""

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from evac.accounts.models import Membership, Organisation, User
from evac.accounts.roles import Can
from evac.audit.services import COMMAND, Origin, record_event
from evac.cases.models import CLAIM_FIELDS, Application, Employment, Person, Relationship, StatusChange
from evac.cases.workflow import Status, required_capability
from evac.core import references
from evac.matching.search import index_terms, plain_words
from evac.programs.services import evaluate_case
from evac.ranking.services import rank_case
from evac.rosters.services import resolve_employer

CASE = "application"


class StaleCase(Exception):
    """The case changed since the user loaded it (another officer, or the same click twice)."""


def family_summary(people: Sequence[Person]) -> tuple[str, int, str]:
    """The principal's name, the family's size and the text the case list searches: every member's names
    folded as typed, then their spelling-folded keys and skeletons (evac.matching.search), so that
    "Mohamed Ouali" finds "Muhammad Wali" and "محمد ولی". Names only: never a document or a phone."""
    principal = next(
        (p for p in people if p.relationship == Relationship.SELF), people[0] if people else None
    )
    words: list[str] = []
    for person in people:
        words.extend(
            (
                person.given_name,
                person.family_name,
                person.father_name,
                person.grandfather_name,
                person.native_name,
            )
        )
    names = [w for w in words if w]
    typed = sorted({plain_words(w) for w in names} - {""})
    keys = sorted(frozenset().union(*(index_terms(w) for w in names)))
    return (principal.full_name if principal else ""), len(people), " ".join(typed + keys)


def fresh_references(cases: list[Application]) -> None:
    """Reference numbers are random: at a million cases two may meet. Draw again for any taken."""
    while True:
        taken = set(
            Application.objects.filter(reference__in=[c.reference for c in cases]).values_list(
                "reference", flat=True
            )
        )
        seen: set[str] = set()
        clashes = 0
        for case in cases:
            if case.reference in taken or case.reference in seen:
                case.reference = references.new_reference()
                clashes += 1
            seen.add(case.reference)
        if not clashes:
            return


def refresh_family_summary(application: Application) -> None:
    people = list(application.people.all())
    application.principal_name, application.family_size, application.search_text = family_summary(people)
    application.save(update_fields=["principal_name", "family_size", "search_text", "updated_at"])


_SUMMARY_FIELDS = ("principal_name", "family_size", "search_text")
_NAME_FIELDS = (
    "application_id", "position", "relationship", "given_name", "family_name", "father_name",
    "grandfather_name", "native_name",
)  # fmt: skip


def refresh_search_texts(
    *,
    organisation: Organisation | None = None,
    batch_size: int = 1000,
    progress: Callable[[int], None] | None = None,
) -> tuple[int, int]:
    """Recompute every case's principal name, family size and search text, a batch per transaction: after
    an upgrade that changes how names are folded, existing cases are found like new ones. Returns (cases
    read, cases changed). Safe to run on a live system and to run again."""
    cases = Application.objects.all()
    if organisation is not None:
        cases = cases.filter(organisation=organisation)
    last, seen, changed = 0, 0, 0
    while True:
        with transaction.atomic():
            # Locked while read and rewritten: an officer's edit of the same family waits, then writes
            # its own summary last.
            batch = list(
                cases.filter(pk__gt=last)
                .order_by("pk")
                .select_for_update()
                .only("pk", *_SUMMARY_FIELDS)[:batch_size]
            )
            if not batch:
                break
            families: dict[int, list[Person]] = defaultdict(list)
            for person in Person.objects.filter(application__in=batch).only(*_NAME_FIELDS):
                families[person.application_id].append(person)
            stale = []
            for case in batch:
                summary = family_summary(families[case.pk])
                if summary != (case.principal_name, case.family_size, case.search_text):
                    case.principal_name, case.family_size, case.search_text = summary
                    stale.append(case)
            Application.objects.bulk_update(stale, _SUMMARY_FIELDS)
        last, seen, changed = batch[-1].pk, seen + len(batch), changed + len(stale)
        if progress is not None:
            progress(seen)
    record_event(
        "case.search_refresh",
        actor=None,
        organisation=organisation,
        target_type=CASE,
        detail={"cases": seen, "changed": changed},
    )
    return seen, changed


def check_family(people: Iterable[Person]) -> None:
    """A family has exactly one principal applicant."""
    principals = sum(1 for p in people if p.relationship == Relationship.SELF)
    if principals != 1:
        raise ValidationError(
            _("A family needs exactly one principal applicant (found {count}).").format(count=principals)
        )


def create_application(
    application: Application,
    people: Sequence[Person],
    employments: Sequence[Employment] = (),
    *,
    actor: User | None,
    origin: Origin = COMMAND,
    idempotency_key: uuid.UUID | None = None,
) -> tuple[Application, bool]:
    """Save a new case with its family. Returns (case, created).

    The same idempotency key twice (a doubled click, a retried request) returns the first case instead of
    creating a second one.
    """
    check_family(people)
    if application.program.organisation_id != application.organisation_id:
        raise ValidationError(_("The program belongs to another organisation."))
    if idempotency_key is not None:
        existing = Application.objects.filter(
            organisation=application.organisation, idempotency_key=idempotency_key
        ).first()
        if existing is not None:
            return existing, False
    application.idempotency_key = idempotency_key
    # 31^8 references: among a million cases two draws collide with a chance of about 44%, so draw again.
    while Application.objects.filter(reference=application.reference).exists():
        application.reference = references.new_reference()
    application.created_by = actor if actor is not None and actor.pk else None
    now = timezone.now()
    application.created_at = application.status_changed_at = now
    application.principal_name, application.family_size, application.search_text = family_summary(people)
    try:
        with transaction.atomic():
            application.save(force_insert=True)
            for position, person in enumerate(people):
                person.application = application
                person.position = position
                person.save(force_insert=True)
            for employment in employments:
                employment.application = application
                employment.employer = resolve_employer(application.organisation, employment.employer_name)
                if employment.person is None:
                    employment.person = next(p for p in people if p.relationship == Relationship.SELF)
                employment.save(force_insert=True)
            rank_case(application)
            evaluate_case(application)
            StatusChange.objects.create(
                application=application,
                from_status="",
                to_status=application.status,
                reason=_("Application received"),
                actor=application.created_by,
                at=now,
            )
            record_event(
                "case.create",
                actor=actor,
                organisation=application.organisation,
                target_type=CASE,
                target_ref=application.reference,
                origin=origin,
                detail={"source": application.source, "people": len(people), "status": application.status},
            )
    except IntegrityError:
        # Two submissions with one key raced each other: the other one won, and that is our answer.
        if idempotency_key is not None:
            existing = Application.objects.filter(
                organisation=application.organisation, idempotency_key=idempotency_key
            ).first()
            if existing is not None:
                return existing, False
        raise
    return application, True


def update_application(
    application: Application,
    *,
    changed_fields: Sequence[str],
    saved_people: Sequence[Person] = (),
    deleted_people: Sequence[Person] = (),
    saved_employments: Sequence[Employment] = (),
    deleted_employments: Sequence[Employment] = (),
    people_changes: dict[str, list[str]] | None = None,
    actor: User | None,
    origin: Origin = COMMAND,
) -> Application:
    """Save an edited case and its family. The audit event names the fields changed, not their values."""
    added = sum(1 for person in saved_people if person.pk is None)
    with transaction.atomic():
        for person in deleted_people:
            person.delete()
        next_position = max((p.position for p in application.people.all()), default=-1) + 1
        for person in saved_people:
            if person.pk is None:
                person.application = application
                person.position = next_position
                next_position += 1
            person.save()
        remaining = list(application.people.all())
        check_family(remaining)
        for employment in deleted_employments:
            employment.delete()
        stored = {
            e.pk: e
            for e in Employment.objects.filter(
                application=application, pk__in=[e.pk for e in saved_employments if e.pk]
            )
        }
        reopened = 0
        for employment in saved_employments:
            employment.application = application
            employment.employer = resolve_employer(application.organisation, employment.employer_name)
            if employment.person_id is None:
                employment.person = next(p for p in remaining if p.relationship == Relationship.SELF)
            before = stored.get(employment.pk)
            # A verifier's decision vouched for the claim as it was: a changed claim is checked again.
            if before is not None and any(getattr(before, f) != getattr(employment, f) for f in CLAIM_FIELDS):
                reopened += employment.reopen()
            employment.save()
        if changed_fields:
            application.save(update_fields=[*changed_fields, "updated_at"])
        application.principal_name, application.family_size, application.search_text = family_summary(
            remaining
        )
        application.save(update_fields=["principal_name", "family_size", "search_text", "updated_at"])
        rank_case(application)
        evaluate_case(application)
        record_event(
            "case.update",
            actor=actor,
            organisation=application.organisation,
            target_type=CASE,
            target_ref=application.reference,
            origin=origin,
            detail={
                "fields": sorted(changed_fields),
                "people": people_changes or {},
                "people_added": added,
                "people_removed": len(deleted_people),
                "employments_changed": len(saved_employments) + len(deleted_employments),
                "verifications_reopened": reopened,
            },
        )
    return application


def change_status(
    application: Application,
    target: str,
    *,
    reason: str,
    membership: Membership,
    expected_status: str | None = None,
    origin: Origin = COMMAND,
) -> StatusChange:
    """Move a case along an allowed transition, with a reason. Raises ValidationError for a move the
    workflow does not allow, PermissionDenied when the role may not make it, StaleCase when the case moved
    since the user saw it."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give a reason for the change."))
    with transaction.atomic():
        # Lock the row: two officers deciding at once must not both move it from the same status.
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if expected_status is not None and locked.status != expected_status:
            raise StaleCase
        needed = required_capability(locked.status, target)
        if needed is None:
            raise ValidationError(
                _("A case cannot go from {current} to {target}.").format(
                    current=Status(locked.status).label, target=Status(target).label
                )
            )
        if not membership.can(needed):
            raise PermissionDenied
        now = timezone.now()
        change = StatusChange.objects.create(
            application=locked,
            from_status=locked.status,
            to_status=target,
            reason=reason,
            actor=membership.user,
            at=now,
        )
        locked.status = target
        locked.status_changed_at = now
        locked.save(update_fields=["status", "status_changed_at", "updated_at"])
        evaluate_case(locked)  # a case approved takes places under the cap, and counts itself among them
        record_event(
            "case.status",
            actor=membership.user,
            organisation=locked.organisation,
            target_type=CASE,
            target_ref=locked.reference,
            origin=origin,
            detail={"from": change.from_status, "to": target},
        )
    application.status = locked.status
    application.status_changed_at = locked.status_changed_at
    return change


def assign_officer(
    application: Application, officer: User | None, *, membership: Membership, origin: Origin = COMMAND
) -> None:
    if not membership.can(Can.ASSIGN):
        raise PermissionDenied
    if (
        officer is not None
        and not officer.memberships.filter(
            organisation=application.organisation_id, role__in=["case_officer"]
        ).exists()
    ):
        raise ValidationError(_("Only a case officer of this organisation can be assigned."))
    with transaction.atomic():
        application.assigned_officer = officer
        application.save(update_fields=["assigned_officer", "updated_at"])
        record_event(
            "case.assign",
            actor=membership.user,
            organisation=application.organisation,
            target_type=CASE,
            target_ref=application.reference,
            origin=origin,
            detail={"officer": officer.get_username() if officer else None},
        )


def record_case_view(application: Application, *, actor: User, origin: Origin) -> None:
    """Reading a case's personal data is itself an event: a leak must leave a trace."""
    record_event(
        "case.view",
        actor=actor,
        organisation=application.organisation,
        target_type=CASE,
        target_ref=application.reference,
        origin=origin,
    )


def record_case_list(
    membership: Membership, references: Sequence[str], *, query: dict[str, str], origin: Origin
) -> None:
    """A list page shows names too: log which cases it showed and what was asked. The search words are
    kept: who searched for a name is exactly what an investigation of a leak needs."""
    record_event(
        "case.list",
        actor=membership.user,
        organisation=membership.organisation,
        target_type=CASE,
        origin=origin,
        detail={"query": query, "shown": list(references)},
    )
