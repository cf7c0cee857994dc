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
