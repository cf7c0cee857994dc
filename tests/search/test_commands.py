from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_search_command_prints_hits_for_people(capsys, corpus):
    call_command("search", "推薦")
    out = capsys.readouterr().out
    t2 = corpus.objects["T2"]
    assert out.splitlines()[0] == "2件"
    assert (
        "2025-03-28  @Ryosuke Fukazawa (qluto)  [blog] topic  "
        "Foundation Model for Personalized Recommendation" in out
    )
    assert "Netflixの【推薦】の最近。" in out
    assert f"/meetings/2025-03-28/#topic-{t2.pk}" in out


def test_search_command_json_for_scripts(capsys, corpus):
    call_command(
        "search", "memray", "--json", "--limit", "2", "--base-url", "https://board.example.com/"
    )
    data = json.loads(capsys.readouterr().out)
    assert data["total"] == 4
    assert len(data["hits"]) == 2
    first = data["hits"][0]
    assert first["title"] == "Memray"
    assert first["kind"] == "oss"
    assert first["in"] == "topic"
    assert first["presenter"] == {"handle": "fr", "name": "Takumi Iida"}
    assert first["meeting_date"] == "2024-06-07"
    assert first["url"].startswith("https://board.example.com/meetings/2024-06-07/#topic-")


def test_search_command_snippet_is_plain_text(capsys, corpus):
    call_command("search", "実行", "--json")
    hit = json.loads(capsys.readouterr().out)["hits"][0]
    assert "<script>alert('x')</script> は【実行】されない" in hit["snippet"]
    assert "&lt;script&gt;" in hit["snippet_html"]
    assert "<mark>実行</mark>" in hit["snippet_html"]


@pytest.mark.parametrize("q", ["", "!!!", "' OR 1=1 --", "foo:bar"])
def test_search_command_with_bad_input(capsys, corpus, q):
    call_command("search", q, "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["total"] == 0 or data["hits"]


def test_search_command_limit_is_checked(corpus):
    with pytest.raises(CommandError):
        call_command("search", "推薦", "--limit", "0")
