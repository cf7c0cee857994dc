"""An upload is imported by the worker, file by file, while its page shows a progress bar."""

from __future__ import annotations

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.archive.models import ImportFile, ImportRun
from apps.archive.services import import_run_next_file, import_run_queue
from apps.topics.models import Topic
from tests.archive.conftest import fixture_bytes
from tests.celery_processes import celery_processes

DEADLINE_SECONDS = 60


@pytest.mark.django_db
def test_a_queued_run_shows_a_progress_bar_that_polls_until_done(organizer_client, organizer):
    run = import_run_queue(
        uploaded_by=organizer,
        dry_run=False,
        files=[("a.txt", fixture_bytes("constructs.txt"), 10), ("b.txt", b"", 0)],
    )
    html = organizer_client.get(run.get_absolute_url()).content.decode()
    assert '<progress value="0" max="2">' in html
    assert 'hx-trigger="every 2s"' in html
    assert "0 / 2 ファイル" in html

    assert import_run_next_file(run_id=run.pk) is True
    html = organizer_client.get(run.get_absolute_url()).content.decode()
    assert '<progress value="1" max="2">' in html
    assert "取り込み中" in html

    assert import_run_next_file(run_id=run.pk) is False
    run.refresh_from_db()
    assert run.finished
    assert [r["status"] for r in run.report] == ["created", "refused"]
    assert not ImportFile.objects.exists()  # the uploaded bytes are not kept
    polled = organizer_client.get(run.get_absolute_url(), headers={"HX-Request": "true"})
    assert polled.status_code == 204
    assert polled["HX-Refresh"] == "true"
    html = organizer_client.get(run.get_absolute_url()).content.decode()
    assert "<progress" not in html
    assert "a.txt" in html


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_imports_an_upload_file_by_file(redis_url, broker, tmp_path, organizer):
    from django.test import Client

    client = Client()
    client.force_login(organizer)
    with celery_processes(redis_url=redis_url, folder=tmp_path) as run_info:
        broker.conf.broker_url = redis_url
        broker.conf.broker_transport_options = {}
        broker.conf.task_default_queue = run_info.queue
        files = [
            SimpleUploadedFile("1.txt", fixture_bytes("constructs.txt"), "text/plain"),
            SimpleUploadedFile("2.txt", fixture_bytes("no-date.txt"), "text/plain"),
        ]
        response = client.post(reverse("archive:import"), {"files": files})
        run = ImportRun.objects.get()
        assert response["Location"] == run.get_absolute_url()
        deadline = time.monotonic() + DEADLINE_SECONDS
        while not run.finished and time.monotonic() < deadline:
            time.sleep(0.25)
            run.refresh_from_db()
        logs = run_info.logs()

    assert run.finished, logs
    assert [(r["name"], r["status"]) for r in run.report] == [
        ("1.txt", "created"),
        ("2.txt", "refused"),
    ]
    assert Topic.objects.count() == 5
