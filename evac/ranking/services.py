"""Ranking cases: facts from the database into the pure score (score.py), and the score back, in batches."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from evac.accounts.models import Organisation, User
from evac.audit.services import COMMAND, Origin, record_event
from evac.cases.models import Application, Employment, Person
from evac.core import clock
from evac.ranking import score, weights
from evac.ranking.models import PriorityWeights
from evac.situation.models import Province

BATCH = 2000
# Only what the score reads: loading the whole row would decrypt the address of every case for nothing.
CASE_COLUMNS = ("id", "organisation_id", "province_id", "created_at")


def weights_for(organisation: Organisation) -> dict:
    stored = PriorityWeights.objects.filter(organisation=organisation).first()
    return weights.complete(stored.weights if stored else None)


def save_weights(
    organisation: Organisation, new: dict, *, actor: User | None, origin: Origin = COMMAND
) -> list[str]:
    """Store new weights, audited with what changed, and re-rank the organisation in the background."""
    old = weights_for(organisation)
    merged = weights.complete(new)
    changed = [
        f"{group}.{key}"
        for group, values in merged.items()
        for key, value in values.items()
        if old[group].get(key) != value
    ]
    if not changed:
        return []
    with transaction.atomic():
        PriorityWeights.objects.update_or_create(
            organisation=organisation, defaults={"weights": merged, "updated_by": actor}
        )
        record_event(
            "ranking.weights_changed",
            actor=actor,
            organisation=organisation,
            origin=origin,
            detail={"changed": {name: [_get(old, name), _get(merged, name)] for name in changed}},
        )
        from evac.ranking.tasks import rank_organisation

        transaction.on_commit(lambda: rank_organisation.enqueue(organisation.pk))
    return changed


def _get(table: dict, dotted: str) -> int:
    group, key = dotted.split(".", 1)
    return table[group][key]


def _facts(case_ids: list[int]) -> dict[int, score.CaseFacts]:
    people: dict[int, list[score.PersonFacts]] = defaultdict(list)
    for app_id, relationship, sex, birth_year, medical in Person.objects.filter(
        application_id__in=case_ids
    ).values_list("application_id", "relationship", "sex", "birth_year", "medical_needs"):
        people[app_id].append(score.PersonFacts(relationship, sex, birth_year, bool(medical.strip())))
    roles: dict[int, set[str]] = defaultdict(set)
    verifications: dict[int, set[str]] = defaultdict(set)
    for app_id, role, verification in Employment.objects.filter(application_id__in=case_ids).values_list(
        "application_id", "role", "verification"
    ):
        roles[app_id].add(role)
        verifications[app_id].add(verification)
    return {
        pk: score.CaseFacts(
            roles=frozenset(roles[pk]), verifications=frozenset(verifications[pk]), people=tuple(people[pk])
        )
        for pk in case_ids
    }


def _rank_batch(cases: list[Application], table: dict, statuses: dict[str, str], today) -> None:
    facts = _facts([c.pk for c in cases])
    for case in cases:
        received = timezone.localtime(case.created_at).date()
        terms = score.base_terms(replace(facts[case.pk], received=received), table, today)
        case.priority_base = sum(t.points for t in terms)
        case.priority_explanation = [t.as_json() for t in terms]
        case.priority = case.priority_base + score.province_points(statuses.get(case.province_id), table)
    Application.objects.bulk_update(cases, ["priority", "priority_base", "priority_explanation"])


def rank_cases(organisation: Organisation, cases: Iterable[int] | None = None, *, progress=None) -> int:
    """Compute the priority of the organisation's cases (all of them, or those with the given ids)."""
    table = weights_for(organisation)
    statuses = dict(Province.objects.values_list("code", "status"))
    today = clock.today()
    rows = Application.objects.filter(organisation=organisation).only(*CASE_COLUMNS)
    if cases is not None:
        rows = rows.filter(pk__in=list(cases))
    done, last = 0, 0
    while True:
        batch = list(rows.filter(pk__gt=last).order_by("pk")[:BATCH])
        if not batch:
            return done
        last = batch[-1].pk
        with transaction.atomic():
            _rank_batch(batch, table, statuses, today)
        done += len(batch)
        if progress is not None:
            progress(done)


def rank_case(application: Application) -> None:
    rank_cases(application.organisation, [application.pk])
    application.refresh_from_db(fields=["priority", "priority_base", "priority_explanation"])


def rerank_province(province: Province) -> int:
    """After a province's status changed: every case there, in every organisation, in one UPDATE each.
    The base part of the score does not depend on the province, so only the sum is rewritten."""
    province.refresh_from_db(fields=["status"])
    updated = 0
    organisation_ids = Application.objects.filter(province=province).values("organisation_id").distinct()
    for organisation in Organisation.objects.filter(pk__in=organisation_ids):
        points = score.province_points(province.status, weights_for(organisation))
        updated += Application.objects.filter(organisation=organisation, province=province).update(
            priority=F("priority_base") + points
        )
    return updated


def explanation(application: Application, organisation: Organisation) -> list[score.Term]:
    """The terms of a case's priority, the province's as it stands now: they add up to the priority."""
    terms = [
        score.Term(t["term"], t["points"], t.get("detail", {})) for t in application.priority_explanation
    ]
    province = application.province
    terms.append(
        score.province_term(
            province.status if province else None,
            province.name if province else "",
            weights_for(organisation),
        )
    )
    return terms
