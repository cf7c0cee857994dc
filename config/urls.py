from __future__ import annotations

import re

from django.conf import settings
from django.contrib import admin
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.urls import include, path, re_path
from django.views.static import serve

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


def _media(request: HttpRequest, path: str) -> HttpResponseBase:
    """Uploaded files while DEBUG is on (the embedded default): Django's own view, except
    that a name the file system cannot hold (too long, …) is a 404, not a 500."""
    try:
        return serve(request, path, document_root=str(settings.MEDIA_ROOT))
    except OSError as exc:
        raise Http404(path) from exc


if settings.DEBUG:
    media_prefix = re.escape(settings.MEDIA_URL.lstrip("/"))
    urlpatterns += [re_path(rf"^{media_prefix}(?P<path>.*)$", _media)]

admin.site.site_header = admin.site.site_title = f"{settings.GROUP_NAME} 管理"
