"""The other providers for `links.py --mix all`: URLs to paste, fake answers, family limits.

Each fake answers in its provider's recorded format (the test fixtures, with ids and titles
filled in), under a path prefix of the one fake server: the app reaches it through the
provider URL settings (HUGGINGFACE_URL, OPENREVIEW_API_URL, ...), so it is the app's own
dispatch that picks the provider from the pasted URL.
"""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "links" / "fixtures"

# URLs per provider in the mixed paste of 200 (the rest of the 200: arXiv, repos, blogs).
MIX = {
    "github_item": 15,
    "huggingface": 15,
    "openreview": 8,
    "acl": 6,
    "doi": 6,
    "qiita": 8,
    "zenn": 6,
    "note": 4,
    "x": 5,
    "video": 6,
    "slides": 6,
}
MIXED_ARXIV, MIXED_REPOS, MIXED_BLOGS = 60, 25, 30
# Endpoint (as counted by the fake) → the limiter family whose interval it must respect.
FAMILIES = {
    "github_api": "github",
    "hf_api": "huggingface",
    "openreview_api": "openreview",
    "acl_bib": "acl",
    "doi_api": "doi",
    "qiita_api": "qiita",
    "zenn_api": "zenn",
    "note_api": "note",
    "x_oembed": "x",
}


def _fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def environment(base: str) -> dict[str, str]:
    return {
        "GITHUB_WEB_URL": base,
        "HUGGINGFACE_URL": f"{base}/hf",
        "HUGGINGFACE_THUMBNAILS_URL": f"{base}/hfthumbs",
        "OPENREVIEW_API_URL": f"{base}/or2",
        "OPENREVIEW_API_V1_URL": f"{base}/or1",
        "ACL_ANTHOLOGY_URL": f"{base}/acl",
        "DOI_RESOLVER_URL": f"{base}/doi",
        "QIITA_URL": f"{base}/qiita",
        "ZENN_URL": f"{base}/zenn",
        "NOTE_URL": f"{base}/note",
        "X_OEMBED_URL": f"{base}/x/oembed",
    }


def provider_urls(rng: random.Random, base: str, owners: list[str]) -> list[tuple[str, str]]:
    """(kind for the baseline's grouping, URL) for every provider of the mix."""
    urls: list[tuple[str, str]] = []
    for i in range(MIX["github_item"]):
        item = "issues" if i % 3 else "pull"
        repo = f"{owners[i % len(owners)]}/repo-{i}"
        urls.append(("github", f"https://github.com/{repo}/{item}/{i + 1}"))
    for i in range(MIX["huggingface"]):
        path = ("", "datasets/", "spaces/")[i % 3]
        urls.append(("web", f"https://huggingface.co/{path}{owners[i % len(owners)]}/hub-{i}"))
    for i in range(MIX["openreview"]):
        urls.append(("web", f"https://openreview.net/forum?id=Bench{i:05d}x"))
    for i in range(MIX["acl"]):
        urls.append(("web", f"https://aclanthology.org/2024.acl-long.{i + 1}/"))
    for i in range(MIX["doi"]):
        urls.append(("web", f"https://doi.org/10.5555/bench.{i}"))
    for i in range(MIX["qiita"]):
        urls.append(("web", f"https://qiita.com/user{i}/items/{rng.getrandbits(80):020x}"))
    for i in range(MIX["zenn"]):
        urls.append(("web", f"https://zenn.dev/user{i}/articles/bench{i:09d}"))
    for i in range(MIX["note"]):
        urls.append(("web", f"https://note.com/user{i}/n/n{rng.getrandbits(48):012x}"))
    for i in range(MIX["x"]):
        urls.append(("web", f"https://x.com/user{i}/status/{1863000000000000000 + i}"))
    for i in range(MIX["video"]):
        urls.append(("web", f"{base}/watch?v=benchVid{i:03d}"))
    for i in range(MIX["slides"]):
        urls.append(("web", f"{base}/decks/{i}"))
    return urls


def route(path: str, query: dict[str, list[str]], base: str) -> tuple[str, str, bytes] | None:
    """(endpoint, content type, body) for a provider's path, None when it is not one."""
    segments = path.strip("/").split("/")
    json_type = "application/json; charset=utf-8"
    if segments[0] == "repos" and len(segments) == 5 and segments[3] in ("issues", "pulls"):
        owner_repo, number = f"{segments[1]}/{segments[2]}", int(segments[4])
        kind = "pull" if segments[3] == "pulls" else "issues"
        data = json.loads(_fixture("github_pull.json" if kind == "pull" else "github_issue.json"))
        data.update(
            number=number,
            title=f"Bench {kind} {number} of {owner_repo}",
            html_url=f"https://github.com/{owner_repo}/{kind}/{number}",
        )
        return "github_api", json_type, json.dumps(data).encode()
    if segments[0] == "hf" and segments[1] == "api":
        repo_type, repo_id = segments[2], "/".join(segments[3:5])
        fixture = {"models": "hf_model.json", "datasets": "hf_dataset.json"}.get(
            repo_type, "hf_space.json"
        )
        data = json.loads(_fixture(fixture))
        data.update(id=repo_id, author=segments[3])
        return "hf_api", json_type, json.dumps(data).encode()
    if segments[0] == "hfthumbs":
        return "hf_thumbnail", "image/png", b""  # the caller fills in a PNG
    if segments[:2] == ["or2", "notes"]:
        forum = query["forum"][0]
        data = json.loads(_fixture("openreview_forum.json"))
        for note in data["notes"]:
            note["forum"] = forum
        data["notes"][0]["id"] = forum
        data["notes"][0]["content"]["title"]["value"] = f"Bench forum {forum}"
        return "openreview_api", json_type, json.dumps(data).encode()
    if segments[0] == "acl" and path.endswith(".bib"):
        acl_id = segments[1].removesuffix(".bib")
        bib = _fixture("acl_paper.bib").replace("Sample Efficient", f"Bench {acl_id}:")
        return "acl_bib", "text/plain; charset=utf-8", bib.encode()
    if segments[0] == "doi":
        data = json.loads(_fixture("doi_csl.json"))
        data.update(DOI="/".join(segments[1:]), title=f"Bench DOI {'/'.join(segments[1:])}")
        return "doi_api", "application/vnd.citationstyles.csl+json", json.dumps(data).encode()
    if segments[0] == "qiita" and segments[1:3] == ["api", "v2"]:
        data = json.loads(_fixture("qiita_item.json"))
        data.update(id=segments[-1], title=f"Qiita bench {segments[-1][:6]}")
        return "qiita_api", json_type, json.dumps(data).encode()
    if segments[0] == "qiita" and len(segments) == 4 and segments[2] == "items":
        page = _fixture("qiita_page.html").replace(
            "https://qiita-user-contents.imgix.net/og/abc.png", f"{base}/images/q{segments[3]}.png"
        )
        return "qiita_page", "text/html; charset=utf-8", page.encode()
    if segments[0] == "zenn":
        data = json.loads(_fixture("zenn_article.json"))
        data["article"].update(
            slug=segments[-1],
            title=f"Zenn bench {segments[-1]}",
            og_image_url=f"{base}/images/z.png",
        )
        return "zenn_api", json_type, json.dumps(data).encode()
    if segments[0] == "note":
        data = json.loads(_fixture("note_note.json"))
        data["data"].update(key=segments[-1], eyecatch=f"{base}/images/n.png")
        return "note_api", json_type, json.dumps(data).encode()
    if segments[:2] == ["x", "oembed"]:
        return "x_oembed", json_type, _fixture("x_oembed.json").encode()
    if path == "/watch":
        video = query["v"][0]
        page = _fixture("youtube_watch.html").replace(
            "https://i.ytimg.com/vi/3gb-ZkVRemQ/maxresdefault.jpg", f"{base}/images/{video}.png"
        )
        page = page.replace("3gb-ZkVRemQ", video)
        return "video_page", "text/html; charset=utf-8", page.encode()
    if path == "/oembed":  # the video page's oEmbed link
        return "video_oembed", json_type, _fixture("youtube_oembed.json").encode()
    if segments[0] == "decks" and len(segments) == 2:
        page = _fixture("docswell_page.html").replace(
            "https://bcdn.docswell.com/page/5E8X3K/", f"{base}/images/deck{segments[1]}"
        )
        return "slides_page", "text/html; charset=utf-8", page.encode()
    if segments[:2] == ["service", "oembed"]:
        return "slides_oembed", json_type, _fixture("docswell_oembed.json").encode()
    return None


def limit_lines(arrivals: dict[str, list[float]], intervals: dict[str, float]) -> list[str]:
    """Per family: requests, the closest two apart, and whether that kept to its interval."""
    lines = []
    for endpoint, family in FAMILIES.items():
        times = sorted(arrivals.get(endpoint, []))
        interval = intervals.get(family, 0.0)
        gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
        closest = f"closest {min(gaps):.2f} s" if gaps else "closest -"
        # 50 ms of slack: the fake's clock reading, not the limiter.
        kept = not gaps or min(gaps) >= interval - 0.05
        lines.append(
            f"{family:<11} {len(times):>3} requests, {closest}, limit {interval:g} s: "
            f"{'kept' if kept else 'EXCEEDED'}"
        )
    return lines
