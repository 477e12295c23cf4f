"""The read-only JSON API: petitions filtered by the one PetitionFilter, Members,
ministries, sessions and the statistics of petitions/stats.py; its records are in
petitions/serializers.py.

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
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from petitions import stats
from petitions.cache import cached_page
from petitions.filter_forms import PageForm
from petitions.filters import DEFAULT_PAGE_SIZE, PetitionFilter
from petitions.models import (
    Member,
    Ministry,
    ParliamentarySession,
    Petition,
    with_response_times,
)
from petitions.pagination import COUNT_LIMIT
from petitions.pagination import PetitionPaginator as ListPaginator
from petitions.serializers import (
    STATS_FIGURES,
    MemberSerializer,
    MinistrySerializer,
    PetitionDetailSerializer,
    PetitionSerializer,
    SessionSerializer,
    figure_field,
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
            fields={name: figure_field(name, text) for name, text in STATS_FIGURES.items()},
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
