"""The read-only JSON API: petitions filtered by the one PetitionFilter, Members,
ministries, sessions and the statistics of petitions/stats.py.

Every response carries an ETag, so that a client revalidates with If-None-Match and gets
304 Not Modified when nothing changed; answers are kept until the data changes."""

from functools import partial

from django.http import Http404, HttpResponsePermanentRedirect
from django.middleware.http import ConditionalGetMiddleware
from django.urls import reverse
from django.utils.decorators import decorator_from_middleware, method_decorator
from django.utils.formats import number_format
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from petitions import stats
from petitions.cache import cached_page
from petitions.exports.lines import petition_url
from petitions.exports.table import deadline_facts
from petitions.filter_forms import PageForm
from petitions.filters import COUNT_LIMIT, DEFAULT_PAGE_SIZE, PetitionFilter
from petitions.filters import PetitionPaginator as ListPaginator
from petitions.models import (
    Member,
    Ministry,
    ParliamentarySession,
    Petition,
    with_response_times,
)
from petitions.stats import kept_ministry_figures

MAX_API_PAGE_SIZE = 500
# As deep as the list page counts.
MAX_API_ROWS = COUNT_LIMIT

conditional_get = method_decorator(
    decorator_from_middleware(ConditionalGetMiddleware), name="dispatch"
)
# Answers are kept like the public pages (petitions/cache.py): an answer depends only on
# its address, the language and the data (JSON is the one format), and its ETag then
# names the data version.
kept_answer = method_decorator(cached_page, name="dispatch")


class Pagination(PageNumberPagination):
    """`page` and `page_size`; a page size above the maximum is cut to it."""

    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    page_size_query_description = format_lazy(
        _("Results per page, {default} by default; a size above {max} is cut to {max}."),
        default=DEFAULT_PAGE_SIZE,
        max=MAX_API_PAGE_SIZE,
    )
    max_page_size = MAX_API_PAGE_SIZE

    def paginate_queryset(self, queryset, request, view=None):
        # The rule of every face: a page or page size that is not a number is a 400.
        paging = PageForm(request.query_params)
        if not paging.is_valid():
            raise serializers.ValidationError(
                {name: [str(m) for m in messages] for name, messages in paging.errors.items()}
            )
        return super().paginate_queryset(queryset, request, view)


class PetitionPaginator(ListPaginator):
    """The list page's paginator (a page sorts only the petitions that can be on it),
    with an exact count however long it takes: researchers are given the total. It is
    kept per filter like the page's (see PetitionFilter.count_key)."""

    def _count_petitions(self):
        return self.object_list.order_by().values("pk").count(), False


class PetitionPagination(Pagination):
    """Pages of petitions down to MAX_API_ROWS: a deeper page costs seconds to find
    (offset pagination reads every row before it), and the streamed exports give any
    number of rows."""

    page_query_description = _(
        "A page number. Pages reach the first 10,000 petitions of a filter; the CSV and "
        "JSON exports (/petitions/export.csv, .json) take the same filters and give them all."
    )

    def paginate_petitions(self, queryset, request, *, rank_candidates, count_key):
        """A page of `queryset` (sorted; for best match, `rank_candidates` are the
        petitions ranked: see PetitionQuerySet.ranked_search), its count kept under
        `count_key`."""
        number = request.query_params.get(self.page_query_param, "1")
        if (
            number.isascii()
            and number.isdigit()
            and (int(number) - 1) * self.get_page_size(request) >= MAX_API_ROWS
        ):
            raise serializers.ValidationError(
                {
                    self.page_query_param: [
                        _(
                            "Pages reach the first %(rows)s petitions: narrow the filter, "
                            "or download every petition it keeps from %(export)s."
                        )
                        % {
                            "rows": number_format(MAX_API_ROWS, force_grouping=True),
                            "export": "/petitions/export.json",
                        }
                    ]
                }
            )
        self.django_paginator_class = partial(
            PetitionPaginator, rank_candidates=rank_candidates, count_key=count_key
        )
        return self.paginate_queryset(queryset, request)


class PetitionFilterBackend(DjangoFilterBackend):
    """PetitionFilter over the query string; an unknown value is a 400 naming its
    parameter. The page size is the paginator's (up to 500, capped), not the page's."""

    def get_filterset_kwargs(self, request, queryset, view):
        data = request.query_params.copy()
        data.pop("page_size", None)
        return {"data": data, "queryset": queryset, "request": request}

    def valid_filter(self, request, queryset, view):
        petition_filter = self.get_filterset(request, queryset, view)
        if not petition_filter.is_valid():
            raise translate_validation(petition_filter.errors)
        return petition_filter

    def filter_queryset(self, request, queryset, view):
        return self.valid_filter(request, queryset, view).qs


# Serializers ----------------------------------------------------------------------------


class NamesSerializer(serializers.Serializer):
    slug = serializers.CharField(help_text=_("Stable identifier, used in filters."))
    name_en = serializers.CharField()
    name_fr = serializers.CharField()


class MinistryRefSerializer(serializers.Serializer):
    slug = serializers.CharField(help_text=_("Stable identifier: the `ministry` filter."))
    title_en = serializers.CharField()
    title_fr = serializers.CharField()


class CaucusSerializer(serializers.Serializer):
    slug = serializers.CharField(help_text=_("Stable identifier: the `caucus` filter."))
    short_name = serializers.CharField()
    name_en = serializers.CharField()
    name_fr = serializers.CharField()


class MemberRefSerializer(serializers.Serializer):
    slug = serializers.CharField(help_text=_("Stable identifier: the `sponsor` filter."))
    name = serializers.CharField()
    house_person_id = serializers.IntegerField(
        allow_null=True, help_text=_("The House of Commons' PersonId, where known.")
    )


class SessionSerializer(serializers.ModelSerializer):
    code = serializers.CharField(help_text=_('"441": 44th Parliament, 1st session.'))

    class Meta:
        model = ParliamentarySession
        fields = ["code", "parliament", "session", "started_on", "ended_on"]


class WindowSerializer(serializers.Serializer):
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    length_days = serializers.IntegerField()


class ResponseSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    ministry = MinistryRefSerializer(allow_null=True)
    signed_by = serializers.CharField()
    tabled_on = serializers.DateField(allow_null=True)
    sessional_paper_number = serializers.CharField()
    text_en = serializers.CharField()
    text_fr = serializers.CharField()


class RelatedPetitionSerializer(serializers.Serializer):
    rank = serializers.IntegerField(help_text=_("1 for the closest."))
    relation = serializers.CharField(
        source="kind",
        help_text=_(
            "same: the same request, made again (in another session, or as a paper "
            "petition); similar: a close subject."
        ),
    )
    score = serializers.FloatField(
        help_text=_("How alike, from 0 to 1: the requests' words, keywords and topic.")
    )
    number = serializers.CharField(source="related.number")
    kind = serializers.CharField(source="related.kind", help_text=_("electronic or paper."))
    session = serializers.CharField(source="related.session.code", help_text=_('e.g. "441".'))
    url = serializers.SerializerMethodField(help_text=_("The related petition's page."))
    api_url = serializers.SerializerMethodField(help_text=_("The related petition in the API."))

    def get_url(self, item) -> str:
        return petition_url(item.related)

    def get_api_url(self, item) -> str:
        path = reverse("api:petition-detail", kwargs={"number": item.related.number})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class PetitionSerializer(serializers.Serializer):
    """A petition as the list gives it."""

    number = serializers.CharField(help_text=_("e-N, or the presentation number of a paper one."))
    url = serializers.SerializerMethodField(help_text=_("The petition's page: cite this address."))
    api_url = serializers.SerializerMethodField(help_text=_("This petition in the API."))
    kind = serializers.CharField(help_text=_("electronic or paper."))
    status = serializers.CharField(
        help_text=_(
            "Derived from the dates and the outcome: not_yet_open, open, closed, "
            "certified, not_certified, closed_on_dissolution, presented or responded."
        )
    )
    session = serializers.CharField(source="session.code", help_text=_('e.g. "441".'))
    topic = NamesSerializer(allow_null=True, help_text=_("The subject the House files it under."))
    ministry = MinistryRefSerializer(allow_null=True, help_text=_("The minister addressed."))
    sponsor = MemberRefSerializer(allow_null=True, help_text=_("The sponsoring Member."))
    sponsor_caucus = CaucusSerializer(
        allow_null=True, help_text=_("The sponsor's party when the petition was sponsored.")
    )
    petitioner_province = serializers.CharField(help_text=_("A two-letter code."))
    opens_at = serializers.DateTimeField(
        source="window.opens_at", allow_null=True, default=None, help_text=_("Signing opened.")
    )
    closes_at = serializers.DateTimeField(
        source="window.closes_at", allow_null=True, default=None, help_text=_("Signing closed.")
    )
    presentation_number = serializers.CharField(help_text=_("PPS-NNNNN, once presented."))
    presented_on = serializers.DateField(allow_null=True, help_text=_("Presented in the House."))
    signature_count = serializers.IntegerField(
        allow_null=True,
        help_text=_(
            "Validated signatures in total; null when the House has not published the "
            "count (unknown, not zero)."
        ),
    )
    response_due_on = serializers.SerializerMethodField(
        help_text=_("45 calendar days after presentation: the deadline of Standing Order 36(8).")
    )
    first_response_on = serializers.DateField(
        allow_null=True, help_text=_("The day the first response was tabled.")
    )
    days_to_respond = serializers.SerializerMethodField(
        help_text=_("Calendar days from presentation to the first response.")
    )
    responded_within_45_days = serializers.SerializerMethodField(
        help_text=_(
            "true if answered by the due date; false if later or overdue; "
            "null while not presented or not yet due."
        )
    )
    prayer_en = serializers.CharField(help_text=_("What the petitioners ask, in English."))
    prayer_fr = serializers.CharField(help_text=_("What the petitioners ask, in French."))

    def get_url(self, petition) -> str:
        return petition_url(petition)

    def get_api_url(self, petition) -> str:
        path = reverse("api:petition-detail", kwargs={"number": petition.number})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def _facts(self, petition):
        return deadline_facts(petition.presented_on, petition.first_response_on)

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_response_due_on(self, petition):
        return self._facts(petition)["response_due_on"]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_days_to_respond(self, petition):
        return self._facts(petition)["days_to_respond"]

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_responded_within_45_days(self, petition):
        return self._facts(petition)["responded_within_45_days"]


class PetitionDetailSerializer(PetitionSerializer):
    """The whole record of one petition."""

    house_id = serializers.IntegerField(
        allow_null=True, help_text=_("The House's own record id, where known.")
    )
    keywords = NamesSerializer(many=True, help_text=_("The House's index terms."))
    petitioner_name = serializers.CharField(
        source="public_petitioner_name",
        help_text=_("The petitioner (e-petitions only); empty when withdrawn from public view."),
    )
    petitioner_city = serializers.CharField(help_text=_("The petitioner's city."))
    original_language = serializers.CharField(help_text=_("en, fr or bilingual."))
    addressee_kind = serializers.CharField(
        help_text=_("house, government, prime_minister, minister or member.")
    )
    addressee_member = MemberRefSerializer(
        allow_null=True, help_text=_("The Member of Parliament addressed, if any.")
    )
    whereas_en = serializers.CharField(help_text=_("One whereas item per line."))
    whereas_fr = serializers.CharField(help_text=_("One whereas item per line."))
    sponsor_riding = serializers.CharField(help_text=_("When the petition was sponsored."))
    sponsor_province = serializers.CharField(help_text=_("When the petition was sponsored."))
    presenter = MemberRefSerializer(
        allow_null=True, help_text=_("The Member who presented it in the House.")
    )
    presenter_riding = serializers.CharField(help_text=_("The presenter's riding."))
    outcome = serializers.CharField(
        help_text=_("certified, not_certified, closed_on_dissolution, or empty while pending.")
    )
    outcome_on = serializers.DateField(allow_null=True, help_text=_("The day of the outcome."))
    window = serializers.SerializerMethodField(help_text=_("The signing period of an e-petition."))
    province_counts = serializers.SerializerMethodField(
        help_text=_("Validated signatures by province or territory code.")
    )
    responses = ResponseSerializer(many=True, help_text=_("The government's responses, in order."))
    source_url = serializers.CharField(help_text=_("Where the record was taken from."))
    source_note = serializers.CharField(help_text=_("Notes on the record's provenance."))
    updated_at = serializers.DateTimeField(help_text=_("When the record last changed."))
    related = RelatedPetitionSerializer(
        many=True,
        help_text=_(
            "Up to five related petitions, the closest first: the same request made "
            "again, then close subjects."
        ),
    )

    @extend_schema_field(WindowSerializer(allow_null=True))
    def get_window(self, petition):
        window = getattr(petition, "window", None) if hasattr(petition, "window") else None
        return WindowSerializer(window).data if window else None

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_province_counts(self, petition):
        return {row.province: row.signature_count for row in petition.province_counts.all()}


class MemberSerializer(serializers.ModelSerializer):
    name = serializers.CharField()
    caucus = CaucusSerializer(allow_null=True, help_text=_("The latest known party."))
    sponsored_count = serializers.IntegerField(help_text=_("E-petitions sponsored."))
    presented_count = serializers.IntegerField(help_text=_("Petitions presented in the House."))

    class Meta:
        model = Member
        fields = [
            "slug",
            "name",
            "first_name",
            "last_name",
            "house_person_id",
            "riding",
            "province",
            "caucus",
            "sponsored_count",
            "presented_count",
        ]


class MinistrySerializer(serializers.ModelSerializer):
    addressed_count = serializers.IntegerField(help_text=_("Petitions addressed to the minister."))
    response_count = serializers.IntegerField(help_text=_("Responses the minister tabled."))
    median_response_days = serializers.FloatField(
        allow_null=True, help_text=_("Median days from presentation to a response.")
    )
    within_deadline_share = serializers.FloatField(
        allow_null=True, help_text=_("Share of responses tabled within 45 days (0 to 1).")
    )

    class Meta:
        model = Ministry
        fields = [
            "slug",
            "title_en",
            "title_fr",
            "addressed_count",
            "response_count",
            "median_response_days",
            "within_deadline_share",
        ]


# Views ----------------------------------------------------------------------------------


@conditional_get
@kept_answer
class PetitionViewSet(viewsets.ReadOnlyModelViewSet):
    """Petitions, filtered with the same query string as the /petitions/ page."""

    filter_backends = [PetitionFilterBackend]
    filterset_class = PetitionFilter
    pagination_class = PetitionPagination
    lookup_field = "number"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        # The list's; a petition is read by get_object().
        return Petition.objects.for_listing().with_first_response_on()

    def get_serializer_class(self):
        return PetitionDetailSerializer if self.action == "retrieve" else PetitionSerializer

    def list(self, request, *args, **kwargs):
        # The filter's ranked petitions and count key go to the paginator as arguments.
        petition_filter = PetitionFilterBackend().valid_filter(request, self.get_queryset(), self)
        page = self.paginator.paginate_petitions(
            petition_filter.qs,
            request,
            rank_candidates=petition_filter.rank_candidates,
            count_key=f"api:{petition_filter.count_key}",
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def get_object(self):
        # A petition is found by its own number, else by its presentation number, asked
        # apart: PostgreSQL keeps one plan for the first whatever the number, while it
        # planned "either number" anew for each request (9 ms at a million petitions).
        number = self.kwargs["number"]
        for lookup in ("number", "presentation_number"):
            try:
                return Petition.objects.detail(**{lookup: number})
            except Petition.DoesNotExist:
                pass
        raise Http404

    def retrieve(self, request, *args, **kwargs):
        try:
            return super().retrieve(request, *args, **kwargs)
        except Http404:
            # A number typed another way, or one a clerk has since corrected, moved.
            other = Petition.objects.by_number(self.kwargs["number"])
            if other is None or other.number == self.kwargs["number"]:
                raise
            return HttpResponsePermanentRedirect(
                reverse("api:petition-detail", kwargs={"number": other.number})
            )


@conditional_get
@kept_answer
@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "q", str, description=_("A name or riding; close spellings match too.")
            )
        ]
    )
)
class MemberViewSet(viewsets.ReadOnlyModelViewSet):
    """Members of Parliament; `q` finds one by name or riding, typos forgiven."""

    serializer_class = MemberSerializer
    pagination_class = Pagination
    lookup_field = "slug"

    def get_queryset(self):
        members = Member.objects.with_petition_counts()
        text = self.request.query_params.get("q", "").strip()[:200]
        return members.matching(text) if text else members


@conditional_get
@kept_answer
class MinistryViewSet(viewsets.ReadOnlyModelViewSet):
    """Ministries, the petitions addressed to them and their response times."""

    queryset = Ministry.objects.all()
    serializer_class = MinistrySerializer
    pagination_class = Pagination
    lookup_field = "slug"

    def paginate_queryset(self, queryset):
        return with_response_times(super().paginate_queryset(queryset), kept_ministry_figures())

    def get_object(self):
        return with_response_times([super().get_object()], kept_ministry_figures())[0]


@conditional_get
@kept_answer
class SessionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Parliaments and sessions; `code` is the `session` filter."""

    queryset = ParliamentarySession.objects.all()
    serializer_class = SessionSerializer
    pagination_class = Pagination


class FilteredSchema(AutoSchema):
    """Documents the list filters on a view that answers one object, not a list."""

    def get_filter_backends(self):
        return getattr(self.view, "filter_backends", [])


class TotalsSerializer(serializers.Serializer):
    petition_count = serializers.IntegerField(help_text=_("Petitions the filter keeps."))
    signature_total = serializers.IntegerField(
        allow_null=True,
        help_text=_(
            "Validated signatures summed over the petitions whose count is published "
            "(signature_known_count of them); null when no count is published: unknown, "
            "not zero."
        ),
    )
    signature_known_count = serializers.IntegerField(
        help_text=_(
            "Petitions whose signature count is published. The others' counts are unknown "
            "and left out of signature_total, not counted as 0."
        )
    )
    presented_count = serializers.IntegerField(help_text=_("Petitions presented in the House."))
    responded_count = serializers.IntegerField(help_text=_("Petitions with a response."))
    on_time_count = serializers.IntegerField(
        help_text=_("Presented petitions answered within 45 days.")
    )
    overdue_count = serializers.IntegerField(
        help_text=_("Presented petitions answered late, or still unanswered after 45 days.")
    )
    not_yet_due_count = serializers.IntegerField(
        help_text=_("Presented petitions not yet answered whose 45 days have not passed.")
    )
    on_time_share = serializers.FloatField(
        allow_null=True,
        help_text=_(
            "on_time_count among the petitions whose deadline has passed (0 to 1); null "
            "when none has."
        ),
    )


STATS_FIGURES = {
    "computed_at": _("When the figures were computed: they are recomputed after each change."),
    "totals": _("Counts and signatures of the petitions the filter keeps."),
    "by_status": _("Petitions by derived status: status, label, count."),
    "by_session": _("Petitions by session: session (code), parliament, number, count."),
    "by_kind": _("Petitions by kind: kind, label, count."),
    "by_ministry": _("Petitions by the minister addressed: ministry (slug), label, count."),
    "by_topic": _("Petitions by topic: topic (slug), label, count."),
    "by_month": _("Petitions by the month they opened (or were presented): month, count."),
    "response_days": _(
        "Responses by days from presentation to tabling: from_days, "
        "to_days (null: no upper bound), within_deadline, count."
    ),
    "response_days_by_ministry": _(
        "Response days per responding minister: ministry, label, count, "
        "within_deadline_count, within_deadline_share, min, p10, p25, median, p75, p90, max."
    ),
    "most_signed": _("The most-signed petitions: number, signature_count, topic."),
}


def _figure_field(name, text):
    if name == "computed_at":
        return serializers.DateTimeField(help_text=text)
    if name == "totals":
        return TotalsSerializer(help_text=text)
    return serializers.ListField(help_text=text)


@conditional_get
@kept_answer
class StatsView(GenericAPIView):
    """The figures of the /stats/ page, for the petitions the query string selects."""

    queryset = Petition.objects.all()
    filter_backends = [PetitionFilterBackend]
    filterset_class = PetitionFilter
    schema = FilteredSchema()

    @extend_schema(
        responses=inline_serializer(
            "Stats",
            fields={name: _figure_field(name, text) for name, text in STATS_FIGURES.items()},
        ),
    )
    def get(self, request):
        petition_filter = PetitionFilterBackend().get_filterset(request, self.get_queryset(), self)
        if not petition_filter.is_valid():
            raise translate_validation(petition_filter.errors)
        return Response(stats.cached_figures(petition_filter))


ERROR_RESPONSES = {
    "400": _(
        "A filter or page parameter has a value it cannot take, is given more than once, "
        "or bounds a range the wrong way round; the body names each parameter with its "
        "messages."
    ),
    "404": _("No such petition, or a page past the last one."),
    "429": _("Too many requests from this address; try again after Retry-After seconds."),
}


def document_error_responses(result, generator, request, public):
    """drf-spectacular hook: every operation may answer the errors above, each a JSON
    object (`detail`, or the parameters in error with their messages)."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_RESPONSES.items():
                responses.setdefault(
                    status,
                    {
                        "description": description,
                        "content": {
                            "application/json": {
                                "schema": {"type": "object", "additionalProperties": True}
                            }
                        },
                    },
                )
    return result
