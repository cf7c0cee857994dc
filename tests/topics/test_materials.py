"""Slides and recordings after the meeting: the nudge, links, PDF uploads and thumbnails."""

from __future__ import annotations

import datetime as dt
import io
import time

import pypdfium2 as pdfium
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from apps.topics.materials import topics_missing_slides
from apps.topics.models import SlidesUpload, TopicLink
from apps.topics.thumbnails import slides_thumbnail
from tests import factories
from tests.celery_processes import celery_processes

pytestmark = pytest.mark.django_db


def _pdf() -> bytes:
    document = pdfium.PdfDocument.new()
    document.new_page(960, 540)
    out = io.BytesIO()
    document.save(out)
    document.close()
    return out.getvalue()


@pytest.fixture
def held_topic(member, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    meeting = factories.meeting(date=timezone.localdate() - dt.timedelta(days=1))
    return factories.topic(meeting=meeting, presenter=member, title="発表したもの")


def test_the_day_after_the_meeting_the_presenter_is_nudged_until_slides_are_attached(
    member_client, member, held_topic
):
    page = member_client.get(reverse("me")).content.decode()
    assert "発表の資料を残しましょう" in page
    assert "発表したもの" in page
    response = member_client.post(
        reverse("topics:materials", args=[held_topic.pk]),
        {
            "slides_url": "https://speakerdeck.com/someone/rmm",
            "recording_url": "https://www.youtube.com/watch?v=abc123",
            "next": reverse("me"),
        },
    )
    assert response.status_code == 302
    labels = dict(
        TopicLink.objects.filter(topic=held_topic).values_list("label", "link__canonical_url")
    )
    assert labels["slides"].startswith("https://speakerdeck.com/")
    assert "youtube.com" in labels["recording"]
    assert topics_missing_slides(member=member, today=timezone.localdate()) == []
    assert "発表の資料を残しましょう" not in member_client.get(reverse("me")).content.decode()


def test_no_nudge_on_the_meeting_day_or_for_old_meetings(member):
    today = timezone.localdate()
    factories.topic(meeting=factories.meeting(date=today), presenter=member)
    factories.topic(meeting=factories.meeting(date=today - dt.timedelta(days=30)), presenter=member)
    assert topics_missing_slides(member=member, today=today) == []


def test_a_pdf_upload_gets_a_first_page_thumbnail_from_the_worker(member_client, held_topic):
    pdf = SimpleUploadedFile("rmm.pdf", _pdf(), content_type="application/pdf")
    with_commit = member_client.post(
        reverse("topics:materials", args=[held_topic.pk]), {"pdf": pdf}
    )
    assert with_commit.status_code == 302
    upload = SlidesUpload.objects.get()
    assert upload.status == "pending"
    assert slides_thumbnail(upload.pk) == "ok"
    upload.refresh_from_db()
    assert upload.thumbnail.name.endswith(".webp")
    thumb = member_client.get(reverse("topics:slides-thumbnail", args=[upload.pk]))
    assert thumb["Content-Type"] == "image/webp"
    served = member_client.get(reverse("topics:slides-file", args=[upload.pk]))
    assert served["Content-Type"] == "application/pdf"
    assert served["X-Content-Type-Options"] == "nosniff"
    board = member_client.get(held_topic.block.meeting.get_absolute_url()).content.decode()
    assert reverse("topics:slides-file", args=[upload.pk]) in board


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            lambda: SimpleUploadedFile("x.pdf", b"<html>not a pdf</html>"),
            "PDFファイルではありません",
        ),
        (
            lambda: SimpleUploadedFile("big.pdf", b"%PDF-1.7" + b"0" * (2 * 1024 * 1024)),
            "PDFは1MBまでです",
        ),
    ],
)
def test_a_fake_or_too_large_pdf_is_refused_and_nothing_is_kept(
    member_client, held_topic, settings, upload, message
):
    settings.SLIDES_MAX_BYTES = 1024 * 1024
    response = member_client.post(
        reverse("topics:materials", args=[held_topic.pk]),
        {"pdf": upload(), "slides_url": "https://speakerdeck.com/x"},
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not SlidesUpload.objects.exists()
    assert not TopicLink.objects.exists()


def test_a_recording_that_is_not_http_is_refused(member_client, held_topic):
    response = member_client.post(
        reverse("topics:materials", args=[held_topic.pk]), {"recording_url": "javascript:alert(1)"}
    )
    assert response.status_code == 422
    assert "http:// か https://" in response.content.decode()


def test_a_broken_pdf_is_marked_with_a_reason_not_an_error(member_client, held_topic):
    broken = SimpleUploadedFile("broken.pdf", b"%PDF-1.7\nthis is not really a pdf")
    member_client.post(reverse("topics:materials", args=[held_topic.pk]), {"pdf": broken})
    upload = SlidesUpload.objects.get()
    assert slides_thumbnail(upload.pk) == "failed"
    upload.refresh_from_db()
    assert "PDF" in upload.message
    board = member_client.get(held_topic.block.meeting.get_absolute_url()).content.decode()
    assert upload.message in board


def test_only_the_presenter_or_an_organizer_adds_materials(client, held_topic):
    client.force_login(factories.MemberFactory())
    url = reverse("topics:materials", args=[held_topic.pk])
    assert client.post(url, {"slides_url": "https://speakerdeck.com/x"}).status_code == 403
    client.force_login(factories.MemberFactory(is_organizer=True))
    assert client.post(url, {"slides_url": "https://speakerdeck.com/x"}).status_code == 302


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_renders_the_thumbnail_of_uploaded_slides(
    redis_url, broker, member_client, held_topic, tmp_path
):
    with celery_processes(redis_url=redis_url, folder=tmp_path) as run:
        broker.conf.broker_url = redis_url
        broker.conf.broker_transport_options = {}
        broker.conf.task_default_queue = run.queue
        pdf = SimpleUploadedFile("rmm.pdf", _pdf(), content_type="application/pdf")
        member_client.post(reverse("topics:materials", args=[held_topic.pk]), {"pdf": pdf})
        upload = SlidesUpload.objects.get()
        deadline = time.monotonic() + 60
        while upload.status == "pending" and time.monotonic() < deadline:
            time.sleep(0.25)
            upload.refresh_from_db()
        logs = run.logs()
    assert upload.status == "ok", logs
    assert Image.open(upload.thumbnail.open("rb")).format == "WEBP"
