"""Check-in at the gate: find a pass from its QR code's token or its typed reference, show who it is and
their family, and board or refuse them, once.

Every scan goes through apply_scan, online at once or offline at the next sync, and is kept as a GateScan
with its outcome. Exactly one scan boards a pass: the boarding is a conditional update (state still
issued, nonce still the token's), so two agents scanning the same pass at the same moment, or two gates
that boarded it offline, produce one boarding and one conflict, reported to the agent and kept.
"""

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from evac.accounts.models import User
from evac.audit.services import Origin, record_event
from evac.cases.models import Relationship
from evac.core import references
from evac.flights import signing, tokens
from evac.flights.models import BoardingPass, Flight, GateScan
from evac.flights.passes import BOARDING_PASS, LIVE, OPEN_STATUSES, Identity

Outcome = GateScan.Outcome
State = BoardingPass.State
MAX_TOKEN = 600
MAX_REASON = 500
MAX_GATE = 40
# A device's clock may run a little fast; a scan "from the future" beyond this is recorded at receipt.
CLOCK_SLACK = timedelta(minutes=5)
MAX_SYNC = 2000


class ScanProblem(Exception):
    """The scan does not lead to a pass that can be boarded: why, and the pass when there is one."""

    def __init__(self, outcome: str, boarding_pass: BoardingPass | None = None, **detail):
        super().__init__(outcome)
        self.outcome = outcome
        self.boarding_pass = boarding_pass
        self.detail = detail


class BadScan(ValueError):
    """A request the gate's page would never send: missing or malformed fields (answered with 400)."""


@dataclass
class ScanInput:
    client_id: uuid.UUID
    action: str
    token: str = ""
    reference: str = ""
    pass_id: uuid.UUID | None = None
    reason: str = ""
    gate: str = ""
    scanned_at: datetime | None = None
    # Board a pass that was refused earlier: the agent saw the refusal on screen and boards anyway (the
    # real holder may come after someone who showed a copy).
    override: bool = False
    extra: dict = field(default_factory=dict)

    @classmethod
    def parse(cls, data: object) -> "ScanInput":
        if not isinstance(data, dict):
            raise BadScan("a scan is a JSON object")
        try:
            client_id = uuid.UUID(str(data.get("client_id", "")))
        except ValueError as error:
            raise BadScan("client_id must be a UUID") from error
        action = data.get("action")
        if action not in GateScan.Action.values:
            raise BadScan("action must be board or refuse")
        text = {k: data.get(k) or "" for k in ("token", "reference", "reason", "gate")}
        if not all(isinstance(v, str) for v in text.values()):
            raise BadScan("token, reference, reason and gate are text")
        if len(text["token"]) > MAX_TOKEN or len(text["reference"]) > 20:
            raise BadScan("token or reference too long")
        if len(text["reason"]) > MAX_REASON or len(text["gate"]) > MAX_GATE:
            raise BadScan("reason or gate too long")
        if action == GateScan.Action.REFUSE and not text["reason"].strip():
            raise BadScan("a refusal needs a reason")
        pass_id = None
        if data.get("pass_id"):
            try:
                pass_id = uuid.UUID(str(data["pass_id"]))
            except ValueError as error:
                raise BadScan("pass_id must be a UUID") from error
        if not (text["token"] or text["reference"] or pass_id):
            raise BadScan("a scan names its pass by token, reference or pass_id")
        scanned_at = None
        if data.get("scanned_at"):
            scanned_at = parse_datetime(str(data["scanned_at"]))
            if scanned_at is None or timezone.is_naive(scanned_at):
                raise BadScan("scanned_at must be an ISO 8601 time with its offset")
        return cls(
            client_id=client_id,
            action=action,
            token=text["token"].strip(),
            reference=text["reference"].strip(),
            pass_id=pass_id,
            reason=text["reason"].strip(),
            gate=text["gate"].strip(),
            scanned_at=scanned_at,
            override=bool(data.get("override")),
        )


def _passes(flight: Flight):
    return BoardingPass.objects.filter(flight=flight).select_related(
        "person", "person__application", "scanned_by"
    )


def _other_flight_problem(flight: Flight, claims: tokens.Claims, token: str) -> ScanProblem:
    other = Flight.objects.filter(organisation_id=flight.organisation_id, public_id=claims.flight_id).first()
    key = signing.public_key(other) if other is not None else None
    if key is None:
        return ScanProblem(Outcome.FORGED)
    try:
        tokens.verify(token, key)
    except tokens.TokenError:
        return ScanProblem(Outcome.FORGED)
    return ScanProblem(Outcome.OTHER_FLIGHT, call_sign=other.call_sign, departs_at=other.departs_at)


def locate(flight: Flight, *, token: str = "", reference: str = "", pass_id=None) -> BoardingPass:
    """The pass a scan names, checked: a token's signature and nonce, then the pass's state. Raises
    ScanProblem for anything that must not board (a forged, altered, replaced, void or foreign pass)."""
    if token:
        try:
            claims = tokens.read(token)
        except tokens.TokenError as error:
            raise ScanProblem(Outcome.FORGED) from error
        if claims.flight_id != flight.public_id:
            raise _other_flight_problem(flight, claims, token)
        key = signing.public_key(flight)
        try:
            if key is None:
                raise tokens.BadSignature("the flight has no key: it never issued a pass")
            tokens.verify(token, key)
        except tokens.TokenError as error:
            raise ScanProblem(Outcome.FORGED) from error
        boarding_pass = _passes(flight).filter(public_id=claims.pass_id).first()
        if boarding_pass is None:
            raise ScanProblem(Outcome.UNKNOWN)
        if boarding_pass.nonce != claims.nonce:
            raise ScanProblem(Outcome.REPLACED, boarding_pass)
    elif pass_id:
        boarding_pass = _passes(flight).filter(public_id=pass_id).first()
    else:
        wanted = references.normalise(reference)
        boarding_pass = _passes(flight).filter(reference=wanted).first()
        if boarding_pass is None and references.is_valid(wanted):
            other = (
                BoardingPass.objects.filter(
                    LIVE, reference=wanted, flight__organisation_id=flight.organisation_id
                )
                .select_related("flight")
                .first()
            )
            if other is not None:
                raise ScanProblem(
                    Outcome.OTHER_FLIGHT, call_sign=other.flight.call_sign, departs_at=other.flight.departs_at
                )
    if boarding_pass is None:
        raise ScanProblem(Outcome.UNKNOWN)
    if boarding_pass.state == State.VOID:
        newer = _passes(flight).filter(LIVE, person_id=boarding_pass.person_id).exists()
        raise ScanProblem(Outcome.REPLACED if newer else Outcome.VOID, boarding_pass)
    return boarding_pass


# What the agent sees


def _when(moment: datetime | None) -> str:
    return date_format(timezone.localtime(moment), "H:i") if moment else ""


def describe(boarding_pass: BoardingPass) -> dict:
    """A pass as the gate's page shows it: the holder's identity summary and where the pass stands."""
    person = boarding_pass.person
    identity = Identity.of(person)
    return {
        "id": str(boarding_pass.public_id),
        "reference": references.display(boarding_pass.reference),
        "name": identity.name,
        "native_name": identity.native_name,
        "birth_year": identity.birth_year,
        "document": identity.document,
        "relationship": Relationship(person.relationship).label if person.relationship else "",
        "state": boarding_pass.state,
        "state_label": State(boarding_pass.state).label,
        "gate": boarding_pass.gate,
        "at": _when(boarding_pass.scanned_at),
        "by": boarding_pass.scanned_by.get_username() if boarding_pass.scanned_by else "",
        "refusal_reason": boarding_pass.refusal_reason if boarding_pass.state == State.REFUSED else "",
    }


def family(boarding_pass: BoardingPass, flight: Flight) -> list[dict]:
    """The holder's family on this flight, each member with the state of their pass."""
    members = _passes(flight).filter(LIVE, person__application_id=boarding_pass.person.application_id)
    return [describe(bp) for bp in members.order_by("person__position", "person__id")]


def problem_message(problem: ScanProblem) -> str:
    messages = {
        Outcome.FORGED: _("Not a valid pass: its signature does not match. Do not board on this code."),
        Outcome.UNKNOWN: _("No pass with this reference on this flight."),
        Outcome.VOID: _("This pass was cancelled: the family is no longer on this flight."),
        Outcome.REPLACED: _("This pass was replaced by a newer one: ask for the new pass."),
        Outcome.CLOSED: _("This flight is closed: no more boarding."),
    }
    if problem.outcome == Outcome.OTHER_FLIGHT:
        return _("This pass is for another flight: %(flight)s at %(time)s.") % {
            "flight": problem.detail.get("call_sign", ""),
            "time": date_format(timezone.localtime(problem.detail["departs_at"]), "Y-m-d H:i"),
        }
    return messages[problem.outcome]


def conflict_message(conflict: dict) -> str:
    if not conflict:
        return ""
    values = {k: conflict.get(k, "") for k in ("gate", "at", "by", "reason")}
    if conflict["kind"] == "boarded":
        return _("Already boarded at gate %(gate)s at %(time)s by %(agent)s.") % {
            "gate": values["gate"] or "?",
            "time": values["at"],
            "agent": values["by"],
        }
    return _("Refused at gate %(gate)s at %(time)s by %(agent)s: %(reason)s") % {
        "gate": values["gate"] or "?",
        "time": values["at"],
        "agent": values["by"],
        "reason": values["reason"],
    }


def check(flight: Flight, *, token: str = "", reference: str = "", agent: User, origin: Origin) -> dict:
    """What the gate's page shows after a scan, before the agent decides: the pass, its family, and
    anything the agent must know first (already boarded, refused earlier, forged). The read is audited."""
    how = "qr" if token else "typed"
    try:
        if flight.status not in OPEN_STATUSES:
            raise ScanProblem(Outcome.CLOSED)
        boarding_pass = locate(flight, token=token, reference=reference)
    except ScanProblem as problem:
        record_event(
            "gate.check",
            actor=agent,
            organisation=flight.organisation,
            target_type=BOARDING_PASS,
            target_ref=problem.boarding_pass.reference if problem.boarding_pass else "",
            origin=origin,
            detail={"flight": str(flight.public_id), "how": how, "outcome": problem.outcome},
        )
        return {"ok": False, "outcome": problem.outcome, "message": problem_message(problem)}
    record_event(
        "gate.check",
        actor=agent,
        organisation=flight.organisation,
        target_type=BOARDING_PASS,
        target_ref=boarding_pass.reference,
        origin=origin,
        detail={
            "flight": str(flight.public_id),
            "how": how,
            "case": boarding_pass.person.application.reference,
        },
    )
    warning = ""
    if boarding_pass.state == State.BOARDED:
        warning = conflict_message(_conflict("boarded", boarding_pass))
    elif boarding_pass.state == State.REFUSED:
        warning = conflict_message(_conflict("refused", boarding_pass))
    return {
        "ok": True,
        "outcome": "found",
        "pass": describe(boarding_pass),
        "family": family(boarding_pass, flight),
        "warning": warning,
    }


# Boarding and refusing


def _conflict(kind: str, boarding_pass: BoardingPass) -> dict:
    return {
        "kind": kind,
        "gate": boarding_pass.gate,
        "at": _when(boarding_pass.scanned_at),
        "at_iso": boarding_pass.scanned_at.isoformat() if boarding_pass.scanned_at else "",
        "by": boarding_pass.scanned_by.get_username() if boarding_pass.scanned_by else "",
        "reason": boarding_pass.refusal_reason if kind == "refused" else "",
    }


def _decide(scan: ScanInput, boarding_pass: BoardingPass, *, agent: User, at: datetime, offline: bool):
    """(outcome, conflict) of a board or refuse on a located pass, applied by a conditional update."""
    before = boarding_pass.state
    if scan.action == GateScan.Action.BOARD:
        # Offline, the agent could not see a refusal made at another gate: the person is aboard, and the
        # refusal comes back as a conflict for someone to look into.
        allowed = [State.ISSUED] + ([State.REFUSED] if scan.override or offline else [])
        changes = {"state": State.BOARDED, "scanned_at": at, "scanned_by": agent, "gate": scan.gate}
    else:
        allowed = [State.ISSUED, State.REFUSED]
        changes = {
            "state": State.REFUSED,
            "scanned_at": at,
            "scanned_by": agent,
            "gate": scan.gate,
            "refusal_reason": scan.reason,
        }
    updated = BoardingPass.objects.filter(
        pk=boarding_pass.pk, nonce=boarding_pass.nonce, state__in=allowed
    ).update(**changes)
    if updated:
        conflict = {}
        if scan.action == GateScan.Action.BOARD and before == State.REFUSED:
            conflict = _conflict("refused", boarding_pass)
        # What the update wrote, without reading the row (and its person) again.
        for name, value in changes.items():
            setattr(boarding_pass, name, value)
        return (Outcome.BOARDED if scan.action == GateScan.Action.BOARD else Outcome.REFUSED), conflict
    # Someone else got there first: say who, where and when.
    boarding_pass.refresh_from_db()
    if boarding_pass.state == State.BOARDED:
        return Outcome.ALREADY_BOARDED, _conflict("boarded", boarding_pass)
    if boarding_pass.state == State.REFUSED:
        return Outcome.REFUSED, _conflict("refused", boarding_pass)
    return Outcome.VOID, {}


def _audit_scan(scan_row: GateScan, *, origin: Origin) -> None:
    actions = {
        Outcome.BOARDED: "boarding_pass.board",
        Outcome.REFUSED: "boarding_pass.refuse",
        Outcome.ALREADY_BOARDED: "boarding_pass.conflict",
    }
    action = actions.get(scan_row.outcome, "boarding_pass.rejected")
    if scan_row.conflict and scan_row.outcome in (Outcome.BOARDED, Outcome.REFUSED):
        action = "boarding_pass.conflict"  # boarded over a refusal, or a board that met one
    bp = scan_row.boarding_pass
    record_event(
        action,
        actor=scan_row.agent,
        organisation=scan_row.flight.organisation,
        target_type=BOARDING_PASS,
        target_ref=bp.reference if bp else "",
        origin=origin,
        detail={
            "flight": str(scan_row.flight.public_id),
            "scan": str(scan_row.client_id),
            "action": scan_row.action,
            "outcome": scan_row.outcome,
            "gate": scan_row.gate,
            "offline": scan_row.offline,
            "scanned_at": scan_row.scanned_at.isoformat(),
            "case": bp.person.application.reference if bp else "",
            **({"reason": scan_row.reason} if scan_row.reason else {}),
            **({"conflict": scan_row.conflict} if scan_row.conflict else {}),
        },
    )


def apply_scan(flight: Flight, scan: ScanInput, *, agent: User, origin: Origin, offline: bool) -> GateScan:
    """Apply one scan, once: the same client_id again returns the scan already recorded. Returns the
    GateScan with its outcome (boarded, refused, or what stood in the way)."""
    existing = GateScan.objects.filter(flight=flight, client_id=scan.client_id).select_related(
        "boarding_pass__person__application", "boarding_pass__scanned_by"
    )
    if (found := existing.first()) is not None:
        return found
    now = timezone.now()
    at = now if not offline or scan.scanned_at is None else min(scan.scanned_at, now + CLOCK_SLACK)
    try:
        with transaction.atomic():
            boarding_pass, conflict = None, {}
            try:
                # Offline scans are synced whenever the network returns, after departure too: the people
                # they boarded are aboard. Online, a closed flight boards nobody.
                if not offline and flight.status not in OPEN_STATUSES:
                    raise ScanProblem(Outcome.CLOSED)
                boarding_pass = locate(
                    flight, token=scan.token, reference=scan.reference, pass_id=scan.pass_id
                )
                outcome, conflict = _decide(scan, boarding_pass, agent=agent, at=at, offline=offline)
            except ScanProblem as problem:
                outcome, boarding_pass = problem.outcome, problem.boarding_pass
                conflict = {"kind": "problem", "message": problem_message(problem)}
            row = GateScan.objects.create(
                flight=flight,
                client_id=scan.client_id,
                boarding_pass=boarding_pass,
                action=scan.action,
                reason=scan.reason,
                gate=scan.gate,
                agent=agent,
                offline=offline,
                scanned_at=at,
                outcome=outcome,
                conflict=conflict,
            )
            _audit_scan(row, origin=origin)
    except IntegrityError:
        # The same scan arrived twice at once (a retry while the first was still running): the first won.
        return existing.get()
    return row


def result(scan_row: GateScan) -> dict:
    """A recorded scan as the gate's page reads it back."""
    outcome = scan_row.outcome
    conflict = scan_row.conflict or {}
    if conflict.get("kind") == "problem":
        message = conflict["message"]
    elif outcome == Outcome.BOARDED:
        message = _("Boarded.") + (" " + conflict_message(conflict) if conflict else "")
    elif outcome == Outcome.REFUSED and not conflict:
        message = _("Refused: %(reason)s") % {"reason": scan_row.reason}
    elif outcome == Outcome.VOID:
        message = problem_message(ScanProblem(Outcome.VOID))
    else:
        message = conflict_message(conflict)
    clean = outcome in (Outcome.BOARDED, Outcome.REFUSED) and not conflict
    return {
        "client_id": str(scan_row.client_id),
        "outcome": outcome,
        "ok": clean,
        "conflict": not clean,
        "message": message,
        "pass": describe(scan_row.boarding_pass) if scan_row.boarding_pass else None,
    }


def sync(flight: Flight, scans: list[ScanInput], *, agent: User, origin: Origin) -> list[GateScan]:
    """Apply a device's offline scans in the order they were made, each once and in its own transaction
    (one that cannot be applied does not hold back the others), and record the sync itself."""
    ordered = sorted(scans, key=lambda s: s.scanned_at or timezone.now())
    rows = [apply_scan(flight, scan, agent=agent, origin=origin, offline=True) for scan in ordered]
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.outcome] = counts.get(row.outcome, 0) + 1
    record_event(
        "gate.sync",
        actor=agent,
        organisation=flight.organisation,
        target_type="flight",
        target_ref=str(flight.public_id),
        origin=origin,
        detail={"scans": len(rows), "outcomes": counts},
    )
    return rows


# What the device takes offline


def nonce_hash(nonce: str) -> str:
    """What the offline list holds instead of the nonce: whoever copies the list off a device still
    cannot make a token that matches it."""
    return hashlib.sha256(bytes.fromhex(nonce)).hexdigest()


def manifest(flight: Flight, *, agent: User, origin: Origin) -> dict:
    """The flight's public key and its expected passes, for a device that may lose the network: pass ids,
    references, nonce hashes and identity summaries, their family grouping and state. Nothing more."""
    passes = list(
        _passes(flight).filter(LIVE).order_by("person__application_id", "person__position", "person__id")
    )
    groups: dict[int, int] = {}
    entries = []
    for bp in passes:
        group = groups.setdefault(bp.person.application_id, len(groups) + 1)
        entries.append({**describe(bp), "family": group, "nonce_hash": nonce_hash(bp.nonce)})
    record_event(
        "gate.manifest",
        actor=agent,
        organisation=flight.organisation,
        target_type="flight",
        target_ref=str(flight.public_id),
        origin=origin,
        detail={"passes": len(entries)},
    )
    return {
        "flight": {
            "id": str(flight.public_id),
            "call_sign": flight.call_sign,
            "departs_at": flight.departs_at.isoformat(),
            "status": flight.status,
        },
        "public_key": signing.public_key_base64(flight) or "",
        "generated_at": timezone.now().isoformat(),
        "passes": entries,
    }
