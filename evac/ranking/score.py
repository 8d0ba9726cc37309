"""The priority score: a sum of explicit terms, each explained. Pure functions over plain facts.

The score is split in two so that a province falling re-ranks a million cases with one UPDATE:
    priority = base (role, verified employment, vulnerability, waiting) + province term
The base and its terms are stored on the case; the province term is added from the province's status
when it is computed and when the case page explains it.
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from evac.cases.models import Relationship, Sex, VerificationState


@dataclass(frozen=True)
class PersonFacts:
    relationship: str
    sex: str = ""
    birth_year: int | None = None
    medical_needs: bool = False


@dataclass(frozen=True)
class CaseFacts:
    roles: frozenset[str] = frozenset()
    verifications: frozenset[str] = frozenset()
    people: tuple[PersonFacts, ...] = ()
    received: datetime | date | None = None


@dataclass(frozen=True)
class Term:
    term: str
    points: int
    detail: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"term": self.term, "points": self.points, "detail": self.detail}


def base_terms(facts: CaseFacts, weights: dict, today: date) -> list[Term]:
    other = weights["other"]
    terms: list[Term] = []
    if facts.roles:
        role = max(sorted(facts.roles), key=lambda r: weights["role"].get(r, 0))
        terms.append(Term("role", weights["role"].get(role, 0), {"role": role}))
    if VerificationState.VERIFIED in facts.verifications:
        terms.append(Term("verified_employment", other["verified_employment"]))
    small = sum(1 for p in facts.people if p.birth_year is not None and today.year - p.birth_year < 5)
    if small:
        terms.append(
            Term(
                "children_under_5",
                min(small * other["child_under_5"], other["children_max"]),
                {"count": small},
            )
        )
    if any(p.birth_year is not None and today.year - p.birth_year > 65 for p in facts.people):
        terms.append(Term("older_person", other["older_person"]))
    if any(p.medical_needs for p in facts.people):
        terms.append(Term("medical_needs", other["medical_needs"]))
    principal = next((p for p in facts.people if p.relationship == Relationship.SELF), None)
    if principal is not None and principal.sex == Sex.FEMALE:
        terms.append(Term("woman_heads_family", other["woman_heads_family"]))
    if facts.received is not None:
        received = facts.received.date() if isinstance(facts.received, datetime) else facts.received
        weeks = max(0, (today - received).days // 7)
        if weeks:
            points = min(weeks * other["waiting_per_week"], other["waiting_max"])
            terms.append(Term("waiting", points, {"weeks": weeks}))
    return [t for t in terms if t.points]


def province_points(status: str | None, weights: dict) -> int:
    return weights["province"].get(status or "unknown", 0)


def province_term(status: str | None, province_name: str, weights: dict) -> Term:
    return Term(
        "province",
        province_points(status, weights),
        {"status": status or "unknown", "province": province_name},
    )
