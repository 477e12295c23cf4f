"""The reads of petitions, Members and ministries: what the pages, the API, the
feeds and the exports ask for."""

import contextlib
import re

from django.contrib.postgres.search import SearchRank, TrigramWordSimilarity
from django.db import models
from django.db.models import Avg, Case, Count, Exists, F, OuterRef, Q, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone

from petitions.models.database import DaysBetween, Median, by_bitmap, by_index, planned_once
from petitions.models.rules import RESPONSE_DAYS, RESPONSE_TIME
from petitions.models.search import (
    FEW_MATCHES,
    MAX_MEMBER_MATCHES,
    MEMBER_MATCH_SIMILARITY,
    RANK_CANDIDATES,
    SOME_MATCHES,
    computed,
    petition_number_readings,
    search_query,
)
from petitions.models.status import Status, status_conditions, status_filter

# The models are imported in the functions that read them: they import these querysets.


class MemberQuerySet(models.QuerySet):
    def matching(self, text):
        """Members whose name or riding is like `text`, typos forgiven, best first.

        Candidates come through the trigram index (member_name_trgm), one word at a
        time, then the whole text must be like the full name or the riding."""
        # PostgreSQL text cannot hold a NUL character: a typed one is a space.
        text = " ".join((text or "").replace("\x00", " ").split())[:200]
        words = [word for word in re.findall(r"\w{3,}", text)][:8]
        if not words:
            return self.none()
        candidates = Q(riding__trigram_word_similar=text)
        for word in words:
            candidates |= Q(last_name__trigram_word_similar=word)
            candidates |= Q(first_name__trigram_word_similar=word)
        return (
            self.filter(candidates)
            .annotate(
                name_similarity=TrigramWordSimilarity(
                    text, Concat("first_name", Value(" "), "last_name")
                ),
                riding_similarity=TrigramWordSimilarity(text, "riding"),
            )
            .filter(
                Q(name_similarity__gte=MEMBER_MATCH_SIMILARITY)
                | Q(riding_similarity__gte=MEMBER_MATCH_SIMILARITY)
            )
            .order_by("-name_similarity", "-riding_similarity", "last_name", "first_name")
        )

    def with_petition_counts(self):
        from petitions.models.petition import Petition

        sponsored = Petition.objects.filter(sponsor=OuterRef("pk"))
        presented = Petition.objects.filter(presenter=OuterRef("pk"))
        return self.select_related("caucus").annotate(
            sponsored_count=_count(sponsored), presented_count=_count(presented)
        )


def _count(queryset):
    """A correlated COUNT(*) of `queryset`, as an annotation."""
    return Coalesce(
        Subquery(
            queryset.order_by().annotate(n=Value(1)).values("n").annotate(c=Count("*")).values("c")
        ),
        0,
    )


EMPTY_RESPONSE_TIMES = {
    "addressed_count": 0,
    "response_count": 0,
    "median_response_days": None,
    "within_deadline_share": None,
}


def with_response_times(ministries, figures):
    """The ministries as a list, each with the petitions addressed to it, the responses
    it gave, and how long responses took: the median days from presentation to tabling
    and the share tabled within 45 days (None without a dated response). `figures` are
    ministry_response_times(), computed once for every ministry: a subquery per
    ministry read each response and its petition once per ministry, seconds at a
    million petitions."""
    ministries = list(ministries)
    for ministry in ministries:
        for name, value in figures.get(ministry.pk, EMPTY_RESPONSE_TIMES).items():
            setattr(ministry, name, value)
    return ministries


def ministry_response_times():
    """{ministry id: figures} for every ministry with a petition or a response, from
    three grouped queries: petitions addressed, responses given, and the days of the
    dated responses (tabled, to a presented petition)."""
    from petitions.models.petition import Petition

    figures = {}

    def figures_of(ministry_id):
        return figures.setdefault(ministry_id, dict(EMPTY_RESPONSE_TIMES))

    for name, rows in (
        ("addressed_count", Petition.objects.all()),
        ("response_count", _responses().all()),
    ):
        counts = rows.filter(ministry__isnull=False).order_by().values("ministry")
        for ministry_id, count in counts.annotate(n=Count("pk")).values_list("ministry", "n"):
            figures_of(ministry_id)[name] = count
    timed = (
        _responses()
        .filter(ministry__isnull=False, tabled_on__isnull=False)
        .exclude(petition__presented_on=None)
        .order_by()
        .annotate(days=DaysBetween(F("tabled_on"), F("petition__presented_on")))
        .values("ministry")
        .annotate(
            median=Median("days"),
            share=Avg(Case(When(Q(days__lte=RESPONSE_DAYS), then=1.0), default=0.0)),
        )
        .values_list("ministry", "median", "share")
    )
    for ministry_id, median, share in timed:
        ministry = figures_of(ministry_id)
        ministry["median_response_days"] = median
        ministry["within_deadline_share"] = share
    return figures


def _responses():
    from petitions.models.petition import Petition

    # Reached by name so this module never imports the responses app.
    return Petition.responses.rel.related_model.objects


class PetitionQuerySet(models.QuerySet):
    def with_status(self, at=None):
        return self.annotate(
            status=Case(
                *[When(rule, then=Value(name)) for name, rule in status_conditions(at)],
                output_field=models.CharField(),
            )
        )

    def in_status(self, *statuses, at=None):
        condition = Q()
        for status in statuses:
            condition |= status_filter(status, at)
        return self.filter(condition)

    def open(self):
        return self.in_status(Status.OPEN)

    def awaiting_response(self):
        return self.in_status(Status.PRESENTED)

    def for_listing(self):
        return self.with_status().select_related(
            "session", "topic", "sponsor", "sponsor_caucus", "ministry", "window"
        )

    def for_detail(self):
        """One petition with everything its page shows, in a fixed number of queries.

        The list's joins (see for_listing), the presenter and a Member addressed, and
        whether its related petitions are current; the lists (keywords, counts,
        responses) in queries of their own. Read through detail(), which plans it once
        a connection, dates the first response and reads the related petitions."""
        from petitions.models.related import RelatedKey

        state = RelatedKey.objects.filter(petition=OuterRef("pk")).values("state")
        return (
            self.for_listing()
            .annotate(related_state=Subquery(state))
            .select_related("addressee_member", "presenter__caucus")
            .prefetch_related(
                "keywords",
                "province_counts",
                models.Prefetch(
                    "responses",
                    queryset=_responses().select_related("ministry").order_by("position"),
                ),
            )
        )

    def detail(self, **lookup):
        """The petition found by `lookup` (its number, say), as its page and the API show
        it: read as for_detail() inside planned_once() (ten tables joined at once cost
        the planner 7 to 30 ms for half a millisecond of work when it looks for the best
        order, a cost paid then a few times a connection instead of on every page), and
        dated with its first response from the responses it read, not a subquery of its
        own. Raises Petition.DoesNotExist."""
        from petitions.models.related import related_petitions

        with planned_once():
            # get(), not first(): first() adds an ordering by key to compile and plan.
            petition = self.for_detail().get(**lookup)
        tabled = [response.tabled_on for response in petition.responses.all()]
        petition.first_response_on = min(filter(None, tabled), default=None)
        petition.related = related_petitions(petition)
        return petition

    def by_number(self, text):
        """The petition a person means by a typed number, its own or its presentation
        number ("E 4172", "441-01184"), or None. Bare digits can be read two ways
        ("4172": e-4172, or presentation number 417-00002): None when both readings
        find a petition, and the search then shows each."""
        numbers = petition_number_readings(text)
        if not numbers:
            return None
        found = list(
            self.filter(Q(number__in=numbers) | Q(presentation_number__in=numbers))
            .order_by("kind")
            .distinct()[:3]
        )
        if not found:
            found = list(self.filter(former_numbers__number__in=numbers).distinct()[:3])
        return found[0] if len(found) == 1 else None

    def search(self, text, *, keep=computed):
        """Petitions whose text matches `text` (websearch syntax, English and French
        stemming, accents ignored) or whose sponsor or presenter is the Member named.

        What a search learns from its words alone (the Members named) goes through
        keep(name, text, compute), which may keep it for the same words' other filters,
        sorts and pages."""
        return self._matching(text, keep)[0]

    def ranked_search(self, text, *, keep=computed):
        """search(), best match first, and the keys of the petitions ranked:
        (petitions, candidates).

        Ranking reads each match's vector, so only the candidates are ranked: the
        RANK_CANDIDATES newest matches, found by index. The Member's own petitions lead,
        then the text rank; the other matches follow, newest first. A page within the
        candidates needs only them (see among_ranked). The first look through the text
        index goes through `keep` too."""
        matches, match, query, member_ids, by_member = self._matching(text, keep)
        if match is None:
            return matches, []

        # The candidates' keys. A first look through the text index, without the other
        # filters (with them, the planner intersects whole indexes: 200 ms for a common
        # word): when it finds FEW_MATCHES or fewer, they hold all the matches, and all
        # are ranked. Otherwise the words are common, and their matches are dense in the
        # index petition_activity: read newest first until there are RANK_CANDIDATES.
        # (Read so, a rare or absent word would walk the whole table.) The look depends
        # on the words alone: kept for their other filters, sorts and pages.
        # Words naming Members match their petitions wherever they lie in the table: read
        # in order, it tests (and unpacks) the documents of hundreds of thousands of rows
        # to find the first thousands (a second at a million petitions, 20 ms by index).
        # Words alone match densely where they are common, and in order reads few rows.
        reading = by_index if member_ids else contextlib.nullcontext

        def first_look():
            keys = self.model.objects.filter(match).order_by().values_list("pk", flat=True)
            with reading():
                keys = list(keys[: FEW_MATCHES + 1])
            return keys if len(keys) <= FEW_MATCHES else None

        def second_look():
            # Whether the matches number SOME_MATCHES or fewer: counted from the indexes.
            some = self.model.objects.filter(match).order_by().values("pk")[: SOME_MATCHES + 1]
            with by_bitmap():
                return some.count() <= SOME_MATCHES

        candidates = keep("first-look", text, first_look)
        if candidates is None:
            # Neither few nor common (a Member's name and a common word, say), the
            # newest matches are found from the indexes (by_bitmap); common, they are
            # dense among the newest petitions, and read in order.
            if keep("second-look", text, second_look):
                reading = by_bitmap
            newest = matches.order_by(*NEWEST_FIRST).values_list("pk", flat=True)
            with reading():
                candidates = list(newest[:RANK_CANDIDATES])
        text_rank = SearchRank(F("search_document"), query) if query is not None else Value(0.0)
        member_rank = Value(0.0)
        if member_ids:
            member_rank = Case(When(by_member, then=Value(1.0)), default=Value(0.0))
        if not candidates:
            # Nothing to rank (and a CASE over no keys would order by a constant).
            unranked = matches.annotate(search_rank=Value(None, models.FloatField()))
            return unranked.order_by(*NEWEST_FIRST), []
        ranked_matches = matches.annotate(
            search_rank=Case(
                When(pk__any=candidates, then=member_rank + text_rank),
                default=Value(None),
                output_field=models.FloatField(),
            )
        ).order_by(F("search_rank").desc(nulls_last=True), *NEWEST_FIRST)
        return ranked_matches, candidates

    def among_ranked(self, candidates, count):
        """These petitions within `candidates` (ranked_search's) when the first `count`
        of them in best-match order are all there, so that a page sorts these few rather
        than the whole table; else unchanged."""
        if count <= len(candidates):
            return self.filter(pk__any=candidates)
        return self

    def _matching(self, text, keep):
        """(matches, the condition, the text query, the Members named, the condition on
        them); the condition is None when the words hold nothing to look for."""
        from petitions.models.parliament import Member

        query = search_query(text)
        member_ids = keep(
            "members",
            text,
            lambda: list(
                Member.objects.matching(text).values_list("pk", flat=True)[:MAX_MEMBER_MATCHES]
            ),
        )
        by_member = Q(sponsor__in=member_ids) | Q(presenter__in=member_ids)
        if query is None and not member_ids:
            # Operators or quotes alone: no word to look for.
            return self.none(), None, query, member_ids, by_member
        match = Q(pk__in=[])
        if query is not None:
            match |= Q(search_document=query)
        if member_ids:
            match |= by_member
        return self.filter(match), match, query, member_ids, by_member

    def sponsored_by(self, member):
        return self.filter(sponsor=member)

    def presented_by(self, member):
        return self.filter(presenter=member)

    def addressed_to(self, ministry):
        return self.filter(ministry=ministry)

    def concerning_ministry(self, ministry):
        """Petitions addressed to `ministry` or answered by it."""
        answered = _responses().filter(petition=OuterRef("pk"), ministry=ministry)
        return self.filter(Q(ministry=ministry) | Exists(answered))

    def responded(self):
        return self.filter(Exists(_responses().filter(petition=OuterRef("pk"))))

    def unresponded(self):
        return self.exclude(Exists(_responses().filter(petition=OuterRef("pk"))))

    def response_overdue(self, today=None):
        """Presented petitions with no response tabled within 45 days of presentation:
        answered late, or still unanswered after the due date."""
        today = today or timezone.localdate()
        in_time = _responses().filter(
            petition=OuterRef("pk"),
            tabled_on__lte=OuterRef("presented_on") + RESPONSE_TIME,
        )
        return self.filter(presented_on__lt=today - RESPONSE_TIME).exclude(Exists(in_time))

    def response_in_time(self, today=None):
        """Presented petitions answered within 45 days, or not yet due."""
        today = today or timezone.localdate()
        return self.filter(presented_on__isnull=False).exclude(
            pk__in=self.model.objects.response_overdue(today).values("pk")
        )

    def with_first_response_on(self):
        first = _responses().filter(petition=OuterRef("pk"), tabled_on__isnull=False)
        return self.annotate(
            first_response_on=Subquery(first.order_by("tabled_on").values("tabled_on")[:1])
        )

    def sorted_by(self, sort):
        """Order by one of the list's sorts (relevance is ranked_search())."""
        if sort == "oldest":
            return self.order_by(*OLDEST_FIRST)
        if sort == "signatures":
            return self.order_by(F("signature_count").desc(nulls_last=True), *NEWEST_FIRST)
        if sort == "response_time":
            return (
                self.with_first_response_on()
                .annotate(response_days=DaysBetween(F("first_response_on"), F("presented_on")))
                .order_by(F("response_days").asc(nulls_last=True), *NEWEST_FIRST)
            )
        return self.order_by(*NEWEST_FIRST)

    def recently_answered(self, count, *, ministry=None):
        """The `count` petitions answered most recently (by `ministry`, when given), by
        their latest response, as a list, each with its `last_response_on`.

        Read from the newest responses (index response_tabled_on, or
        response_ministry_tabled_on), allowing a few responses per petition, rather than
        from every answered petition; the dates are kept from there: as a subquery for
        each row, planning the query took 35 ms."""
        responses = _responses().filter(tabled_on__isnull=False)
        if ministry is not None:
            responses = responses.filter(ministry=ministry)
        newest_responses = responses.order_by("-tabled_on", "-pk").values_list(
            "petition", "tabled_on"
        )[: count * 5]
        latest = {}
        for petition, tabled_on in newest_responses:
            latest.setdefault(petition, tabled_on)
        keys = sorted(latest, key=lambda pk: (latest[pk], pk), reverse=True)
        # The rows of the first `count` keys (one query, unless this queryset leaves
        # some of them out): each row costs its status.
        petitions = []
        for start in range(0, len(keys), count):
            batch = keys[start : start + count]
            with planned_once():
                rows = {petition.pk: petition for petition in self.filter(pk__any=batch)}
            petitions += [rows[key] for key in batch if key in rows]
            if len(petitions) >= count:
                break
        for petition in petitions:
            petition.last_response_on = latest[petition.pk]
        return petitions[:count]

    def closing_soon(self, count):
        """The `count` petitions open for signature that close soonest, as a list.

        Found by walking the windows that close soonest (index window_closes) a batch at
        a time and keeping the open petitions among them, then their rows: joined the
        other way, the planner read every unpresented petition (50 ms at a million),
        and sorting the rows themselves read thousands of wide rows."""
        from petitions.models.parts import SignatureWindow

        now = timezone.now()
        windows = SignatureWindow.objects.filter(closes_at__gt=now, opens_at__lte=now)
        windows = windows.order_by("closes_at", "petition").values_list("petition", flat=True)
        open_petitions = self.in_status(Status.OPEN, at=now)
        keys, start, batch = [], 0, 4 * count
        while len(keys) < count:
            batch_keys = list(windows[start : start + batch])
            if not batch_keys:
                break
            found = set(open_petitions.filter(pk__any=batch_keys).values_list("pk", flat=True))
            keys += [key for key in batch_keys if key in found]
            start, batch = start + batch, 4 * batch
        with planned_once():
            return list(self.filter(pk__any=keys[:count]).order_by("window__closes_at", "pk"))

    def newest(self, count):
        """The `count` newest petitions (as sorted_by("newest")), as a list: their keys,
        then their rows."""
        keys = list(self.sorted_by("newest").values_list("pk", flat=True)[:count])
        with planned_once():
            return list(self.filter(pk__any=keys).sorted_by("newest"))

    def headline_counts(self):
        """Figures for the home page, each read through an index rather than the table:
        petitions, open ones, answered ones, validated signatures and how many petitions
        have a published count."""
        counts = {
            "petition_count": self.count(),
            "open_count": self.open().count(),
            "responded_count": _responses()
            .filter(petition__in=self)
            .values("petition")
            .distinct()
            .count(),
            # Summed over the petitions whose count is published, and that many named
            # with it: None, not 0, when no count is known.
            **self.aggregate(
                signature_total=Sum("signature_count"),
                signature_known_count=Count("signature_count"),
            ),
        }
        counts["signature_unknown_count"] = (
            counts["petition_count"] - counts["signature_known_count"]
        )
        return counts


NEWEST_FIRST = (F("activity_on").desc(nulls_last=True), F("pk").desc())
OLDEST_FIRST = (F("activity_on").asc(nulls_last=True), F("pk").asc())
