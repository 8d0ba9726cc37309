"""Reading cases: the case list's filters and search, shared by the pages and (later) the API."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from evac.accounts.models import Organisation
from evac.cases.models import Application, Employment
from evac.core import references
from evac.matching.search import query_terms

ORDERINGS = {
    "priority": ("-priority", "created_at", "id"),
    "oldest": ("created_at", "id"),
    "newest": ("-created_at", "-id"),
}


def search_cases(
    organisation: Organisation,
    *,
    q: str = "",
    status: str = "",
    program=None,
    province=None,
    role: str = "",
    sort: str = "priority",
) -> QuerySet[Application]:
    cases = Application.objects.filter(organisation=organisation)
    if status:
        cases = cases.filter(status=status)
    if program is not None:
        cases = cases.filter(program=program)
    if province is not None:
        cases = cases.filter(province=province)
    if role:
        cases = cases.filter(Exists(Employment.objects.filter(application=OuterRef("pk"), role=role)))
    q = (q or "").strip()
    if q:
        if references.is_valid(q):
            cases = cases.filter(reference=references.normalise(q))
        else:
            # Every word must appear in the family's names, as typed or by one of its spelling-folded keys
            # (evac.matching.search); a trigram index serves each LIKE on PostgreSQL.
            for alternatives in query_terms(q):
                matches = Q()
                for substrings in alternatives:
                    both = Q()
                    for substring in substrings:
                        both &= Q(search_text__contains=substring)
                    matches |= both
                cases = cases.filter(matches)
    return cases.select_related("program", "province").order_by(
        *ORDERINGS.get(sort or "priority", ORDERINGS["priority"])
    )
