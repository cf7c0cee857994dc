from __future__ import annotations

import pytest

from apps.papers.identity import (
    PaperKey,
    normalize_acl_id,
    normalize_doi,
    paper_key_from_text,
    paper_key_from_title,
    paper_key_from_url,
    title_key,
)

ARXIV = PaperKey("arxiv", "2503.08026")


@pytest.mark.parametrize(
    "url",
    [
        "https://arxiv.org/abs/2503.08026",
        "http://arxiv.org/abs/2503.08026v1",
        "https://arxiv.org/abs/2503.08026v12",
        "https://arxiv.org/pdf/2503.08026",
        "https://arxiv.org/pdf/2503.08026v2.pdf",
        "https://arxiv.org/pdf/2503.08026.pdf",
        "https://arxiv.org/html/2503.08026v1",
        "https://arxiv.org/html/2503.08026v1/#S3",
        "https://arxiv.org/abs/2503.08026?context=cs.LG",
        "https://www.arxiv.org/abs/2503.08026",
        "https://export.arxiv.org/abs/2503.08026",
        "https://alphaxiv.org/abs/2503.08026",
        "https://www.alphaxiv.org/overview/2503.08026v1",
        "https://huggingface.co/papers/2503.08026",
        "  https://arxiv.org/abs/2503.08026  ",
        "HTTPS://ARXIV.ORG/abs/2503.08026",
        "doi:10.48550/arXiv.2503.08026",
        "https://doi.org/10.48550/arXiv.2503.08026",
        "https://doi.org/10.48550/ARXIV.2503.08026",
        "arXiv:2503.08026v3",
    ],
)
def test_every_form_of_an_arxiv_url_is_the_one_paper(url):
    assert paper_key_from_url(url) == ARXIV


@pytest.mark.parametrize(
    ("url", "value"),
    [
        ("https://arxiv.org/abs/hep-th/9901001", "hep-th/9901001"),
        ("https://arxiv.org/abs/hep-th/9901001v2", "hep-th/9901001"),
        ("https://arxiv.org/pdf/cs/0112017v1.pdf", "cs/0112017"),
        ("https://arxiv.org/abs/math.GT/0309136", "math/0309136"),
        ("http://arxiv.org/pdf/2401.02415.pdf", "2401.02415"),  # from the weekly digest
        ("http://arxiv.org/abs/2502.19577v1", "2502.19577"),
        ("https://arxiv.org/abs/0704.0001", "0704.0001"),
    ],
)
def test_old_style_and_four_digit_arxiv_ids(url, value):
    assert paper_key_from_url(url) == PaperKey("arxiv", value)


@pytest.mark.parametrize(
    ("url", "doi"),
    [
        ("https://doi.org/10.1145/3292500.3330701", "10.1145/3292500.3330701"),
        ("https://dx.doi.org/10.1145/3292500.3330701", "10.1145/3292500.3330701"),
        ("http://dx.doi.org/10.1038/nature14539", "10.1038/nature14539"),
        ("https://doi.org/10.1109/CVPR.2016.90", "10.1109/cvpr.2016.90"),
        ("doi:10.1109/CVPR.2016.90", "10.1109/cvpr.2016.90"),
        ("DOI: 10.1109/CVPR.2016.90", "10.1109/cvpr.2016.90"),
        (
            "https://doi.org/10.1002/(SICI)1097-4571(199806)49:8%3C693::AID-ASI4%3E3.0.CO;2-0",
            "10.1002/(sici)1097-4571(199806)49:8<693::aid-asi4>3.0.co;2-0",
        ),
        ("https://dl.acm.org/doi/10.1145/3292500.3330701", "10.1145/3292500.3330701"),
        ("https://dl.acm.org/doi/abs/10.1145/3292500.3330701", "10.1145/3292500.3330701"),
        ("https://dl.acm.org/doi/pdf/10.1145/3292500.3330701", "10.1145/3292500.3330701"),
        (
            "https://dl.acm.org/doi/10.1145/3292500.3330701?casa_token=AbC&utm_source=x",
            "10.1145/3292500.3330701",
        ),
        ("https://dl.acm.org/doi/10.5555/3495724.3496298", "10.5555/3495724.3496298"),
        (
            "https://link.springer.com/article/10.1007/s10994-021-05946-3",
            "10.1007/s10994-021-05946-3",
        ),
        (
            "https://link.springer.com/content/pdf/10.1007/s10994-021-05946-3.pdf",
            "10.1007/s10994-021-05946-3",
        ),
        (
            "https://link.springer.com/chapter/10.1007/978-3-030-58452-8_13#citeas",
            "10.1007/978-3-030-58452-8_13",
        ),
        ("https://onlinelibrary.wiley.com/doi/10.1111/cogs.12244", "10.1111/cogs.12244"),
        (
            "https://onlinelibrary.wiley.com/doi/abs/10.1002/andp.19053220607",
            "10.1002/andp.19053220607",
        ),
        ("https://onlinelibrary.wiley.com/doi/epdf/10.1111/cogs.12244", "10.1111/cogs.12244"),
        (
            "https://www.tandfonline.com/doi/full/10.1080/01621459.2017.1285773",
            "10.1080/01621459.2017.1285773",
        ),
        ("https://www.science.org/doi/10.1126/science.aar6404", "10.1126/science.aar6404"),
        ("https://www.nature.com/articles/s41586-021-03819-2", "10.1038/s41586-021-03819-2"),
        ("https://www.nature.com/articles/nature14539.pdf", "10.1038/nature14539"),
        (
            "https://www.frontiersin.org/articles/10.3389/fnins.2020.00001/full",
            "10.3389/fnins.2020.00001",
        ),
        (
            "https://frontiersin.org/journals/neuroscience/articles/10.3389/fnins.2020.00001/full",
            "10.3389/fnins.2020.00001",
        ),
        (
            "https://journals.aps.org/prl/abstract/10.1103/PhysRevLett.116.061102",
            "10.1103/physrevlett.116.061102",
        ),
    ],
)
def test_dois_in_resolver_and_publisher_urls(url, doi):
    assert paper_key_from_url(url) == PaperKey("doi", doi)


def test_dois_differing_only_in_case_are_one_paper():
    assert paper_key_from_url("https://doi.org/10.1109/CVPR.2016.90") == paper_key_from_text(
        "10.1109/cvpr.2016.90"
    )


@pytest.mark.parametrize(
    ("url", "value"),
    [
        ("https://openreview.net/forum?id=rJl-b3RcF7", "rJl-b3RcF7"),
        ("https://openreview.net/pdf?id=rJl-b3RcF7", "rJl-b3RcF7"),
        ("https://openreview.net/forum?id=YicbFdNTTy&noteId=abcDEF123", "YicbFdNTTy"),
        ("https://www.openreview.net/forum/?id=YicbFdNTTy", "YicbFdNTTy"),
        ("http://openreview.net/attachment?id=B1ckMDqlg&name=pdf", "B1ckMDqlg"),
        ("https://openreview.net/forum?id=H1_ab-CD9x&utm_source=x", "H1_ab-CD9x"),
    ],
)
def test_openreview_forum_and_pdf_urls_keep_the_case_of_the_id(url, value):
    assert paper_key_from_url(url) == PaperKey("openreview", value)


def test_openreview_ids_differing_in_case_are_different_papers():
    lower = paper_key_from_url("https://openreview.net/forum?id=yicbfdntty")
    assert lower is not None
    assert lower != paper_key_from_url("https://openreview.net/forum?id=YicbFdNTTy")


@pytest.mark.parametrize(
    ("url", "value"),
    [
        ("https://aclanthology.org/2023.acl-long.1/", "2023.acl-long.1"),
        ("https://aclanthology.org/2023.acl-long.1", "2023.acl-long.1"),
        ("https://aclanthology.org/2023.acl-long.1.pdf", "2023.acl-long.1"),
        ("https://aclanthology.org/2023.acl-long.1v2.pdf", "2023.acl-long.1"),
        ("https://aclanthology.org/2023.acl-long.1.bib", "2023.acl-long.1"),
        ("https://aclanthology.org/2020.emnlp-main.550/", "2020.emnlp-main.550"),
        ("https://aclanthology.org/2023.findings-emnlp.123.pdf", "2023.findings-emnlp.123"),
        ("https://aclanthology.org/P19-1001/", "P19-1001"),
        ("https://aclanthology.org/P19-1001.pdf", "P19-1001"),
        ("https://aclanthology.org/N19-1423/", "N19-1423"),
        ("https://www.aclweb.org/anthology/P19-1001", "P19-1001"),
        ("https://aclweb.org/anthology/P19-1001.pdf", "P19-1001"),
        ("https://www.aclweb.org/anthology/2020.acl-main.1/", "2020.acl-main.1"),
        ("https://www.aclweb.org/anthology/papers/P/P19/P19-1001/", "P19-1001"),
        ("https://doi.org/10.18653/v1/2023.acl-long.1", "2023.acl-long.1"),
        ("https://doi.org/10.18653/v1/P19-1001", "P19-1001"),
    ],
)
def test_acl_anthology_pages_files_and_dois(url, value):
    assert paper_key_from_url(url) == PaperKey("acl", value)


@pytest.mark.parametrize(
    "url",
    [
        "https://arxiv.org/list/cs.CL/recent",
        "https://arxiv.org/a/peng_h_1",
        "https://arxiv.org/abs/2513.08026",  # no 13th month
        "https://arxiv.org/abs/",
        "https://arxiv.org/html/2503.08026v1/x1.png",
        "https://huggingface.co/datasets/openai/gsm8k",
        "https://huggingface.co/papers",
        "https://openreview.net/group?id=ICLR.cc/2025/Conference",
        "https://openreview.net/profile?id=~Hao_Peng1",
        "https://openreview.net/forum",
        "https://openreview.net/forum?id=",
        "https://openreview.net/forum?id=rJl-b3RcF7&id=YicbFdNTTy",  # which one?
        "https://openreview.net/pdf/4f1a9c0d3b2e.pdf",
        "https://aclanthology.org/volumes/2023.acl-long/",
        "https://aclanthology.org/2023.acl-long/",
        "https://aclanthology.org/events/acl-2023/",
        "https://aclanthology.org/people/h/hao-peng/",
        "https://www.aclweb.org/portal/content/acl-2019",
        "https://doi.org/",
        "https://doi.org/not-a-doi",
        "https://dl.acm.org/doi/proceedings/10.1145/3292500",
        "https://dl.acm.org/conference/kdd",
        "https://link.springer.com/journal/10994",
        "https://www.nature.com/nature",
        "https://github.com/huggingface/transformers",
        "https://github.com/someone/doi/10.1145/3292500.3330701",
        "https://x.com/gm8xx8/status/1960875391083577580?s=46&t=Y6UuIHB0Lv0IpmFAjlc2-Q",
        "https://example.com/paper.pdf",
        "https://mobile-aloha.github.io",
        "ftp://arxiv.org/abs/2503.08026",
        "javascript:alert(1)",
        "https://user:pw@arxiv.org/abs/2503.08026",
        "",
        "   ",
        "not a url",
        "https://arxiv.org/abs/2503.08026\x00",
        "https://doi.org/10.1145/" + "a" * 400,
    ],
)
def test_pages_that_are_not_one_paper_have_no_key(url):
    assert paper_key_from_url(url) is None


def test_non_string_input_has_no_key():
    assert paper_key_from_url(None) is None  # type: ignore[arg-type]
    assert paper_key_from_text(2503.08026) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("2503.08026v2", ARXIV),
        ("2503.08026", ARXIV),
        ("arXiv:2503.08026", ARXIV),
        ("arxiv: 2503.08026v1", ARXIV),
        (" ARXIV:2503.08026 ", ARXIV),
        ("hep-th/9901001", PaperKey("arxiv", "hep-th/9901001")),
        ("arXiv:cs/0112017v1", PaperKey("arxiv", "cs/0112017")),
        ("1001.1234", PaperKey("arxiv", "1001.1234")),  # January 2010, not a DOI
        ("doi:10.1145/3292500.3330701", PaperKey("doi", "10.1145/3292500.3330701")),
        ("10.1145/3292500.3330701", PaperKey("doi", "10.1145/3292500.3330701")),
        ("10.1145/3292500.3330701.", PaperKey("doi", "10.1145/3292500.3330701")),
        ("info:doi/10.1038/nature14539", PaperKey("doi", "10.1038/nature14539")),
        ("10.48550/arXiv.2503.08026", ARXIV),
        ("10.18653/v1/2023.acl-long.1", PaperKey("acl", "2023.acl-long.1")),
        ("https://arxiv.org/abs/2503.08026v2", ARXIV),
    ],
)
def test_ids_typed_bare(text, key):
    assert paper_key_from_text(text) == key


@pytest.mark.parametrize(
    "text",
    ["", "  ", "2503", "2503.080", "arXiv:", "doi:", "10.1145", "10.12/short-registrant", "BERT"],
)
def test_text_that_is_no_id(text):
    assert paper_key_from_text(text) is None


@pytest.mark.parametrize(
    ("key", "url"),
    [
        (ARXIV, "https://arxiv.org/abs/2503.08026"),
        (PaperKey("arxiv", "hep-th/9901001"), "https://arxiv.org/abs/hep-th/9901001"),
        (PaperKey("doi", "10.1145/3292500.3330701"), "https://doi.org/10.1145/3292500.3330701"),
        (
            PaperKey("doi", "10.1002/(sici)1097-4571(199806)49:8<693::aid-asi4>3.0.co;2-0"),
            "https://doi.org/10.1002/(sici)1097-4571(199806)49:8%3C693::aid-asi4%3E3.0.co;2-0",
        ),
        (PaperKey("doi", "10.1000/a#b?c%d"), "https://doi.org/10.1000/a%23b%3Fc%25d"),
        (PaperKey("openreview", "rJl-b3RcF7"), "https://openreview.net/forum?id=rJl-b3RcF7"),
        (PaperKey("acl", "2023.acl-long.1"), "https://aclanthology.org/2023.acl-long.1/"),
        (PaperKey("acl", "P19-1001"), "https://aclanthology.org/P19-1001/"),
    ],
)
def test_canonical_urls_lead_back_to_the_same_key(key, url):
    assert key.url == url
    assert paper_key_from_url(key.url) == key


def test_a_title_key_has_no_url():
    key = paper_key_from_title("Attention Is All You Need")
    assert key is not None
    assert key.url is None


@pytest.mark.parametrize(
    ("key", "text"),
    [
        (ARXIV, "arxiv:2503.08026"),
        (PaperKey("doi", "10.18653/v1/2023.acl-short.1x"), "doi:10.18653/v1/2023.acl-short.1x"),
        (PaperKey("openreview", "rJl-b3RcF7"), "openreview:rJl-b3RcF7"),
        (PaperKey("acl", "2023.acl-long.1"), "acl:2023.acl-long.1"),
        (PaperKey("title", "attentionisallyouneed"), "title:attentionisallyouneed"),
    ],
)
def test_the_string_form_reads_back(key, text):
    assert str(key) == text
    assert PaperKey.parse(text) == key


@pytest.mark.parametrize(
    "text", ["", "arxiv", "isbn:978-3-16-148410-0", "doi:nope", "acl:2023.acl-long", "title:!!"]
)
def test_strings_that_are_no_key(text):
    assert PaperKey.parse(text) is None


def test_a_key_of_an_unknown_scheme_cannot_be_built():
    with pytest.raises(ValueError, match="scheme"):
        PaperKey("isbn", "978-3-16-148410-0")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="value"):
        PaperKey("doi", "")


def test_normalizers():
    assert normalize_doi("DOI:10.1145/ABC") == "10.1145/abc"
    assert normalize_doi("10.1145/a b") == ""
    assert normalize_acl_id("2023.ACL-long.1") == "2023.acl-long.1"
    assert normalize_acl_id("p19-1001") == "P19-1001"
    assert normalize_acl_id("2023.acl-long") == ""


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("Attention Is All You Need", "attentionisallyouneed"),
        ("Ａｔｔｅｎｔｉｏｎ　Ｉｓ　Ａｌｌ　Ｙｏｕ　Ｎｅｅｄ", "attentionisallyouneed"),
        (
            "\\textsc{BERT}: Pre-training of Deep Bidirectional Transformers",
            "bertpretrainingofdeepbidirectionaltransformers",
        ),
        ("$\\alpha$-Fold {Protein} Structure", "foldproteinstructure"),
        ("強化学習による推論能力の向上", "強化学習による推論能力の向上"),
        ("", ""),
    ],
)
def test_title_keys_drop_width_case_markup_and_punctuation(title, key):
    assert title_key(title) == key


def test_titles_differing_in_case_width_and_punctuation_are_one_paper():
    one = paper_key_from_title("BERT: Pre-training of Deep Bidirectional Transformers")
    other = paper_key_from_title("ＢＥＲＴ — pretraining of deep  bidirectional transformers")
    assert one is not None
    assert one == other
    assert one != paper_key_from_title("BERT: Pre-training of Deep Bidirectional Transformer")


def test_japanese_titles_have_a_key_and_punctuation_alone_has_none():
    key = paper_key_from_title("「強化学習」入門")
    assert key == PaperKey("title", "強化学習入門")
    assert paper_key_from_title("?!… ・") is None
