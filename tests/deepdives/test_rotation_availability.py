"""Main-topic rotation with availability: away members are skipped, turns spread evenly."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.deepdives.selectors import suggested_presenters
from apps.meetings.models import Absence
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 4)
DATES = [TODAY + dt.timedelta(weeks=n) for n in range(1, 4)]


def _only(*members):
    User.objects.exclude(pk__in=[m.pk for m in members]).update(is_active=False)


def test_turns_go_to_the_fewest_turns_first_and_even_out():
    veteran, newer, newest = (factories.MemberFactory(display_name=n) for n in "ABC")
    _only(veteran, newer, newest)
    for weeks, who in ((10, veteran), (8, veteran), (6, newer)):
        factories.deep_dive(
            meeting=factories.meeting(date=TODAY - dt.timedelta(weeks=weeks)), presenter=who
        )
    picks = [s.member for s in suggested_presenters(dates=DATES, today=TODAY)]
    # 0/1/2 turns so far: after these three dates everyone has two.
    assert picks == [newest, newer, newest]


def test_a_member_away_on_a_date_is_not_suggested_for_it():
    first, second = (
        factories.MemberFactory(display_name="A"),
        factories.MemberFactory(display_name="B"),
    )
    _only(first, second)
    Absence.objects.create(member=first, date=DATES[0])
    picks = [s.member for s in suggested_presenters(dates=DATES[:2], today=TODAY)]
    assert picks == [second, first]


def test_when_everyone_is_away_the_date_says_so():
    only = factories.MemberFactory()
    _only(only)
    Absence.objects.create(member=only, date=DATES[0])
    suggestion = suggested_presenters(dates=DATES[:1], today=TODAY)[0]
    assert suggestion.member is None


def test_a_member_marks_dates_on_my_page_and_can_take_them_back(member_client, member):
    page = member_client.get(reverse("me")).content.decode()
    assert "出欠の予定" in page
    today = timezone.localdate()
    offered = [
        line.split('value="', 1)[1][:10] for line in page.split("\n") if 'name="away"' in line
    ]
    assert len(offered) == 8
    assert all(dt.date.fromisoformat(value) >= today for value in offered)
    member_client.post(reverse("absences"), {"away": [offered[1], "1999-01-01"]})
    assert list(member.absences.values_list("date", flat=True)) == [
        dt.date.fromisoformat(offered[1])
    ]
    member_client.post(reverse("absences"), {})
    assert not member.absences.exists()


def test_the_agenda_shows_the_next_three_suggested_presenters(organizer_client, organizer):
    meeting = factories.meeting(date=timezone.localdate() + dt.timedelta(days=3))
    away = factories.MemberFactory(display_name="留守の人")
    Absence.objects.create(member=away, date=meeting.date)
    page = organizer_client.get(reverse("meetings:agenda", args=[meeting.date])).content.decode()
    assert "次のメインTOPICの候補" in page
    suggestions = page.split("次のメインTOPICの候補", 1)[1].split("</ol>", 1)[0]
    assert suggestions.count("<li>") == 3
    first = suggestions.split("<li>", 2)[1]
    assert meeting.date.isoformat() in first
    assert "留守の人" not in first
    assert "この日は欠席予定" in page
