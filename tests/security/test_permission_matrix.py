"""The permission matrix (corpora/permissions.tsv): every write endpoint and organizer page for
an anonymous visitor, the member who posted, another member and an organizer.

A refused request answers 403 (or 404, or the login page) and writes nothing: the whole
database except sessions and login bookkeeping is compared before and after."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.apps import apps
from django.test import Client

from apps.accounts.services import member_create
from apps.group.models import Reminder
from apps.papers.models import Paper, PaperMatch
from apps.topics.services import topic_delete
from tests import factories

pytestmark = pytest.mark.django_db
CORPUS = Path(__file__).parent / "corpora" / "permissions.tsv"
ROLES = ("anonymous", "member", "other", "organizer")
# Rows that change with any request, not with a permission.
_BOOKKEEPING = {"sessions.session", "axes.accesslog", "axes.accessattempt",
                "axes.accessfailurelog", "axes.accessattemptexpiration"}  # fmt: skip


def _rows() -> list[tuple[str, str, frozenset[str]]]:
    rows = []
    for line in CORPUS.read_text(encoding="utf-8").split("\n"):
        if not line or line.startswith("#"):
            continue
        method, path, allowed = [*line.split("\t"), ""][:3]
        rows.append((method, path, frozenset(filter(None, allowed.split(",")))))
    return rows


ROWS = _rows()
CASES = [(method, path, role, role in allowed) for method, path, allowed in ROWS for role in ROLES]


def test_the_matrix_covers_at_least_120_cases():
    assert len(CASES) >= 120


def _world():
    member = factories.MemberFactory(handle="poster")
    other = factories.MemberFactory(handle="other")
    organizer = factories.MemberFactory(handle="boss", is_organizer=True)
    meeting = factories.meeting()
    topic = factories.topic(
        meeting=meeting, presenter=member, url="https://arxiv.org/abs/1706.03762"
    )
    remark = factories.remark(topic=topic, author=member)
    deep_dive = factories.deep_dive(meeting=meeting, presenter=member)
    bare = factories.topic(meeting=meeting, presenter=member, title="URLのない論文", url="")
    match = PaperMatch.objects.create(topic=bare, title="URLのない論文")
    paper = Paper.objects.first() or Paper.objects.create(key="arxiv:1706.03762", title="A")
    reminder = Reminder.objects.create(meeting=meeting, kind="agenda", status="sent")
    imported = member_create(handle="imported", display_name="Imported")
    deleted = factories.topic(meeting=meeting, presenter=member, title="消した話題")
    topic_delete(topic=deleted)
    values = {
        "date": meeting.date.isoformat(),
        "topic": topic.pk,
        "remark": remark.pk,
        "deep_dive": deep_dive.pk,
        "match": match.pk,
        "paper": paper.pk,
        "reminder": reminder.pk,
        "imported": imported.pk,
        "member_id": member.pk,
        "link": topic.link_id,
        "anchor": topic.anchor,
        "deleted": deleted.pk,
    }
    return {"member": member, "other": other, "organizer": organizer}, values


def _snapshot() -> dict[str, list]:
    state = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in _BOOKKEEPING or not model._meta.managed:
            continue
        state[label] = sorted(map(repr, model.objects.values_list()))
    return state


def _refused(response) -> bool:
    if response.status_code in (401, 403, 404, 405):
        return True
    location = response.get("Location", "") if response.status_code in (301, 302) else ""
    return "/login/" in location


@pytest.mark.parametrize(
    ("method", "path", "role", "allowed"),
    CASES,
    ids=[f"{m} {p} {r}" for m, p, r, _a in CASES],
)
def test_the_matrix(method, path, role, allowed):
    people, values = _world()
    client = Client()
    if role != "anonymous":
        client.force_login(people[role])
    url = path.format(**values)
    before = _snapshot()

    response = client.get(url) if method == "GET" else client.post(url, {})

    if allowed:
        assert not _refused(response), (response.status_code, response.get("Location"))
    else:
        assert _refused(response), (response.status_code, response.get("Location"))
        assert _snapshot() == before, "a refused request wrote to the database"
