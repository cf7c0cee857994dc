"""The conflict panel's word diff."""

from __future__ import annotations

import time

from apps.core.worddiff import word_diff


def test_changed_words_are_marked_and_html_is_escaped():
    html = word_diff("a <b> is slow", "a <b> is very fast")
    assert html == "<span>a &lt;b&gt; is </span><del>slow</del><ins>very fast</ins>"


def test_japanese_is_compared_by_character():
    assert "<del>遅</del><ins>速</ins>" in word_diff("とても遅い", "とても速い")


def test_a_long_main_topic_diffs_quickly_by_lines():
    theirs = "\n".join(f"行 {n} の本文" for n in range(20_000))
    yours = theirs.replace("行 10000 の本文", "行 10000 を直した")
    start = time.perf_counter()
    html = word_diff(theirs, yours)
    assert time.perf_counter() - start < 5
    assert "<ins>行 10000 を直した\n</ins>" in html
