"""Topics and remarks: inline (HTMX) and plain-form writes.

Each view answers an htmx request with the partial it replaces, and a plain POST with a
redirect back to the board, so every action also works without JavaScript.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from apps.accounts.requests import MemberRequest
from apps.core.htmx import (
    HtmxHttpRequest,
    changed,
    form_error,
    require,
    save_inline_edit,
)
from apps.deepdives.models import DeepDive
from apps.meetings.models import Meeting, PresenterBlock
from apps.papers.selectors import attach_earlier_presentations, related_past_topics
from apps.topics import permissions, services
from apps.topics.forms import RemarkForm, TopicForm
from apps.topics.models import Remark, Topic, TopicLink
from apps.topics.templatetags.topics import remark_board_url

from .views import render_board

if TYPE_CHECKING:
    pass

CARD = "topics/card.html#topic-card"


def _topic(topic_id: int, *, deleted: bool = False, for_card: bool = True) -> Topic:
    """The topic with what its card shows; `for_card=False` when only permissions are checked."""
    topics = Topic.objects.filter(deleted_at__isnull=not deleted).select_related(
        "block__meeting", "block__presenter", "link"
    )
    if not for_card:
        return get_object_or_404(topics, pk=topic_id)
    topic = get_object_or_404(topics.for_cards(), pk=topic_id)
    attach_earlier_presentations([topic], before=topic.block.meeting.date)
    return topic


# --- topics -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def topic_create(request: MemberRequest, date):
    meeting = get_object_or_404(Meeting, date=date)
    require(permissions.can_add_topic(request.user, meeting))
    form = TopicForm(request.POST or None)
    template = "topics/card.html#topic-add-form" if request.htmx else "topics/topic_form_page.html"
    context = {"form": form, "meeting": meeting}
    if request.method == "GET" or not form.is_valid():
        if request.method == "GET":
            return render(request, template, context)
        return form_error(request, template, context, target="#add-topic-form")
    had_block = PresenterBlock.objects.filter(meeting=meeting, presenter=request.user).exists()
    data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
    topic = services.topic_create(meeting=meeting, presenter=request.user, **data)
    if not request.htmx:
        messages.success(request, _("トピックを追加しました。"))
        return redirect(f"{meeting.get_absolute_url()}#{topic.anchor}")
    # The new card appears inside the presenter's block, which is created on the first topic.
    block = (
        PresenterBlock.objects.select_related("presenter", "meeting")
        .prefetch_related(Prefetch("topics", queryset=Topic.objects.live().for_cards()))
        .get(pk=topic.block_id)
    )
    attach_earlier_presentations(block.topics.all(), before=meeting.date)
    response = render(
        request,
        "meetings/board.html#presenter-section",
        {"block": block, "meeting": meeting, "can_add": True},
    )
    # The page scrolls to the new card and focuses it once it is in place.
    trigger_client_event(response, "topic-added", {"anchor": topic.anchor}, after="settle")
    if had_block:
        retarget(response, f"#presenter-{block.presenter.handle}")
        reswap(response, "outerHTML")
    else:
        retarget(response, "#presenters")
        reswap(response, "beforeend")
    return changed(response, _("トピック「%(title)s」を追加しました。") % {"title": topic.title})


@require_http_methods(["GET"])
def topic_card(request: HtmxHttpRequest, topic_id: int):
    topic = _topic(topic_id)
    if not request.htmx:
        return redirect(f"{topic.block.meeting.get_absolute_url()}#{topic.anchor}")
    return render(request, CARD, {"topic": topic})


@login_required
@require_http_methods(["GET", "POST"])
def topic_edit(request: HtmxHttpRequest, topic_id: int):
    topic = _topic(topic_id)
    require(permissions.can_edit_topic(request.user, topic))
    template = "topics/card.html#topic-edit-form" if request.htmx else "topics/topic_form_page.html"
    if request.method == "GET":
        context = {
            "form": TopicForm(instance=topic),
            "topic": topic,
            "related_past_topics": related_past_topics(getattr(topic, "paper", None)),
        }
        return render(request, template, context)
    form = TopicForm(request.POST, instance=Topic(pk=topic.pk, block=topic.block))
    return save_inline_edit(
        request,
        form=form,
        template=template,
        context={"form": form, "topic": topic},
        target=f"#{topic.anchor}",
        save=lambda data: services.topic_update(
            topic=topic,
            expected_version=data["version"],
            kind=data["kind"],
            title=data["title"],
            url=data["url"],
            notes=data["notes"],
            extra_links=data["extra_links"],
        ),
        saved_region=lambda saved: render(request, CARD, {"topic": _card_after_save(topic, saved)}),
        saved_url=lambda saved: f"{saved.block.meeting.get_absolute_url()}#{saved.anchor}",
        saved_message=_("トピックを保存しました。"),
    )


def _card_after_save(card: Topic, saved: Topic) -> Topic:
    """The card loaded before the save, brought up to date without reading the topic again:
    a save changes the topic's own fields, and its link or extra links only sometimes."""
    for field in ("kind", "title", "url", "notes", "notes_html", "version", "updated_at"):
        setattr(card, field, getattr(saved, field))
    if card.link_id != saved.link_id:
        card.link = saved.link
        attach_earlier_presentations([card], before=card.block.meeting.date)
    # Django's cache of prefetched relations (for_cards() filled it); the form may have changed
    # the extra links.
    card._prefetched_objects_cache.pop("extra_links", None)  # type: ignore[attr-defined]
    prefetch_related_objects(
        [card], Prefetch("extra_links", queryset=TopicLink.objects.select_related("link"))
    )
    return card


@login_required
@require_http_methods(["GET", "POST"])
def topic_delete(request: HtmxHttpRequest, topic_id: int):
    topic = _topic(topic_id, for_card=False)
    require(permissions.can_edit_topic(request.user, topic))
    if request.method == "GET":
        # Without JavaScript the confirmation is a page of its own.
        return render(request, "topics/topic_confirm_delete.html", {"topic": topic})
    services.topic_delete(topic=topic)
    if not request.htmx:
        request.session["undo_topic_id"] = topic.pk
        messages.success(
            request, _("トピック「%(title)s」を削除しました。") % {"title": topic.title}
        )
        return redirect(topic.block.meeting.get_absolute_url())
    response = render(request, "topics/card.html#topic-deleted", {"topic": topic})
    return changed(response, _("削除しました。元に戻すボタンで取り消せます。"))


@login_required
@require_POST
def topic_restore(request: HtmxHttpRequest, topic_id: int):
    topic = _topic(topic_id, deleted=True, for_card=False)
    require(permissions.can_edit_topic(request.user, topic))
    services.topic_restore(topic=topic)
    request.session.pop("undo_topic_id", None)
    if not request.htmx:
        messages.success(request, _("トピックを元に戻しました。"))
        return redirect(f"{topic.block.meeting.get_absolute_url()}#{topic.anchor}")
    return changed(render(request, CARD, {"topic": _topic(topic.pk)}), _("元に戻しました。"))


# --- remarks ------------------------------------------------------------------------------


def _add_remark(request: MemberRequest, *, meeting, anchor: str, target: dict, remarks_owner):
    require(permissions.can_add_remark(request.user))
    form = RemarkForm(request.POST)
    if form.is_valid():
        try:
            services.remark_create(author=request.user, body=form.cleaned_data["body"], **target)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if not request.htmx:
                messages.success(request, _("コメントを追加しました。"))
                return redirect(f"{meeting.get_absolute_url()}#{anchor}")
            remarks = remarks_owner.remarks.select_related("author").order_by("created_at", "pk")
            response = render(
                request, "topics/card.html#remark-region", {"remarks": remarks, "anchor": anchor}
            )
            return changed(response, _("コメントを追加しました。"))
    if request.htmx:
        context = {"form": form, "anchor": anchor, "action": request.path}
        return form_error(
            request, "topics/card.html#remark-form", context, target=f"#remark-form-{anchor}"
        )
    # Show the board again with the message inside the form that failed; keep the text.
    return render_board(request, meeting.date, remark_forms={anchor: form}, status=422)


@require_POST
@login_required
def topic_remark_create(request: MemberRequest, topic_id: int):
    topic = _topic(topic_id)
    return _add_remark(
        request,
        meeting=topic.block.meeting,
        anchor=topic.anchor,
        target={"topic": topic},
        remarks_owner=topic,
    )


@require_POST
@login_required
def deep_dive_remark_create(request: MemberRequest, deep_dive_id: int):
    deep_dive = get_object_or_404(DeepDive.objects.select_related("meeting"), pk=deep_dive_id)
    return _add_remark(
        request,
        meeting=deep_dive.meeting,
        anchor="deep-dive",
        target={"deep_dive": deep_dive},
        remarks_owner=deep_dive,
    )


def _remark(remark_id: int) -> Remark:
    remarks = Remark.objects.select_related("author", "topic__block__meeting", "deep_dive__meeting")
    return get_object_or_404(remarks, pk=remark_id)


@login_required
@require_http_methods(["GET", "POST"])
def remark_edit(request: HtmxHttpRequest, remark_id: int):
    remark = _remark(remark_id)
    require(permissions.can_edit_remark(request.user, remark))
    template = (
        "topics/card.html#remark-edit-form" if request.htmx else "topics/remark_form_page.html"
    )
    if request.method == "GET":
        if request.htmx and "cancel" in request.GET:
            return render(request, "topics/card.html#remark", {"remark": remark})
        return render(request, template, {"form": RemarkForm(instance=remark), "remark": remark})
    form = RemarkForm(request.POST, instance=Remark(pk=remark.pk))
    return save_inline_edit(
        request,
        form=form,
        template=template,
        context={"form": form, "remark": remark},
        target=f"#remark-{remark.pk}",
        save=lambda data: services.remark_update(
            remark=remark, expected_version=data["version"], body=data["body"]
        ),
        saved_region=lambda saved: render(
            request, "topics/card.html#remark", {"remark": _remark(saved.pk)}
        ),
        saved_url=remark_board_url,
    )


@login_required
@require_http_methods(["GET", "POST"])
def remark_delete(request: HtmxHttpRequest, remark_id: int):
    remark = _remark(remark_id)
    require(permissions.can_edit_remark(request.user, remark))
    if request.method == "GET":
        return render(request, "topics/remark_confirm_delete.html", {"remark": remark})
    back = remark_board_url(remark).split("#")[0]
    services.remark_delete(remark=remark)
    if not request.htmx:
        messages.success(request, _("コメントを削除しました。"))
        return redirect(back)
    return changed(HttpResponse(""), _("コメントを削除しました。"))
