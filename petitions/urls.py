from django.urls import path

from petitions import views

app_name = "petitions"

urlpatterns = [
    path("", views.home, name="home"),
    path("petitions/", views.petition_list, name="petition_list"),
    path("petitions/<str:number>/", views.petition_detail, name="petition_detail"),
    path("members/", views.member_list, name="member_list"),
    path("members/<slug:slug>/", views.member_detail, name="member_detail"),
    path("ministries/", views.ministry_list, name="ministry_list"),
    path("ministries/<slug:slug>/", views.ministry_detail, name="ministry_detail"),
]
