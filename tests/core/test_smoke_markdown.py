from __future__ import annotations

from apps.core.markdown import render_markdown


def test_bullets_become_a_list():
    assert "<li>" in render_markdown("- a\n- b").html
