from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from apps.accounts.models import User
from apps.links.models import Link
from apps.meetings.models import Meeting
from apps.topics.models import Topic

pytestmark = pytest.mark.django_db


def test_demo_data_on_an_empty_board_and_never_twice():
    out = StringIO()

    call_command("seed_demo", "--if-empty", stdout=out)
    call_command("seed_demo", "--if-empty", stdout=out)

    assert User.objects.filter(is_organizer=True).count() == 1
    assert Meeting.objects.filter(status="held").count() == 3
    assert Meeting.objects.filter(status="open").count() == 1
    assert Link.objects.exclude(status="ok").count() == 0  # cards show without internet
    assert "password for all: benkyokai" in out.getvalue()


def test_demo_has_an_imported_paper_for_organizers_to_confirm(client):
    call_command("seed_demo", "--if-empty", stdout=StringIO())
    client.force_login(User.objects.get(handle="sato"))

    html = client.get("/notes/papers/").content.decode()

    assert "Reflective Memory Management for Long-term Dialogue Agents" in html
    assert "In Prospect and Retrospect" in html  # the first suggestion


def test_demo_shows_the_reading_queue_a_claim_a_carry_over_and_an_absence(client):
    call_command("seed_demo", "--if-empty", stdout=StringIO())
    sato = User.objects.get(handle="sato")
    client.force_login(sato)

    queue_page = client.get("/queue/").content.decode()
    assert "誰かRLHFの最近の流れを" in queue_page
    assert "DeepSeek-R1" in queue_page
    claimed = queue_page.split("発表が決まったもの", 1)[1]
    assert "Scaling Laws for Reward Model" in claimed
    assert "@yui" in claimed

    upcoming = Meeting.objects.get(status="open")
    board = client.get(upcoming.get_absolute_url()).content.decode()
    assert 'class="vote"' in board
    agenda = client.get(f"/meetings/{upcoming.date:%Y-%m-%d}/agenda/").content.decode()
    assert "聞きたい順に並べる" in agenda
    assert "次のメインTOPICの候補" in agenda

    last_week = Meeting.objects.filter(status="held").order_by("-date").first()
    offered = [
        t.block.presenter
        for t in Topic.objects.filter(block__meeting=last_week)
        if t.presented_at is None or t.if_time_allows
    ]
    assert offered, "last week's board offers topics it did not reach"
    client.force_login(offered[0])
    assert "発表しきれなかったトピック" in client.get("/accounts/me/").content.decode()
