from django.core.paginator import Paginator
from django.utils.functional import cached_property

# Counting every match costs more than showing a page of them: at a million cases a count of all
# the "approved interpreters" took 470 ms where the page itself took 3 ms. Past this many, a list says
# "more than" and the officer narrows the search.
COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """A paginator that counts up to COUNT_CAP + 1 matches and no further."""

    cap = COUNT_CAP

    @cached_property
    def count(self) -> int:
        # Without ORDER BY the database may stop at any cap + 1 rows, by the cheapest plan it has.
        return self.object_list.order_by()[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap
