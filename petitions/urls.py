from django.urls import path

from petitions import api_docs, feeds, stats, views
from petitions.cache import cached_page
from petitions.exports import views as exports

app_name = "petitions"

urlpatterns = [
    path("", views.home, name="home"),
    path("petitions/", views.petition_list, name="petition_list"),
    path("petitions/export.csv", exports.export_csv, name="export_csv"),
    path("petitions/export.json", exports.export_json, name="export_json"),
    path("petitions/<str:number>/", views.petition_detail, name="petition_detail"),
    path("petitions/<str:number>/changes/", views.petition_changes, name="petition_changes"),
    path(
        "petitions/<str:number>/signatures.csv",
        views.petition_signatures_csv,
        name="petition_signatures_csv",
    ),
    path("members/", views.member_list, name="member_list"),
    path("members/<slug:slug>/", views.member_detail, name="member_detail"),
    path("ministries/", views.ministry_list, name="ministry_list"),
    path("ministries/<slug:slug>/", views.ministry_detail, name="ministry_detail"),
    path("stats/", stats.stats_page, name="stats"),
    path("data/", exports.data_dictionary, name="data_dictionary"),
    path("data/releases/", exports.release_list, name="release_list"),
    path(
        "data/releases/<str:name>/<str:file_name>",
        exports.release_download,
        name="release_download",
    ),
    path("api/docs/", api_docs.api_docs, name="api_docs"),
    path("feeds/petitions/", cached_page(feeds.PetitionFeed()), name="petition_feed"),
    path("feeds/responses/", cached_page(feeds.ResponseFeed()), name="response_feed"),
]
