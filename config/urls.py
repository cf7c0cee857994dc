from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from apps.board import views as board_views
from apps.core.views import healthz, markdown_preview
from apps.group import views as group_views

urlpatterns = [
    path("", board_views.home, name="home"),
    path("meetings/", include("apps.board.urls")),
    path("", include("apps.board.topic_urls")),
    path("", include("apps.archive.urls")),
    path("", include("apps.papers.urls")),
    path("deepdives/", include("apps.board.deep_dive_urls")),
    path("links/", include("apps.links.urls")),
    path("preview/", markdown_preview, name="markdown-preview"),
    path("", include("apps.search.urls")),
    path("", include("apps.group.urls")),
    # マイページ lists a member's topics, so the group serves it under the account URLs.
    path("accounts/me/", group_views.me, name="me"),
    path("accounts/me/absences/", group_views.absences_update, name="absences"),
    path("accounts/", include("apps.accounts.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
]
# No public /media/: thumbnails and uploaded slides are served by views behind the login.

admin.site.site_header = admin.site.site_title = f"{settings.GROUP_NAME} 管理"

handler500 = "apps.core.views.server_error"
