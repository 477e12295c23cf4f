"""sitemap.xml: every petition in English and French, each with its alternate, and the
main pages. Petitions are read a page of the sitemap at a time, so that a million of
them never sit in memory at once."""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language

from petitions.models import Petition

PLACEHOLDER = "e-0"


class _ItemLanguagePairs:
    """(petition, language) pairs of a QuerySet, as Sitemap pages them with i18n, read
    only for the slice asked for (Django's own list would hold every pair)."""

    def __init__(self, petitions, languages):
        self.petitions = petitions
        self.languages = languages

    def count(self):
        return self.petitions.count() * len(self.languages)

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            raise TypeError("only slices are read")
        per_item = len(self.languages)
        start, stop = index.start or 0, index.stop
        first, last = start // per_item, -(-stop // per_item)
        pairs = [
            (petition, language)
            for petition in self.petitions[first:last]
            for language in self.languages
        ]
        offset = first * per_item
        return pairs[start - offset : stop - offset]


class PetitionSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    changefreq = "weekly"
    # URLs per sitemap file, each with its three alternates: a file stays under 1 MB and
    # renders in a few tenths of a second (10,000 made 4 MB in 2 s).
    limit = 2_000

    def items(self):
        return Petition.objects.only("number", "updated_at").order_by("pk")

    def location(self, petition):
        # One reverse per language and file, not three per URL: they are most of the time.
        if not hasattr(self, "_paths"):
            self._paths = {}
        language = get_language()
        if language not in self._paths:
            self._paths[language] = reverse(
                "petitions:petition_detail", kwargs={"number": PLACEHOLDER}
            )
        return self._paths[language].replace(PLACEHOLDER, petition.number)

    def _items(self):
        return _ItemLanguagePairs(self.items(), self._languages())

    def lastmod(self, petition):
        return petition.updated_at

    def get_latest_lastmod(self):
        return Petition.objects.aggregate(latest=Max("updated_at"))["latest"]


class PageSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    changefreq = "daily"

    def items(self):
        return [
            "petitions:home",
            "petitions:petition_list",
            "petitions:member_list",
            "petitions:ministry_list",
            "petitions:stats",
            "petitions:data_dictionary",
        ]

    def location(self, name):
        return reverse(name)


SITEMAPS = {"pages": PageSitemap, "petitions": PetitionSitemap}


def robots_txt(request):
    # Not the admin's address: DJANGO_ADMIN_URL is kept from anyone not told it.
    context = {"site_url": settings.SITE_URL.rstrip("/")}
    return render(request, "robots.txt", context, content_type="text/plain; charset=utf-8")
