from __future__ import annotations

import json

import pytest
from django.urls import reverse

from apps.meetings.models import Meeting
from apps.topics.models import Remark, Topic
from tests import factories

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def add(client, meeting, **data):
    payload = {"kind": "auto", "url": "", "title": "タイトル", "notes": ""}
    payload.update(data)
    return client.post(reverse("topics:create", args=[meeting.date]), payload, **HTMX)


def test_first_topic_creates_the_presenter_block_and_appends_it(member_client, member):
    meeting = factories.meeting()

    response = add(
        member_client, meeting, url="https://arxiv.org/abs/1706.03762", title="Attention"
    )

    topic = Topic.objects.get()
    assert topic.kind == "paper"  # inferred from the arXiv URL
    assert topic.block.presenter == member
    assert response["HX-Retarget"] == "#presenters"
    assert response["HX-Reswap"] == "beforeend"
    assert f'id="presenter-{member.handle}"' in response.content.decode()
    assert "board-changed" in json.loads(response["HX-Trigger"])


def test_next_topic_replaces_the_existing_presenter_block(member_client, member):
    meeting = factories.meeting()
    factories.topic(meeting=meeting, presenter=member, title="最初")

    response = add(
        member_client, meeting, url="https://github.com/bloomberg/memray", title="Memray"
    )

    html = response.content.decode()
    assert response["HX-Retarget"] == f"#presenter-{member.handle}"
    assert html.index("最初") < html.index("Memray")
    assert Topic.objects.get(title="Memray").kind == "oss"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "url": ""}, "タイトルかURLのどちらかを入力してください。"),
        ({"title": "あ" * 301}, "300 文字以下"),
        ({"url": "not a url"}, "URLの形式が正しくありません"),
        ({"url": "javascript:alert(1)"}, "URLの形式が正しくありません"),
        ({"kind": "podcast"}, "種類は 自動・論文・blog・oss から選んでください。"),
        ({"notes": "x" * 50_001}, "50000 文字以下"),
    ],
)
def test_invalid_topic_shows_errors_in_the_form_and_saves_nothing(member_client, data, message):
    meeting = factories.meeting()

    response = add(member_client, meeting, **{"notes": "残すメモ", **data})

    html = response.content.decode()
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#add-topic-form"
    assert message in html
    if "notes" not in data:
        assert "残すメモ" in html
    assert not Topic.objects.exists()


def test_without_javascript_adding_redirects_to_the_new_card(member_client):
    meeting = factories.meeting()

    response = member_client.post(
        reverse("topics:create", args=[meeting.date]),
        {"kind": "blog", "title": "JSなし", "url": "", "notes": ""},
    )

    assert response.status_code == 302
    assert response["Location"] == f"{meeting.get_absolute_url()}#{Topic.objects.get().anchor}"


def edit(client, topic, *, version, **data):
    payload = {
        "kind": topic.kind,
        "url": topic.url,
        "title": topic.title,
        "notes": topic.notes,
        "version": version,
    }
    payload.update(data)
    return client.post(reverse("topics:edit", args=[topic.pk]), payload, **HTMX)


def test_owner_edits_and_gets_the_updated_card(member_client, member):
    topic = factories.topic(presenter=member, title="古い")

    response = edit(member_client, topic, version=topic.version, title="新しい", notes="- 箇条書き")

    topic.refresh_from_db()
    assert response.status_code == 200
    assert (topic.title, topic.version) == ("新しい", 2)
    assert "<li>箇条書き</li>" in response.content.decode()


def test_stale_edit_does_not_overwrite_and_shows_the_newer_text(member_client, member):
    topic = factories.topic(presenter=member, title="最初", notes="最初のメモ")
    stale_version = topic.version
    edit(member_client, topic, version=stale_version, notes="別タブで保存したメモ")

    response = edit(member_client, topic, version=stale_version, notes="古いフォームからのメモ")

    html = response.content.decode()
    topic.refresh_from_db()
    assert response.status_code == 422
    assert topic.notes == "別タブで保存したメモ"
    assert "他の人が先に保存しました" in html
    assert "別タブで保存したメモ" in html  # the newer text, to compare
    assert "古いフォームからのメモ" in html  # the user's own input is kept
    assert f'name="version" value="{topic.version}"' in html  # a re-submit applies it

    again = edit(member_client, topic, version=topic.version, notes="古いフォームからのメモ")

    topic.refresh_from_db()
    assert again.status_code == 200
    assert topic.notes == "古いフォームからのメモ"


@pytest.mark.parametrize("version", ["", "abc", "-1", "999"])
def test_tampered_version_never_overwrites(member_client, member, version):
    topic = factories.topic(presenter=member, title="そのまま")

    response = edit(member_client, topic, version=version, title="上書き")

    topic.refresh_from_db()
    assert response.status_code == 422
    assert topic.title == "そのまま"


def test_unknown_or_deleted_topic_ids_are_404(member_client, member):
    topic = factories.topic(presenter=member)
    member_client.post(reverse("topics:delete", args=[topic.pk]), **HTMX)

    assert edit(member_client, topic, version=1).status_code == 404
    assert member_client.post(reverse("topics:edit", args=[99999]), {}, **HTMX).status_code == 404


def test_delete_offers_undo_and_restore_brings_the_card_back(member_client, member):
    topic = factories.topic(presenter=member, title="戻したい")
    meeting_url = topic.block.meeting.get_absolute_url()

    deleted = member_client.post(reverse("topics:delete", args=[topic.pk]), **HTMX)

    assert "元に戻す" in deleted.content.decode()
    assert (
        "戻したい"
        not in member_client.get(meeting_url).content.decode().split('id="presenters"')[1]
    )

    restored = member_client.post(reverse("topics:restore", args=[topic.pk]), **HTMX)

    assert restored.status_code == 200
    assert Topic.objects.live().filter(pk=topic.pk).exists()


def test_delete_without_javascript_confirms_then_offers_undo_on_the_board(member_client, member):
    topic = factories.topic(presenter=member, title="確認して消す")

    confirm = member_client.get(reverse("topics:delete", args=[topic.pk]))
    assert "確認して消す" in confirm.content.decode()
    assert Topic.objects.live().exists()

    board = member_client.post(reverse("topics:delete", args=[topic.pk]), follow=True)

    html = board.content.decode()
    assert reverse("topics:restore", args=[topic.pk]) in html
    assert not Topic.objects.live().exists()


def test_remark_author_edits_and_deletes_inline(member_client, member):
    remark = factories.remark(topic=factories.topic(), author=member, body="誤字あり")

    edited = member_client.post(
        reverse("topics:remark-edit", args=[remark.pk]),
        {"body": "直した", "version": remark.version},
        **HTMX,
    )
    assert "直した" in edited.content.decode()

    deleted = member_client.post(reverse("topics:remark-delete", args=[remark.pk]), **HTMX)
    assert deleted.status_code == 200
    assert deleted.content == b""
    assert not Remark.objects.exists()


def test_inline_remark_returns_the_remark_list(member_client, member):
    topic = factories.topic()

    response = member_client.post(
        reverse("topics:remark-create", args=[topic.pk]), {"body": "なるほど"}, **HTMX
    )

    html = response.content.decode()
    assert f'id="remarks-{topic.anchor}"' in html
    assert f"[{member.handle}]" in html


def test_invalid_inline_remark_returns_the_form_with_its_error(member_client):
    topic = factories.topic()

    response = member_client.post(
        reverse("topics:remark-create", args=[topic.pk]), {"body": " "}, **HTMX
    )

    assert response.status_code == 422
    assert response["HX-Retarget"] == f"#remark-form-{topic.anchor}"
    assert "このフィールドは必須です。" in response.content.decode()


def test_deep_dive_presenter_edits_the_document_with_conflict_protection(member_client, member):
    deep_dive = factories.deep_dive(meeting=factories.meeting(), presenter=member)
    url = reverse("deepdives:edit", args=[deep_dive.pk])
    data = {
        "title": "新題",
        "paper_url": "",
        "body": "## はじめに\n\n本文",
        "version": deep_dive.version,
    }

    ok = member_client.post(url, data, **HTMX)
    stale = member_client.post(url, {**data, "body": "古い"}, **HTMX)

    deep_dive.refresh_from_db()
    assert ok.status_code == 200
    assert "はじめに" in deep_dive.toc_html
    assert stale.status_code == 422
    assert deep_dive.body == "## はじめに\n\n本文"


def test_preview_uses_the_same_sanitizing_pipeline(member_client):
    response = member_client.post(
        reverse("markdown-preview") + "?field=notes", {"notes": "**太字** <script>x</script>"}
    )

    html = response.content.decode()
    assert "<strong>太字</strong>" in html
    assert "<script>" not in html


def test_preview_needs_a_login(client):
    assert client.post(reverse("markdown-preview"), {"text": "x"}).status_code in (302, 403)


def test_every_write_bumps_the_revision_that_open_boards_poll(member_client, member):
    meeting = factories.meeting()
    url = reverse("meetings:revision", args=[meeting.date])
    before = member_client.get(url).json()["revision"]

    add(member_client, meeting, title="新しい話題")
    topic = Topic.objects.get()
    member_client.post(
        reverse("topics:remark-create", args=[topic.pk]), {"body": "コメント"}, **HTMX
    )

    after = member_client.get(url).json()["revision"]
    assert after == before + 2
    assert Meeting.objects.get().revision == after


def test_extra_links_are_saved_shown_and_editable(member_client, member):
    topic = factories.topic(presenter=member, title="話題")
    lines = "code https://github.com/bloomberg/memray\nhttps://speakerdeck.com/someone/talk"

    response = edit(member_client, topic, version=topic.version, extra_links=lines)

    html = response.content.decode()
    assert response.status_code == 200
    assert [(e.label, e.link.canonical_url) for e in topic.extra_links.select_related("link")] == [
        ("code", "https://github.com/bloomberg/memray"),
        ("", "https://speakerdeck.com/someone/talk"),
    ]
    assert 'class="extra-links"' in html
    form = member_client.get(reverse("topics:edit", args=[topic.pk]), **HTMX).content.decode()
    assert "code https://github.com/bloomberg/memray" in form


def test_invalid_extra_link_names_its_line(member_client, member):
    topic = factories.topic(presenter=member)

    response = edit(
        member_client,
        topic,
        version=topic.version,
        extra_links="https://ok.example.com\nslides not-a-url",
    )

    assert response.status_code == 422
    assert "2行目のURLが正しくありません" in response.content.decode()
    assert not topic.extra_links.exists()
