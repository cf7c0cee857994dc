"""Every way members paste the same paper, repository or page ends as one canonical target."""

from __future__ import annotations

import pytest

from apps.links.canonical import LinkTarget, canonicalize, normalize_arxiv_id

ATTENTION = LinkTarget("https://arxiv.org/abs/1706.03762", "arxiv", "1706.03762")
RECENT = LinkTarget("https://arxiv.org/abs/2503.08026", "arxiv", "2503.08026")
EARLY = LinkTarget("https://arxiv.org/abs/0704.0001", "arxiv", "0704.0001")
HEP_TH = LinkTarget("https://arxiv.org/abs/hep-th/9901001", "arxiv", "hep-th/9901001")
MATH_GT = LinkTarget("https://arxiv.org/abs/math/0309136", "arxiv", "math/0309136")
NANOGPT = LinkTarget("https://github.com/karpathy/nanogpt", "github", "karpathy/nanogpt")
SBERT = LinkTarget(
    "https://pypi.org/project/sentence-transformers/", "pypi", "sentence-transformers"
)


def web(url: str) -> LinkTarget:
    return LinkTarget(url, "web", "")


TABLE = [
    # arXiv: abs, pdf, html, versions, mirrors and readers
    ("https://arxiv.org/abs/2503.08026", RECENT),
    ("https://arxiv.org/abs/2503.08026v3", RECENT),
    ("http://arxiv.org/abs/2503.08026v1", RECENT),
    ("https://arxiv.org/pdf/2503.08026", RECENT),
    ("https://arxiv.org/pdf/2503.08026v2.pdf", RECENT),
    ("https://arxiv.org/pdf/2503.08026v2", RECENT),
    ("https://arxiv.org/html/2503.08026v1", RECENT),
    ("https://arxiv.org/html/2503.08026v1/", RECENT),
    ("https://arxiv.org/abs/2503.08026?context=cs.LG", RECENT),
    ("https://arxiv.org/abs/2503.08026#S3", RECENT),
    ("https://export.arxiv.org/abs/2503.08026", RECENT),
    ("https://www.arxiv.org/abs/2503.08026", RECENT),
    ("HTTPS://ARXIV.ORG/abs/2503.08026", RECENT),
    ("https://arxiv.org/abs/arXiv:2503.08026", RECENT),
    ("https://www.alphaxiv.org/abs/2503.08026", RECENT),
    ("https://alphaxiv.org/overview/2503.08026v2", RECENT),
    ("https://huggingface.co/papers/2503.08026", RECENT),
    ("https://ar5iv.labs.arxiv.org/html/1706.03762", ATTENTION),
    ("https://arxiv.org/abs/1706.03762v7", ATTENTION),
    ("https://arxiv.org/abs/0704.0001", EARLY),  # the first new-style id (4 digits)
    ("https://arxiv.org/pdf/0704.0001v2.pdf", EARLY),
    ("https://arxiv.org/abs/hep-th/9901001", HEP_TH),
    ("https://arxiv.org/abs/hep-th/9901001v2", HEP_TH),
    ("http://arxiv.org/pdf/hep-th/9901001v1.pdf", HEP_TH),
    ("https://export.arxiv.org/abs/hep-th/9901001", HEP_TH),
    ("https://arxiv.org/abs/math.GT/0309136", MATH_GT),  # subject class is not identity
    ("https://arxiv.org/abs/math/0309136v1", MATH_GT),
    # arXiv pages that are not one paper stay web pages
    ("https://arxiv.org/list/cs.LG/recent", web("https://arxiv.org/list/cs.LG/recent")),
    ("https://arxiv.org/abs/2503.0802", web("https://arxiv.org/abs/2503.0802")),  # 4 digits in 2025
    ("https://arxiv.org/abs/1413.12345", web("https://arxiv.org/abs/1413.12345")),  # month 13
    ("https://huggingface.co/papers", web("https://huggingface.co/papers")),
    # GitHub: any page inside a repository is the repository
    ("https://github.com/karpathy/nanoGPT", NANOGPT),
    ("https://github.com/karpathy/nanoGPT/", NANOGPT),
    ("https://github.com/karpathy/nanoGPT.git", NANOGPT),
    ("https://www.github.com/Karpathy/NanoGPT", NANOGPT),
    ("https://github.com/karpathy/nanoGPT/tree/master/config", NANOGPT),
    ("https://github.com/karpathy/nanoGPT/blob/master/model.py#L42", NANOGPT),
    (
        "https://github.com/karpathy/nanoGPT/issues/123#issuecomment-1",
        LinkTarget(
            "https://github.com/karpathy/nanogpt/issues/123",
            "github",
            "karpathy/nanogpt/issues/123",
        ),
    ),
    (
        "https://github.com/karpathy/nanoGPT/pull/45/files",
        LinkTarget(
            "https://github.com/karpathy/nanogpt/pull/45", "github", "karpathy/nanogpt/pull/45"
        ),
    ),
    (
        "https://github.com/vllm-project/vllm/releases/tag/v0.6.3",
        LinkTarget(
            "https://github.com/vllm-project/vllm/releases/tag/v0.6.3",
            "github",
            "vllm-project/vllm/releases/tag/v0.6.3",
        ),
    ),
    (
        "https://gist.github.com/karpathy/d4dee566867f8291f086",
        LinkTarget(
            "https://gist.github.com/d4dee566867f8291f086", "github", "gist/d4dee566867f8291f086"
        ),
    ),
    ("https://github.com/karpathy/nanoGPT/issues", NANOGPT),  # the list is the repository's
    ("https://github.com/karpathy/nanoGPT/pulls?q=is%3Aopen", NANOGPT),
    ("https://github.com/karpathy", web("https://github.com/karpathy")),  # a user, not a repo
    ("https://github.com/topics/llm", web("https://github.com/topics/llm")),
    (
        "https://github.com/orgs/huggingface/repositories",
        web("https://github.com/orgs/huggingface/repositories"),
    ),
    ("https://gist.github.com/karpathy/abc123", web("https://gist.github.com/karpathy/abc123")),
    # PyPI
    ("https://pypi.org/project/sentence-transformers/", SBERT),
    ("https://pypi.org/project/sentence-transformers", SBERT),
    ("https://pypi.org/project/Sentence_Transformers/3.4.1/", SBERT),
    ("https://pypi.org/project/sentence.transformers/#history", SBERT),
    ("https://pypi.python.org/pypi/sentence-transformers", SBERT),
    ("https://pypi.org/search/?q=bert", web("https://pypi.org/search/?q=bert")),
    # Any other page: normalised, not rewritten
    ("HTTPS://Example.COM/Path/Page.html", web("https://example.com/Path/Page.html")),
    ("https://example.com", web("https://example.com/")),
    ("https://example.com:443/a", web("https://example.com/a")),
    ("http://example.com:80/a", web("http://example.com/a")),
    ("http://example.com:8080/a", web("http://example.com:8080/a")),
    ("https://example.com/blog/", web("https://example.com/blog/")),  # trailing slash kept
    ("https://example.com/blog", web("https://example.com/blog")),
    ("https://example.com/post#comments", web("https://example.com/post")),
    (
        "https://example.com/post?utm_source=x&id=7&UTM_Medium=y&fbclid=abc&gclid=1",
        web("https://example.com/post?id=7"),
    ),
    ("https://example.com/post?utm_campaign=z", web("https://example.com/post")),
    ("https://example.com/search?q=a+b&page=2", web("https://example.com/search?q=a+b&page=2")),
    ("https://example.com/%e6%a9%9f", web("https://example.com/%E6%A9%9F")),
    (
        "https://ja.wikipedia.org/wiki/機械学習",
        web("https://ja.wikipedia.org/wiki/%E6%A9%9F%E6%A2%B0%E5%AD%A6%E7%BF%92"),
    ),
    ("https://Bücher.example/", web("https://xn--bcher-kva.example/")),
    ("https://example.com./x", web("https://example.com/x")),
    ("  https://example.com/x  ", web("https://example.com/x")),
    ("https://[2001:DB8::1]:8443/x", web("https://[2001:db8::1]:8443/x")),
]


@pytest.mark.parametrize(("url", "expected"), TABLE, ids=[u for u, _ in TABLE])
def test_pasted_urls_map_to_one_canonical_target(url: str, expected: LinkTarget) -> None:
    assert canonicalize(url) == expected


def test_the_table_is_thorough() -> None:
    assert len(TABLE) >= 30
    assert {target.kind for _url, target in TABLE} == {"arxiv", "github", "pypi", "web"}


@pytest.mark.parametrize("target", sorted({t for _u, t in TABLE}, key=lambda t: t.canonical_url))
def test_canonical_urls_are_stable_when_canonicalized_again(target: LinkTarget) -> None:
    assert canonicalize(target.canonical_url) == target


@pytest.mark.parametrize(
    "url",
    [
        "",
        "arxiv.org/abs/2503.08026",  # no scheme
        "2503.08026",
        "ftp://example.com/file",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "mailto:someone@example.com",
        "https://",
        "https:///path-only",
        "https://user:secret@example.com/",
        "https://example.com:99999/",
        "https://example.com:abc/",
        "https://exa mple.com/",
        "https://[::1/",
    ],
)
def test_what_is_not_an_http_url_is_refused_in_japanese(url: str) -> None:
    with pytest.raises(ValueError, match="URL") as excinfo:
        canonicalize(url)
    message = str(excinfo.value)
    assert not message.isascii()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2503.08026", "2503.08026"),
        ("2503.08026v12", "2503.08026"),
        ("arXiv:1706.03762", "1706.03762"),
        ("1412.6980", "1412.6980"),  # Adam: December 2014, still four digits
        ("hep-th/9901001v3", "hep-th/9901001"),
        ("math.GT/0309136", "math/0309136"),
        ("cond-mat.mes-hall/0101001", "cond-mat/0101001"),
        ("1501.0001", ""),  # five digits from 2015 on
        ("0703.0001", ""),  # new-style ids start in April 2007
        ("not-an-id", ""),
        ("", ""),
    ],
)
def test_arxiv_ids_are_normalised_without_version(value: str, expected: str) -> None:
    assert normalize_arxiv_id(value) == expected
