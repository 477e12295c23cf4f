"""Atom feeds of petitions and of government responses, filtered with the same query
string as the /petitions/ page: a feed for one ministry, one MP, one search."""

import datetime

from django.contrib.syndication.views import Feed
from django.http import HttpResponseBadRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import linebreaks
from django.utils.translation import gettext as _

from petitions.filter_forms import filter_errors
from petitions.filters import PetitionFilter
from petitions.models import Petition, in_language
from petitions.refusals import bad_parameters_page, bad_parameters_text, wants_html
from responses.models import GovernmentResponse

FEED_LENGTH = 50


class InvalidFilter(Exception):
    """The query string names a filter value that does not exist: a 400."""


def _petition_filter(request):
    data = request.GET.copy()
    for name in ("page", "page_size"):
        data.pop(name, None)
    petition_filter = PetitionFilter(data, queryset=Petition.objects.for_listing(), request=request)
    if not petition_filter.is_valid():
        raise InvalidFilter(filter_errors(petition_filter))
    return petition_filter


def _summary(text):
    """Atom's summary is typed HTML, which feed readers render: the plain text as
    escaped paragraphs, so no markup in a petition or a response is ever live."""
    return linebreaks(text, autoescape=True)


def _midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _filter_title(title, petition_filter):
    described = "; ".join(
        f"{item['label']}: {item['value']}" for item in petition_filter.active_filters()
    )
    return f"{title} ({described})" if described else title


class FilteredFeed(Feed):
    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except InvalidFilter as error:
            (errors,) = error.args
            if wants_html(request):
                return bad_parameters_page(request, errors)
            return HttpResponseBadRequest(
                bad_parameters_text(errors), content_type="text/plain; charset=utf-8"
            )

    def get_object(self, request, *args, **kwargs):
        return _petition_filter(request)

    def link(self, petition_filter):
        query = petition_filter.data.urlencode()
        return reverse("petitions:petition_list") + (f"?{query}" if query else "")


class PetitionFeed(FilteredFeed):
    """The newest petitions the filter keeps."""

    def title(self, petition_filter):
        return _filter_title(_("Petitions to the House of Commons"), petition_filter)

    def subtitle(self, petition_filter):
        return _("Petitions, newest first, from the Petition Archive.")

    def items(self, petition_filter):
        # Sort only the petitions that can be among the first FEED_LENGTH.
        if petition_filter.sort_value == "newest":
            return petition_filter.qs.newest(FEED_LENGTH)
        return petition_filter.first_in_order(FEED_LENGTH)[:FEED_LENGTH]

    def item_title(self, petition):
        topic = petition.topic.name if petition.topic else ""
        return f"{petition.number} – {topic}" if topic else petition.number

    def item_description(self, petition):
        return _summary(in_language(petition.prayer_en, petition.prayer_fr))

    def item_pubdate(self, petition):
        window = getattr(petition, "window", None)
        if window is not None:
            return window.opens_at
        return _midnight(petition.presented_on) if petition.presented_on else petition.created_at

    def item_updateddate(self, petition):
        return petition.updated_at

    def item_author_name(self, petition):
        return petition.sponsor.name if petition.sponsor else None

    def item_categories(self, petition):
        return [petition.topic.name] if petition.topic else []


class ResponseFeed(FilteredFeed):
    """The latest government responses to the petitions the filter keeps."""

    def title(self, petition_filter):
        return _filter_title(_("Government responses to petitions"), petition_filter)

    def subtitle(self, petition_filter):
        return _("Government responses, newest first, from the Petition Archive.")

    def items(self, petition_filter):
        return (
            GovernmentResponse.objects.filter(
                petition__in=petition_filter.qs.order_by().values("pk"), tabled_on__isnull=False
            )
            .select_related("petition", "ministry")
            .order_by("-tabled_on", "-pk")[:FEED_LENGTH]
        )

    def item_title(self, response):
        if response.ministry:
            return _("Response to %(number)s from the %(ministry)s") % {
                "number": response.petition.number,
                "ministry": response.ministry.title,
            }
        return _("Response to %(number)s") % {"number": response.petition.number}

    def item_description(self, response):
        return _summary(response.text)

    def item_link(self, response):
        return f"{response.petition.get_absolute_url()}#response-{response.position}"

    def item_pubdate(self, response):
        return _midnight(response.tabled_on)

    # Atom wants an <updated> in every entry; a response is not edited after tabling.
    item_updateddate = item_pubdate

    def item_author_name(self, response):
        return response.signed_by or None
