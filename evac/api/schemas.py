"""What the API accepts and returns. Limits mirror the models' max_length, so that anything valid here
fits the database, and text that no database can store (NUL, lone surrogates) is refused up front."""

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils import timezone
from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict, StringConstraints, ValidationInfo, field_validator

from evac.cases.models import EmploymentRole, Relationship, Sex
from evac.cases.workflow import Status
from evac.core.dates import DateError, parse_partial_date

# Far beyond any real list, small enough that no database integer overflows.
MAX_OFFSET = 10_000_000


def _storable(value: str) -> str:
    # PostgreSQL refuses NUL in text, and a lone surrogate (valid in JSON's \ud800) cannot be encoded.
    if "\x00" in value or any("\ud800" <= ch <= "\udfff" for ch in value):
        raise ValueError("Contains characters that cannot be stored (NUL or an unpaired surrogate).")
    return value


# Named like a type, since it reads as one in the schemas below.
def Text(max_length: int, min_length: int = 0):
    return Annotated[
        str,
        StringConstraints(strip_whitespace=True, max_length=max_length, min_length=min_length),
        AfterValidator(_storable),
    ]


Slug = Annotated[str, StringConstraints(max_length=50, pattern=r"^[-a-zA-Z0-9_]+$")]
ProvinceCode = Annotated[
    str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z]{2}-[A-Za-z]{2,3}$")
]


class PersonIn(Schema):
    relationship: Relationship
    given_name: Text(100) = ""
    family_name: Text(100) = ""
    father_name: Text(100) = ""
    grandfather_name: Text(100) = ""
    # Checked last: by then we know whether a Latin name was given.
    native_name: Text(200) = Field("", validate_default=True)
    sex: Sex | None = None
    birth_date: Text(20) = Field(
        "", description="1987, 1987-05, 1987-05-03, 03/05/1987, or Solar Hijri 1365/05/12."
    )
    tazkira_number: Text(40) = ""
    passport_number: Text(40) = ""
    nationality: Text(40) = ""
    phone: Text(40) = ""
    email: Text(254) = ""
    medical_needs: Text(2000) = ""

    @field_validator("native_name")
    @classmethod
    def _has_a_name(cls, value: str, info: ValidationInfo) -> str:
        # Absent from info.data means given_name failed on its own; that error is enough.
        if "given_name" in info.data and not info.data["given_name"] and not value:
            raise ValueError(
                "Give a name: given_name in Latin letters, native_name in Perso-Arabic script, or both."
            )
        return value

    @field_validator("birth_date")
    @classmethod
    def _readable_date(cls, value: str) -> str:
        try:
            parse_partial_date(value)
        except (DateError, ValueError) as error:
            raise ValueError(f"This date cannot be read or cannot be right: {error}") from None
        return value

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if value:
            try:
                validate_email(value)
            except DjangoValidationError:
                raise ValueError("Not an email address.") from None
        return value


class EmploymentIn(Schema):
    employer: Text(200) = Field("", description="As written; matched to the organisation's employers.")
    role: EmploymentRole
    start: date | None = None
    end: date | None = None
    badge_number: Text(40) = Field(
        "",
        description="The badge or staff number the applicant gives; checked against the employer's roster.",
    )
    supervisor: Text(200) = ""

    @field_validator("start")
    @classmethod
    def _not_in_future(cls, value: date | None) -> date | None:
        if value is not None and value > timezone.localdate():
            raise ValueError("The start is in the future.")
        return value

    @field_validator("end")
    @classmethod
    def _after_start(cls, value: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("start")
        if value is not None and start is not None and value < start:
            raise ValueError("The end comes before the start.")
        return value


class ApplicationIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "program": "canada-special-measures",
                    "province": "AF-KAN",
                    "district": "Dand",
                    "people": [
                        {
                            "relationship": "self",
                            "given_name": "Mohammad Wali",
                            "family_name": "Ahmadzai",
                            "father_name": "Gul Ahmad",
                            "native_name": "محمد ولی احمدزی",
                            "sex": "M",
                            "birth_date": "1365",
                        },
                        {"relationship": "spouse", "given_name": "Fatima", "sex": "F", "birth_date": "1990"},
                    ],
                    "employments": [
                        {
                            "employer": "Canadian Armed Forces",
                            "role": "interpreter",
                            "start": "2008-03-01",
                            "badge_number": "CAF-004211",
                        }
                    ],
                }
            ]
        }
    )

    program: Slug = Field(description="The program's slug in this organisation.")
    province: ProvinceCode | None = Field(None, description="ISO 3166-2:AF code, e.g. AF-KAN.")
    district: Text(100) = ""
    address: Text(300) = Field("", description="Where the family is staying now. Encrypted at rest.")
    people: list[PersonIn] = Field(min_length=1, max_length=60)
    employments: list[EmploymentIn] = Field(default_factory=list, max_length=20)

    @field_validator("people")
    @classmethod
    def _one_principal(cls, people: list[PersonIn]) -> list[PersonIn]:
        principals = sum(1 for p in people if p.relationship == Relationship.SELF)
        if principals != 1:
            raise ValueError(
                f'A family needs exactly one principal applicant (relationship "self"); found {principals}.'
            )
        return people


class StatusChangeIn(Schema):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"status": "in_review", "reason": "Picked up for review", "expected_status": "received"}
            ]
        }
    )

    status: Status
    reason: Text(2000, min_length=1)
    expected_status: Status | None = Field(
        None, description="The status you saw. If the case has moved since, nothing changes and you get 409."
    )


class AssignIn(Schema):
    model_config = ConfigDict(json_schema_extra={"examples": [{"officer": "officer"}]})

    officer: Text(150) | None = Field(description="A case officer's username, or null to unassign.")


class ApplicationFilters(Schema):
    """The case list's filters (evac.cases.queries.search_cases), and paging by limit/offset or page.
    Searching by name is searchApplications (POST): a name must not travel in a URL, where access logs
    and proxies keep it."""

    status: Status | None = None
    program: Slug | None = Field(None, description="A program's slug.")
    province: ProvinceCode | None = Field(None, description="ISO 3166-2:AF code, e.g. AF-KAN.")
    role: EmploymentRole | None = None
    sort: Literal["priority", "oldest", "newest"] = "priority"
    limit: int = Field(50, ge=1, le=200)
    offset: int | None = Field(None, ge=0, le=MAX_OFFSET)
    page: int | None = Field(None, ge=1, le=MAX_OFFSET, description="1-based; instead of offset.")


class ApplicationSearch(ApplicationFilters):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"q": "Ahmadzai", "status": "received", "limit": 20}]}
    )

    q: Text(100) = Field(min_length=1, description="Words of a name in any script, or a reference.")


class PersonOut(Schema):
    public_id: uuid.UUID
    relationship: str
    given_name: str
    family_name: str
    father_name: str
    grandfather_name: str
    native_name: str
    sex: str
    birth_date: str | None = Field(description="At the precision known: 1987, 1987-05 or 1987-05-03.")
    tazkira_number: str
    passport_number: str
    nationality: str
    phone: str
    email: str
    medical_needs: str
    unreadable: list[str] = Field(
        default_factory=list,
        description="Protected fields whose organisation's data key was destroyed: their values are gone.",
    )


class EmploymentOut(Schema):
    person: uuid.UUID | None
    employer: str
    employer_known: bool = Field(description="Whether the employer matched one of the organisation's.")
    role: str
    role_as_written: str
    start: date | None
    end: date | None
    badge_number: str
    supervisor: str
    verification: str = Field(description="unverified, verified (against a roster entry) or rejected.")


class StatusChangeOut(Schema):
    from_status: str
    to_status: str
    reason: str
    by: str | None
    at: datetime


class ApplicationSummary(Schema):
    reference: str = Field(description="For people: K7M-4QX-9P2.")
    reference_raw: str = Field(description="As stored: K7M4QX9P2.")
    status: Status
    program: str
    province: str | None
    district: str
    priority: int
    family_size: int
    principal_name: str
    assigned_officer: str | None
    created_at: datetime


class ApplicationOut(ApplicationSummary):
    source: str
    province_as_written: str
    address: str
    unreadable: list[str] = Field(
        default_factory=list,
        description="Protected fields whose organisation's data key was destroyed: their values are gone.",
    )
    review_flags: list[str]
    status_changed_at: datetime
    updated_at: datetime
    people: list[PersonOut]
    employments: list[EmploymentOut]
    status_history: list[StatusChangeOut]


class ApplicationPage(Schema):
    items: list[ApplicationSummary]
    total: int = Field(description="Matches counted, up to 10,000.")
    total_exact: bool = Field(description="False when there are more matches than total.")
    limit: int
    offset: int


class StatusChangeResult(Schema):
    reference: str
    from_status: str
    status: Status
    reason: str
    at: datetime


class AssignResult(Schema):
    reference: str
    assigned_officer: str | None
