"""XSS vectors against render_markdown, checked with a real HTML parser.

The rendered HTML is stored and shown with |safe, so every vector's output (and its table of
contents) is parsed with the stdlib html.parser and every start tag and attribute is inspected:
a substring check like `"<script>" not in html` would miss `<ScRiPt>`, `<svg/onload=…>` and
friends, and would also pass if the sanitizer simply returned nothing.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest

from apps.core.markdown import render_markdown

# Elements that can run script, load content or submit/redirect: none may ever be emitted.
FORBIDDEN_ELEMENTS = {
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math",
    "form", "input", "button", "textarea", "select", "meta", "base", "link", "noscript",
    "template", "video", "audio", "source", "marquee", "isindex", "body", "html", "head",
}  # fmt: skip
# The full set the renderer may emit; anything else means the allowlist leaked.
EXPECTED_ELEMENTS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre",
    "code", "kbd", "em", "strong", "del", "sup", "sub", "a", "img", "table", "thead", "tbody",
    "tr", "th", "td", "span", "div", "details", "summary",
}  # fmt: skip
EXPECTED_ATTRIBUTES = {
    "href",
    "title",
    "rel",
    "src",
    "alt",
    "id",
    "align",
    "start",
    "class",
    "open",
}
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "data", "poster", "background",
    "srcset", "cite", "longdesc", "dynsrc", "lowsrc", "ping",
}  # fmt: skip
SAFE_SCHEMES = {"http", "https", "mailto"}

# Browsers drop these anywhere in a URL (tab, newline) or around it (C0 controls, space).
_URL_NOISE = re.compile(r"[\x00-\x20\x7f-\x9f\s]+")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")


@dataclass
class Tag:
    name: str
    attrs: list[tuple[str, str | None]]


@dataclass
class Parsed:
    tags: list[Tag] = field(default_factory=list)
    text: str = ""
    comments: list[str] = field(default_factory=list)
    declarations: list[str] = field(default_factory=list)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.result = Parsed()
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.result.tags.append(Tag(tag, attrs))

    handle_startendtag = handle_starttag

    def handle_data(self, data: str) -> None:
        self._text.append(data)

    def handle_comment(self, data: str) -> None:
        self.result.comments.append(data)

    def handle_decl(self, decl: str) -> None:
        self.result.declarations.append(decl)

    def unknown_decl(self, data: str) -> None:
        self.result.declarations.append(data)

    def handle_pi(self, data: str) -> None:
        self.result.declarations.append(data)

    def close(self) -> None:
        super().close()
        self.result.text = "".join(self._text)


def parse(fragment: str) -> Parsed:
    collector = _Collector()
    collector.feed(fragment)
    collector.close()
    return collector.result


def url_scheme(value: str) -> str | None:
    """The scheme a browser would see, decoding entities again in case one got double-escaped."""
    normalized = _URL_NOISE.sub("", html.unescape(html.unescape(value)))
    match = _SCHEME.match(normalized)
    return match.group(1).lower() if match else None


def assert_safe(fragment: str) -> Parsed:
    parsed = parse(fragment)
    for tag in parsed.tags:
        assert tag.name not in FORBIDDEN_ELEMENTS, f"<{tag.name}> in {fragment!r}"
        assert tag.name in EXPECTED_ELEMENTS, f"unexpected <{tag.name}> in {fragment!r}"
        for name, value in tag.attrs:
            assert not name.startswith("on"), f"event handler {name} in {fragment!r}"
            assert name != "style", f"style attribute in {fragment!r}"
            assert name in EXPECTED_ATTRIBUTES, f"unexpected attribute {name} in {fragment!r}"
            if name in URL_ATTRIBUTES and value is not None:
                scheme = url_scheme(value)
                assert scheme is None or scheme in SAFE_SCHEMES, f"{name}={value!r} in {fragment!r}"
            if name == "id":
                # Only generated, prefixed heading ids: no clobbering of window/document names.
                assert tag.name in {"h1", "h2", "h3", "h4", "h5", "h6"}
                assert (value or "").startswith("h-"), f"id={value!r} in {fragment!r}"
            if name == "class":
                assert (
                    (tag.name, value) in {("span", "math"), ("div", "math"), ("pre", "highlight")}
                    or (tag.name == "code" and re.fullmatch(r"language-[\w+#.-]+", value or ""))
                    # Pygments' token classes, written by the save-time highlighter only.
                    or (tag.name == "span" and re.fullmatch(r"tok-[A-Za-z0-9]{1,4}", value or ""))
                ), f"class={value!r} on <{tag.name}> in {fragment!r}"
            if name == "src":
                assert tag.name == "img"
                assert url_scheme(value or "") in {"http", "https"}
        if tag.name == "a":
            rel = dict(tag.attrs).get("rel") or ""
            assert set(rel.split()) == {"nofollow", "noopener", "noreferrer"}, fragment
    assert parsed.comments == [], f"comment survived in {fragment!r}"
    assert parsed.declarations == [], f"declaration survived in {fragment!r}"
    return parsed


ALERT_B64 = "PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="

XSS_VECTORS: list[str] = [
    # --- raw script/style/embedding elements
    "<script>alert(1)</script>",
    "<SCRIPT SRC=http://xss.example/xss.js></SCRIPT>",
    "a <script src=//evil.example/x.js></script> b",
    "<script/xss src=x></script>",
    "<style>body{display:none}</style>",
    "<style>@import 'javascript:alert(1)';</style>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "<svg onload=alert(1)>",
    "<svg/onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">XSS</text></a></svg>',
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    f'<svg><use href="data:image/svg+xml;base64,{ALERT_B64}#x"/></svg>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table>"
    "</mtext></math>",
    '<math href="javascript:alert(1)">CLICK</math>',
    '<form action="javascript:alert(1)"><input type=submit></form>',
    '<form><button formaction="javascript:alert(1)">x</button></form>',
    "<input onfocus=alert(1) autofocus>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    '<frameset><frame src="javascript:alert(1)"></frameset>',
    "<template><script>alert(1)</script></template>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<isindex action=javascript:alert(1) type=image>",
    "<marquee onstart=alert(1)>x</marquee>",
    "<x onclick=alert(1)>click</x>",
    "<body onload=alert(1)>",
    # --- event handlers and styles on allowed tags
    '<a onclick="alert(1)" href="https://example.com">x</a>',
    '<a href="https://example.com" onmouseover=alert(1)>x</a>',
    "<img src=x onerror=alert(1)>",
    '<img src="https://example.com/a.png" onerror="alert(1)">',
    '<img src="https://example.com/a.png" srcset="javascript:alert(1) 1x">',
    '<p onmouseover="alert(1)">x</p>',
    "<details open ontoggle=alert(1)><summary>s</summary>b</details>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<div style="width: expression(alert(1))">x</div>',
    '<span class="math" style="color:red">x</span>',
    '<a href="https://example.com" style="position:fixed;top:0;left:0">x</a>',
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    '<td style="x:expression(alert(1))">x</td>',
    # --- dangerous URLs in raw HTML
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    f'<a href="data:text/html;base64,{ALERT_B64}">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="&#x6A;avascript:alert(1)">x</a>',
    '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105'
    '&#0000112&#0000116&#0000058alert(1)">x</a>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href="java&#x0A;script:alert(1)">x</a>',
    '<a href="java&Tab;script&colon;alert(1)">x</a>',
    '<a href="  javascript:alert(1)">x</a>',
    '<a href="\x01javascript:alert(1)">x</a>',
    '<a href="&#1;javascript:alert(1)">x</a>',
    '<a href=" &#14; javascript:alert(1)">x</a>',
    '<a href="jav\tascript:alert(1)">x</a>',
    '<a href="javas\x00cript:alert(1)">x</a>',
    '<img src="javascript:alert(1)">',
    f'<img src="data:image/svg+xml;base64,{ALERT_B64}">',
    "<IMG SRC=`javascript:alert(1)`>",
    '<IMG """><SCRIPT>alert(1)</SCRIPT>">',
    '<a href="javascript:alert(1)"><img src="https://example.com/a.png"></a>',
    # --- broken and nested markup, comments, parser differentials
    "<scr<script>ipt>alert(1)</script>",
    "<<script>script>alert(1)<</script>/script>",
    "<!--<script>alert(1)</script>-->",
    "<!--><script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<textarea><script>alert(1)</script></textarea>",
    "<select><style></select><img src=x onerror=alert(1)>",
    '<a href="https://example.com/" rel="opener" target="_blank">x</a>',
    '<h1 id="forms" name="forms">x</h1>',
    '<a name="location" id="cookie">x</a>',
    '<div id="h-x" class="math">x</div>',
    # --- Markdown links and images
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](vbscript:msgbox(1))",
    f"[x](data:text/html;base64,{ALERT_B64})",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;avascript:alert(1))",
    "[x](java&#x09;script:alert(1))",
    "[x]( javascript:alert(1))",
    "[x](<javascript:alert(1)>)",
    '[x](javascript:alert(1) "title")',
    "[x](\x00javascript:alert(1))",
    "[x](\u2028javascript:alert(1))",
    "[x](%6A%61%76%61%73%63%72%69%70%74:alert(1))",
    "[x](\\u006Aavascript:alert(1))",
    "[x](javascript\uff1aalert(1))",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml,<svg onload=alert(1)>)",
    '![x](x" onerror="alert(1))',
    '![x](https://example.com/a.png "x\\" onerror=\\"alert(1)")',
    "[x][1]\n\n[1]: javascript:alert(1)",
    '[x][1]\n\n[1]: JAVASCRIPT:alert(1) "t"',
    "![x][1]\n\n[1]: javascript:alert(1)",
    "[javascript:alert(1)]\n\n[javascript:alert(1)]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "<vbscript:msgbox(1)>",
    "<data:text/html,<script>alert(1)</script>>",
    '[x](http://a "onmouseover=alert(1)")',
    "[x](http://a '\"onmouseover=\"alert(1)')",
    '[x](http://a "\\" onmouseover=\\"alert(1)")',
    '[x](https://example.com/"onmouseover="alert(1))',
    "[<script>alert(1)</script>](https://example.com)",
    "[<img src=x onerror=alert(1)>](https://example.com)",
    # --- code, math and headings that try to smuggle markup
    "`<script>alert(1)</script>`",
    "```\n<script>alert(1)</script>\n```",
    '```html" onmouseover="alert(1)\n<b>x</b>\n```',
    "    <script>alert(1)</script>",
    "$<script>alert(1)</script>$",
    "$$\n<img src=x onerror=alert(1)>\n$$",
    "$$<svg onload=alert(1)>$$",
    "$a$<script>alert(1)</script>$b$",
    "# Title <script>alert(1)</script>",
    '# "><img src=x onerror=alert(1)>',
    "# x {#location onclick=alert(1)}",
    "## forms",
    "# javascript:alert(1)",
    "- <script>alert(1)</script>\n  - <img src=x onerror=alert(1)>",
    "| a |\n|---|\n| <script>alert(1)</script> |",
    "> <iframe src=javascript:alert(1)>",
    # --- bare URLs (linkify)
    'http://example.com/"><script>alert(1)</script>',
    "https://example.com/<img/src/onerror=alert(1)>",
    "javascript://example.com/%0Aalert(1)",
    "詳細はjavascript:alert(1)を参照",
]


def test_enough_vectors() -> None:
    assert len(XSS_VECTORS) >= 60
    assert len(set(XSS_VECTORS)) == len(XSS_VECTORS)


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_vector_is_neutralised(vector: str) -> None:
    rendered = render_markdown(vector, with_toc=True)
    assert_safe(rendered.html)
    assert_safe(rendered.toc_html)


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_vector_is_neutralised_inside_a_list_and_a_quote(vector: str) -> None:
    # Same vectors where notes really put them: in nested 2-space bullets and block quotes.
    nested = (
        "- note\n  - " + vector.replace("\n", "\n    ") + "\n\n> " + vector.replace("\n", "\n> ")
    )
    assert_safe(render_markdown(nested, with_toc=True).html)


def test_all_vectors_in_one_document() -> None:
    # Unclosed tags from one vector must not change how the next one is parsed into something bad.
    document = "\n\n".join(XSS_VECTORS)
    rendered = render_markdown(document, with_toc=True)
    assert_safe(rendered.html)
    assert_safe(rendered.toc_html)
    assert_safe(render_markdown("".join(XSS_VECTORS)).html)


def test_vectors_are_not_silently_swallowed() -> None:
    # Escaped, not removed: the note stays readable (the text of the script is visible).
    text = parse(render_markdown("<script>alert(1)</script>").html).text
    assert "<script>alert(1)</script>" in text


# --- the sanitizer must not destroy legitimate content -------------------------------------


def test_normal_link_keeps_its_href() -> None:
    parsed = assert_safe(render_markdown("[論文](https://arxiv.org/abs/2503.08026)").html)
    links = [t for t in parsed.tags if t.name == "a"]
    assert [dict(a.attrs)["href"] for a in links] == ["https://arxiv.org/abs/2503.08026"]


@pytest.mark.parametrize(
    "href",
    [
        "https://example.com/a?b=1&c=2",
        "http://example.com/",
        "mailto:fr@example.com",
        "#h-概要",
        "/meetings/3/",
    ],
)
def test_safe_hrefs_survive_in_raw_html(href: str) -> None:
    parsed = assert_safe(render_markdown(f'<a href="{html.escape(href)}">x</a>').html)
    assert [dict(t.attrs).get("href") for t in parsed.tags if t.name == "a"] == [href]


def test_less_than_in_text_is_preserved_as_text() -> None:
    parsed = assert_safe(render_markdown("a < b かつ i<j で x <= y").html)
    assert parsed.tags[0].name == "p"
    assert parsed.text == "a < b かつ i<j で x <= y"


def test_unknown_tags_are_shown_not_dropped() -> None:
    parsed = assert_safe(render_markdown("タグ <b>太字</b> と <u>下線</u>").html)
    assert parsed.text == "タグ <b>太字</b> と <u>下線</u>"


def test_allowed_raw_html_survives() -> None:
    source = (
        "<details><summary>補足</summary>\n\n中身\n\n</details>\n\n"
        "H<sub>2</sub>O, x<sup>2</sup>, <kbd>Ctrl</kbd>, <del>旧</del>\n"
    )
    parsed = assert_safe(render_markdown(source).html)
    names = {t.name for t in parsed.tags}
    assert {"details", "summary", "sub", "sup", "kbd", "del"} <= names


def test_math_code_and_table_markup_survive_sanitizing() -> None:
    source = "$a_i$\n\n```python\nx = 1\n```\n\n| a |\n|:-:|\n| 1 |\n\n3. three\n4. four"
    parsed = assert_safe(render_markdown(source).html)
    attrs = {(t.name, name, value) for t in parsed.tags for name, value in t.attrs}
    assert ("span", "class", "math") in attrs
    assert ("code", "class", "language-python") in attrs
    assert ("th", "align", "center") in attrs
    assert ("ol", "start", "3") in attrs


def test_safe_url_check_itself_catches_bad_output() -> None:
    # Guard the guard: the assertions above must fail on the outputs they exist to catch.
    for bad in [
        '<a href="java&#x09;script:alert(1)" rel="nofollow noopener noreferrer">x</a>',
        '<a href=" JAVASCRIPT:alert(1)" rel="nofollow noopener noreferrer">x</a>',
        '<p onclick="x">a</p>',
        "<ScRiPt>alert(1)</ScRiPt>",
        '<p style="color:red">a</p>',
        '<h2 id="forms">a</h2>',
        '<a href="https://e.com">no rel</a>',
        "<!-- c -->",
    ]:
        with pytest.raises(AssertionError):
            assert_safe(bad)
