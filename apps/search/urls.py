from __future__ import annotations

from django.urls import path

from . import views

app_name = "search"
urlpatterns = [
    path("search/", views.search, name="search"),
    path("archive/", views.archive_index, name="archive"),
    path("archive/<int:year>/", views.archive_year, name="year"),
    path("archive/<int:year>/<int:month>/", views.archive_month, name="month"),
    path("archive/members/<str:handle>/", views.member, name="member"),
    path("archive/kinds/<str:kind>/", views.kind, name="kind"),
    path("archive/links/", views.link, name="link"),
    path("archive/categories/", views.categories, name="categories"),
    path("archive/categories/<str:code>/", views.category, name="category"),
]
