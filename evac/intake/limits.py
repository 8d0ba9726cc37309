"""Rate limits for the public pages, counted in the database.

Django's cache is per process and evac runs without a cache server, so the counts live in a table. A
limit counts attempts in a sliding window; the address or reference is stored only as a keyed hash.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone
from django.utils.crypto import salted_hmac

from evac.intake.models import LimitHit


@dataclass(frozen=True)
class Limit:
    scope: str
    count: int
    window: timedelta


HOUR = timedelta(hours=1)
# Failed status checks: a person who mistypes once or twice is never blocked, a guesser soon is.
STATUS_PER_ADDRESS = Limit("status-address", 10, HOUR)
STATUS_PER_REFERENCE = Limit("status-reference", 5, HOUR)
# Several families may share one internet café or one phone, so the counts allow a few.
SUBMISSIONS_PER_ADDRESS = Limit("submit-address", 5, HOUR)
DRAFTS_PER_ADDRESS = Limit("draft-address", 20, HOUR)

# No person fills in a whole family in less time than this; a script does.
MIN_SECONDS_TO_SUBMIT = 20


class RateLimited(Exception):
    """Too many attempts: the page answers 429 and asks the person to come back later."""

    def __init__(self, limit: Limit):
        super().__init__(limit.scope)
        self.limit = limit


def _hash(limit: Limit, key: str | None) -> str:
    # Requests without an address (rare: a misconfigured proxy) share one bucket rather than none.
    return salted_hmac("evac.intake.limits." + limit.scope, key or "-").hexdigest()


def check(limit: Limit, key: str | None) -> None:
    """Raise RateLimited when the key has used up its attempts in the window."""
    since = timezone.now() - limit.window
    used = LimitHit.objects.filter(scope=limit.scope, key_hash=_hash(limit, key), at__gt=since).count()
    if used >= limit.count:
        raise RateLimited(limit)


def hit(limit: Limit, key: str | None) -> None:
    """Count one attempt, and forget this key's attempts that have left the window."""
    key_hash = _hash(limit, key)
    now = timezone.now()
    LimitHit.objects.filter(scope=limit.scope, key_hash=key_hash, at__lte=now - limit.window).delete()
    LimitHit.objects.create(scope=limit.scope, key_hash=key_hash, at=now)


def forget_old(*, older_than: timedelta = timedelta(days=1)) -> int:
    """Delete hits no window still counts (for the purge command). Returns how many went."""
    deleted, _by_model = LimitHit.objects.filter(at__lt=timezone.now() - older_than).delete()
    return deleted
