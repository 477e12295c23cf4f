"""The petition domain: sessions, Members, caucuses, ministries, topics, keywords,
petitions, their signature windows and counts by province.

Government responses live in the `responses` app and are reached from here only
through the `responses` relation name.
"""

import contextlib
import datetime
import hashlib
import re

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorField,
    TrigramWordSimilarity,
)
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import connection, models, transaction
from django.db.backends.postgresql.base import ServerBindingCursor
from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# The House must table a response within 45 calendar days of presentation
# (Standing Order 36(8)): a response on day 45 is on time, one on day 46 late. Queries
# read the rule as "tabled on or before presented_on + RESPONSE_TIME" and "overdue when
# presented before today - RESPONSE_TIME".
RESPONSE_DAYS = 45
RESPONSE_TIME = datetime.timedelta(days=RESPONSE_DAYS)
# Signing periods became 30, 60, 90 or 120 days on this date; before it, always 120.
FLEXIBLE_WINDOWS_SINCE = datetime.date(2019, 1, 28)
WINDOW_DAYS = (30, 60, 90, 120)
FIXED_WINDOW_DAYS = 120
MAX_WORDS = 250
# The days a House record can plausibly carry, from Confederation to well ahead: outside
# them a date is a typing error (a year 9999 has no 45-day deadline to compute).
EARLIEST_DAY = datetime.date(1867, 7, 1)
LATEST_DAY = datetime.date(2099, 12, 31)
EARLIEST_MOMENT = datetime.datetime(1867, 7, 1, tzinfo=datetime.UTC)
LATEST_MOMENT = datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC)
E_PETITION_SIGNATURES_TO_CERTIFY = 500
PAPER_PETITION_SIGNATURES = 25

E_PETITION_NUMBER = re.compile(r"^e-[1-9][0-9]*$")
# Parliament, session, then a five-digit sequence that restarts each session.
PRESENTATION_NUMBER = re.compile(r"^([0-9]{2})([0-9])-[0-9]{5}$")


def word_count(*texts):
    return sum(len(text.split()) for text in texts)


def plausible_day(name):
    """A Q that the date field `name` is empty or among the plausible days."""
    return Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__range": (EARLIEST_DAY, LATEST_DAY)})


def day_errors(**days):
    """Errors for the days (field name: date) that are implausible or after today, on
    Ottawa's calendar: nothing the House records has happened yet tomorrow."""
    errors = {}
    today = timezone.localdate()
    for name, day in days.items():
        if day is None:
            continue
        if not EARLIEST_DAY <= day <= LATEST_DAY:
            errors[name] = _("Enter a date between %(first)s and %(last)s.") % {
                "first": date_format(EARLIEST_DAY),
                "last": date_format(LATEST_DAY),
            }
        elif day > today:
            errors[name] = _("This date is after today (%(today)s).") % {
                "today": date_format(today)
            }
    return errors


def window_timeline_errors(*, closes_at, kind, outcome, outcome_on, presented_on):
    """Certification, and an e-petition's presentation, come on or after the day its
    window closes, on Ottawa's calendar: a window closing at 2:23 p.m. on January 15
    allows either on January 15."""
    errors = {}
    if closes_at is None:
        return errors
    closing_day = timezone.localdate(closes_at)
    decided = outcome in (Outcome.CERTIFIED, Outcome.NOT_CERTIFIED)
    if decided and outcome_on is not None and outcome_on < closing_day:
        errors["outcome_on"] = _(
            "A petition is certified (or not) once its window has closed, on %(closes)s or later."
        ) % {"closes": date_format(closing_day)}
    if kind == Kind.ELECTRONIC and presented_on is not None and presented_on < closing_day:
        errors["presented_on"] = _(
            "An e-petition is presented once its window has closed, on %(closes)s or later."
        ) % {"closes": date_format(closing_day)}
    return errors


def province_count_errors(*, counts, total, kind):
    """What is wrong with the counts by province ({province: count}, the unknown ones
    left out) beside the signature total: a paper petition has none, and the House's
    counts add up to its total."""
    if not counts:
        return []
    if kind == Kind.PAPER:
        return [_("A paper petition has no counts by province.")]
    counted = sum(counts.values())
    if total is None or counted == total:
        return []
    return [
        _("The counts by province add up to %(counted)s, but the signature total is %(total)s.")
        % {"counted": counted, "total": total}
    ]


def response_due_on(presented_on):
    """The last day a response is on time; None before presentation, or for a day no
    House record can carry (year 9999 has no day 45 after it)."""
    if presented_on is None or not EARLIEST_DAY <= presented_on <= LATEST_DAY:
        return None
    return presented_on + RESPONSE_TIME


def response_deadline(presented_on, first_response_on, today):
    """How the deadline fared: (state, days), or None before presentation. `state` is
    "met" or "late" once answered, "overdue" or "pending" until then; `days` are the
    days late, or left."""
    due_on = response_due_on(presented_on)
    if due_on is None:
        return None
    if first_response_on is not None:
        late = (first_response_on - due_on).days
        return ("late", late) if late > 0 else ("met", 0)
    if today > due_on:
        return "overdue", (today - due_on).days
    return "pending", (due_on - today).days


def in_language(english, french):
    """Pick the text of the active language, falling back to the other one."""
    if get_language() == "fr":
        return french or english
    return english or french


# Full-text search looks each term up under the English, French and simple
# configurations that feed the stored vector. An excluded term must be absent under all
# three, which websearch_to_tsquery over the whole text cannot say, so the websearch
# syntax (words, "quoted phrases", -exclusions, or) is read here, term by term.
SEARCH_CONFIGS = ("english_unaccent", "french_unaccent", "simple")
SEARCH_TERM = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')
MAX_SEARCH_TERMS = 16
# Ranking reads every match's vector: the slow path for a common word at a million rows.
# Up to FEW_MATCHES matches are all ranked; past that, only the RANK_CANDIDATES newest
# matches, the others following them by date (see PetitionQuerySet.search).
RANK_CANDIDATES = 200
FEW_MATCHES = 2000
# pg_trgm word similarity at which a Member's name or riding matches the search text,
# so that "Lantsmann" finds Melissa Lantsman.
MEMBER_MATCH_SIMILARITY = 0.6
MAX_MEMBER_MATCHES = 50

_TYPED_E_NUMBER = re.compile(r"^e\s*-?\s*0*([1-9][0-9]{0,5})$", re.IGNORECASE)
_TYPED_PRESENTATION_NUMBER = re.compile(r"^([0-9]{3})\s*-?\s*([0-9]{1,5})$")


def normalize_petition_number(text):
    """The canonical number for what a person typed ("E 4172" → "e-4172",
    "441-264" → "441-00264"), or "" when the text is not a petition number."""
    text = (text or "").strip()
    if match := _TYPED_E_NUMBER.match(text):
        return f"e-{match[1]}"
    if match := _TYPED_PRESENTATION_NUMBER.match(text):
        return f"{match[1]}-{int(match[2]):05d}"
    return ""


def search_query(text):
    """A SearchQuery for `text` in websearch syntax, or None when it holds no term."""
    groups, terms = [], []
    for negated_phrase, phrase, negated_word, word in SEARCH_TERM.findall(text or "")[
        :MAX_SEARCH_TERMS
    ]:
        if word.lower() == "or" and not negated_word:
            if terms:
                groups.append(terms)
            terms = []
            continue
        term, negated = (phrase, negated_phrase) if phrase else (word, negated_word)
        if not term.strip():
            continue
        search_type = "phrase" if phrase else "plain"
        queries = [SearchQuery(term, config=c, search_type=search_type) for c in SEARCH_CONFIGS]
        if negated:
            # Absent under every configuration.
            combined = ~queries[0]
            for query in queries[1:]:
                combined &= ~query
        else:
            # Present under any one of them.
            combined = queries[0]
            for query in queries[1:]:
                combined |= query
        terms.append(combined)
    if terms:
        groups.append(terms)
    result = None
    for group in groups:
        conjunction = group[0]
        for term in group[1:]:
            conjunction &= term
        result = conjunction if result is None else result | conjunction
    return result


def search_has_terms(text):
    """Whether `text` holds anything to search for, not only operators and quotes."""
    return search_query(text) is not None


def kept_for_words(name, text, compute):
    """compute(), kept for the search words `text` until the data changes: what a search
    learns from its words alone (the Members named, the first look through the text
    index) serves the same words' other filters, sorts and pages, as their count does."""
    # Imported here: the cache is a face's concern, reached only when searching.
    from petitions.cache import kept

    digest = hashlib.sha256(text.encode()).hexdigest()[:32]
    return kept(f"search-{name}:{digest}", compute)


@contextlib.contextmanager
def time_limit(milliseconds):
    """Queries in the block are cancelled (psycopg's QueryCanceled, as an
    OperationalError's cause) after `milliseconds`, instead of running to the site-wide
    statement timeout. The block is a transaction, or a savepoint of the enclosing one,
    whose own limit applies again after it."""
    nested = connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('statement_timeout'), "
            "set_config('statement_timeout', %s, true)",
            [str(int(milliseconds))],
        )
        enclosing = cursor.fetchone()[0]
        yield
        if nested:
            cursor.execute("SELECT set_config('statement_timeout', %s, true)", [enclosing])


@contextlib.contextmanager
def planned_once():
    """Queries in the block are prepared on the server, their values bound there, so
    that PostgreSQL parses and plans each of them once per connection and then runs the
    plan it keeps. For queries that read a few rows by key, whose best plan is the same
    whatever the key: a petition's page was planned anew for every request, its ten
    joined tables in a transaction that set the written order (four statements, 2 ms).
    Only such queries: a plan kept for one search word can be the wrong one for the
    next."""
    connection.ensure_connection()
    client = connection.connection
    kept = client.cursor_factory, client.prepare_threshold
    client.cursor_factory, client.prepare_threshold = ServerBindingCursor, 0
    try:
        yield
    finally:
        client.cursor_factory, client.prepare_threshold = kept


class DaysBetween(models.Func):
    """Whole days from `earlier` to `later`: PostgreSQL subtracts dates to an integer."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = models.IntegerField()

    def __init__(self, later, earlier):
        super().__init__(later, earlier)


@models.IntegerField.register_lookup
class AnyOf(models.Lookup):
    """`pk__any=keys`: `= ANY(%s)` with the keys as one array parameter, where `__in`
    writes a placeholder per key. A search hands the database thousands of candidate
    keys: written out one by one, composing and sending the query took longer than
    running it."""

    lookup_name = "any"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return "%s", [[int(key) for key in value]]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if len(rhs_params[0]) == 1:
            # As an equality, which the planner carries into joined subqueries (a
            # ministry's petitions): it does not for = ANY, even of one key.
            return f"{lhs} = %s", (*lhs_params, rhs_params[0][0])
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


class Median(models.Aggregate):
    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = models.FloatField()


PROVINCES = [
    # code, English, French: the order the House lists them in.
    ("AB", "Alberta", "Alberta"),
    ("BC", "British Columbia", "Colombie-Britannique"),
    ("MB", "Manitoba", "Manitoba"),
    ("NB", "New Brunswick", "Nouveau-Brunswick"),
    ("NL", "Newfoundland and Labrador", "Terre-Neuve-et-Labrador"),
    ("NT", "Northwest Territories", "Territoires du Nord-Ouest"),
    ("NS", "Nova Scotia", "Nouvelle-Écosse"),
    ("NU", "Nunavut", "Nunavut"),
    ("ON", "Ontario", "Ontario"),
    ("PE", "Prince Edward Island", "Île-du-Prince-Édouard"),
    ("QC", "Quebec", "Québec"),
    ("SK", "Saskatchewan", "Saskatchewan"),
    ("YT", "Yukon", "Yukon"),
]
Province = models.TextChoices(
    "Province",
    [
        (code, (code, lazy(in_language, str)(english, french)))
        for code, english, french in PROVINCES
    ],
)


class ParliamentarySession(models.Model):
    parliament = models.PositiveSmallIntegerField()
    session = models.PositiveSmallIntegerField()
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-parliament", "-session"]
        constraints = [
            models.UniqueConstraint(
                fields=["parliament", "session"], name="session_unique_parliament_session"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="session_ends_after_it_starts",
            ),
        ]

    def __str__(self):
        return _("%(parliament)s Parliament, session %(session)s") % {
            "parliament": self.parliament,
            "session": self.session,
        }

    def sat_on(self, day):
        """Whether the session was sitting (opened and not yet prorogued or dissolved)
        on `day`."""
        return self.started_on <= day and (self.ended_on is None or day <= self.ended_on)

    @property
    def code(self):
        """The House's three-digit code, e.g. "441" for the 44th Parliament, 1st session."""
        return f"{self.parliament}{self.session}"


class Caucus(models.Model):
    """A party as the House names its caucus; `aliases` holds the other spellings found
    in the House's records ("Conservative Caucus", "CPC", "Caucus conservateur")."""

    short_name = models.CharField(max_length=60, unique=True)
    name_en = models.CharField(max_length=120)
    name_fr = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80, unique=True)
    aliases = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["short_name"]
        verbose_name_plural = "caucuses"

    def __str__(self):
        return self.short_name

    @property
    def name(self):
        return in_language(self.name_en, self.name_fr)


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


class Member(models.Model):
    """A Member of Parliament. Riding and caucus here are the latest known; what they
    were when a petition was sponsored is kept on the petition."""

    first_name = models.CharField(verbose_name=_("first name"), max_length=100)
    last_name = models.CharField(verbose_name=_("last name"), max_length=100)
    slug = models.SlugField(verbose_name=_("slug"), max_length=140, unique=True)
    house_person_id = models.PositiveIntegerField(
        verbose_name=_("House person ID"), null=True, blank=True, unique=True
    )
    riding = models.CharField(verbose_name=_("riding"), max_length=200, blank=True)
    province = models.CharField(
        verbose_name=_("province"), max_length=2, choices=Province.choices, blank=True
    )
    caucus = models.ForeignKey(
        Caucus,
        verbose_name=_("caucus"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [
            # Serves the trigram match that finds an MP despite a typo.
            GinIndex(
                name="member_name_trgm",
                fields=["last_name", "first_name", "riding"],
                opclasses=["gin_trgm_ops"] * 3,
            ),
        ]

    objects = MemberQuerySet.as_manager()

    def __str__(self):
        return self.name

    @property
    def name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_absolute_url(self):
        return reverse("petitions:member_detail", kwargs={"slug": self.slug})


class MinistryQuerySet(models.QuerySet):
    # Whether the ministries fetched get their response times (see with_response_times).
    _response_times = False

    def _clone(self):
        clone = super()._clone()
        clone._response_times = self._response_times
        return clone

    def with_response_times(self):
        """Ministries with the petitions addressed to them, the responses they gave, and
        how long responses took: the median days from presentation to tabling and the
        share tabled within 45 days (None without a dated response).

        The figures of every ministry come from grouped queries over the whole archive
        (see ministry_response_times), kept until the data changes, and are set on each
        ministry as it is fetched: a subquery per ministry read each response and its
        petition once per ministry, seconds at a million petitions."""
        clone = self._chain()
        clone._response_times = True
        return clone

    def _fetch_all(self):
        fetched = self._result_cache is not None
        super()._fetch_all()
        if fetched or not self._response_times:
            return
        figures = kept_figures()
        for ministry in self._result_cache:
            if isinstance(ministry, Ministry):
                for name, value in figures.get(ministry.pk, EMPTY_RESPONSE_TIMES).items():
                    setattr(ministry, name, value)


EMPTY_RESPONSE_TIMES = {
    "addressed_count": 0,
    "response_count": 0,
    "median_response_days": None,
    "within_deadline_share": None,
}


def kept_figures():
    # Imported here: the page cache is a face's concern, reached only when fetching.
    from petitions.cache import kept_or_last

    return kept_or_last("ministry-response-times", ministry_response_times)


def ministry_response_times():
    """{ministry id: figures} for every ministry with a petition or a response, from
    three grouped queries: petitions addressed, responses given, and the days of the
    dated responses (tabled, to a presented petition)."""
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
    # Reached by name so this module never imports the responses app.
    return Petition.responses.rel.related_model.objects


class Ministry(models.Model):
    """A minister's portfolio, as petitions are addressed and responses signed:
    "Minister of Public Safety" / "ministre de la Sécurité publique"."""

    title_en = models.CharField(max_length=200, unique=True)
    title_fr = models.CharField(max_length=200, blank=True)
    slug = models.SlugField(max_length=200, unique=True)

    class Meta:
        ordering = ["title_en"]
        verbose_name_plural = "ministries"

    objects = MinistryQuerySet.as_manager()

    def __str__(self):
        return self.title_en

    @property
    def title(self):
        return in_language(self.title_en, self.title_fr)

    def get_absolute_url(self):
        return reverse("petitions:ministry_detail", kwargs={"slug": self.slug})


class Topic(models.Model):
    name_en = models.CharField(max_length=200, unique=True)
    name_fr = models.CharField(max_length=200, blank=True)
    slug = models.SlugField(max_length=200, unique=True)

    class Meta:
        ordering = ["name_en"]

    def __str__(self):
        return self.name_en

    @property
    def name(self):
        return in_language(self.name_en, self.name_fr)


class Keyword(models.Model):
    """An index term the House attaches to a petition."""

    name_en = models.CharField(max_length=300, unique=True)
    name_fr = models.CharField(max_length=300, blank=True)
    slug = models.SlugField(max_length=300, unique=True)

    class Meta:
        ordering = ["name_en"]

    def __str__(self):
        return self.name_en

    @property
    def name(self):
        return in_language(self.name_en, self.name_fr)


class Status(models.TextChoices):
    """What the archive says a petition's state is, in the House's wording."""

    NOT_YET_OPEN = "not_yet_open", _("Not yet open for signature")
    OPEN = "open", _("Open for signature")
    CLOSED = "closed", _("Closed for signature")
    CERTIFIED = "certified", _("Certified")
    NOT_CERTIFIED = "not_certified", _("Not certified")
    CLOSED_ON_DISSOLUTION = "closed_on_dissolution", _("Closed upon dissolution")
    PRESENTED = "presented", _("Presented to the House of Commons")
    RESPONDED = "responded", _("Government response tabled")


def status_conditions(at=None):
    """The one definition of status: the first condition a petition meets, in order.

    `at` is the moment the status is read at (now by default), so it is built fresh on
    each call."""
    at = at or timezone.now()
    has_response = Exists(
        # Reached by name so this module never imports the responses app.
        Petition.responses.rel.related_model.objects.filter(petition=OuterRef("pk"))
    )
    presented = Q(presented_on__isnull=False) | ~Q(presentation_number="")
    return [
        (Status.RESPONDED, Q(has_response)),
        (Status.PRESENTED, presented),
        (Status.CLOSED_ON_DISSOLUTION, Q(outcome=Outcome.CLOSED_ON_DISSOLUTION)),
        (Status.NOT_CERTIFIED, Q(outcome=Outcome.NOT_CERTIFIED)),
        (Status.CERTIFIED, Q(outcome=Outcome.CERTIFIED)),
        (Status.NOT_YET_OPEN, Q(window__opens_at__gt=at)),
        (Status.OPEN, Q(window__opens_at__lte=at, window__closes_at__gt=at)),
        (Status.CLOSED, Q(pk__isnull=False)),
    ]


def status_filter(status, at=None):
    """A Q that selects petitions in `status`: its own condition and none before it."""
    condition = Q()
    for name, rule in status_conditions(at):
        if name == status:
            return condition & rule
        condition &= ~rule
    raise ValueError(f"Unknown status {status!r}")


class Kind(models.TextChoices):
    ELECTRONIC = "electronic", _("E-petition")
    PAPER = "paper", _("Paper petition")


class Outcome(models.TextChoices):
    """The Clerk's decision after the signing period: what the House reports as
    Certified, Not certified or Closed upon dissolution."""

    PENDING = "", _("Pending")
    CERTIFIED = "certified", _("Certified")
    NOT_CERTIFIED = "not_certified", _("Not certified")
    CLOSED_ON_DISSOLUTION = "closed_on_dissolution", _("Closed upon dissolution")


class OriginalLanguage(models.TextChoices):
    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")
    BILINGUAL = "bilingual", _("Bilingual")


class AddresseeKind(models.TextChoices):
    HOUSE = "house", _("House of Commons")
    GOVERNMENT = "government", _("Government of Canada")
    PRIME_MINISTER = "prime_minister", _("Prime Minister")
    MINISTER = "minister", _("a Minister of the Crown")
    MEMBER = "member", _("a Member of Parliament")


class PetitionQuerySet(models.QuerySet):
    # The keys of the petitions search(ranked=True) ranks, kept across clones for
    # first_in_order.
    _rank_candidates = None

    def _clone(self):
        clone = super()._clone()
        clone._rank_candidates = self._rank_candidates
        return clone

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

        The list's joins (see for_listing), the presenter and a Member addressed; the
        lists (keywords, counts, responses) in queries of their own. Read through
        detail(), which plans it once a connection and dates the first response."""
        return (
            self.for_listing()
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
        with planned_once():
            # get(), not first(): first() adds an ordering by key to compile and plan.
            petition = self.for_detail().get(**lookup)
        tabled = [response.tabled_on for response in petition.responses.all()]
        petition.first_response_on = min(filter(None, tabled), default=None)
        return petition

    def by_number(self, text):
        """The petition a person means by a typed number, its own or its presentation
        number ("E 4172", "441-01184"), or None."""
        number = normalize_petition_number(text)
        if not number:
            return None
        petition = (
            self.filter(Q(number=number) | Q(presentation_number=number)).order_by("kind").first()
        )
        if petition is None:
            petition = self.filter(former_numbers__number=number).first()
        return petition

    def search(self, text, *, ranked=False):
        """Petitions whose text matches `text` (websearch syntax, English and French
        stemming, accents ignored) or whose sponsor or presenter is the Member named.

        `ranked` orders by relevance. Ranking reads each match's vector, so only the
        candidates are ranked: the RANK_CANDIDATES newest matches, found by index. The
        Member's own petitions lead, then the text rank; the other matches follow,
        newest first (see first_in_order, which pages through the candidates alone)."""
        query = search_query(text)
        member_ids = kept_for_words(
            "members",
            text,
            lambda: list(
                Member.objects.matching(text).values_list("pk", flat=True)[:MAX_MEMBER_MATCHES]
            ),
        )
        if query is None and not member_ids:
            # Operators or quotes alone: no word to look for.
            return self.none()
        by_member = Q(sponsor__in=member_ids) | Q(presenter__in=member_ids)
        match = Q(pk__in=[])
        if query is not None:
            match |= Q(search_vector=query)
        if member_ids:
            match |= by_member
        matches = self.filter(match)
        if not ranked:
            return matches

        # The candidates' keys. A first look through the text index, without the other
        # filters (with them, the planner intersects whole indexes: 200 ms for a common
        # word): when it finds FEW_MATCHES or fewer, they hold all the matches, and all
        # are ranked. Otherwise the words are common, and their matches are dense in the
        # index petition_activity: read newest first until there are RANK_CANDIDATES.
        # (Read so, a rare or absent word would walk the whole table.) The look depends
        # on the words alone: kept for their other filters, sorts and pages.
        def first_look():
            keys = self.model.objects.filter(match).order_by().values_list("pk", flat=True)
            keys = list(keys[: FEW_MATCHES + 1])
            return keys if len(keys) <= FEW_MATCHES else None

        candidates = kept_for_words("first-look", text, first_look)
        if candidates is None:
            newest = matches.order_by(*NEWEST_FIRST).values_list("pk", flat=True)
            candidates = list(newest[:RANK_CANDIDATES])
        text_rank = SearchRank(F("search_vector"), query) if query is not None else Value(0.0)
        member_rank = Value(0.0)
        if member_ids:
            member_rank = Case(When(by_member, then=Value(1.0)), default=Value(0.0))
        if not candidates:
            # Nothing to rank (and a CASE over no keys would order by a constant).
            unranked = matches.annotate(search_rank=Value(None, models.FloatField()))
            return unranked.order_by(*NEWEST_FIRST)
        ranked_matches = matches.annotate(
            search_rank=Case(
                When(pk__any=candidates, then=member_rank + text_rank),
                default=Value(None),
                output_field=models.FloatField(),
            )
        ).order_by(F("search_rank").desc(nulls_last=True), *NEWEST_FIRST)
        ranked_matches._rank_candidates = candidates
        return ranked_matches

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

    def first_in_order(self, sort, count):
        """A superset of the first `count` petitions in `sort` order, so that a page
        sorts these few rather than the whole table: for relevance, the ranked candidates
        of search(ranked=True). Other sorts are unchanged."""
        # The ranked candidates come first: a page within them needs nothing else.
        candidates = self._rank_candidates
        if sort == "relevance" and candidates is not None and count <= len(candidates):
            return self.filter(pk__any=candidates)
        return self

    def sorted_by(self, sort):
        """Order by one of the list's sorts (relevance is search(ranked=True))."""
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
        petitions, open ones, answered ones, validated signatures."""
        return {
            "petition_count": self.count(),
            "open_count": self.open().count(),
            "responded_count": _responses()
            .filter(petition__in=self)
            .values("petition")
            .distinct()
            .count(),
            "signature_total": self.aggregate(total=Coalesce(Sum("signature_count"), 0))["total"],
        }


NEWEST_FIRST = (F("activity_on").desc(nulls_last=True), F("pk").desc())
OLDEST_FIRST = (F("activity_on").asc(nulls_last=True), F("pk").asc())


class Petition(models.Model):
    number = models.CharField(
        verbose_name=_("number"),
        max_length=12,
        unique=True,
        help_text=_("e-N for an e-petition; the presentation number PPS-NNNNN for a paper one."),
    )
    kind = models.CharField(
        verbose_name=_("kind"), max_length=10, choices=Kind.choices, default=Kind.ELECTRONIC
    )
    session = models.ForeignKey(
        ParliamentarySession,
        verbose_name=_("session"),
        on_delete=models.PROTECT,
        related_name="petitions",
    )
    house_id = models.PositiveIntegerField(
        _("House petition ID"),
        null=True,
        blank=True,
        help_text=_("The House's own record id, where known."),
    )
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("topic"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="petitions",
    )
    keywords = models.ManyToManyField(
        Keyword, verbose_name=_("keywords"), blank=True, related_name="petitions"
    )

    petitioner_name = models.CharField(
        verbose_name=_("petitioner's name"), max_length=200, blank=True
    )
    petitioner_city = models.CharField(
        verbose_name=_("petitioner's city"), max_length=120, blank=True
    )
    petitioner_province = models.CharField(
        verbose_name=_("petitioner's province"), max_length=2, choices=Province.choices, blank=True
    )
    original_language = models.CharField(
        verbose_name=_("original language"),
        max_length=10,
        choices=OriginalLanguage.choices,
        blank=True,
    )

    addressee_kind = models.CharField(
        verbose_name=_("addressed to"),
        max_length=16,
        choices=AddresseeKind.choices,
        default=AddresseeKind.GOVERNMENT,
    )
    ministry = models.ForeignKey(
        Ministry,
        verbose_name=_("minister addressed"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="petitions",
        help_text=_("The minister addressed, for a petition to the Prime Minister or a Minister."),
    )
    addressee_member = models.ForeignKey(
        Member,
        verbose_name=_("Member addressed"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="petitions_addressed",
    )

    # Whereas items: one per line, in order.
    whereas_en = models.TextField(
        _("Whereas (English)"), blank=True, help_text=_("One whereas item per line.")
    )
    whereas_fr = models.TextField(
        _("Whereas (French)"), blank=True, help_text=_("One whereas item per line.")
    )
    # The prayer: its opening line, then one numbered request per line.
    prayer_en = models.TextField(_("Prayer (English)"), blank=True)
    prayer_fr = models.TextField(_("Prayer (French)"), blank=True)

    sponsor = models.ForeignKey(
        Member,
        verbose_name=_("sponsor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="petitions_sponsored",
    )
    # As they were when the Member sponsored the petition: MPs change ridings and parties.
    sponsor_riding = models.CharField(
        verbose_name=_("sponsor's riding"), max_length=200, blank=True
    )
    sponsor_caucus = models.ForeignKey(
        Caucus,
        verbose_name=_("sponsor's caucus"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="petitions_sponsored",
    )
    sponsor_province = models.CharField(
        verbose_name=_("sponsor's province"), max_length=2, choices=Province.choices, blank=True
    )

    presenter = models.ForeignKey(
        Member,
        verbose_name=_("presenting Member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="petitions_presented",
    )
    presenter_riding = models.CharField(
        verbose_name=_("presenting Member's riding"), max_length=200, blank=True
    )
    presentation_number = models.CharField(
        verbose_name=_("presentation number"),
        max_length=9,
        blank=True,
        help_text=_("PPS-NNNNN, given when presented in the House."),
    )
    presented_on = models.DateField(verbose_name=_("presented on"), null=True, blank=True)
    # The day the petition last moved: presented, or else opened for signature (on
    # Ottawa's clock). What "newest first" sorts by, through one index. Derived, never
    # typed: the database keeps it from presented_on and the window on every write
    # (triggers petition_activity_on and window_activity_on, migration 0012).
    activity_on = models.DateField(null=True, editable=False)

    outcome = models.CharField(
        verbose_name=_("outcome"),
        max_length=24,
        choices=Outcome.choices,
        default=Outcome.PENDING,
        blank=True,
    )
    outcome_on = models.DateField(
        _("outcome on"),
        null=True,
        blank=True,
        help_text=_("When the petition was certified or not."),
    )
    signature_count = models.IntegerField(
        _("signatures"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Validated signatures."),
    )

    source_url = models.URLField(verbose_name=_("source address"), max_length=500, blank=True)
    source_note = models.TextField(verbose_name=_("source note"), blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # English and French text, accent-insensitive (see the text search configurations
    # made in the first migration); feeds full-text search through a GIN index.
    search_vector = models.GeneratedField(
        expression=SearchVector("prayer_en", weight="A", config="english_unaccent")
        + SearchVector("whereas_en", weight="B", config="english_unaccent")
        + SearchVector("prayer_fr", weight="A", config="french_unaccent")
        + SearchVector("whereas_fr", weight="B", config="french_unaccent")
        + SearchVector("number", "petitioner_name", weight="C", config="simple"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = PetitionQuerySet.as_manager()
    # Set by with_first_response_on() and recently_answered(). None where a list
    # reads no response dates: a template's failed lookup lists the object's attributes,
    # a tenth of a millisecond a row for each of the two.
    first_response_on = None
    last_response_on = None

    class Meta:
        ordering = ["-presented_on", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["presentation_number"],
                condition=~Q(presentation_number=""),
                name="petition_unique_presentation_number",
                violation_error_message=_("Another petition has this presentation number."),
            ),
            # Certified, then presented: never presented before its certification.
            models.CheckConstraint(
                condition=Q(presented_on__isnull=True)
                | Q(outcome_on__isnull=True)
                | ~Q(outcome=Outcome.CERTIFIED)
                | Q(presented_on__gte=F("outcome_on")),
                name="petition_presented_on_or_after_certification",
                violation_error_message=_("A petition is presented on or after its certification."),
            ),
            models.CheckConstraint(
                condition=plausible_day("presented_on") & plausible_day("outcome_on"),
                name="petition_dates_plausible",
                violation_error_message=_("A date is out of the plausible range."),
            ),
            models.CheckConstraint(
                condition=Q(kind=Kind.ELECTRONIC, number__regex=r"^e-[1-9][0-9]*$")
                | Q(kind=Kind.PAPER, number__regex=r"^[0-9]{3}-[0-9]{5}$"),
                name="petition_number_format_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(presentation_number="")
                | Q(presentation_number__regex=r"^[0-9]{3}-[0-9]{5}$"),
                name="petition_presentation_number_format",
            ),
            models.CheckConstraint(
                condition=Q(signature_count__gte=0), name="petition_signature_count_not_negative"
            ),
        ]
        indexes = [
            GinIndex(fields=["search_vector"], name="petition_search_vector"),
            # A session's, a Member's or a ministry's newest petitions (their pages, and
            # those filters sorted newest first), in the order of petition_activity.
            *[
                models.Index(
                    F(f"{field}_id"),
                    F("activity_on").desc(nulls_last=True),
                    F("id").desc(),
                    name=f"petition_{field}_activity",
                )
                for field in ("session", "sponsor", "presenter", "ministry")
            ],
            models.Index(fields=["signature_count"], name="petition_signature_count"),
            # Serve the presentation-date filters and the search's candidates without
            # reading the whole table. Not the unpresented ones: their rows are
            # scattered while presented ones follow the table's order, so the planner,
            # costing them as one, read 80,000 wide rows for "presented_on IS NULL"
            # rather than petition_unpresented.
            # With the key, number and activity date (the order of newest first), an
            # export's keys are read from the index alone.
            models.Index(
                fields=["presented_on"],
                include=["id", "number", "activity_on"],
                condition=Q(presented_on__isnull=False),
                name="petition_presented_on",
            ),
            # The narrow facts of every petition, so that whole-archive figures (the
            # statistics, the ministries' response times) read this index instead of
            # the rows and their texts: 90 MB against 1.5 GB at a million petitions.
            # Keyed by kind, not id, so that it never stands in for the primary key in
            # the lookup of a few petitions, which it made slower.
            models.Index(
                fields=["kind"],
                include=[
                    "id",
                    "session",
                    "topic",
                    "ministry",
                    "presented_on",
                    "signature_count",
                    "outcome",
                    "presentation_number",
                ],
                name="petition_facts",
            ),
            # Newest first, as the list, the feeds and the Member and ministry pages
            # show petitions; a deep page is an offset into this index alone.
            models.Index(
                F("activity_on").desc(nulls_last=True), F("id").desc(), name="petition_activity"
            ),
            # Most signatures first, unknown counts last: what sort=signatures reads.
            models.Index(
                F("signature_count").desc(nulls_last=True),
                F("id").desc(),
                name="petition_signatures_desc",
            ),
            # The few petitions not presented yet, whose status turns on their outcome
            # and window (open, closed, certified...): read from this small index, not
            # from their rows scattered across the table (27,000 pages at a million),
            # with the date they are sorted by.
            models.Index(
                fields=["outcome", "presentation_number", "session", "id"],
                include=["activity_on"],
                condition=Q(presented_on__isnull=True),
                name="petition_unpresented",
            ),
            # Fewer still: those whose status turns on their window alone (not yet open,
            # open, closed), with no presentation and no outcome. The condition is written
            # as status_filter() writes those statuses (each outcome's status excluded in
            # turn) so that the planner sees a status filter implies it: the open
            # petitions are then read from 6,000 entries, not picked from 80,000 by
            # outcome (8 ms at a million).
            models.Index(
                fields=["id"],
                include=["activity_on"],
                condition=Q(presented_on__isnull=True, presentation_number="")
                & ~Q(outcome=Outcome.CLOSED_ON_DISSOLUTION)
                & ~Q(outcome=Outcome.NOT_CERTIFIED)
                & ~Q(outcome=Outcome.CERTIFIED),
                name="petition_pending",
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("petitions:petition_detail", kwargs={"number": self.number})

    @property
    def is_electronic(self):
        return self.kind == Kind.ELECTRONIC

    @property
    def response_due_on(self):
        return response_due_on(self.presented_on)

    @property
    def whereas(self):
        return [line for line in in_language(self.whereas_en, self.whereas_fr).splitlines() if line]

    @property
    def prayer(self):
        return in_language(self.prayer_en, self.prayer_fr)

    def clean(self):
        errors = {}
        if self.kind == Kind.ELECTRONIC and not E_PETITION_NUMBER.match(self.number):
            errors["number"] = _("An e-petition's number reads e-N, for example e-4172.")
        if self.kind == Kind.PAPER:
            if not PRESENTATION_NUMBER.match(self.number):
                errors["number"] = _(
                    "A paper petition's number is its presentation number, "
                    "PPS-NNNNN, for example 441-00264."
                )
            elif self.presentation_number and self.presentation_number != self.number:
                errors["presentation_number"] = _(
                    "A paper petition's presentation number is its number, %(number)s."
                ) % {"number": self.number}
        if self.presentation_number:
            match = PRESENTATION_NUMBER.match(self.presentation_number)
            if not match:
                errors["presentation_number"] = _(
                    "A presentation number reads PPS-NNNNN: parliament, session and a "
                    "five-digit sequence, for example 441-01184."
                )
            elif self.session_id and match.group(1) + match.group(2) != self.session.code:
                errors["presentation_number"] = _(
                    "%(number)s was presented in session %(prefix)s, but the petition "
                    "belongs to session %(code)s."
                ) % {
                    "number": self.presentation_number,
                    "prefix": self.presentation_number[:3],
                    "code": self.session.code,
                }
        if self.kind == Kind.ELECTRONIC:
            for field, language, texts in (
                ("prayer_en", _("English"), (self.whereas_en, self.prayer_en)),
                ("prayer_fr", _("French"), (self.whereas_fr, self.prayer_fr)),
            ):
                words = word_count(*texts)
                if words > MAX_WORDS:
                    errors[field] = _(
                        "An e-petition has at most %(max)s words; the %(language)s text "
                        "(whereas items and prayer) has %(words)s."
                    ) % {"max": MAX_WORDS, "language": language, "words": words}
        if self.outcome and self.kind == Kind.PAPER and self.outcome != Outcome.CERTIFIED:
            errors["outcome"] = _("A paper petition is certified before it is presented.")
        errors = day_errors(presented_on=self.presented_on, outcome_on=self.outcome_on) | errors
        presented = self.presented_on if "presented_on" not in errors else None
        if (
            presented
            and self.outcome == Outcome.CERTIFIED
            and self.outcome_on
            and presented < self.outcome_on
        ):
            errors["presented_on"] = _(
                "A petition is presented on or after its certification (%(certified)s)."
            ) % {"certified": date_format(self.outcome_on)}
        elif presented and self.session_id and not self.session.sat_on(presented):
            errors["presented_on"] = _(
                "The %(session)s sat from %(first)s to %(last)s: a petition of it is "
                "presented in that time."
            ) % {
                "session": self.session,
                "first": date_format(self.session.started_on),
                "last": date_format(self.session.ended_on) if self.session.ended_on else _("today"),
            }
        if errors:
            raise ValidationError(errors)

    def current_status(self):
        """The derived status of this one petition, from the same rules as the lists."""
        status = getattr(self, "status", None)
        if status is None and self.pk:
            status = Petition.objects.with_status().values_list("status", flat=True).get(pk=self.pk)
        return Status(status) if status else None


class FormerNumber(models.Model):
    """A number a petition had before a clerk corrected it: links to its old address
    still find it."""

    number = models.CharField(max_length=12, unique=True)
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="former_numbers")

    def __str__(self):
        return f"{self.number} → {self.petition_id}"


class SignatureWindow(models.Model):
    """When an e-petition was open for signature."""

    petition = models.OneToOneField(Petition, on_delete=models.CASCADE, related_name="window")
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="window_closes_after_it_opens"
            ),
            models.CheckConstraint(
                condition=Q(opens_at__gte=EARLIEST_MOMENT, closes_at__lt=LATEST_MOMENT),
                name="window_dates_plausible",
            ),
        ]
        indexes = [
            models.Index(fields=["opens_at", "closes_at"], name="window_dates"),
            # The newest windows first with their petitions, read from the index alone:
            # where a search finds its newest unpresented matches.
            models.Index(fields=["-opens_at", "-id"], include=["petition"], name="window_newest"),
            # The few windows that close after now: petitions open or not yet open.
            models.Index(
                fields=["closes_at"], include=["petition", "opens_at"], name="window_closes"
            ),
        ]

    def __str__(self):
        return f"{self.petition_id}: {self.opens_at:%Y-%m-%d} – {self.closes_at:%Y-%m-%d}"

    @property
    def length_days(self):
        """Calendar days on Ottawa's clock, so a window across a change to or from
        daylight time still counts whole days."""
        return (timezone.localdate(self.closes_at) - timezone.localdate(self.opens_at)).days

    def clean(self):
        if self.opens_at is None or self.closes_at is None:
            return
        if self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("The window must close after it opens.")})
        petition = getattr(self, "petition", None)
        if petition is not None and petition.kind == Kind.PAPER:
            raise ValidationError(_("A paper petition has no signature window."))
        if petition is not None:
            errors = window_timeline_errors(
                closes_at=self.closes_at,
                kind=petition.kind,
                outcome=petition.outcome,
                outcome_on=petition.outcome_on,
                presented_on=petition.presented_on,
            )
            if errors:
                raise ValidationError(errors)
        days = self.length_days
        if timezone.localdate(self.opens_at) < FLEXIBLE_WINDOWS_SINCE:
            if days != FIXED_WINDOW_DAYS:
                raise ValidationError(
                    {
                        "closes_at": _(
                            "Before January 28, 2019 every e-petition was open for 120 days; "
                            "this window is %(days)s days."
                        )
                        % {"days": days}
                    }
                )
        elif days not in WINDOW_DAYS:
            raise ValidationError(
                {
                    "closes_at": _(
                        "An e-petition is open for 30, 60, 90 or 120 days; "
                        "this window is %(days)s days."
                    )
                    % {"days": days}
                }
            )


class ProvinceSignatureCount(models.Model):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="province_counts")
    province = models.CharField(max_length=2, choices=Province.choices)
    signature_count = models.IntegerField(validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["province"]
        constraints = [
            models.UniqueConstraint(
                fields=["petition", "province"], name="province_count_one_per_province"
            ),
            models.CheckConstraint(
                condition=Q(signature_count__gte=0), name="province_count_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.get_province_display()}: {self.signature_count}"


class ExportLine(models.Model):
    """A petition's line in the CSV and in the JSON export, kept so that an export
    reads stored text instead of gathering every field of every petition again (see
    petitions/export_lines.py).

    Database triggers keep it honest (migration 0010): a row is added with each
    petition, and any write to the petition, its window, counts, keywords or responses,
    or to a Member, ministry, topic, session, caucus or keyword it names, empties the
    lines and moves `stamp` on. Lines are written back only where the stamp is still the
    one read with the data they were built from."""

    petition = models.OneToOneField(
        Petition, on_delete=models.CASCADE, primary_key=True, related_name="export_line"
    )
    stamp = models.PositiveIntegerField(default=0)
    # Empty: not built since the last change (a line is never empty).
    csv = models.TextField(blank=True)
    json = models.TextField(blank=True)
    # Where the petition's address goes in each line: it depends on the language asked.
    csv_url_at = models.PositiveIntegerField(default=0)
    json_url_at = models.PositiveIntegerField(default=0)
    # The first moment the status or the 45-day deadline cell of a line reads otherwise
    # by the clock alone (the window opens or closes, the response falls overdue);
    # NULL: never. Each line has its own: each is built when first asked for.
    csv_valid_until = models.DateTimeField(null=True)
    json_valid_until = models.DateTimeField(null=True)

    def __str__(self):
        return f"{self.petition_id}: export line {self.stamp}"


class PendingUpload(models.Model):
    """A file a clerk uploaded in the admin, kept in the database between its dry run
    and the clerk's confirmation, so that any web node can show its report and write it
    (see petitions/services/uploads.py)."""

    class State(models.TextChoices):
        CHECKING = "checking", _("Checking")
        CHECKED = "checked", _("Checked")
        WRITING = "writing", _("Writing")
        WRITTEN = "written", _("Written")
        FAILED = "failed", _("Not written")

    name = models.CharField(max_length=255)
    content = models.BinaryField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.CHECKING)
    # What the dry run (then the write) found: counts, rejections, the file's error.
    report = models.JSONField(default=dict)

    def __str__(self):
        return self.name
