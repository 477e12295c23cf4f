from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path

from petitions import views
from petitions.sitemaps import SITEMAPS, robots_txt
from petitions_site.languages import choose_language
from petitions_site.observe import metrics


def favicon(request):
    # Looked up when asked: the hashed name needs the static files' manifest.
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("metrics", metrics, name="metrics"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("language/<str:code>/", choose_language, name="choose_language"),
    path("api/", include("petitions.api_urls")),
    path("sitemap.xml", sitemap_views.index, {"sitemaps": SITEMAPS}, name="sitemap_index"),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("robots.txt", robots_txt, name="robots_txt"),
    # Where browsers and feed readers look for an icon without asking the page.
    path("favicon.ico", favicon),
]

urlpatterns += i18n_patterns(
    path(settings.ADMIN_URL, admin.site.urls),
    path("", include("petitions.urls")),
    prefix_default_language=False,
)

handler404 = "petitions_site.errors.page_not_found"
handler500 = "petitions_site.errors.server_error"
