"""The petition list's pages: each page reads only the petitions that can be on it, and
the total is counted within a time budget (exact, or "more than" past it)."""

import json

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import OperationalError
from django.db.models import Value
from django.utils.functional import cached_property
from psycopg.errors import QueryCanceled

from petitions.cache import kept
from petitions.models import by_index, planned_once, time_limit

# A count is exact when it takes at most this long (always, at the size of the House's
# archive); past it, counting stops at COUNT_LIMIT and the page says "more than", since an
# exact count of a common word reads a third of the table at a million petitions.
COUNT_BUDGET_MS = 250
COUNT_LIMIT = 10_000
# A search the planner expects to match more petitions than this is not counted exactly:
# counting reads each match's row, about 4 µs a match at a million petitions, so the
# budget would run out, spent only to learn that (a common word's first search).
SEARCH_COUNT_ESTIMATE = 50_000
# A filter whose exact count ran out of time is not counted exactly again for this long,
# data changed or not: a clerk's save would otherwise cost every common search its whole
# budget again, to learn what a save seldom changes. Either count is true.
TOO_SLOW_SECONDS = 600


def estimated_rows(rows):
    """The planner's estimate of how many rows `rows` holds: a millisecond or two."""
    plan = rows.explain(format="json")
    # A query that can match nothing (no word to search for) has no plan.
    return json.loads(plan)[0]["Plan"]["Plan Rows"] if plan else 0


def count_within(rows, milliseconds):
    """rows.count(), or None when counting takes longer than `milliseconds`."""
    try:
        with time_limit(milliseconds):
            return rows.count()
    except OperationalError as error:
        if isinstance(error.__cause__, QueryCanceled):
            return None
        raise


class PetitionPaginator(Paginator):
    """Pages that sort only the petitions that can be on them (for best match, among
    `rank_candidates`: see PetitionQuerySet.ranked_search), not the whole table, and the
    total count: exact unless counting takes longer than COUNT_BUDGET_MS, then stopped at
    COUNT_LIMIT. With a `count_key` (see PetitionFilter.count_key) the count is kept for
    the filter's other pages and sorts, and a filter too slow to count exactly is counted
    to COUNT_LIMIT alone for TOO_SLOW_SECONDS, even after the data changes. `searched`:
    the rows are a search's matches (see worth_counting_exactly)."""

    def __init__(
        self,
        object_list,
        per_page,
        *,
        rank_candidates=None,
        rows=None,
        count_key=None,
        searched=False,
        **options,
    ):
        super().__init__(object_list, per_page, **options)
        self.rank_candidates = rank_candidates
        # Where a page's petitions are read from by primary key (see page()).
        self.rows = rows
        self.count_key = count_key
        self.searched = searched

    @cached_property
    def counted(self):
        """(count, whether it stopped at COUNT_LIMIT)."""
        if self.count_key is None:
            return self.count_petitions()
        return kept(f"petition-count:{self.count_key}", self.count_petitions)

    @property
    def count(self):
        return self.counted[0]

    @property
    def is_count_capped(self):
        """True when there are more than COUNT_LIMIT petitions and `count` stopped."""
        return self.counted[1]

    def count_petitions(self):
        if self.searched:
            with by_index():
                return self._count_petitions()
        return self._count_petitions()

    def _count_petitions(self):
        # Selecting a constant lets the count read indexes alone.
        rows = self.object_list.order_by().values(one=Value(1))
        if self.worth_counting_exactly(rows):
            exact = count_within(rows, COUNT_BUDGET_MS)
            if exact is not None:
                return exact, False
            if self.count_key:
                cache.set(self._too_slow_key, True, TOO_SLOW_SECONDS)
        capped = rows[: COUNT_LIMIT + 1].count()
        return capped, capped > COUNT_LIMIT

    def worth_counting_exactly(self, rows):
        """False when counting exactly is known or expected to take longer than its
        budget: this filter's count ran out of time in the last TOO_SLOW_SECONDS, or a search
        is expected to match more than SEARCH_COUNT_ESTIMATE petitions. Counting to
        COUNT_LIMIT is then exact for fewer, and "more than" for more."""
        if self.count_key and cache.get(self._too_slow_key):
            return False
        return not self.searched or estimated_rows(rows) <= SEARCH_COUNT_ESTIMATE

    @property
    def _too_slow_key(self):
        return f"petition-count-too-slow:{self.count_key}"

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        # The page's primary keys first, then their rows with every join: one query with
        # the filters, the search and the joins at once goes past the planner's
        # join_collapse_limit, and it then reads whole tables to find twenty rows.
        ordered = self.object_list
        if self.rank_candidates is not None:
            ordered = ordered.among_ranked(self.rank_candidates, top)
        ids = list(ordered[bottom:top].values_list("pk", flat=True))
        rows = self.object_list if self.rows is None else self.rows
        with planned_once():
            found = {petition.pk: petition for petition in rows.filter(pk__any=ids)}
        return self._get_page([found[pk] for pk in ids if pk in found], number, self)
