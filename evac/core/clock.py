"""The day the rules count from: today, or in the demo the day its story is set (EVAC_TODAY).

Eligibility (ages, months of service) and priority (weeks waited) are about "today". The demo's cases
were received in August 2021; counted from the real today, every family would have waited five years
and every child grown up. Only the demo may move the clock (settings refuse EVAC_TODAY without debug).
"""

from datetime import date

from django.conf import settings
from django.utils import timezone


def today() -> date:
    return settings.EVAC_TODAY or timezone.localdate()
