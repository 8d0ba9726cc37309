"""Reading cases: the case list's filters and search, shared by the pages and (later) the API."""

import re

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import QueryDict

from evac.accounts.models import Organisation
from evac.cases.forms import CaseFilterForm
from evac.cases.models import Application, Employment, Person
from evac.core import references
from evac.matching.search import query_terms
from evac.protection.fields import index_lookup

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
        elif (holders := _holders_of(organisation, q)) is not None:
            cases = cases.filter(pk__in=holders)
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


def _holders_of(organisation: Organisation, q: str) -> QuerySet | None:
    """The cases of people whose email, phone or document number is q, found by blind index (the columns
    are encrypted). None when q looks like a name rather than one of those."""
    if "@" in q:
        lookups = [index_lookup(Person, "email", organisation.pk, q)]
    elif len(re.findall(r"\d", q)) >= 5:
        lookups = [
            index_lookup(Person, name, organisation.pk, q)
            for name in ("phone", "tazkira_number", "passport_number")
        ]
    else:
        return None
    matches = Q()
    for lookup in lookups:
        matches |= Q(**lookup)
    return Person.objects.filter(matches, application__organisation=organisation).values("application_id")


def filter_cases(organisation: Organisation, data: QueryDict) -> tuple[CaseFilterForm, QuerySet[Application]]:
    """The case list's filter form applied to what was posted or linked. The list page and the exports both
    call this, so that an export holds exactly the cases the list showed. An invalid filter is ignored here
    (the list shows everything); a caller that must not widen the selection checks form.is_valid()."""
    form = CaseFilterForm(data or None, organisation=organisation)
    filters = form.cleaned_data if form.is_valid() else {}
    return form, search_cases(organisation, **{k: v for k, v in filters.items() if v})
