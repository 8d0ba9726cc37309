"""Matching a claimed employment against the employer's roster. Pure: records in, candidates out.

A claim and a roster entry are both a Record: the person's names as written (Latin given, family and
father's names, the name in Perso-Arabic script), birth year, role, employment dates and badge number.

**Finding candidates (blocking).** Comparing a claim with every entry of a 20,000-line roster is slow and
pointless. `blocking_keys` gives each record keys made of two of its name words at once, by their
spelling-folded key and by their consonant skeleton (evac.matching.names): "muhamad|wali", "mhmd|wl",
each of the person's words with their father's name's words ("wali|gulahmad"), and each word with the
birth year. Two spellings of one person share at least one such key even when a word is misspelled or a
name left out; two people who share only "Mohammad" do not. A roster entry's keys are stored (RosterKey), so a claim finds its
candidates in one indexed query; the bulk run keeps them in memory (RosterIndex). A claimed badge number
finds its entry directly.

**Scoring (Fellegi–Sunter).** Each field is compared at a few levels (same, a spelling variant, across
scripts, close, different, missing) and each level adds a weight: log2(m/u), m being how often the level
occurs when claim and entry are the same person, u how often it occurs when they are not. The weights
add up with a prior to log-odds, turned into a probability. This model rather than a learned classifier
because every point can be shown to the verifier as plain words per field, the weights are a table anyone
can read and argue with, and it needs no labelled data from the field, which does not exist. The m and u
below were measured on generated rosters with the truth kept (evac.demo.rosters,
`benchmarks/roster_matching.py --weights`) and rounded; the structure, not the decimals, is what matters.
A field missing on either side adds nothing: an employer's list with no birth dates is no evidence either
way. Three refinements of the textbook model, each because the generated data showed the need:

- term frequency: for a name that agrees, u is that name's share of this employer's roster, so that
  Mohammad agreeing counts for little and Qudratullah for much;
- dependence: family and father's names agreeing together count as one piece of evidence (brothers share
  both), and the Perso-Arabic name beside an agreeing given name adds little;
- the prior is one entry among the roster's size, for a claim assumed genuine nine times in ten.

docs/decisions/012-roster-matching.md has the measured precision and recall, and what would change this.

**Badge numbers.** The same badge number is strong evidence (only a typo or a forgery explains it
otherwise), so it brings the probability near 1, unless the person's own name (given name, or the name in
Perso-Arabic script) differs outright: a real colleague's number on a forged letter. That is said in the
evidence, and the badge then counts for nothing.
"""

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from itertools import combinations
from math import log2

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from evac.matching.names import Agreement, name_tokens, similarity, token_fold, token_skeleton
from evac.matching.names import fold as fold_name

# A candidate at or above this probability is credible: a verifier may confirm the claim with it. Below
# it, confirming is refused: the roster is the check against forged letters.
CREDIBLE = 0.9
# Candidates shown to the verifier, and entries scored to find them (the most keys shared first).
SHOWN = 3
POOL = 30
# Roles that say nothing about what someone did (the role as written was not recognised).
_VAGUE_ROLES = {"", "other"}


@dataclass(frozen=True)
class Record:
    """A person as a claim or a roster entry describes them. `ref` names the entry (its public id)."""

    given: str = ""
    family: str = ""
    father: str = ""
    native: str = ""
    birth_year: int | None = None
    role: str = ""
    start: date | None = None
    end: date | None = None
    badge: str = ""  # as written
    ref: str = ""

    @property
    def latin(self) -> str:
        return " ".join(part for part in (self.given, self.family) if part)

    @property
    def badge_key(self) -> str:
        return badge_key(self.badge)


@lru_cache(maxsize=65536)
def badge_key(text: str) -> str:
    """A badge number without case, spaces, dashes or leading zeros: "caf 0123", "CAF-0123" and "CAF123"
    (a spreadsheet drops leading zeros from a number) are one badge. Persian digits read as digits."""
    ascii_digits = "".join(str(unicodedata.digit(ch)) if ch.isdigit() else ch for ch in text or "")
    key = re.sub(r"[^0-9A-Z]", "", ascii_digits.upper())
    out, zeros = [], True
    for ch in key:
        if ch.isdigit():
            if ch == "0" and zeros:
                continue
            zeros = False
        else:
            zeros = True
        out.append(ch)
    return "".join(out) or ("0" if key else "")


# ------------------------------------------------------------------------------------------ blocking


def _word_keys(text: str) -> tuple[set[str], set[str]]:
    """(folded keys, skeletons) of a name's words."""
    folds, bones = set(), set()
    for token in name_tokens(text):
        folded = token_fold(token)
        if folded:
            folds.add(folded)
        bone = token_skeleton(token)
        if bone:
            bones.add(bone)
    return folds, bones


def blocking_keys(record: Record, *, claim: bool = False) -> frozenset[str]:
    """Keys shared by two records of the same person: pairs of the person's name words, the person's words
    each with their father's, and each word with the birth year. A stored entry with one name word and no
    father is also found by that word alone; a claim asks for each of its words alone too, so that it
    finds such entries, and for the years either side of its own."""
    own_f, own_s = _word_keys(record.latin)
    native_f, native_s = _word_keys(record.native)
    own_f |= native_f
    own_s |= native_s
    father_f, father_s = _word_keys(record.father)
    keys = set()
    for kind, own, father in (("f", own_f, father_f), ("s", own_s, father_s)):
        for a, b in combinations(sorted(own), 2):
            keys.add(f"{kind}2:{a}|{b}")
        for a in own:
            for b in father:
                if a != b:
                    keys.add(f"{kind}p:{a}|{b}")
        if claim or (len(own) == 1 and not father):
            keys.update(f"{kind}1:{a}" for a in own)
    if record.birth_year:
        years = (
            (record.birth_year - 1, record.birth_year, record.birth_year + 1)
            if claim
            else (record.birth_year,)
        )
        keys.update(f"fy:{a}|{year}" for a in own_f for year in years)
    return frozenset(key[:120] for key in keys)


def value_keys(record: Record) -> frozenset[str]:
    """A record's name values, spelling-folded, for counting how common each is on a roster: "Mohammad"
    agreeing says less than "Qudratullah" agreeing (term-frequency weights)."""
    keys = set()
    for prefix, text in (
        ("g", record.given),
        ("f", record.family),
        ("a", record.father),
        ("w", record.native),
    ):
        folded = fold_name(text) if text else ""
        if folded:
            keys.add(f"v:{prefix}:{folded}"[:120])
    return frozenset(keys)


@dataclass(frozen=True)
class Frequencies:
    """How many entries of one employer's roster carry each name value (value_keys), out of `total`."""

    counts: dict[str, int] = field(default_factory=dict)
    total: int = 0

    def share(self, key: str) -> float | None:
        if not self.total:
            return None
        return max(self.counts.get(key[:120], 0), 1) / self.total

    def count(self, key: str) -> int:
        return self.counts.get(key[:120], 0)


class RosterIndex:
    """One employer's roster in memory, for matching many claims at once."""

    def __init__(self, entries: Sequence[Record]) -> None:
        self.entries = list(entries)
        self.by_key: dict[str, list[int]] = defaultdict(list)
        self.by_badge: dict[str, list[int]] = defaultdict(list)
        counts: Counter[str] = Counter()
        for i, entry in enumerate(self.entries):
            for key in blocking_keys(entry):
                self.by_key[key].append(i)
            if entry.badge_key:
                self.by_badge[entry.badge_key].append(i)
            counts.update(value_keys(entry))
        self.frequencies = Frequencies(dict(counts), len(self.entries))

    def pool(self, claim: Record, size: int = POOL) -> list[Record]:
        """The entries worth scoring for a claim: its badge's, and those sharing the most name keys."""
        shared: Counter[int] = Counter()
        for key in blocking_keys(claim, claim=True):
            shared.update(self.by_key.get(key, ()))
        chosen = [i for i, _n in shared.most_common(size)]
        for i in self.by_badge.get(claim.badge_key, ()) if claim.badge_key else ():
            if i not in chosen:
                chosen.append(i)
        return [self.entries[i] for i in chosen]

    def candidates(
        self, claim: Record, shown: int = SHOWN, *, today: date | None = None
    ) -> list["Candidate"]:
        return rank(claim, self.pool(claim), self.frequencies, today=today)[:shown]


# ------------------------------------------------------------------------------------------- scoring

# Comparison levels, strongest first.
SAME = "same"
VARIANT = "variant"
SCRIPTS = "scripts"
PARTIAL = "partial"
CLOSE = "close"
DIFFERS = "differs"
MISSING = "missing"

_LEVEL_OF_AGREEMENT = {
    Agreement.EXACT: SAME,
    Agreement.FOLDED: VARIANT,
    Agreement.SKELETON: SCRIPTS,
    Agreement.REORDERED: VARIANT,
    Agreement.CONTAINED: PARTIAL,
    Agreement.CLOSE: CLOSE,
    Agreement.DIFFERS: DIFFERS,
    Agreement.MISSING: MISSING,
}

# m: how often each level occurs when claim and entry are the same person; u: when they are two people
# drawn at random from one roster. Measured on generated rosters (benchmarks/roster_matching.py
# --weights) and rounded. For a name that agrees (same, or a spelling variant), u is instead the share of
# the roster carrying that name (term frequency), so that a rare name counts for more than Mohammad.
# "native" is the name in Perso-Arabic script: as the person's name when one side has no Latin given name,
# and beside a given name compared already (native_beside_given), where it mostly adds the family name.
# Where the generator never produces a level (a family name changed, a father's name dropped to one of
# its words), m is set a little above nought rather than to it: real rosters have slips the generator lacks.
# Beside a given name that agrees, the Perso-Arabic name agreeing says little more (u is then the chance
# that two people with one given name share the rest of the name too).
M: dict[str, dict[str, float]] = {
    "given": {SAME: 0.73, VARIANT: 0.23, SCRIPTS: 0.01, CLOSE: 0.027, PARTIAL: 0.01, DIFFERS: 0.01},
    "family": {SAME: 0.75, VARIANT: 0.23, SCRIPTS: 0.01, CLOSE: 0.016, PARTIAL: 0.01, DIFFERS: 0.02},
    "father": {SAME: 0.68, VARIANT: 0.3, SCRIPTS: 0.01, CLOSE: 0.0135, PARTIAL: 0.01, DIFFERS: 0.01},
    "native": {SAME: 0.55, VARIANT: 0.39, SCRIPTS: 0.05, CLOSE: 0.01, PARTIAL: 0.012, DIFFERS: 0.01},
    "native_beside_given": {SAME: 0.9, VARIANT: 0.9, SCRIPTS: 0.9, CLOSE: 0.02, PARTIAL: 0.05, DIFFERS: 0.02},
    "birth_year": {SAME: 0.85, CLOSE: 0.105, PARTIAL: 0.02, DIFFERS: 0.025},
    "role": {SAME: 0.94, DIFFERS: 0.06},
    "dates": {SAME: 0.88, PARTIAL: 0.11, DIFFERS: 0.01},
    "badge": {SAME: 0.95, DIFFERS: 0.04},
}
U: dict[str, dict[str, float]] = {
    "given": {SAME: 0.0085, VARIANT: 0.004, SCRIPTS: 0.0005, CLOSE: 0.0045, PARTIAL: 0.02, DIFFERS: 0.96},
    "family": {SAME: 0.0115, VARIANT: 0.003, SCRIPTS: 0.0005, CLOSE: 0.008, PARTIAL: 0.01, DIFFERS: 0.98},
    "father": {SAME: 0.009, VARIANT: 0.0056, SCRIPTS: 0.0005, CLOSE: 0.0048, PARTIAL: 0.026, DIFFERS: 0.95},
    "native": {SAME: 0.0012, VARIANT: 0.0012, SCRIPTS: 0.0005, CLOSE: 0.001, PARTIAL: 0.017, DIFFERS: 0.98},
    "native_beside_given": {SAME: 0.3, VARIANT: 0.3, SCRIPTS: 0.3, CLOSE: 0.05, PARTIAL: 0.1, DIFFERS: 0.6},
    "birth_year": {SAME: 0.0275, CLOSE: 0.055, PARTIAL: 0.1075, DIFFERS: 0.81},
    "role": {SAME: 0.205, DIFFERS: 0.795},
    "dates": {SAME: 0.163, PARTIAL: 0.476, DIFFERS: 0.361},
    # A badge number is on one entry of the roster: u for the same number is one over its size.
    "badge": {SAME: 0.0001, DIFFERS: 1.0},
}
# Names for which u is the name's share of the roster.
TERM_FREQUENCY = {"given": "g", "family": "f", "father": "a", "native": "w"}
# Of the claims matched, the share that are genuine: the rest are forged letters, or an employer whose
# roster is incomplete. The prior odds that a claim is one given entry are this over the roster's size.
GENUINE = 0.9

FIELD_LABELS = {
    "given": _("Given name"),
    "family": _("Family name"),
    "father": _("Father's name"),
    "native": _("Name in Perso-Arabic script"),
    "birth_year": _("Birth year"),
    "role": _("Role"),
    "dates": _("Employment dates"),
    "badge": _("Badge number"),
}
# How agreeing each level is, for the page's highlighting.
TONE = {SAME: "agrees", VARIANT: "agrees", SCRIPTS: "agrees", PARTIAL: "partly", CLOSE: "partly"}


@dataclass(frozen=True)
class Evidence:
    """One field compared: the level, its weight in bits, what it means in plain words, and for a name that
    agrees, how many entries of the roster share it."""

    field: str
    level: str
    weight: float
    reason: str | Promise
    shared_by: int = 0

    @property
    def label(self) -> str | Promise:
        return FIELD_LABELS[self.field]

    @property
    def tone(self) -> str:
        if self.level == MISSING:
            return "missing"
        return TONE.get(self.level, "differs")


@dataclass
class Candidate:
    entry: Record
    probability: float
    weight: float
    evidence: list[Evidence] = field(default_factory=list)
    # The same badge number under another person's name: the badge counted for nothing.
    suspicious: bool = False

    @property
    def credible(self) -> bool:
        return self.probability >= CREDIBLE and not self.suspicious

    def on(self, name: str) -> Evidence | None:
        return next((e for e in self.evidence if e.field == name), None)


_NOT_GIVEN = _("not given on one side")
_ONCE_WITH_FATHER = _("{reason}; counted once with the father's name: brothers share both")


@lru_cache(maxsize=8192)
def _weight(name: str, level: str, u: float | None = None) -> float:
    m = M.get(name, {}).get(level, 0.0)
    u = u if u is not None else U.get(name, {}).get(level, 0.0)
    if m <= 0 or u <= 0:
        return 0.0
    return round(log2(m / u), 2)


class _Comparer:
    def __init__(self, frequencies: Frequencies | None, today: date) -> None:
        self.frequencies = frequencies
        self.today = today

    def names(self, name: str, a: str, b: str, table: str = "") -> Evidence:
        """Two names compared (b is the roster's), weighed by `table` (the field's own by default)."""
        if not a or not b:
            return Evidence(name, MISSING, 0.0, _NOT_GIVEN)
        found = similarity(a, b)
        level = _LEVEL_OF_AGREEMENT[found.agreement]
        if level == MISSING:
            return Evidence(name, MISSING, 0.0, _NOT_GIVEN)
        # The label itself, translated when shown: not once per comparison of a bulk run.
        return self.level(name, level, found.agreement.label, b, table)

    def level(self, name: str, level: str, reason, value: str = "", table: str = "") -> Evidence:
        table = table or name
        shared, u = 0, None
        prefix = TERM_FREQUENCY.get(table)
        if prefix and value and level in (SAME, VARIANT) and self.frequencies and self.frequencies.total:
            key = f"v:{prefix}:{fold_name(value)}"
            shared, u = self.frequencies.count(key), self.frequencies.share(key)
        elif name == "badge" and level == SAME and self.frequencies and self.frequencies.total:
            u = 1 / self.frequencies.total
        return Evidence(name, level, _weight(table, level, u), reason, shared)

    def given_and_family(self, claim: Record, entry: Record) -> list[Evidence]:
        given = self.names("given", claim.given, entry.given)
        family = self.names("family", claim.family, entry.family)
        if given.level == DIFFERS and claim.family and entry.family:
            # Given and family names written the other way round on one side.
            whole = similarity(claim.latin, entry.latin)
            if whole.agreement in (Agreement.EXACT, Agreement.FOLDED, Agreement.REORDERED):
                reason = _("same names, given and family name the other way round")
                given = self.level("given", VARIANT, reason, entry.family)
                family = self.level("family", VARIANT, reason, entry.given)
        return [given, family]

    def native(self, claim: Record, entry: Record, beside_given: bool) -> Evidence:
        """Both names in Perso-Arabic script compared; or, when one side has no Latin name at all, its
        Perso-Arabic name against the other's Latin name (the scripts meet through folding and skeletons)."""
        table = "native_beside_given" if beside_given else "native"
        if claim.native and entry.native:
            return self.names("native", claim.native, entry.native, table)
        if claim.native and not claim.latin and entry.latin:
            return self.names("native", claim.native, entry.latin, table)
        if entry.native and not entry.latin and claim.latin:
            return self.names("native", claim.latin, entry.native, table)
        return Evidence("native", MISSING, 0.0, _NOT_GIVEN)

    def lineage(self, family: Evidence, father: Evidence) -> Evidence:
        """Family and father's names agreeing are one piece of evidence, not two: brothers share both. Their
        weights together are held to what one entry in the roster's size being of the claimant's family
        is worth (the chance that a stranger on the roster is his brother is about one in its size)."""
        if not (family.tone == father.tone == "agrees"):
            return family
        size = self.frequencies.total if self.frequencies and self.frequencies.total else DEFAULT_ROSTER_SIZE
        cap = log2(M["family"][family.level] * M["father"][father.level] * size)
        excess = family.weight + father.weight - cap
        if excess <= 0:
            return family
        return replace(
            family,
            weight=round(family.weight - excess, 2),
            reason=format_lazy(_ONCE_WITH_FATHER, reason=family.reason),
        )

    def birth_year(self, claim: Record, entry: Record) -> Evidence:
        if not claim.birth_year or not entry.birth_year:
            return Evidence("birth_year", MISSING, 0.0, _NOT_GIVEN)
        apart = abs(claim.birth_year - entry.birth_year)
        if apart == 0:
            level, reason = SAME, _("same year")
        elif apart == 1:
            level, reason = CLOSE, _("one year apart: an estimate, or a Solar Hijri year read as the next")
        elif apart <= 3:
            level, reason = PARTIAL, _("two or three years apart")
        else:
            level, reason = DIFFERS, _("more than three years apart")
        return self.level("birth_year", level, reason)

    def role(self, claim: Record, entry: Record) -> Evidence:
        if claim.role in _VAGUE_ROLES or entry.role in _VAGUE_ROLES:
            return Evidence("role", MISSING, 0.0, _("not given, or not a known role, on one side"))
        if claim.role == entry.role:
            return self.level("role", SAME, _("same role"))
        return self.level("role", DIFFERS, _("another role"))

    def dates(self, claim: Record, entry: Record) -> Evidence:
        if not claim.start or not entry.start:
            return Evidence("dates", MISSING, 0.0, _("no start date on one side"))
        # An end known only to the month or year is kept as its first day: never before the start.
        claim_end = max(claim.end or self.today, claim.start)
        entry_end = max(entry.end or self.today, entry.start)
        if claim.start > entry_end or entry.start > claim_end:
            return self.level("dates", DIFFERS, _("the periods do not overlap"))
        if abs((claim.start - entry.start).days) <= 366:
            return self.level("dates", SAME, _("the periods overlap and start within a year"))
        return self.level("dates", PARTIAL, _("the periods overlap"))

    def badge(self, claim: Record, entry: Record, evidence: list[Evidence]) -> tuple[Evidence, bool]:
        claimed, listed = claim.badge_key, entry.badge_key
        if not claimed or not listed:
            return Evidence("badge", MISSING, 0.0, _NOT_GIVEN), False
        if claimed != listed:
            return self.level("badge", DIFFERS, _("another badge number")), False
        own = [e for e in evidence if e.field in ("given", "native") and e.level != MISSING]
        if own and all(e.level == DIFFERS for e in own):
            reason = _(
                "same badge number, but the person's name is wholly different: a colleague's number on a "
                "borrowed or forged letter? Ask the employer"
            )
            return Evidence("badge", DIFFERS, 0.0, reason), True
        return self.level("badge", SAME, _("same badge number")), False


def _probability(bits: float) -> float:
    if bits > 60:
        return 1.0
    if bits < -60:
        return 0.0
    return 1.0 / (1.0 + 2.0 ** (-bits))


def prior(frequencies: Frequencies | None) -> float:
    """Log-odds, in bits, that a claim is one given entry of a roster this size, before comparing them."""
    size = frequencies.total if frequencies and frequencies.total else DEFAULT_ROSTER_SIZE
    return log2(GENUINE / max(size - GENUINE, 1))


# A roster's size when it is not known (a test comparing two records alone).
DEFAULT_ROSTER_SIZE = 1000


def score(
    claim: Record, entry: Record, frequencies: Frequencies | None = None, *, today: date | None = None
) -> Candidate:
    """Compare a claim with one entry of a roster (whose name frequencies are given): the probability that
    they are the same person, and the evidence for it, field by field."""
    compare = _Comparer(frequencies, today or timezone.localdate())
    given, family = compare.given_and_family(claim, entry)
    father = compare.names("father", claim.father, entry.father)
    evidence = [
        given,
        compare.lineage(family, father),
        father,
        compare.native(claim, entry, beside_given=given.level in (SAME, VARIANT, SCRIPTS)),
        compare.birth_year(claim, entry),
        compare.role(claim, entry),
        compare.dates(claim, entry),
    ]
    badge, suspicious = compare.badge(claim, entry, evidence)
    evidence.append(badge)
    bits = prior(frequencies) + sum(e.weight for e in evidence)
    return Candidate(entry, _probability(bits), bits, evidence, suspicious)


def rank(
    claim: Record,
    entries: Iterable[Record],
    frequencies: Frequencies | None = None,
    *,
    today: date | None = None,
) -> list[Candidate]:
    """Every entry scored, the most probable first (a credible one before a suspicious one)."""
    today = today or timezone.localdate()
    scored = [score(claim, entry, frequencies, today=today) for entry in entries]
    return sorted(scored, key=lambda c: (c.credible, c.probability, c.weight), reverse=True)
