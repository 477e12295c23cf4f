"""The one filter of the petition list, shared by the page, the CSV/JSON exports, the API
and the Atom feeds: the same query string means the same petitions everywhere.

Values that name things are stable codes: session "441", topic/keyword/ministry/caucus
slugs, a Member's slug, a two-letter province code, a Status value."""

import datetime
import hashlib
from urllib.parse import urlencode

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from petitions.cache import kept, kept_key, kept_seconds
from petitions.filter_forms import (
    MAX_SIGNATURES,
    IntegerFilter,
    KeptChoicesSelect,
    KeptRecordFilter,
    NamedRecordFilter,
    PetitionFilterForm,
    PetitionNumberFilter,
    PlainSelect,
    filter_errors,
    name_in_language,
)
from petitions.house.dates import format_house_date
from petitions.models import (
    Caucus,
    Keyword,
    Kind,
    Member,
    Ministry,
    ParliamentarySession,
    Province,
    Status,
    Topic,
)
from petitions.pagination import PetitionPaginator

# Not filters but how the results are shown; left out of the active filters.
PRESENTATION_PARAMETERS = {"sort", "page", "page_size"}

MAX_QUERY_LENGTH = 300
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class Sort(models.TextChoices):
    NEWEST = "newest", _("Newest first")
    OLDEST = "oldest", _("Oldest first")
    SIGNATURES = "signatures", _("Most signatures")
    RELEVANCE = "relevance", _("Best match")
    RESPONSE_TIME = "response_time", _("Fastest response")


YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def session_label(session):
    """ "44th Parliament, 1st Session" / "44e législature, 1re session"."""
    return "" if session is None else str(session)


def kept_for_words(name, text, compute):
    """compute(), kept for the search words `text` until the data changes: what a search
    learns from its words alone serves the same words' other filters, sorts and pages,
    as their count does (see PetitionQuerySet.search)."""
    digest = hashlib.sha256(text.encode()).hexdigest()[:32]
    return kept(f"search-{name}:{digest}", compute)


def session_choices():
    """The sessions as (code, label), kept per language until the data changes: the
    form checks a chosen session against them (two queries a request when read)."""

    def read():
        sessions = ParliamentarySession.objects.all()
        return [(session.code, session_label(session)) for session in sessions]

    return kept(f"session-choices:{get_language()}", read)


ANY = _("Any")


def _slug_filter(model, label, field_name, *, kept_records=True, **extra):
    filter_class = KeptRecordFilter if kept_records else NamedRecordFilter
    return filter_class(
        queryset=model.objects.all(),
        to_field_name="slug",
        field_name=field_name,
        label=label,
        empty_label=ANY,
        widget=KeptChoicesSelect(kept_as=model._meta.label, alphabetical=True),
        **extra,
    )


def _date_filter(label, **extra):
    # ISO dates whatever the page's language, as <input type="date"> sends them.
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    return django_filters.DateFilter(label=label, widget=widget, **extra)


def _start_of(day):
    """The first moment of `day` on Ottawa's clock, where the House's dates are."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class PetitionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_nothing",
        label=_("Search words"),
        max_length=MAX_QUERY_LENGTH,
        # Nothing to search for, and no feed (XML 1.0) can name them in its title.
        validators=[
            RegexValidator(
                r"[\x00-\x08\x0b\x0c\x0e-\x1f]",
                inverse_match=True,
                message=_("Search words cannot contain control characters."),
            )
        ],
    )
    number = PetitionNumberFilter(method="filter_number", label=_("Petition number"))
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices,
        method="filter_status",
        label=_("Status"),
        widget=forms.CheckboxSelectMultiple,
    )
    kind = django_filters.ChoiceFilter(
        choices=Kind.choices, label=_("Kind"), empty_label=ANY, widget=PlainSelect
    )
    session = django_filters.ChoiceFilter(
        widget=KeptChoicesSelect(kept_as="sessions"),
        choices=session_choices,
        method="filter_session",
        label=_("Parliament and session"),
        empty_label=ANY,
    )
    topic = _slug_filter(Topic, _("Topic"), "topic")
    keyword = _slug_filter(Keyword, _("Keyword"), "keywords")
    ministry = _slug_filter(
        Ministry, _("Ministry (addressed or responding)"), "ministry", method="filter_ministry"
    )
    sponsor = _slug_filter(Member, _("Sponsoring MP"), "sponsor", kept_records=False)
    presenter = _slug_filter(Member, _("Presenting MP"), "presenter", kept_records=False)
    caucus = _slug_filter(Caucus, _("Sponsor's party"), "sponsor_caucus")
    province = django_filters.ChoiceFilter(
        widget=PlainSelect,
        choices=Province.choices,
        field_name="petitioner_province",
        label=_("Petitioner's province"),
        empty_label=ANY,
    )
    opened_after = _date_filter(_("Opened on or after"), method="filter_opened_after")
    opened_before = _date_filter(_("Opened on or before"), method="filter_opened_before")
    presented_after = _date_filter(
        _("Presented on or after"), field_name="presented_on", lookup_expr="gte"
    )
    presented_before = _date_filter(
        _("Presented on or before"), field_name="presented_on", lookup_expr="lte"
    )
    responded = django_filters.ChoiceFilter(
        widget=PlainSelect,
        choices=YES_NO,
        method="filter_responded",
        label=_("Government response tabled"),
        empty_label=ANY,
    )
    response_overdue = django_filters.ChoiceFilter(
        widget=PlainSelect,
        choices=YES_NO,
        method="filter_response_overdue",
        label=_("No response within 45 days"),
        empty_label=ANY,
    )
    min_signatures = IntegerFilter(
        field_name="signature_count",
        lookup_expr="gte",
        min_value=0,
        max_value=MAX_SIGNATURES,
        label=_("At least signatures"),
    )
    max_signatures = IntegerFilter(
        field_name="signature_count",
        lookup_expr="lte",
        min_value=0,
        max_value=MAX_SIGNATURES,
        label=_("At most signatures"),
    )
    sort = django_filters.ChoiceFilter(
        widget=PlainSelect,
        choices=Sort.choices,
        method="filter_nothing",
        label=_("Sort"),
        empty_label=None,
    )
    # Read by whoever paginates (page, API); validated here so every face refuses the
    # same bad values.
    page = IntegerFilter(
        method="filter_nothing", min_value=1, max_value=MAX_SIGNATURES, label=_("Page")
    )
    page_size = IntegerFilter(
        method="filter_nothing", min_value=1, max_value=MAX_PAGE_SIZE, label=_("Per page")
    )

    class Meta:
        form = PetitionFilterForm

    # The keys of the petitions a best-match search ranked (see ranked_search), once
    # qs is read.
    rank_candidates = None

    # Searching and sorting come last, over everything the other filters kept.
    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        text = self.form.cleaned_data.get("q")
        sort = self.sort_value
        if text and sort == Sort.RELEVANCE:
            queryset, self.rank_candidates = queryset.ranked_search(text, keep=kept_for_words)
            return queryset
        if text:
            queryset = queryset.search(text, keep=kept_for_words)
        return queryset.sorted_by(sort)

    def first_in_order(self, count):
        """The petitions kept (qs), narrowed to a superset of the first `count` in the
        sort's order where that is known: for best match, the ranked candidates."""
        rows = self.qs
        if self.rank_candidates is not None:
            return rows.among_ranked(self.rank_candidates, count)
        return rows

    @property
    def error_list(self):
        return filter_errors(self)

    @property
    def sort_value(self):
        """The sort in force: as asked, else relevance when searching, else newest."""
        cleaned = getattr(self.form, "cleaned_data", {})
        sort = cleaned.get("sort")
        if sort == Sort.RELEVANCE and not cleaned.get("q"):
            return Sort.NEWEST
        return sort or (Sort.RELEVANCE if cleaned.get("q") else Sort.NEWEST)

    @property
    def page_size_value(self):
        cleaned = getattr(self.form, "cleaned_data", {})
        return cleaned.get("page_size") or DEFAULT_PAGE_SIZE

    def get_page(self, number, rows=None):
        """Page `number` of the results: the last page past the end, the first for
        anything that is not a page number. Its petitions are read from `rows` (by
        default the queryset filtered), so the filtering can run on a bare queryset
        whose annotations' joins do not stand in the planner's way."""
        paginator = PetitionPaginator(
            self.qs,
            self.page_size_value,
            rank_candidates=self.rank_candidates,
            rows=self.queryset if rows is None else rows,
            count_key=self.count_key,
            searched=bool(self.form.cleaned_data.get("q")),
        )
        return paginator.get_page(number)

    @property
    def count_key(self):
        """The filter's values without how they are shown: the key of its count."""
        values = sorted(
            (name, value)
            for name, values in self.data.lists()
            if name not in PRESENTATION_PARAMETERS
            for value in values
        )
        return hashlib.sha256(urlencode(values).encode()).hexdigest()[:32]

    @property
    def panel_key(self):
        """What the filter panel's markup depends on: the language, the data (for the
        options), whether anything was refused, and every value but the search words and
        how the results are shown, in the period (petitions/cache.py). A search's pages,
        sorts and words share one panel, kept rather than rendered field by field (a
        third of a list page's time)."""
        values = sorted(
            (name, value)
            for name, values in self.data.lists()
            if name not in PRESENTATION_PARAMETERS and name != "q"
            for value in values
        )
        errors = "errors" if self.form.errors else ""
        parts = [get_language(), errors, urlencode(values)]
        return kept_key(hashlib.sha256("|".join(parts).encode()).hexdigest()[:32])

    @property
    def panel_seconds(self):
        return kept_seconds()

    def filter_nothing(self, queryset, name, value):
        return queryset

    def filter_number(self, queryset, name, value):
        return queryset.filter(Q(number=value) | Q(presentation_number=value))

    def filter_status(self, queryset, name, value):
        return queryset.in_status(*dict.fromkeys(value))

    def filter_session(self, queryset, name, value):
        # The session's id as a value, so the planner can use the (session, activity_on)
        # index instead of joining the sessions to every petition.
        session = ParliamentarySession.objects.filter(
            parliament=int(value[:-1]), session=int(value[-1])
        ).first()
        return queryset.filter(session=session) if session else queryset.none()

    def filter_ministry(self, queryset, name, value):
        return queryset.concerning_ministry(value)

    def filter_opened_after(self, queryset, name, value):
        return queryset.filter(window__opens_at__gte=_start_of(value))

    def filter_opened_before(self, queryset, name, value):
        if value == datetime.date.max:
            return queryset
        return queryset.filter(window__opens_at__lt=_start_of(value + datetime.timedelta(days=1)))

    def filter_responded(self, queryset, name, value):
        return queryset.responded() if value == "yes" else queryset.unresponded()

    def filter_response_overdue(self, queryset, name, value):
        if value == "yes":
            return queryset.response_overdue()
        return queryset.response_in_time()

    def active_filters(self):
        """Each filter in force, as the page lists it: its label, the value in words,
        and the query string that removes it (one value at a time for a list)."""
        if not self.is_valid():
            return []
        # The query string's pairs in order, read once (copying the QueryDict for each
        # filter deep-copied it seventeen times when every filter was set).
        pairs = [
            (name, item) for name, items in self.data.lists() if name != "page" for item in items
        ]
        active = []
        for name, value in self.form.cleaned_data.items():
            if name in PRESENTATION_PARAMETERS or value in (None, "", [], ()):
                continue
            label = self.filters[name].label
            values = value if isinstance(value, list) else [value]
            for item in values:
                active.append(
                    {
                        "name": name,
                        "label": label,
                        "value": self._describe(name, item),
                        "remove_query": _query_without(pairs, name, item, many=len(values) > 1),
                    }
                )
        return active

    def _describe(self, name, value):
        if isinstance(value, datetime.date):
            return format_house_date(value, "fr" if get_language() == "fr" else "en")
        if isinstance(value, (Member, Ministry, Caucus, Topic, Keyword)):
            return name_in_language(value)
        choices = getattr(self.form.fields[name], "choices", None)
        # Not `if choices:`: the session's choices are a callable, which has no len().
        if choices is not None:
            return dict(choices).get(value, value)
        return str(value)


def _query_without(pairs, name, value, many):
    """The query string of `pairs` without the filter `name` (only its `value`, when the
    filter holds `many`)."""
    if many:
        kept = [(key, item) for key, item in pairs if not (key == name and item == value)]
    else:
        kept = [(key, item) for key, item in pairs if key != name]
    encoded = urlencode(kept)
    return f"?{encoded}" if encoded else "?"
