"""Browsing the archive: thin GET views, each one selector (browse.py) and one template."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.core.htmx import HtmxHttpRequest
from apps.search.query import KINDS
from apps.search.urlkeys import url_key
from apps.topics.models import Topic

from . import browse


def archive_index(request: HtmxHttpRequest):
    return render(request, "archive/browse/index.html", {"years": browse.archive_years()})


def archive_year(request: HtmxHttpRequest, year: int):
    if not browse.valid_year(year):
        raise Http404(_("そのような年はありません。"))
    months = browse.meetings_of_year(year)
    return render(request, "archive/browse/year.html", {"year": year, "months": months})


def archive_month(request: HtmxHttpRequest, year: int, month: int):
    if not browse.valid_month(year, month):
        raise Http404(_("そのような月はありません。"))
    meetings = browse.meetings_of_month(year, month)
    return render(
        request, "archive/browse/month.html", {"year": year, "month": month, "meetings": meetings}
    )


def member(request: HtmxHttpRequest, handle: str):
    person = get_object_or_404(User, handle=handle.lower())
    archive = browse.member_archive(person, page=request.GET.get("page"))
    return render(request, "archive/browse/member.html", {"archive": archive})


def kind(request: HtmxHttpRequest, kind: str):
    value = KINDS.get(kind.lower())
    if value is None:
        raise Http404(_("そのような種類はありません。"))
    page = browse.topics_of_kind(value, page=request.GET.get("page"))
    label = dict(Topic.Kind.choices)[value]
    return render(
        request, "archive/browse/kind.html", {"kind": value, "kind_label": label, "page": page}
    )


def link(request: HtmxHttpRequest):
    url = request.GET.get("url", "")[:2000]
    key = url_key(url)
    entries = browse.entries_for_link(key) if key else []
    context = {
        "url": url,
        "key": key,
        "entries": entries,
        "remark_counts": browse.remark_counts(entries),
        "link": browse.link_card_of(url) if key else None,
        "arxiv_id": key.removeprefix("arxiv:") if key.startswith("arxiv:") else "",
    }
    return render(request, "archive/browse/link.html", context)


def categories(request: HtmxHttpRequest):
    return render(
        request, "archive/browse/categories.html", {"categories": browse.arxiv_categories()}
    )


def category(request: HtmxHttpRequest, code: str):
    archive = browse.category_archive(code, page=request.GET.get("page"))
    if archive is None:
        spelling = browse.category_spelling(code)
        if spelling is not None:
            return redirect("archive:category", code=spelling, permanent=True)
        raise Http404(_("そのようなarXivカテゴリはありません。"))
    return render(request, "archive/browse/category.html", {"archive": archive})
