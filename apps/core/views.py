from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from .db.commits import Outcome, request_outcome
from .markdown import render_markdown
from .markdown.limits import MARKDOWN_MAX_CHARS


@login_not_required
@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers and compose health checks: the app answers and its database too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


@require_POST
def markdown_preview(request: HttpRequest) -> HttpResponse:
    """The editor's preview tab: the same pipeline that will render the saved text."""
    if not request.user.is_authenticated:
        return HttpResponse(status=403)
    # The editor posts its own field (notes, body, …) and names it in ?field=, and its limit
    # in ?max=; never more than the longest field takes, so a preview costs what a save does.
    source = request.POST.get(request.GET.get("field", "text"), "")
    limit = MARKDOWN_MAX_CHARS
    asked = request.GET.get("max", "")
    if asked.isascii() and asked.isdigit() and 0 < len(asked) < 10:
        limit = min(limit, int(asked))
    html = render_markdown(source[:limit], with_toc=False).html
    context = {"html": html, "limit": limit, "length": len(source), "too_long": len(source) > limit}
    return render(request, "core/preview.html", context)


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page, telling whether the request's write was saved (apps.core.db.commits).

    Plain context, no request processors: the database may be what failed.
    """
    outcome = request_outcome() if request.method not in ("GET", "HEAD") else Outcome.NONE
    html = loader.get_template("500.html").render({"outcome": outcome.value})
    return HttpResponseServerError(html)
