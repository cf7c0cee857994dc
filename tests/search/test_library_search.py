"""Library notes are searched like the rest of the archive: Japanese substrings, tags, in:."""

from __future__ import annotations

import pytest

from apps.papers.importer import import_library
from apps.papers.services import paper_add_tags
from apps.papers.tags import normalize_tag
from apps.search import rebuild
from apps.search.models import SearchEntry
from apps.search.query import parse_query
from apps.search.selectors import search
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

NOTES = """#NLP
#RLVR
Issue Date: 2025-03-25
[Paper Note] Scaling Laws for Reward Model Overoptimization, Leo Gao+, arXiv'22
Summary報酬モデルを最適化しすぎると真の報酬が下がる現象を測った。
Comment次回の候補。
#Diffusion
Issue Date: 2025-03-26
[Paper Note] Denoising Diffusion Probabilistic Models, Jonathan Ho+, arXiv'20
Summary拡散モデルの基本。ノイズを少しずつ取り除いて画像を生成する。
Comment古典。
"""


def _titles(q: str) -> list[str]:
    return [hit.entry.title for hit in search(parse_query(q)).hits]


def _import(member):
    report = import_library(NOTES.encode(), name="notes.txt", author=member)
    assert report.notes_created == 2


def test_a_library_note_is_found_by_a_japanese_substring_and_links_to_its_paper(member):
    _import(member)
    hits = search(parse_query("最適化しすぎる")).hits
    assert [h.entry.title for h in hits] == ["Scaling Laws for Reward Model Overoptimization"]
    entry = hits[0].entry
    assert entry.source == SearchEntry.Source.LIBRARY
    assert entry.hit_url.startswith(f"/papers/{entry.paper_id}/#note-")
    assert _titles("報") == ["Scaling Laws for Reward Model Overoptimization"]  # one character


def test_tag_and_in_filters(member):
    _import(member)
    factories.topic(title="最適化の話", notes="報酬を最適化するブログ")
    assert _titles("tag:RLVR") == ["Scaling Laws for Reward Model Overoptimization"]
    assert _titles("tag:＃ｒｌｖｒ") == ["Scaling Laws for Reward Model Overoptimization"]
    assert _titles("最適化 in:library") == ["Scaling Laws for Reward Model Overoptimization"]
    assert "最適化の話" in _titles("最適化 -in:library")
    assert _titles("-tag:rlvr in:library") == ["Denoising Diffusion Probabilistic Models"]


def test_a_tag_added_later_is_searchable_and_the_rebuild_keeps_notes(member):
    _import(member)
    from apps.papers.models import Paper

    paper = Paper.objects.get(title__startswith="Denoising")
    paper_add_tags(paper=paper, names=[normalize_tag("画像生成")])
    assert _titles("tag:画像生成") == ["Denoising Diffusion Probabilistic Models"]
    rebuild.rebuild_index()
    assert _titles("ノイズ") == ["Denoising Diffusion Probabilistic Models"]
    assert _titles("tag:画像生成") == ["Denoising Diffusion Probabilistic Models"]
