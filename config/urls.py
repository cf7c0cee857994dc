from __future__ import annotations

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from apps.core.views import healthz, markdown_preview
from apps.meetings import views as meeting_views

urlpatterns = [
    path("", meeting_views.home, name="home"),
    path("meetings/", include("apps.meetings.urls")),
    path("", include("apps.topics.urls")),
    path("", include("apps.archive.urls")),
    path("deepdives/", include("apps.deepdives.urls")),
    path("links/", include("apps.links.urls")),
    path("preview/", markdown_preview, name="markdown-preview"),
    path("", include("apps.search.urls")),
    path("", include("apps.group.urls")),
    path("accounts/", include("apps.accounts.urls")),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

admin.site.site_header = admin.site.site_title = f"{settings.GROUP_NAME} 管理"
