"""Boarding passes: issuing one per person of a placed family, the identity summary a pass shows, its
signed token and QR code. Checking them at the gate is evac/flights/gate.py."""

import re
import secrets
import unicodedata
from dataclasses import dataclass

import segno
from django.db import transaction
from django.db.models import Q

from evac.accounts.models import User
from evac.audit.services import COMMAND, Origin, record_event
from evac.cases.models import Application, Person
from evac.flights import signing, tokens
from evac.flights.models import BoardingPass, Flight, FlightStatus, Placement

BOARDING_PASS = "boarding_pass"  # noqa: S105 - the audit target type, not a password
# Passes are issued, and scanned, only before the aircraft leaves.
OPEN_STATUSES = (FlightStatus.PLANNED, FlightStatus.BOARDING)
LIVE = ~Q(state=BoardingPass.State.VOID)
# A pass not yet used: a re-issue or a move of the family voids it. A boarded pass is history.
UNUSED = (BoardingPass.State.ISSUED, BoardingPass.State.REFUSED)


class NotPlaced(Exception):
    """The family is not placed on this flight: it gets no pass for it."""


class FlightClosed(Exception):
    """The flight has left (or was cancelled): no pass is issued for it, none is scanned."""


@dataclass(frozen=True)
class Identity:
    """What a pass says about its holder: enough to compare with the person at the gate, nothing more."""

    name: str
    native_name: str
    birth_year: int | None
    document: str  # "P123" (passport ending 123), "T123" (tazkira), or ""

    @classmethod
    def of(cls, person: Person) -> "Identity":
        native = person.native_name if person.native_name != person.full_name else ""
        return cls(person.full_name, native, person.birth_year, document_digits(person))


def _ascii_digits(text: str) -> str:
    # Tazkira numbers are often written in Eastern Arabic-Indic digits.
    return "".join(str(unicodedata.digit(ch)) for ch in text if ch.isdigit())


def document_digits(person: Person) -> str:
    """The last three digits of the passport number, or else of the tazkira number, after a letter that
    says which: the agent asks for that document and reads its end."""
    for kind, number in (("P", person.passport_number), ("T", person.tazkira_number)):
        digits = _ascii_digits(re.sub(r"\s", "", str(number or "")))
        if digits:
            return kind + digits[-3:]
    return ""


def new_nonce() -> str:
    return secrets.token_hex(tokens.NONCE_BYTES)


def issue_passes(
    application: Application,
    flight: Flight,
    *,
    actor: User | None,
    origin: Origin = COMMAND,
    reissue: bool = False,
) -> list[BoardingPass]:
    """One live pass per person of the family for the flight it is placed on; returns them.

    Passes already issued are kept (issuing twice changes nothing) unless `reissue`, which voids each
    unused one and issues a new pass with a new nonce and reference: the old QR code stops working (a
    phone lost, a pass photographed by someone else). A boarded pass is never replaced. The family's
    unused passes for any other flight are voided: a family holds passes for one flight.
    """
    if flight.organisation_id != application.organisation_id:
        raise NotPlaced("the flight is another organisation's")
    if flight.status not in OPEN_STATUSES:
        raise FlightClosed(flight.status)
    with transaction.atomic():
        # Serialises two issues for the same family (a doubled click), which would otherwise both create.
        Application.objects.select_for_update().filter(pk=application.pk).first()
        placement = Placement.objects.filter(application=application).first()
        if placement is None or placement.flight_id != flight.pk:
            raise NotPlaced("the family is not placed on this flight")
        signing.key_record(flight)
        family = BoardingPass.objects.filter(person__application=application)
        elsewhere = list(
            family.filter(state__in=UNUSED).exclude(flight=flight).values_list("reference", flat=True)
        )
        family.filter(state__in=UNUSED).exclude(flight=flight).update(state=BoardingPass.State.VOID)
        live = {bp.person_id: bp for bp in family.filter(LIVE, flight=flight)}
        passes, issued, replaced = [], [], []
        for person in application.people.all():
            current = live.get(person.pk)
            if current is not None and (current.state == BoardingPass.State.BOARDED or not reissue):
                passes.append(current)
                continue
            if current is not None:
                current.state = BoardingPass.State.VOID
                current.save(update_fields=["state"])
                replaced.append(current.reference)
            new = BoardingPass.objects.create(flight=flight, person=person, nonce=new_nonce())
            issued.append(new.reference)
            passes.append(new)
        if issued or elsewhere:
            record_event(
                "boarding_pass.issue",
                actor=actor,
                organisation=application.organisation,
                target_type="application",
                target_ref=application.reference,
                origin=origin,
                detail={
                    "flight": str(flight.public_id),
                    "issued": issued,
                    "replaced": replaced,
                    "voided_elsewhere": elsewhere,
                },
            )
    return passes


def void_passes(
    application: Application, *, actor: User | None, origin: Origin = COMMAND, reason: str
) -> int:
    """Void the family's unused passes (taken off its flight, withdrawn); returns how many."""
    with transaction.atomic():
        unused = BoardingPass.objects.filter(person__application=application, state__in=UNUSED)
        references = list(unused.values_list("reference", flat=True))
        if not references:
            return 0
        unused.update(state=BoardingPass.State.VOID)
        record_event(
            "boarding_pass.void",
            actor=actor,
            organisation=application.organisation,
            target_type="application",
            target_ref=application.reference,
            origin=origin,
            detail={"voided": references, "reason": reason},
        )
    return len(references)


def claims_for(boarding_pass: BoardingPass, identity: Identity | None = None) -> tokens.Claims:
    identity = identity or Identity.of(boarding_pass.person)
    return tokens.Claims(
        pass_id=boarding_pass.public_id,
        flight_id=boarding_pass.flight.public_id,
        nonce=boarding_pass.nonce,
        name=identity.name,
        birth_year=identity.birth_year,
        document_digits=identity.document,
    )


def token_for(boarding_pass: BoardingPass, key=None) -> str:
    """The signed token of a pass, made when shown (Ed25519 signs deterministically: the same pass gives
    the same token every time, until it is re-issued or its holder's details change)."""
    key = key or signing.private_key(boarding_pass.flight)
    return tokens.sign(claims_for(boarding_pass), key)


def qr_svg(token: str, title: str = "") -> str:
    """The QR code as inline SVG, drawn on the server: the pass page runs no script."""
    return segno.make(token, error="m").svg_inline(border=4, title=title or None, omitsize=True)


def family_passes(application: Application) -> list[BoardingPass]:
    """The family's live passes for flights not yet gone, in the family's order, with flight and person."""
    return list(
        BoardingPass.objects.filter(LIVE, person__application=application, flight__status__in=OPEN_STATUSES)
        .select_related("flight", "person")
        .order_by("flight__departs_at", "person__position", "person__id")
    )
