"""Slides and videos: thumbnail, player on an allowlisted host, channel and duration.

Every provider is a local server replaying its page and oEmbed answer in their recorded format.
"""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from pytest_httpserver import HTTPServer

from apps.links import embeds, tasks
from apps.links.models import Link
from apps.links.resolvers.html import fetch_page, seconds
from apps.links.templatetags.link_cards import duration
from tests import factories
from tests.links.fixtures import allow_local_server, load

HTML = "text/html; charset=utf-8"
JSON = "application/json; charset=utf-8"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def base(httpserver: HTTPServer, settings) -> str:
    return allow_local_server(settings, httpserver)


def serve(server: HTTPServer, path: str, fixture: str, content_type: str = HTML) -> None:
    server.expect_request(path).respond_with_data(load(fixture), content_type=content_type)


def youtube(server: HTTPServer) -> None:
    serve(server, "/watch", "youtube_watch.html")
    serve(server, "/oembed", "youtube_oembed.json", JSON)


# --- videos --------------------------------------------------------------------------------


def test_youtube_video_plays_from_the_privacy_enhanced_host(httpserver, base):
    youtube(httpserver)

    page = fetch_page(f"{base}/watch?v=3gb-ZkVRemQ")

    assert page.title == "Stanford CS25: V4 I Transformers United"
    assert page.image_url == "https://i.ytimg.com/vi/3gb-ZkVRemQ/maxresdefault.jpg"
    assert page.extra["embed"] == {
        "kind": "video",
        "provider": "YouTube",
        "src": "https://www.youtube-nocookie.com/embed/3gb-ZkVRemQ",
        "ratio": 1.7699,
    }
    assert page.extra["duration_seconds"] == 1 * 3600 + 17 * 60 + 22  # itemprop PT1H17M22S
    assert page.extra["channel"] == "Stanford Online"  # from the oEmbed answer
    assert page.extra["page_language"] == "ja-JP"


def test_vimeo_video_with_duration_and_channel_from_oembed(httpserver, base):
    serve(httpserver, "/76979871", "vimeo_page.html")
    serve(httpserver, "/api/oembed.json", "vimeo_oembed.json", JSON)

    page = fetch_page(f"{base}/76979871")

    assert page.extra["embed"]["src"] == "https://player.vimeo.com/video/76979871?dnt=1"
    assert page.extra["embed"]["kind"] == "video"
    assert page.extra["duration_seconds"] == 3725
    assert page.extra["channel"] == "Kyoto ML Meetup"
    assert page.image_url.startswith("https://i.vimeocdn.com/video/452001751")


@pytest.mark.parametrize(
    ("url", "src"),
    [
        ("https://youtu.be/3gb-ZkVRemQ?t=42", "https://www.youtube-nocookie.com/embed/3gb-ZkVRemQ"),
        (
            "https://www.youtube.com/shorts/3gb-ZkVRemQ",
            "https://www.youtube-nocookie.com/embed/3gb-ZkVRemQ",
        ),
        (
            "https://m.youtube.com/watch?v=3gb-ZkVRemQ&list=x",
            "https://www.youtube-nocookie.com/embed/3gb-ZkVRemQ",
        ),
        (
            "https://vimeo.com/channels/staffpicks/76979871",
            "https://player.vimeo.com/video/76979871?dnt=1",
        ),
        (
            "https://docs.google.com/presentation/d/1vH7xQfZk2Lw9pR3tY/edit#slide=id.p",
            "https://docs.google.com/presentation/d/1vH7xQfZk2Lw9pR3tY/embed",
        ),
        (
            "https://docs.google.com/document/d/1AbCdEfGhIjKlMn/edit",
            "https://docs.google.com/document/d/1AbCdEfGhIjKlMn/preview",
        ),
    ],
)
def test_player_addresses_are_built_from_the_id(url, src):
    assert embeds.embed_for([url])["src"] == src


@pytest.mark.parametrize(
    "url",
    [
        "https://www.youtube.com/watch?v=short",  # not an 11-character id
        "https://www.youtube.com/@stanfordonline",
        "https://evil.example/watch?v=3gb-ZkVRemQ",
        "https://docs.google.com/spreadsheets/d/1AbCdEfGhIjKlMn/edit",
    ],
)
def test_no_player_for_other_addresses(url):
    assert embeds.embed_for([url]) == {}


@pytest.mark.parametrize(
    ("value", "expected"),
    [(3725, 3725), ("PT1H2M3S", 3723), ("PT45S", 45), ("61", 61), (-1, 0), ("-1", 0),
     ("P30D", 0), ("PT", 0), (True, 0), ("soon", 0), (None, 0)],
)  # fmt: skip
def test_video_durations(value, expected):
    assert seconds(value) == expected


def test_durations_read_as_clock_times():
    assert (duration(4642), duration(95), duration(0), duration("x")) == ("1:17:22", "1:35", "", "")


# --- slides --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "page", "oembed_path", "oembed", "src", "provider"),
    [
        (
            "/slideshow/llm-evaluation-methods/266712345",
            "slideshare_page.html",
            "/api/oembed/2",
            "slideshare_oembed.json",
            "https://www.slideshare.net/slideshow/embed_code/key/Bq8JtxV2Yk1Qm3",
            "SlideShare",
        ),
        (
            "/s/hanako/5E8X3K-rl-reasoning",
            "docswell_page.html",
            "/service/oembed",
            "docswell_oembed.json",
            "https://www.docswell.com/slide/5E8X3K/embed",
            "Docswell",
        ),
    ],
)
def test_slides_take_their_player_from_the_oembed_iframe(
    httpserver, base, path, page, oembed_path, oembed, src, provider
):
    # Both pages declare title, author, picture and site: oEmbed is asked for the player.
    serve(httpserver, path, page)
    serve(httpserver, oembed_path, oembed, JSON)

    card = fetch_page(f"{base}{path}")

    assert card.extra["embed"]["src"] == src
    assert card.extra["embed"]["provider"] == provider
    assert card.extra["embed"]["kind"] == "slides"
    assert card.image_url  # the first slide, from og:image
    assert "iframe" not in json.dumps(card.extra)


def test_google_slides_player_and_first_slide(httpserver, base):
    serve(
        httpserver,
        "/presentation/d/1vH7xQfZk2Lw9pR3tYb8nC5mD0aE4sJ6uK1oP2qW3eR4/edit",
        "google_slides.html",
    )

    page = fetch_page(f"{base}/presentation/d/1vH7xQfZk2Lw9pR3tYb8nC5mD0aE4sJ6uK1oP2qW3eR4/edit")

    assert page.title == "第120回 機械学習勉強会 メインTOPIC"
    assert (
        page.image_url == "https://lh7-us.googleusercontent.com/docs/AHkbwyK3n/slide1=w1200-h630-p"
    )
    assert page.extra["embed"] == {
        "kind": "slides",
        "provider": "Google Slides",
        "src": "https://docs.google.com/presentation/d/1vH7xQfZk2Lw9pR3tYb8nC5mD0aE4sJ6uK1oP2qW3eR4/embed",
        "ratio": 1.7778,
    }  # fmt: skip


# --- bad input -----------------------------------------------------------------------------


def test_a_hostile_oembed_answer_gives_a_plain_card(httpserver, base):
    serve(httpserver, "/v/1", "video_hostile.html")
    serve(httpserver, "/oembed/evil.json", "oembed_hostile.json", JSON)

    page = fetch_page(f"{base}/v/1")

    stored = json.dumps([page.title, page.authors, page.image_url, page.extra])
    assert "embed" not in page.extra  # evil.example is not on the allowlist
    assert "duration_seconds" not in page.extra  # -1 is no duration
    assert "<script" not in stored
    assert "onerror" not in stored
    assert "javascript:" not in stored
    assert page.title == "Free GPUs"  # plain text; the template escapes it again


def test_a_stored_player_off_the_allowlist_is_never_rendered():
    for bad in (
        {"kind": "video", "src": "https://evil.example/player"},
        {"kind": "video", "src": "http://www.youtube-nocookie.com/embed/3gb-ZkVRemQ"},
        {"kind": "video", "src": "https://www.youtube-nocookie.com:8443/embed/x"},
        {"kind": "script", "src": "https://player.vimeo.com/video/1"},
        "https://player.vimeo.com/video/1",
    ):
        assert embeds.safe_embed(bad) is None


# --- on the board and in 当日モード -----------------------------------------------------------


@pytest.mark.django_db
def test_a_video_card_plays_on_click(member_client, httpserver, base):
    youtube(httpserver)
    topic = factories.topic(url=f"{base}/watch?v=3gb-ZkVRemQ", title="")
    tasks.fetch_link.apply(args=[topic.link_id])
    link = Link.objects.get(pk=topic.link_id)
    assert link.status == "ok"

    board = member_client.get(topic.block.meeting.get_absolute_url()).content.decode()
    card = board[board.index(f'id="link-card-{topic.anchor}"') :]
    card = card[: card.index("</article>")] if "</article>" in card else card
    assert "動画を再生" in card
    assert "1:17:22" in card
    assert "Stanford Online" in card
    assert "<iframe" not in card  # nothing from a third party before the click

    frame = member_client.get(reverse("links:embed", args=[link.pk]), **HTMX).content.decode()
    assert 'src="https://www.youtube-nocookie.com/embed/3gb-ZkVRemQ"' in frame
    assert f'sandbox="{embeds.SANDBOX}"' in frame


@pytest.mark.django_db
def test_a_link_without_a_player_has_no_embed_page(member_client):
    link = Link.objects.create(
        canonical_url="https://blog.example/post",
        status="ok",
        title="A post",
        extra={"embed": {"kind": "video", "src": "https://evil.example/player"}},
    )
    assert member_client.get(reverse("links:embed", args=[link.pk])).status_code == 404


@pytest.mark.django_db
def test_present_mode_shows_the_slides_of_the_current_topic(organizer_client, httpserver, base):
    serve(httpserver, "/s/hanako/5E8X3K-rl-reasoning", "docswell_page.html")
    serve(httpserver, "/service/oembed", "docswell_oembed.json", JSON)
    meeting = factories.meeting()
    topic = factories.topic(meeting=meeting, url=f"{base}/s/hanako/5E8X3K-rl-reasoning")
    tasks.fetch_link.apply(args=[topic.link_id])

    html = organizer_client.post(
        reverse("meetings:present-step", args=[meeting.date]), {"step": "next"}, **HTMX
    ).content.decode()

    slide = html[html.index('class="slide"') :]
    assert 'src="https://www.docswell.com/slide/5E8X3K/embed"' in slide
    assert "sandbox=" in slide


def test_a_speaker_deck_page_that_says_everything_still_gets_its_player(httpserver, base):
    # Title, author, picture and site are all on the page: the canonical speakerdeck.com
    # address is what makes the board ask oEmbed for the player.
    serve(httpserver, "/hanako/llm-inference", "speakerdeck_page.html")
    serve(httpserver, "/oembed.json", "slides_oembed.json", JSON)

    card = fetch_page(f"{base}/hanako/llm-inference")

    assert card.title == "大規模言語モデルの推論高速化"
    assert card.image_url == "https://files.speakerdeck.com/presentations/abc123/slide_0.jpg"
    assert card.extra["embed"]["src"] == "https://speakerdeck.com/player/abc"


@pytest.mark.django_db
def test_present_mode_shows_the_main_topics_video(organizer_client, httpserver, base):
    youtube(httpserver)
    meeting = factories.meeting()
    deep_dive = factories.deep_dive(meeting=meeting, paper_url=f"{base}/watch?v=3gb-ZkVRemQ")
    tasks.fetch_link.apply(args=[deep_dive.link_id])

    html = organizer_client.post(
        reverse("meetings:present-step", args=[meeting.date]), {"step": "next"}, **HTMX
    ).content.decode()  # no topics: the main topic is first

    slide = html[html.index('class="slide"') :]
    assert "メインTOPIC" in slide
    assert 'src="https://www.youtube-nocookie.com/embed/3gb-ZkVRemQ"' in slide
