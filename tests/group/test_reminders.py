"""Slack reminders against a local fake webhook: sent once, retried when Slack fails for a
while, given up (and shown) when it refuses, cut off when it hangs."""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation
from kombu.exceptions import OperationalError

from apps.group import reminders, tasks
from apps.group.models import GroupSettings, Reminder
from apps.group.reminders import (
    MAX_ATTEMPTS,
    check_reminders,
    deliver,
    queue_agenda_reminder,
    slack_escape,
)
from apps.group.selectors import group_settings
from apps.meetings.models import Meeting
from apps.meetings.services import meeting_set_status
from apps.topics.models import Topic
from tests import factories
from tests.group.conftest import HANG, LATE, Webhook

pytestmark = pytest.mark.django_db


@pytest.fixture
def due_meeting(group) -> Meeting:
    """An open meeting whose call for topics is due now, by the real clock.

    Topics are due at 12:00 the day before a meeting three days ahead, and the call goes out
    up to a week before the deadline: "now" is inside that window whatever the time of day.
    """
    GroupSettings.objects.update(
        deadline_days_before=1, deadline_time=dt.time(12, 0), reminder_hours_before_deadline=168
    )
    return factories.meeting(
        date=group_settings().today() + dt.timedelta(days=3), title="第100回 機械学習勉強会"
    )


def run_beat(django_capture_on_commit_callbacks, **kwargs) -> list[int]:
    """One beat run, with the tasks it queues run right away (eager_tasks)."""
    with django_capture_on_commit_callbacks(execute=True):
        return check_reminders(**kwargs)


# --- call for topics ----------------------------------------------------------------------


def test_call_for_topics_is_posted_once_with_the_deadline_and_a_link(
    webhook: Webhook, due_meeting, eager_tasks, django_capture_on_commit_callbacks
):
    factories.topic(meeting=due_meeting, title="既に出ている話")

    run_beat(django_capture_on_commit_callbacks)
    run_beat(django_capture_on_commit_callbacks)  # the next beat, 15 minutes later

    [text] = webhook.texts
    assert "第100回 機械学習勉強会" in text
    assert "トピックを募集しています" in text
    deadline = due_meeting.date - dt.timedelta(days=1)
    assert f"{deadline.month}月{deadline.day}日" in text
    assert "12:00" in text
    assert "いまの投稿: 1件（1人）" in text
    assert (
        f"<https://board.example.jp/meetings/{due_meeting.date.isoformat()}/|ボードを開く>" in text
    )
    assert webhook.requests[0].headers["Content-Type"] == "application/json; charset=utf-8"
    reminder = Reminder.objects.get()
    assert (reminder.kind, reminder.status, reminder.attempts) == ("call_for_topics", "sent", 1)
    assert reminder.sent_at is not None


def test_the_call_for_topics_is_in_the_groups_language_not_the_workers(
    webhook: Webhook, due_meeting, eager_tasks, django_capture_on_commit_callbacks
):
    GroupSettings.objects.update(language="en")
    with translation.override("ja"):  # the worker's own language
        run_beat(django_capture_on_commit_callbacks)

    [text] = webhook.texts
    assert "is collecting topics." in text
    assert "|Open the board>" in text
    assert "トピックを募集しています" not in text


def test_two_beats_at_the_same_moment_send_one_message(
    webhook: Webhook, due_meeting, eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = check_reminders()
        second = check_reminders()  # before the first one's message went out

    assert len(first) == 1
    assert second == []
    assert len(webhook.texts) == 1
    assert deliver(reminder_id=first[0]) == reminders.Delivery("nothing")  # a re-queued task
    assert len(webhook.texts) == 1


@pytest.mark.django_db(transaction=True)
def test_two_beats_in_parallel_processes_send_one_message(
    webhook: Webhook, due_meeting, eager_tasks
):
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def beat() -> None:
        try:
            barrier.wait(5)
            check_reminders()
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=beat) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert errors == []
    assert len(webhook.texts) == 1
    assert Reminder.objects.get().status == "sent"


def test_nothing_is_sent_before_the_window_or_after_the_deadline(
    webhook: Webhook, group, eager_tasks, django_capture_on_commit_callbacks
):
    meeting = factories.meeting(date=dt.date(2025, 4, 4))  # topics due Thursday 04-03 18:00 JST
    deadline = dt.datetime(2025, 4, 3, 9, 0, tzinfo=dt.UTC)

    assert run_beat(django_capture_on_commit_callbacks, now=deadline - dt.timedelta(hours=25)) == []
    assert run_beat(django_capture_on_commit_callbacks, now=deadline) == []
    assert not Reminder.objects.filter(meeting=meeting).exists()
    assert webhook.texts == []


def test_the_call_is_due_from_the_configured_hours_before_the_deadline(
    webhook: Webhook, group, django_capture_on_commit_callbacks
):
    meeting = factories.meeting(date=dt.date(2025, 4, 4))
    deadline = dt.datetime(2025, 4, 3, 9, 0, tzinfo=dt.UTC)

    assert (
        run_beat(
            django_capture_on_commit_callbacks, now=deadline - dt.timedelta(hours=24, seconds=1)
        )
        == []
    )
    [queued] = run_beat(django_capture_on_commit_callbacks, now=deadline - dt.timedelta(hours=24))
    assert Reminder.objects.get(pk=queued).meeting == meeting


@pytest.mark.parametrize("status", ["draft", "locked", "skipped", "held"])
def test_only_open_meetings_call_for_topics(
    webhook: Webhook, due_meeting, status, django_capture_on_commit_callbacks
):
    Meeting.objects.filter(pk=due_meeting.pk).update(status=status)

    assert run_beat(django_capture_on_commit_callbacks) == []


def test_no_webhook_or_switched_off_means_no_reminder(group, django_capture_on_commit_callbacks):
    GroupSettings.objects.update(reminder_hours_before_deadline=168, deadline_time=dt.time(12, 0))
    factories.meeting(date=group.today() + dt.timedelta(days=3))

    assert run_beat(django_capture_on_commit_callbacks) == []
    GroupSettings.objects.update(
        slack_webhook_url="https://hooks.slack.com/services/T/B/X", remind_call_for_topics=False
    )
    assert run_beat(django_capture_on_commit_callbacks) == []
    assert not Reminder.objects.exists()


def test_a_call_that_became_pointless_is_skipped_not_sent(
    webhook: Webhook, due_meeting, django_capture_on_commit_callbacks
):
    [queued] = run_beat(django_capture_on_commit_callbacks)  # queued, not yet run (no eager)
    Meeting.objects.filter(pk=due_meeting.pk).update(status="locked")

    assert deliver(reminder_id=queued).outcome == "skipped"
    reminder = Reminder.objects.get(pk=queued)
    assert (reminder.status, reminder.error) == ("skipped", "勉強会が募集中ではありません。")
    assert webhook.texts == []


# --- failures -----------------------------------------------------------------------------


def test_a_server_error_is_retried_and_then_sent(
    webhook: Webhook, due_meeting, eager_tasks, django_capture_on_commit_callbacks
):
    webhook.answer(500, 503, 200)

    run_beat(django_capture_on_commit_callbacks)

    assert len(webhook.texts) == 3
    assert webhook.texts[0] == webhook.texts[2]  # the same message, sent again
    reminder = Reminder.objects.get()
    assert (reminder.status, reminder.attempts, reminder.error) == ("sent", 3, "")


def test_retries_are_bounded_and_end_in_failed(
    webhook: Webhook, due_meeting, eager_tasks, django_capture_on_commit_callbacks
):
    webhook.answer(500)

    run_beat(django_capture_on_commit_callbacks)

    assert len(webhook.texts) == MAX_ATTEMPTS
    reminder = Reminder.objects.get()
    assert (reminder.status, reminder.attempts) == ("failed", MAX_ATTEMPTS)
    assert "HTTP 500" in reminder.error


def test_retry_waits_grow(webhook: Webhook, due_meeting, django_capture_on_commit_callbacks):
    webhook.answer(500)
    [queued] = run_beat(django_capture_on_commit_callbacks)
    now = timezone.now()

    delivery = deliver(reminder_id=queued, now=now)

    assert delivery == reminders.Delivery("retry", retry_in=30)
    assert [reminders.backoff(n) for n in range(1, 5)] == [30, 60, 120, 240]
    reminder = Reminder.objects.get(pk=queued)
    assert (reminder.status, reminder.next_attempt_at) == (
        "pending",
        now + dt.timedelta(seconds=30),
    )


def test_a_refused_webhook_is_not_retried_and_organizers_see_why(
    webhook: Webhook, due_meeting, eager_tasks, django_capture_on_commit_callbacks, organizer_client
):
    webhook.answer(404)

    run_beat(django_capture_on_commit_callbacks)

    assert len(webhook.texts) == 1
    reminder = Reminder.objects.get()
    assert (reminder.status, reminder.attempts) == ("failed", 1)
    assert (
        reminder.error
        == "SlackがこのWebhookを受け付けませんでした（HTTP 404）。Webhook URLを確認してください。"
    )
    page = organizer_client.get(reverse("group:settings")).content.decode()
    assert "失敗" in page
    assert "HTTP 404" in page


def test_a_hanging_webhook_is_cut_off_at_the_deadline_and_not_retried(
    webhook: Webhook, due_meeting, django_capture_on_commit_callbacks
):
    webhook.answer(HANG)
    [queued] = run_beat(django_capture_on_commit_callbacks)
    started = time.monotonic()

    delivery = deliver(reminder_id=queued)

    assert time.monotonic() - started < 4  # SLACK_WEBHOOK_TIMEOUT is 1.5 s in these tests
    assert delivery.outcome == "uncertain"
    reminder = Reminder.objects.get(pk=queued)
    assert reminder.status == "uncertain"
    assert "時間内に応答がありませんでした" in reminder.error


def test_a_webhook_that_cannot_be_reached_is_retried(
    webhook: Webhook, due_meeting, django_capture_on_commit_callbacks, settings
):
    # Nothing listens on the port: the message never left, so a retry cannot duplicate it.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.LINK_FETCH_ALLOWED_PORTS = [port]
    GroupSettings.objects.update(slack_webhook_url=f"http://127.0.0.1:{port}/hook")
    [queued] = run_beat(django_capture_on_commit_callbacks)

    assert deliver(reminder_id=queued).outcome == "retry"
    assert Reminder.objects.get(pk=queued).status == "pending"


def test_slack_answering_after_the_deadline_gets_the_message_once_and_organizers_check_it(
    webhook: Webhook,
    due_meeting,
    eager_tasks,
    django_capture_on_commit_callbacks,
    organizer_client,
):
    webhook.answer(LATE, 200)
    [queued] = run_beat(django_capture_on_commit_callbacks)

    # Later sweeps, long after every retry would have been due, send nothing more.
    for minutes in (5, 30, 120):
        later = timezone.now() + dt.timedelta(minutes=minutes)
        assert run_beat(django_capture_on_commit_callbacks, now=later) == []
    assert len(webhook.texts) == 1
    reminder = Reminder.objects.get(pk=queued)
    assert (reminder.status, reminder.attempts) == ("uncertain", 1)

    page = organizer_client.get(reverse("group:settings")).content.decode()
    assert "要確認" in page
    assert reverse("group:reminder-resend", args=[queued]) in page  # the 再送 button

    # The organizer found it missing in the channel and resends: that one is their choice.
    # The fake answers one request at a time, so a duplicate queued earlier would be
    # counted here too.
    with django_capture_on_commit_callbacks(execute=True):
        organizer_client.post(reverse("group:reminder-resend", args=[queued]))
    assert len(webhook.texts) == 2
    assert Reminder.objects.get(pk=queued).status == "sent"


def test_an_organizer_can_resend_after_fixing_the_webhook(
    webhook: Webhook, due_meeting, eager_tasks, django_capture_on_commit_callbacks, organizer_client
):
    webhook.answer(404, 200)
    run_beat(django_capture_on_commit_callbacks)
    reminder = Reminder.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        response = organizer_client.post(reverse("group:reminder-resend", args=[reminder.pk]))
        again = organizer_client.post(reverse("group:reminder-resend", args=[reminder.pk]))

    assert response.status_code == again.status_code == 302
    assert len(webhook.texts) == 2
    assert Reminder.objects.get().status == "sent"
    assert "再送できません" in organizer_client.get(reverse("group:settings")).content.decode()


# --- the sweep ----------------------------------------------------------------------------


def test_a_reminder_lost_with_the_broker_is_queued_again_by_the_sweep(
    webhook: Webhook, due_meeting, eager_tasks, django_capture_on_commit_callbacks, monkeypatch
):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    with monkeypatch.context() as patch:
        patch.setattr(tasks.send_reminder, "delay", broker_down)
        [queued] = run_beat(django_capture_on_commit_callbacks)  # no exception reaches beat
    assert Reminder.objects.get(pk=queued).status == "pending"

    assert run_beat(django_capture_on_commit_callbacks) == []  # too early to call it lost
    later = timezone.now() + reminders.PENDING_LATE_AFTER + dt.timedelta(seconds=1)
    assert run_beat(django_capture_on_commit_callbacks, now=later) == [queued]

    assert len(webhook.texts) == 1
    assert Reminder.objects.get(pk=queued).status == "sent"


def test_a_send_interrupted_midway_is_marked_uncertain_not_repeated(
    webhook: Webhook, due_meeting, django_capture_on_commit_callbacks
):
    [queued] = run_beat(django_capture_on_commit_callbacks)
    Reminder.objects.filter(pk=queued).update(status="sending")  # the worker died here

    later = timezone.now() + reminders.SENDING_STUCK_AFTER + dt.timedelta(seconds=1)
    run_beat(django_capture_on_commit_callbacks, now=later)

    reminder = Reminder.objects.get(pk=queued)
    assert reminder.status == "uncertain"
    assert "届いているかSlackで確認し" in reminder.error
    assert webhook.texts == []


# --- the agenda ---------------------------------------------------------------------------


def test_locking_the_agenda_posts_it_in_order_once(
    webhook: Webhook, group, eager_tasks, django_capture_on_commit_callbacks
):
    meeting = factories.meeting(date=group.today() + dt.timedelta(days=2))
    hanako = factories.MemberFactory(display_name="Hanako <Yamada>")
    taro = factories.MemberFactory(display_name="Taro & Co")
    factories.topic(
        meeting=meeting, presenter=taro, kind=Topic.Kind.PAPER, title="Attention Is All You Need"
    )
    factories.topic(
        meeting=meeting,
        presenter=hanako,
        kind=Topic.Kind.BLOG,
        title="<script>alert(1)</script> & more",
    )
    optional = factories.topic(meeting=meeting, presenter=taro, kind=Topic.Kind.OSS, title="vLLM")
    Topic.objects.filter(pk=optional.pk).update(if_time_allows=True, minutes=3)
    gone = factories.topic(meeting=meeting, presenter=hanako, title="消したトピック")
    Topic.objects.filter(pk=gone.pk).update(deleted_at=timezone.now())
    factories.deep_dive(meeting=meeting, presenter=hanako, title="Reflective Memory Management")

    with django_capture_on_commit_callbacks(execute=True):
        meeting_set_status(meeting=meeting, status="locked")
    with django_capture_on_commit_callbacks(execute=True):
        meeting_set_status(meeting=meeting, status="open")
        meeting_set_status(meeting=meeting, status="locked")  # locked again after a fix

    [text] = webhook.texts
    assert "アジェンダが確定しました" in text
    lines = text.splitlines()
    assert lines[1] == "1. *Taro &amp; Co*"
    assert lines[2] == "    • [論文] Attention Is All You Need（10分）"
    assert lines[3] == "    • [oss] vLLM（3分・時間あれば）"
    assert lines[4] == "2. *Hanako &lt;Yamada&gt;*"
    assert lines[5] == "    • [blog] &lt;script&gt;alert(1)&lt;/script&gt; &amp; more（5分）"
    assert "消したトピック" not in text
    assert "メインTOPIC: *Hanako &lt;Yamada&gt;* — Reflective Memory Management（30分）" in text
    assert text.endswith(
        f"<https://board.example.jp/meetings/{meeting.date.isoformat()}/|ボードを開く>"
    )
    assert Reminder.objects.get(kind="agenda").status == "sent"


def test_locking_through_the_meeting_edit_form_posts_the_agenda_too(
    webhook: Webhook, group, eager_tasks, django_capture_on_commit_callbacks, organizer_client
):
    meeting = factories.meeting(date=group.today() + dt.timedelta(days=2))
    factories.topic(meeting=meeting, kind=Topic.Kind.PAPER, title="Attention Is All You Need")
    edit = reverse("meetings:edit", kwargs={"date": meeting.date})
    form = {"date": meeting.date.isoformat(), "title": meeting.title, "guidance": "案内"}

    with django_capture_on_commit_callbacks(execute=True):
        organizer_client.post(edit, {**form, "status": "locked"})
    with django_capture_on_commit_callbacks(execute=True):
        organizer_client.post(edit, {**form, "title": "特別回", "status": "locked"})  # no move

    [text] = webhook.texts
    assert "アジェンダが確定しました" in text
    assert "Attention Is All You Need" in text
    assert Reminder.objects.get(kind="agenda").status == "sent"


def test_queue_agenda_reminder_does_nothing_without_reason(
    group, webhook: Webhook, django_capture_on_commit_callbacks
):
    meeting = factories.meeting(date=group.today() + dt.timedelta(days=2))

    assert queue_agenda_reminder(meeting.pk) is None  # not locked
    assert queue_agenda_reminder(10**9) is None  # no such meeting
    Meeting.objects.filter(pk=meeting.pk).update(status="locked")
    GroupSettings.objects.update(remind_agenda=False)
    assert queue_agenda_reminder(meeting.pk) is None
    GroupSettings.objects.update(remind_agenda=True, slack_webhook_url="")
    assert queue_agenda_reminder(meeting.pk) is None
    assert not Reminder.objects.exists()


def test_a_long_agenda_fits_in_one_message(
    webhook: Webhook, group, eager_tasks, django_capture_on_commit_callbacks
):
    meeting = factories.meeting(date=group.today() + dt.timedelta(days=2))
    for n in range(60):
        factories.topic(meeting=meeting, title=f"とても長いタイトルのトピック {n} " + "あ" * 60)

    with django_capture_on_commit_callbacks(execute=True):
        meeting_set_status(meeting=meeting, status="locked")

    [text] = webhook.texts
    assert len(text) <= reminders.MAX_MESSAGE_CHARS
    assert "はボードで確認してください" in text
    assert text.endswith("|ボードを開く>")


def test_slack_escaping_covers_exactly_the_three_control_characters():
    assert (
        slack_escape("a & b <!channel> > c * _ ~ `") == "a &amp; b &lt;!channel&gt; &gt; c * _ ~ `"
    )
