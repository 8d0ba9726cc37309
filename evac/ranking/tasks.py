"""Re-ranking in the background: `evac db_worker` runs these."""

from django_tasks import task

from evac.accounts.models import Organisation
from evac.ranking.services import rank_cases, rerank_province
from evac.situation.models import Province


@task()
def rerank_province_task(code: str) -> dict:
    province = Province.objects.filter(code=code).first()
    if province is None:
        return {"skipped": True}
    return {"province": code, "cases": rerank_province(province)}


@task()
def rank_organisation(organisation_id: int) -> dict:
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return {"skipped": True}
    return {"organisation": organisation.slug, "cases": rank_cases(organisation)}
