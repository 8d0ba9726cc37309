"""Cases as the API shows them: plain dicts for the schemas in evac/api/schemas.py, built with a fixed
number of queries per case (no query per person)."""

from typing import Any

from evac.cases.models import Application
from evac.core import references
from evac.protection.fields import unreadable_fields


def summary(application: Application) -> dict[str, Any]:
    """Expects program, province and assigned_officer to be selected with the case."""
    officer = application.assigned_officer
    return {
        "reference": references.display(application.reference),
        "reference_raw": application.reference,
        "status": application.status,
        "program": application.program.slug,
        "province": application.province_id,
        "district": application.district,
        "priority": application.priority,
        "family_size": application.family_size,
        "principal_name": application.principal_name,
        "assigned_officer": officer.get_username() if officer else None,
        "created_at": application.created_at,
    }


def application(application: Application) -> dict[str, Any]:
    people = list(application.people.all())
    public_ids = {p.pk: p.public_id for p in people}
    return {
        **summary(application),
        "source": application.source,
        "province_as_written": application.province_as_written,
        "address": application.address,
        "unreadable": unreadable_fields(application),
        "review_flags": [str(flag) for flag in application.review_flags or []],
        "status_changed_at": application.status_changed_at,
        "updated_at": application.updated_at,
        "people": [
            {
                "public_id": p.public_id,
                "relationship": p.relationship,
                "given_name": p.given_name,
                "family_name": p.family_name,
                "father_name": p.father_name,
                "grandfather_name": p.grandfather_name,
                "native_name": p.native_name,
                "sex": p.sex,
                "birth_date": p.birth_date_display or None,
                "tazkira_number": p.tazkira_number,
                "passport_number": p.passport_number,
                "nationality": p.nationality,
                "phone": p.phone,
                "email": p.email,
                "medical_needs": p.medical_needs,
                "unreadable": unreadable_fields(p),
            }
            for p in people
        ],
        "employments": [
            {
                "person": public_ids.get(e.person_id),
                "employer": e.employer_name,
                "employer_known": e.employer_id is not None,
                "role": e.role,
                "role_as_written": e.role_as_written,
                "start": e.start,
                "end": e.end,
                "badge_number": e.badge_number,
                "supervisor": e.supervisor,
                "verification": e.verification,
            }
            for e in application.employments.all()
        ],
        "status_history": [
            {
                "from_status": c.from_status,
                "to_status": c.to_status,
                "reason": c.reason,
                "by": c.actor.get_username() if c.actor else None,
                "at": c.at,
            }
            for c in application.status_changes.select_related("actor")
        ],
    }
