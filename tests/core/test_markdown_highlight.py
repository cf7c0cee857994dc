"""Fenced code is highlighted at save time with CSS classes only, within caps."""

from __future__ import annotations

from apps.core.markdown import render_markdown
from apps.core.markdown.highlight import BLOCK_MAX_CHARS


def test_a_python_block_gets_token_classes_and_no_style():
    html = render_markdown('```python\ndef f(x):\n    return "<b>"\n```').html
    assert '<pre class="highlight"><code class="language-python">' in html
    assert '<span class="tok-k">def</span>' in html
    assert "&lt;b&gt;" in html
    assert "<b>" not in html
    assert "style=" not in html


def test_an_unknown_language_and_a_huge_block_stay_plain():
    assert "tok-" not in render_markdown("```nosuchlang\nx = 1\n```").html
    huge = "x = 1\n" * (BLOCK_MAX_CHARS // 6 + 10)
    assert "tok-" not in render_markdown(f"```python\n{huge}```").html


def test_code_written_as_html_in_a_note_is_not_highlighted_into_markup():
    html = render_markdown('<pre><code class="language-python">def f(): pass</code></pre>').html
    assert "<script" not in html
