"""The JSON API, outside the language prefix: /api/... (its documentation, a page of the
site in both languages, is /api/docs/ and /fr/api/docs/: petitions/urls.py)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from petitions import api, api_history

app_name = "api"

router = DefaultRouter()
router.register("petitions", api.PetitionViewSet, basename="petition")
router.register("members", api.MemberViewSet, basename="member")
router.register("ministries", api.MinistryViewSet, basename="ministry")
router.register("sessions", api.SessionViewSet, basename="session")

urlpatterns = [
    path("stats/", api.StatsView.as_view(), name="stats"),
    path(
        "petitions/<str:number>/signatures/",
        api_history.SignatureHistoryView.as_view(),
        name="petition-signatures",
    ),
    path(
        "petitions/<str:number>/changes/",
        api_history.ChangeHistoryView.as_view(),
        name="petition-changes",
    ),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("", include(router.urls)),
]
