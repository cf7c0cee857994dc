from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from apps.accounts.models import User
from apps.links.models import Link
from apps.meetings.models import Meeting

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
