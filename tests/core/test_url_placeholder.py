"""The stand-in for a missing title: host and a short path, never the query or the scheme."""

from __future__ import annotations

import pytest

from apps.core.weburls import PLACEHOLDER_MAX, url_placeholder


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.example.com/", "example.com"),
        ("https://zenn.dev/user/articles/abc123", "zenn.dev/user/articles/abc123"),
        ("https://qiita.com/a?utm_source=x#top", "qiita.com/a"),
    ],
)
def test_short_urls_keep_host_and_path(url, expected):
    assert url_placeholder(url) == expected


def test_long_paths_keep_the_host_and_the_last_segment():
    url = (
        "https://example.com/a/first-long-directory/second-long-directory/graph-rag-survey?x="
        + "1" * 300
    )
    text = url_placeholder(url)
    assert text.startswith("example.com/a/…/")
    assert text.endswith("graph-rag-survey")
    assert len(text) <= PLACEHOLDER_MAX + 1


def test_a_very_long_host_is_still_bounded():
    text = url_placeholder("https://" + "a" * 200 + ".example/" + "b" * 200)
    assert len(text) <= PLACEHOLDER_MAX + 1
