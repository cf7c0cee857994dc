"""関連する論文: computed in the worker from the group's own notes, read by the paper page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.papers import tasks
from apps.papers.importer import import_library
from apps.papers.models import Paper

pytestmark = pytest.mark.django_db

NOTES = """#RLHF
#RewardModel
Issue Date: 2025-03-25
[Paper Note] Scaling Laws for Reward Model Overoptimization, Leo Gao+, arXiv'22
Summary報酬モデルを最適化しすぎると真の報酬が下がる。報酬モデルの過最適化を測った。
Comment報酬ハッキングの古典。
#RLHF
#RewardModel
Issue Date: 2025-03-26
[Paper Note] Reward Hacking in Reinforcement Learning from Human Feedback, Ada L+, arXiv'24
Summary報酬モデルの弱点を突く報酬ハッキングを分類し、過最適化を抑える方法を比べた。
Comment報酬モデルの話の続き。
#Diffusion
Issue Date: 2025-03-27
[Paper Note] Denoising Diffusion Probabilistic Models, Jonathan Ho+, arXiv'20
Summary拡散モデルでノイズを少しずつ取り除いて画像を生成する。
Comment画像生成の基本。
"""


def test_the_refresh_stores_each_papers_neighbours_and_the_page_shows_them(member_client, member):
    import_library(NOTES.encode(), name="notes.txt", author=member)
    assert tasks.refresh_related_papers.apply().result == 3
    gao = Paper.objects.get(title__startswith="Scaling Laws")
    hacking = Paper.objects.get(title__startswith="Reward Hacking")
    assert gao.related[0]["id"] == hacking.pk
    assert "#RLHF" in gao.related[0]["reasons"] or "#rlhf" in gao.related[0]["reasons"]
    html = member_client.get(reverse("papers:detail", args=[gao.pk])).content.decode()
    related = html.split('id="related-heading"', 1)[1]
    first = related.index("Reward Hacking in Reinforcement Learning")
    assert "Denoising Diffusion" not in related[:first]  # the closest comes first


def test_a_library_change_queues_one_refresh(
    member, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(tasks.refresh_related_papers, "apply_async", lambda **kw: sent.append(kw))
    with django_capture_on_commit_callbacks(execute=True):
        import_library(NOTES.encode(), name="notes.txt", author=member)
    assert len(sent) == 1


def test_the_topic_editor_shows_related_past_topics(client, member):
    import datetime as dt

    from tests import factories

    import_library(NOTES.encode(), name="notes.txt", author=member)
    past = factories.meeting(date=dt.date(2025, 1, 10))
    factories.topic(
        meeting=past,
        presenter=member,
        kind="paper",
        title="報酬ハッキングの整理",
        url="https://arxiv.org/abs/2409.00001",
    )
    hacking = Paper.objects.get(title__startswith="Reward Hacking")
    from apps.papers.services import paper_merge

    paper_merge(source=hacking, into=Paper.objects.get(key="arxiv:2409.00001"))
    tasks.refresh_related_papers.apply()
    mine = factories.topic(
        presenter=member, kind="paper", title="過最適化", url="https://arxiv.org/abs/2210.10760"
    )
    gao = Paper.objects.get(title__startswith="Scaling Laws")
    paper_merge(source=gao, into=Paper.objects.get(key="arxiv:2210.10760"))
    tasks.refresh_related_papers.apply()
    client.force_login(member)
    html = client.get(
        reverse("topics:edit", args=[mine.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    aside = html.split("関連する過去のトピック", 1)[1]
    assert "Reward Hacking in Reinforcement Learning" in aside
    assert "2025-01-10" in aside  # the meeting where it was presented, linked
