"""Eligibility as a checklist: each of a program's rules, met or not or not yet known, and why.

Pure functions over plain facts, so that a million cases are checked without a query per case, and so
that the case page, the background re-evaluation and the tests all read the same answer.
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evac.cases.models import EmploymentRole, Relationship

# The rules in the order the checklist shows them.
RULES = ("employer", "role", "service_window", "months", "nationality", "family", "cap")
RULE_LABELS = {
    "employer": gettext_lazy("Worked for an employer the program covers"),
    "role": gettext_lazy("In a role the program covers"),
    "service_window": gettext_lazy("Within the program's service window"),
    "months": gettext_lazy("Long enough in service"),
    "nationality": gettext_lazy("Citizenship or residence"),
    "family": gettext_lazy("Everyone in the family is covered"),
    "cap": gettext_lazy("The program has room"),
}


@dataclass(frozen=True)
class Claim:
    employer_id: int | None
    employer_name: str
    role: str
    start: date | None
    end: date | None


@dataclass(frozen=True)
class Member:
    relationship: str
    birth_year: int | None


@dataclass(frozen=True)
class Facts:
    claims: tuple[Claim, ...] = ()
    members: tuple[Member, ...] = ()
    nationality: str = ""
    people_taken: int = 0  # by the program's other approved cases, for the cap
    already_counted: bool = False  # this case is itself among them


@dataclass(frozen=True)
class Rules:
    employer_ids: frozenset[int] = frozenset()  # empty: any of the organisation's employers
    employer_names: dict[int, str] = field(default_factory=dict)
    roles: frozenset[str] = frozenset()  # empty: any role
    min_months: int | None = None
    window_start: date | None = None
    window_end: date | None = None
    nationalities: frozenset[str] = frozenset()  # casefolded; empty: no requirement
    family: frozenset[str] = frozenset({Relationship.SELF, Relationship.SPOUSE, Relationship.CHILD})
    max_child_age: int | None = None
    people_cap: int | None = None


@dataclass(frozen=True)
class Result:
    rule: str
    met: bool | None  # None: cannot be told yet (a date or an employer missing)
    why: str

    def as_json(self) -> dict:
        return {"rule": self.rule, "met": self.met, "why": self.why}


def _months(start: date, end: date) -> int:
    return max(0, (end.year - start.year) * 12 + end.month - start.month)


def _covered(claim: Claim, rules: Rules) -> bool:
    employer_ok = not rules.employer_ids or claim.employer_id in rules.employer_ids
    role_ok = not rules.roles or claim.role in rules.roles
    return employer_ok and role_ok


def check_employer(facts: Facts, rules: Rules) -> Result:
    if not facts.claims:
        return Result("employer", False, _("No employment is claimed."))
    if not rules.employer_ids:
        known = [c for c in facts.claims if c.employer_id is not None]
        if known:
            return Result(
                "employer",
                True,
                _("Any of the organisation's employers: %(name)s.") % {"name": known[0].employer_name},
            )
        return Result(
            "employer",
            None,
            _("The employer as written (%(name)s) is not one the organisation knows: check it.")
            % {"name": facts.claims[0].employer_name},
        )
    covered = [c for c in facts.claims if c.employer_id in rules.employer_ids]
    if covered:
        return Result("employer", True, covered[0].employer_name)
    if any(c.employer_id is None for c in facts.claims):
        unknown = next(c for c in facts.claims if c.employer_id is None)
        return Result(
            "employer",
            None,
            _("The employer as written (%(name)s) is not recognised: check it.")
            % {"name": unknown.employer_name},
        )
    names = ", ".join(sorted({c.employer_name for c in facts.claims}))
    return Result("employer", False, _("%(names)s: not an employer of this program.") % {"names": names})


def check_role(facts: Facts, rules: Rules) -> Result:
    labels = dict(EmploymentRole.choices)
    if not facts.claims:
        return Result("role", False, _("No employment is claimed."))
    if not rules.roles:
        return Result("role", True, _("Any role."))
    for claim in facts.claims:
        if claim.role in rules.roles:
            return Result("role", True, str(labels.get(claim.role, claim.role)))
    roles = ", ".join(sorted({str(labels.get(c.role, c.role)) for c in facts.claims}))
    return Result("role", False, _("%(roles)s: not a role of this program.") % {"roles": roles})


def _clipped(claim: Claim, rules: Rules, today: date) -> tuple[date, date] | None:
    if claim.start is None:
        return None
    start, end = claim.start, claim.end or today
    if rules.window_start and start < rules.window_start:
        start = rules.window_start
    if rules.window_end and end > rules.window_end:
        end = rules.window_end
    return (start, end) if start <= end else (start, start)


def check_window(facts: Facts, rules: Rules, today: date) -> Result:
    if rules.window_start is None and rules.window_end is None:
        return Result("service_window", True, _("The program sets no window."))
    covered = [c for c in facts.claims if _covered(c, rules)]
    dated = [c for c in covered if c.start is not None]
    if not dated:
        return Result("service_window", None, _("No start date is known for the employment."))
    for claim in dated:
        end = claim.end or today
        after_start = rules.window_start is None or end >= rules.window_start
        before_end = rules.window_end is None or claim.start <= rules.window_end
        if after_start and before_end:
            return Result(
                "service_window",
                True,
                _("Served from %(start)s to %(end)s.")
                % {"start": claim.start.isoformat(), "end": claim.end.isoformat() if claim.end else _("now")},
            )
    return Result("service_window", False, _("No service falls within the window."))


def check_months(facts: Facts, rules: Rules, today: date) -> Result:
    if not rules.min_months:
        return Result("months", True, _("The program sets no minimum."))
    covered = [c for c in facts.claims if _covered(c, rules)]
    spans = [_clipped(c, rules, today) for c in covered]
    total = sum(_months(*span) for span in spans if span is not None)
    if total >= rules.min_months:
        return Result(
            "months", True, _("%(n)s months (at least %(min)s).") % {"n": total, "min": rules.min_months}
        )
    if any(span is None for span in spans) or not covered:
        if not covered:
            return Result("months", False, _("No service the program covers."))
        return Result("months", None, _("%(n)s months known; a start date is missing.") % {"n": total})
    return Result(
        "months",
        False,
        _("%(n)s months: the program asks for %(min)s.") % {"n": total, "min": rules.min_months},
    )


def check_nationality(facts: Facts, rules: Rules) -> Result:
    if not rules.nationalities:
        return Result("nationality", True, _("The program sets no requirement."))
    if not facts.nationality.strip():
        return Result("nationality", None, _("The principal applicant's nationality is not known."))
    if facts.nationality.strip().casefold() in rules.nationalities:
        return Result("nationality", True, facts.nationality)
    return Result(
        "nationality",
        False,
        _("%(nationality)s is not among those the program covers.") % {"nationality": facts.nationality},
    )


def check_family(facts: Facts, rules: Rules, today: date) -> Result:
    labels = dict(Relationship.choices)
    outside = []
    for member in facts.members:
        if member.relationship not in rules.family:
            outside.append(str(labels.get(member.relationship, member.relationship)).lower())
        elif (
            member.relationship == Relationship.CHILD
            and rules.max_child_age is not None
            and member.birth_year is not None
            and today.year - member.birth_year > rules.max_child_age
        ):
            outside.append(
                _("a child aged about %(age)s (limit %(limit)s)")
                % {"age": today.year - member.birth_year, "limit": rules.max_child_age}
            )
    if outside:
        return Result("family", False, _("Not covered: %(who)s.") % {"who": ", ".join(outside)})
    return Result("family", True, _("%(n)s people, all covered.") % {"n": len(facts.members)})


def check_cap(facts: Facts, rules: Rules) -> Result:
    if rules.people_cap is None:
        return Result("cap", True, _("The program sets no cap."))
    size = len(facts.members)
    taken = facts.people_taken - (size if facts.already_counted else 0)
    if taken + size <= rules.people_cap:
        return Result(
            "cap",
            True,
            _("%(taken)s of %(cap)s places taken; this family needs %(size)s.")
            % {"taken": taken, "cap": rules.people_cap, "size": size},
        )
    return Result(
        "cap",
        False,
        _("%(taken)s of %(cap)s places taken; this family needs %(size)s.")
        % {"taken": taken, "cap": rules.people_cap, "size": size},
    )


def evaluate(facts: Facts, rules: Rules, today: date) -> list[Result]:
    return [
        check_employer(facts, rules),
        check_role(facts, rules),
        check_window(facts, rules, today),
        check_months(facts, rules, today),
        check_nationality(facts, rules),
        check_family(facts, rules, today),
        check_cap(facts, rules),
    ]


def overall(results: list[Result], overrides: dict[str, bool]) -> bool | None:
    """Eligible when every rule is met (or overridden as met); not when any is not; else not yet known."""
    values = [overrides.get(r.rule, r.met) for r in results]
    if any(v is False for v in values):
        return False
    if all(v is True for v in values):
        return True
    return None
