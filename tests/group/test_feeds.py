"""The iCal and Atom feeds, read the way a calendar app and a feed reader read them."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.group import ical
from apps.group.models import GroupSettings
from apps.group.services import feed_token_for, feed_token_reset
from apps.meetings.models import Meeting
from apps.topics.models import Topic
from tests import factories

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def site(settings):
    settings.SITE_URL = "https://board.example.jp"


@pytest.fixture
def token(member) -> str:
    return feed_token_for(user=member).token


def unfold(body: str) -> list[str]:
    """RFC 5545 3.1: lines end in CRLF; a line starting with a space continues the last."""
    assert body.endswith("\r\n")
    raw = body.split("\r\n")[:-1]
    assert all("\n" not in line and "\r" not in line for line in raw)
    assert all(len(line.encode("utf-8")) <= 75 for line in raw)
    lines: list[str] = []
    for line in raw:
        if line.startswith(" "):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    return lines


def unescape(value: str) -> str:
    out, chars = [], iter(value)
    for char in chars:
        if char == "\\":
            following = next(chars)
            out.append("\n" if following in "nN" else following)
        else:
            out.append(char)
    return "".join(out)


def events(body: str) -> list[dict[str, str]]:
    found, current = [], None
    for line in unfold(body):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            found.append(current)
            current = None
        elif current is not None:
            name, _sep, value = line.partition(":")
            current[name] = value
    return found


def parse_atom(content: bytes) -> ET.Element:
    return ET.fromstring(content)  # noqa: S314 - the app's own output, in a test


def get_ical(client: Client, token: str | None):
    url = reverse("group:feed-meetings") + (f"?token={token}" if token is not None else "")
    return client.get(url)


# --- iCal ---------------------------------------------------------------------------------


def test_the_ical_feed_lists_meetings_with_times_in_utc(site, group, client, token):
    GroupSettings.objects.update(name="機械学習勉強会")
    today = group.today()
    meeting = factories.meeting(date=today + dt.timedelta(days=3), title="第100回 機械学習勉強会")

    response = get_ical(client, token)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.content.decode()
    lines = unfold(body)
    assert lines[:2] == ["BEGIN:VCALENDAR", "VERSION:2.0"]
    assert lines[-1] == "END:VCALENDAR"
    assert "X-WR-CALNAME:機械学習勉強会" in lines
    [event] = events(body)
    start = dt.datetime.combine(meeting.date, dt.time(19, 0), tzinfo=group.zone).astimezone(dt.UTC)
    assert event["UID"] == f"meeting-{meeting.pk}@board.example.jp"
    assert event["DTSTART"] == start.strftime("%Y%m%dT%H%M%SZ")
    assert event["DTEND"] == (start + dt.timedelta(minutes=meeting.length_minutes)).strftime(
        "%Y%m%dT%H%M%SZ"
    )
    assert event["SUMMARY"] == "第100回 機械学習勉強会"
    assert event["STATUS"] == "CONFIRMED"
    assert event["URL"] == f"https://board.example.jp/meetings/{meeting.date.isoformat()}/"
    description = unescape(event["DESCRIPTION"])
    assert f"ボード: https://board.example.jp/meetings/{meeting.date.isoformat()}/" in description
    assert "トピックの締切:" in description
    assert "DTSTAMP" in event


def test_a_skipped_meeting_is_cancelled_and_keeps_its_uid(site, group, client, token):
    meeting = factories.meeting(date=group.today() + dt.timedelta(days=7))
    uid_before = events(get_ical(client, token).content.decode())[0]["UID"]
    Meeting.objects.filter(pk=meeting.pk).update(status="skipped")

    [event] = events(get_ical(client, token).content.decode())

    assert event["UID"] == uid_before
    assert event["STATUS"] == "CANCELLED"
    assert event["SUMMARY"].startswith("【休会】")


def test_text_is_escaped_and_long_lines_are_folded_between_characters(site, group, client, token):
    title = "Transformers, RAG; and C:\\path — " + "長い日本語のタイトル" * 8
    factories.meeting(date=group.today() + dt.timedelta(days=3), title=title)

    body = get_ical(client, token).content.decode()  # unfold() checks every line's octets

    [event] = events(body)
    assert event["SUMMARY"].startswith("Transformers\\, RAG\\; and C:\\\\path")
    assert unescape(event["SUMMARY"]) == title
    assert any(line.startswith(" ") for line in body.split("\r\n"))  # it really was folded


def test_the_meeting_starts_at_the_groups_time_in_its_zone(site, group, client, token):
    GroupSettings.objects.update(time_zone="Europe/Berlin", start_time=dt.time(18, 30))
    Meeting.objects.create(date=dt.date(2099, 7, 3), title="夏")  # CEST, UTC+2

    [event] = events(get_ical(client, token).content.decode())

    assert event["DTSTART"] == "20990703T163000Z"
    assert "X-WR-TIMEZONE:Europe/Berlin" in unfold(get_ical(client, token).content.decode())


def test_meetings_older_than_a_year_are_left_out(site, group, client, token):
    factories.meeting(date=group.today() - dt.timedelta(days=400))
    recent = factories.meeting(date=group.today() - dt.timedelta(days=30))

    found = events(get_ical(client, token).content.decode())

    assert [e["UID"] for e in found] == [f"meeting-{recent.pk}@board.example.jp"]


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("a,b;c\\d", "a\\,b\\;c\\\\d"),
        ("1行目\n2行目\r\n3行目", "1行目\\n2行目\\n3行目"),
        ("tab\tbell\x07", "tab\tbell"),
    ],
)
def test_escape_text(text, escaped):
    assert ical.escape_text(text) == escaped


def test_fold_never_splits_a_character_and_keeps_lines_at_75_octets():
    line = "DESCRIPTION:" + "あ" * 100 + "😀" * 10
    folded = ical.fold(line).split("\r\n")

    assert all(len(part.encode()) <= 75 for part in folded)
    assert len(folded) > 1
    assert all(p.startswith(" ") for p in folded[1:])
    assert folded[0] + "".join(p[1:] for p in folded[1:]) == line


# --- Atom ---------------------------------------------------------------------------------


def test_the_atom_feed_lists_new_topics(site, group, client, token):
    presenter = factories.MemberFactory(display_name="Naoto Shimakoshi")
    meeting = factories.meeting(date=dt.date(2025, 3, 28))
    topic = factories.topic(
        meeting=meeting,
        presenter=presenter,
        kind=Topic.Kind.PAPER,
        title="Attention Is All You Need",
        notes="- **Transformer** を提案\n    - RNN なし、a < b & c",
    )
    deleted = factories.topic(meeting=meeting, title="消したトピック")
    Topic.objects.filter(pk=deleted.pk).update(deleted_at=timezone.now())

    response = client.get(reverse("group:feed-topics"), {"token": token})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = parse_atom(response.content)
    assert feed.findtext(f"{ATOM}title") == "機械学習勉強会 の新しいトピック"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["[論文] Attention Is All You Need"]
    entry = entries[0]
    link = f"https://board.example.jp/meetings/2025-03-28/#topic-{topic.pk}"
    assert entry.find(f"{ATOM}link").get("href") == link
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Naoto Shimakoshi"
    assert entry.findtext(f"{ATOM}updated")
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    # Plain text, escaped once for type="html": a reader shows "a < b & c", not markup.
    assert summary.text == "Transformer を提案 RNN なし、a &lt; b &amp; c"
    assert token not in response.content.decode()  # the self link is the shared URL


def test_atom_summaries_are_truncated(site, group, client, token):
    factories.topic(notes="長い説明。" * 200)

    feed = parse_atom(client.get(reverse("group:feed-topics"), {"token": token}).content)

    summary = feed.find(f"{ATOM}entry/{ATOM}summary").text
    assert len(summary) <= 280
    assert summary.endswith("…")


def test_the_newest_topics_come_first(site, group, client, token):
    meeting = factories.meeting()
    for n in range(3):
        factories.topic(meeting=meeting, title=f"話題{n}")

    feed = parse_atom(client.get(reverse("group:feed-topics"), {"token": token}).content)

    assert [e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")] == [
        "[blog] 話題2",
        "[blog] 話題1",
        "[blog] 話題0",
    ]


# --- who may read -------------------------------------------------------------------------

FEEDS = ["group:feed-meetings", "group:feed-topics"]


@pytest.mark.parametrize("name", FEEDS)
def test_feeds_need_a_valid_token_without_a_session(group, client, name):
    assert client.get(reverse(name)).status_code == 403
    assert client.get(reverse(name), {"token": "guessed-token"}).status_code == 403


@pytest.mark.parametrize("name", FEEDS)
def test_only_the_whole_token_opens_a_feed(group, client, token, name):
    # Candidates are found by the first characters; the rest must match too, in full.
    for guess in (
        token[:8],
        token[:-1],
        token[:-1] + ("A" if token[-1] != "A" else "B"),
        token + "x",
    ):
        assert client.get(reverse(name), {"token": guess}).status_code == 403
    assert client.get(reverse(name), {"token": token}).status_code == 200


@pytest.mark.parametrize("name", FEEDS)
def test_a_token_works_without_a_session(group, client, token, name):
    response = client.get(reverse(name), {"token": token})

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, max-age=300"


@pytest.mark.parametrize("name", FEEDS)
def test_a_renewed_or_deactivated_members_token_stops_working(group, client, member, token, name):
    renewed = feed_token_reset(user=member).token
    assert client.get(reverse(name), {"token": token}).status_code == 403
    assert client.get(reverse(name), {"token": renewed}).status_code == 200

    member.is_active = False
    member.save()

    assert client.get(reverse(name), {"token": renewed}).status_code == 403


@pytest.mark.parametrize("name", FEEDS)
def test_signed_in_members_and_a_public_board_need_no_token(
    group, client, member_client, settings, name
):
    assert member_client.get(reverse(name)).status_code == 200
    settings.BOARD_PUBLIC_READ = True
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", FEEDS)
def test_feeds_are_read_only(group, client, token, name):
    assert client.post(f"{reverse(name)}?token={token}").status_code == 405


@pytest.mark.parametrize("name", FEEDS)
def test_feeds_take_a_fixed_number_of_queries(
    site, group, client, token, name, django_assert_num_queries
):
    for n in range(5):
        meeting = factories.meeting()
        factories.topic(meeting=meeting, title=f"話題{n}")

    with django_assert_num_queries(3):  # token, group settings, meetings or topics
        client.get(reverse(name), {"token": token})


def test_an_untitled_topic_is_named_by_host_and_short_path_not_its_raw_url(
    site, group, client, token
):
    url = "https://blog.example.com/posts/2025/03/long-article-about-retrieval?utm_source=x"
    factories.topic(title="", url=url)

    feed = parse_atom(client.get(reverse("group:feed-topics"), {"token": token}).content)

    title = feed.find(f"{ATOM}entry/{ATOM}title").text
    assert "blog.example.com/" in title
    assert "utm_source" not in title
    assert "https://" not in title
