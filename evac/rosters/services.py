"""Employers, and verifying claimed employment against their rosters: the candidates for one claim, the
verifier's decision, and the bulk run. Roster files are loaded by evac.rosters.importing.

A claim is verified only by confirming a roster entry that the matching finds credible (CREDIBLE), scored
again at the moment of the decision: no page, form or request can mark employment verified otherwise.
"""

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from evac.accounts.models import Membership, Organisation, User
from evac.accounts.roles import Can
from evac.audit.services import COMMAND, Origin, record_event
from evac.cases.models import Application, Employment, Person, Relationship, VerificationState
from evac.core.text import fold
from evac.programs.services import evaluate_case
from evac.ranking.services import rank_case
from evac.rosters.matching import (
    CREDIBLE,
    POOL,
    SHOWN,
    Candidate,
    Frequencies,
    Record,
    RosterIndex,
    blocking_keys,
    rank,
    score,
    value_keys,
)
from evac.rosters.models import Employer, RosterEntry, RosterKey
from evac.rosters.records import ENTRY_FIELDS, PERSON_FIELDS, claim_record, entry_record

CASE = "application"


def resolve_employer(organisation: Organisation, written: str) -> Employer | None:
    """The organisation's employer this name means, or None: the name as written is kept either way."""
    folded = fold(written)
    if not folded:
        return None
    for employer in Employer.objects.filter(organisation=organisation):
        if fold(employer.name) == folded:
            return employer
    return None


def add_employer(
    organisation: Organisation, name: str, *, actor: User | None, origin: Origin = COMMAND
) -> Employer:
    """The employer of that name (in any case or accents), created if the organisation has none yet."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError(_("Give the employer's name."))
    if len(name) > Employer._meta.get_field("name").max_length:
        raise ValidationError(_("The employer's name is too long."))
    existing = resolve_employer(organisation, name)
    if existing is not None:
        return existing
    with transaction.atomic():
        employer = Employer.objects.create(organisation=organisation, name=name)
        record_event(
            "employer.create",
            actor=actor,
            organisation=organisation,
            target_type="employer",
            target_ref=employer.name,
            origin=origin,
        )
    return employer


# -- one claim --------------------------------------------------------------------------------------


def claimant(employment: Employment) -> Person | None:
    """Who claims the employment: the person it names, or the case's principal applicant."""
    people = Person.objects.only(*PERSON_FIELDS)
    if employment.person_id is not None:
        person = people.filter(pk=employment.person_id).first()
        if person is not None:
            return person
    return people.filter(application_id=employment.application_id, relationship=Relationship.SELF).first()


def frequencies(employer_id: int, entries: list[RosterEntry]) -> Frequencies:
    """How common the names of these entries are on the employer's roster (for the term-frequency weights),
    read from the stored keys in one query."""
    wanted = set().union(*(value_keys(entry_record(e)) for e in entries)) if entries else set()
    counts = dict(
        RosterKey.objects.filter(employer_id=employer_id, key__in=sorted(wanted))
        .values("key")
        .annotate(n=Count("id"))
        .values_list("key", "n")
    )
    return Frequencies(counts, RosterEntry.objects.filter(employer_id=employer_id).count())


@dataclass
class ClaimMatch:
    """A claim, and the entries of its employer's roster most likely to be the claimant."""

    claim: Record
    candidates: list[Candidate]
    entries: dict[str, RosterEntry]  # public id -> entry, for the page

    def entry(self, candidate: Candidate) -> RosterEntry:
        return self.entries[candidate.entry.ref]


def candidates_for(employment: Employment, person: Person | None, *, shown: int = SHOWN) -> ClaimMatch:
    """The best candidates for one claim by this person (claimant()), from its employer's roster only (none
    when the employer is not one of the organisation's). Stored name keys find them in one query, and the
    claimed badge number finds its entry whatever the names."""
    claim = claim_record(employment, person)
    if employment.employer_id is None:
        return ClaimMatch(claim, [], {})
    keys = sorted(blocking_keys(claim, claim=True))
    ids = list(
        RosterKey.objects.filter(employer_id=employment.employer_id, key__in=keys)
        .values("entry_id")
        .annotate(n=Count("id"))
        .order_by("-n", "entry_id")
        .values_list("entry_id", flat=True)[:POOL]
    )
    pool = RosterEntry.objects.filter(employer_id=employment.employer_id).only(*ENTRY_FIELDS)
    entries = list(pool.filter(pk__in=ids))
    if claim.badge_key:
        entries += [e for e in pool.filter(badge_key=claim.badge_key) if e.pk not in set(ids)]
    by_ref = {str(e.public_id): e for e in entries}
    ranked = rank(claim, [entry_record(e) for e in entries], frequencies(employment.employer_id, entries))
    return ClaimMatch(claim, ranked[:shown], by_ref)


def record_claim_view(
    employment: Employment, match: ClaimMatch, *, membership: Membership, origin: Origin
) -> None:
    """The claim page shows the claimant's names and the roster entries beside them: an audited read."""
    record_event(
        "employment.view",
        actor=membership.user,
        organisation=membership.organisation,
        target_type=CASE,
        target_ref=employment.application.reference,
        origin=origin,
        detail={"claim": str(employment.public_id), "entries": [c.entry.ref for c in match.candidates]},
    )


class StaleClaim(Exception):
    """The claim was decided (or changed) since the verifier loaded it."""


def _decide(
    employment: Employment, membership: Membership, expected: str | None
) -> tuple[Employment, Application]:
    if not membership.can(Can.VERIFY_EMPLOYMENT):
        raise PermissionDenied
    locked = (
        Employment.objects.select_for_update()
        .filter(pk=employment.pk, application__organisation=membership.organisation)
        .first()
    )
    if locked is None:
        raise PermissionDenied
    if expected is not None and locked.verification != expected:
        raise StaleClaim
    application = Application.objects.select_related("organisation", "program").get(pk=locked.application_id)
    return locked, application


def confirm_claim(
    employment: Employment,
    entry_id: str,
    *,
    membership: Membership,
    expected: str | None = None,
    origin: Origin = COMMAND,
) -> Candidate:
    """Mark the claim verified against this entry of its employer's roster. The entry is scored again here,
    whatever the page showed: below the credibility threshold, or under another person's badge, it is
    refused (ValidationError), so that no claim is verified without a credible roster entry."""
    with transaction.atomic():
        locked, application = _decide(employment, membership, expected)
        entry = (
            RosterEntry.objects.filter(employer_id=locked.employer_id, public_id=entry_id).first()
            if locked.employer_id is not None
            else None
        )
        if entry is None:
            raise ValidationError(_("That entry is not on the roster of the claim's employer."))
        candidate = score(
            claim_record(locked, claimant(locked)),
            entry_record(entry),
            frequencies(entry.employer_id, [entry]),
        )
        if candidate.suspicious:
            raise ValidationError(
                _(
                    "This entry has the claimed badge number but another person's name: it cannot confirm the "
                    "claim. Ask the employer, or reject the claim."
                )
            )
        if not candidate.credible:
            raise ValidationError(
                _(
                    "This entry matches the claim with a probability of {probability}, below the {threshold} a "
                    "confirmation needs: the roster does not back the claim. Ask the employer for a better "
                    "record, or reject the claim."
                ).format(probability=f"{candidate.probability:.0%}", threshold=f"{CREDIBLE:.0%}")
            )
        locked.verification = VerificationState.VERIFIED
        locked.roster_entry = entry
        locked.verified_by = membership.user
        locked.verified_at = timezone.now()
        locked.verification_reason = ""
        locked.match_probability = round(candidate.probability, 4)
        locked.save(update_fields=_DECISION)
        record_event(
            "employment.verify",
            actor=membership.user,
            organisation=application.organisation,
            target_type=CASE,
            target_ref=application.reference,
            origin=origin,
            detail={
                "claim": str(locked.public_id),
                "entry": str(entry.public_id),
                "probability": locked.match_probability,
            },
        )
        _recheck(application)
    employment.refresh_from_db()
    return candidate


def reject_claim(
    employment: Employment,
    reason: str,
    *,
    membership: Membership,
    expected: str | None = None,
    origin: Origin = COMMAND,
) -> None:
    """Mark the claim rejected, with the verifier's reason (kept on the claim, not in the log: it may name
    people)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give a reason for rejecting the claim."))
    with transaction.atomic():
        locked, application = _decide(employment, membership, expected)
        locked.verification = VerificationState.REJECTED
        locked.roster_entry = None
        locked.verified_by = membership.user
        locked.verified_at = timezone.now()
        locked.verification_reason = reason
        locked.match_probability = None
        locked.save(update_fields=_DECISION)
        record_event(
            "employment.reject",
            actor=membership.user,
            organisation=application.organisation,
            target_type=CASE,
            target_ref=application.reference,
            origin=origin,
            detail={"claim": str(locked.public_id)},
        )
        _recheck(application)
    employment.refresh_from_db()


_DECISION = [
    "verification",
    "roster_entry",
    "verified_by",
    "verified_at",
    "verification_reason",
    "match_probability",
]


def _recheck(application: Application) -> None:
    """Verified employment counts in the priority, and the program's rules may read it."""
    rank_case(application)
    evaluate_case(application)


# -- in bulk ----------------------------------------------------------------------------------------

BATCH = 2000


@dataclass
class BulkMatch:
    """A claim's best candidate, for the bulk run's file."""

    employment_id: int
    person_ref: str
    application_ref: str
    employer: str
    best: Candidate | None


def match_claims(
    organisation: Organisation, *, progress: Callable[[int], None] | None = None
) -> Iterator[BulkMatch]:
    """Every claim of the organisation with its best candidate from its employer's roster (None when no
    entry shares a name key with it, or its employer is not one the organisation knows). Each employer's
    roster is held in memory once; claims are read in batches."""
    done = 0
    employers = {e.pk: e for e in Employer.objects.filter(organisation=organisation)}
    claims = Employment.objects.filter(application__organisation=organisation)
    for employer_id in [*sorted(employers), None]:
        index = None
        if employer_id is not None:
            entries = RosterEntry.objects.filter(employer_id=employer_id).only(*ENTRY_FIELDS).order_by("pk")
            index = RosterIndex([entry_record(e) for e in entries.iterator(chunk_size=5000)])
        last = 0
        rows = claims.filter(employer_id=employer_id).select_related("application").only(
            "id", "public_id", "person_id", "application_id", "employer_id", "employer_name", "role",
            "start", "end", "badge_number", "application__reference", "application__source_ref",
        )  # fmt: skip
        while True:
            batch = list(rows.filter(pk__gt=last).order_by("pk")[:BATCH])
            if not batch:
                break
            last = batch[-1].pk
            people = _claimants(batch)
            for employment in batch:
                person = people.get(employment.pk)
                best = None
                if index is not None and index.entries:
                    found = index.candidates(claim_record(employment, person), shown=1)
                    best = found[0] if found else None
                yield BulkMatch(
                    employment.pk,
                    (person.source_ref or str(person.public_id)) if person else "",
                    employment.application.source_ref or employment.application.reference,
                    employers[employer_id].name if employer_id is not None else employment.employer_name,
                    best,
                )
                done += 1
            if progress is not None:
                progress(done)


def _claimants(batch: list[Employment]) -> dict[int, Person]:
    fields = (*PERSON_FIELDS, "public_id", "source_ref")
    named = {
        p.pk: p
        for p in Person.objects.filter(pk__in=[e.person_id for e in batch if e.person_id]).only(*fields)
    }
    principals = {
        p.application_id: p
        for p in Person.objects.filter(
            application_id__in=[e.application_id for e in batch], relationship=Relationship.SELF
        ).only(*fields)
    }
    return {e.pk: named.get(e.person_id) or principals.get(e.application_id) for e in batch}  # type: ignore[misc]


def record_match_run(
    organisation: Organisation, counts: Counter, *, threshold: float, origin: Origin = COMMAND
) -> None:
    record_event(
        "roster.match_run",
        actor=None,
        organisation=organisation,
        target_type="organisation",
        target_ref=organisation.slug,
        origin=origin,
        detail={"threshold": threshold, **counts},
    )
