"""Staff edit the settings in the admin too, through the same service, without the webhook."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.group.models import GroupSettings
from apps.group.selectors import group_settings

pytestmark = pytest.mark.django_db

SECRET_URL = "https://hooks.slack.com/services/T0001/B0002/SECRETabcd1234"


def test_admin_edits_the_settings_but_never_shows_the_webhook(group, admin_client):
    GroupSettings.objects.update(slack_webhook_url=SECRET_URL)
    url = reverse("admin:group_groupsettings_change", args=[group.pk])

    page = admin_client.get(url).content.decode()
    response = admin_client.post(
        url,
        {
            "name": "管理画面で変更",
            "meeting_weekday": "3",
            "start_time": "19:30",
            "length_minutes": "120",
            "time_zone": "Asia/Tokyo",
            "guidance_template": "案内",
            "deadline_days_before": "2",
            "deadline_time": "12:00",
            "minutes_paper": "15",
            "minutes_blog": "5",
            "minutes_oss": "5",
            "minutes_main_topic": "40",
            "remind_call_for_topics": "on",
            "reminder_hours_before_deadline": "24",
        },
    )

    assert "SECRET" not in page
    assert response.status_code == 302
    saved = group_settings()
    assert (saved.name, saved.meeting_weekday, saved.minutes_main_topic) == (
        "管理画面で変更",
        3,
        40,
    )
    assert saved.remind_agenda is False
    assert saved.slack_webhook_url == SECRET_URL


def test_there_is_no_second_row_to_add_and_none_to_delete(group, admin_client):
    assert admin_client.get(reverse("admin:group_groupsettings_add")).status_code == 403
    delete = reverse("admin:group_groupsettings_delete", args=[group.pk])
    assert admin_client.get(delete).status_code == 403
