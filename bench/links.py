"""Link-card benchmark: 200 pasted URLs turned into cards by a real Celery worker, against fakes.

100 arXiv papers (abs, pdf, versioned, alphaXiv and Hugging Face forms), 50 GitHub repositories
and 50 blog pages with an og:image are pasted as topics through the services, in a throwaway
database; a real worker process (`celery worker --pool threads --concurrency 8`) fetches them
from local fake servers that add a latency to every request. The baseline, in the same run and
against the same servers, is the naive loop: one URL after the other, one request per URL (one
arXiv API call per paper, paced like the app paces them), then its thumbnail, with the app's
own resolvers and safe_http client; so the ratio measures batching and concurrency, not a
different HTTP client.

    uv run python bench/links.py                         # SQLite, filesystem broker
    uv run python bench/links.py --redis --postgres      # Redis db 14 and PostgreSQL, loopback
    uv run python bench/links.py --baseline-sample 10    # quicker: extrapolated baseline

Only 127.0.0.1 is ever contacted: the worker may fetch from loopback on the fake server's port
and nothing else (LINK_FETCH_ALLOWED_PORTS is that one port, so even a stray public URL would be
refused before any name lookup). Goals (from the issue): the 100 arXiv ids in at most 2 API
requests, the whole batch at least 5× faster than the baseline. Missing a goal is reported,
not an error: this is a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import io
import ipaddress
import itertools
import json
import logging
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

import _providers
from _setup import BASE_DIR, add_database_arguments, throwaway_database

ARXIV_PAPERS = 100
GITHUB_REPOS = 50
BLOG_PAGES = 50
WORKER_THREADS = 8
ARXIV_REQUEST_GOAL = 2
SPEEDUP_GOAL = 5.0
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"
WORKER_READY_SECONDS = 60
# After the last link settled, how long to wait for thumbnails that may never come.
THUMBNAIL_QUIET_SECONDS = 20
CARD_SIZE = (1200, 630)  # the OpenGraph image size most sites serve
PNG_VARIANTS = 6

# --------------------------------------------------------------------------------------------
# What the fake servers serve: recorded formats, generated content.
# --------------------------------------------------------------------------------------------

TERMS = [
    "Sparse Attention", "Speculative Decoding", "KV Cache Compression", "Mixture of Experts",
    "Retrieval-Augmented Generation", "Direct Preference Optimization", "FP8 Training",
    "Long-Context Memory", "Structured Generation", "Diffusion Transformers", "Reranking",
    "Tokenizer-Free Models", "Test-Time Scaling", "Agentic Tool Use", "Synthetic Data",
]  # fmt: skip
BLOG_TERMS = [
    "RAG", "LLM", "拡散モデル", "KVキャッシュ", "量子化", "LoRA", "リランカー", "埋め込み",
    "強化学習", "蒸留", "ベクトル検索", "トークナイザ", "評価指標", "合成データ",
]  # fmt: skip
OWNERS = [
    "karpathy", "huggingface", "vllm-project", "microsoft", "google-research", "openai",
    "meta-llama", "ggml-org", "astral-sh", "duckdb", "sgl-project", "bloomberg",
]  # fmt: skip
FEED_HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <link href="http://arxiv.org/api/query?{query}" rel="self" type="application/atom+xml"/>
  <title type="html">ArXiv Query: {query}</title>
  <id>http://arxiv.org/api/{feed_id}</id>
  <updated>2025-03-28T00:00:00-04:00</updated>
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">{total}</opensearch:totalResults>
  <opensearch:startIndex xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">{start}</opensearch:startIndex>
  <opensearch:itemsPerPage xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">{count}</opensearch:itemsPerPage>
"""
FEED_ENTRY = """  <entry>
    <id>http://arxiv.org/abs/{id}v{version}</id>
    <updated>{date}T18:30:00Z</updated>
    <published>{date}T09:00:00Z</published>
    <title>{title}</title>
    <summary>  {summary}
</summary>
{authors}
    <arxiv:comment xmlns:arxiv="http://arxiv.org/schemas/atom">14 pages, 6 figures</arxiv:comment>
    <link href="http://arxiv.org/abs/{id}v{version}" rel="alternate" type="text/html"/>
    <link title="pdf" href="{pdf_url}" rel="related" type="application/pdf"/>
    <arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="cs.CL" scheme="http://arxiv.org/schemas/atom"/>
    <category term="cs.CL" scheme="http://arxiv.org/schemas/atom"/>
    <category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/>
  </entry>
"""
BLOG_PAGE = """<!DOCTYPE html>
<html lang="ja"><head><meta charset="utf-8">
<title>{title} | ML Notes</title>
<meta name="description" content="{description}">
<link rel="icon" href="/favicon.ico">
<meta property="og:type" content="article">
<meta property="og:title" content="{title}">
<meta property="og:description" content="{description}">
<meta property="og:site_name" content="ML Notes">
<meta property="og:image" content="/images/{number}.png">
<meta property="article:published_time" content="2025-03-20T09:00:00+09:00">
</head><body><article><h1>{title}</h1>
{body}
</article></body></html>
"""


def paper(arxiv_id: str) -> dict[str, str]:
    """The same made-up paper for an id every time it is asked for."""
    rng = random.Random(arxiv_id)
    a, b = rng.sample(TERMS, 2)
    yymm = arxiv_id.split(".")[0]
    authors = [f"Author {rng.randint(1, 999)}" for _ in range(rng.randint(2, 8))]
    return {
        "title": f"{a} Meets {b}: A Study of {rng.choice(TERMS)}",
        "summary": f"We study {a.lower()} together with {b.lower()}. " * 12,
        "authors": "\n".join(
            f"    <author>\n      <name>{n}</name>\n    </author>" for n in authors
        ),
        "date": f"20{yymm[:2]}-{yymm[2:]}-{rng.randint(1, 28):02d}",
        "version": str(rng.randint(1, 3)),
    }


def arxiv_feed(ids: list[str], *, start: int, max_results: int, base: str) -> bytes:
    """An id_list answer in the API's Atom format, papers in the order asked (as arXiv does)."""
    page = ids[start : start + max_results]
    entries = []
    for arxiv_id in page:
        info = paper(arxiv_id)
        entries.append(
            FEED_ENTRY.format(
                id=arxiv_id,
                pdf_url=f"{base}/pdf/{arxiv_id}v{info['version']}",
                **{k: v if k == "authors" else escape(v) for k, v in info.items()},
            )
        )
    query = escape(f"search_query=&id_list={','.join(ids)}&start={start}&max_results={max_results}")
    header = FEED_HEADER.format(
        query=query, feed_id=uuid.uuid4().hex, total=len(ids), start=start, count=len(page)
    )
    return (header + "".join(entries) + "</feed>\n").encode()


@functools.cache
def paper_pdf(arxiv_id: str) -> bytes:
    """A one-page PDF per paper (hand-written by the test helper; pypdfium2 renders it)."""
    if str(BASE_DIR) not in sys.path:
        sys.path.insert(0, str(BASE_DIR))
    from tests.links.fixtures import make_pdf

    # PDF string literals: parentheses would need escaping, so the title stays plain.
    title = paper(arxiv_id)["title"].replace(":", "")
    return make_pdf(title, text=title[:48])


def github_repo(owner_repo: str, template: dict) -> bytes:
    owner, name = owner_repo.split("/")
    rng = random.Random(owner_repo)
    repo = {
        **template,
        "name": name,
        "full_name": owner_repo,
        "html_url": f"https://github.com/{owner_repo}",
        "url": f"https://api.github.com/repos/{owner_repo}",
        "owner": {**template["owner"], "login": owner, "html_url": f"https://github.com/{owner}"},
        "description": f"Fast {rng.choice(TERMS).lower()} for everyone.",
        "stargazers_count": rng.randint(10, 90_000),
    }
    return json.dumps(repo).encode()


def blog_page(number: int) -> bytes:
    rng = random.Random(number)
    a, b = rng.sample(BLOG_TERMS, 2)
    title = f"{a}と{b}を組み合わせて推論コストを{rng.randint(10, 90)}%下げた話"
    paragraph = (
        f"<p>{a}の評価では{b}との比較が欠かせない。実装は数十行で済み、再現も容易だった。</p>\n"
    )
    # ~30 KB of body, like a real post: the parser only builds the <head> elements it needs.
    return BLOG_PAGE.format(
        title=title, description=f"{a}と{b}の実験メモ", number=number, body=paragraph * 300
    ).encode()


def card_pngs() -> list[bytes]:
    """A few distinct 1200×630 PNG cards (gradient, shapes, text), like sites' og:images."""
    from PIL import Image, ImageDraw

    pngs = []
    for variant in range(PNG_VARIANTS):
        rng = random.Random(variant)
        image = Image.linear_gradient("L").resize(CARD_SIZE).convert("RGB")
        draw = ImageDraw.Draw(image)
        for _ in range(40):
            x, y = rng.randrange(CARD_SIZE[0]), rng.randrange(CARD_SIZE[1])
            color = tuple(rng.randrange(256) for _ in range(3))
            draw.rectangle((x, y, x + rng.randint(20, 300), y + rng.randint(10, 120)), fill=color)
        draw.text((60, 60), f"Card {variant}: {rng.choice(TERMS)}", fill=(255, 255, 255))
        out = io.BytesIO()
        image.save(out, format="PNG")
        pngs.append(out.getvalue())
    return pngs


# --------------------------------------------------------------------------------------------
# The fake servers: one loopback port, per-endpoint request counts, added latency.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    endpoint: str  # what the request is counted as
    status: int
    content_type: str
    body: bytes


class _Server(ThreadingHTTPServer):
    # Eight worker threads connect at once; the default backlog of 5 would drop SYNs, and a
    # dropped SYN costs a 1 s retransmit: latency the app would be blamed for.
    request_queue_size = 128
    daemon_threads = True
    fake: FakeWeb


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        fake = self.server.fake
        reply = fake.reply(self.path)
        fake.record(reply, self.path)
        time.sleep(fake.latency)  # the network and the remote server, as one delay
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)

    def log_message(self, format: str, *args) -> None:
        pass  # 600 lines of access log would bury the figures


class FakeWeb:
    """arXiv API and PDFs, GitHub API and social cards, blog pages and their images."""

    def __init__(self, latency: float) -> None:
        self.latency = latency
        self.pngs = card_pngs()
        self.repo_template = json.loads(
            (BASE_DIR / "tests/links/fixtures/github_repo.json").read_text(encoding="utf-8")
        )
        self.counts: Counter[str] = Counter()
        self.arrivals: dict[str, list[float]] = {}  # endpoint → time.time() of each request
        self.arxiv_calls: list[tuple[float, int]] = []  # (time.time(), ids asked)
        self._lock = threading.Lock()
        self.server = _Server(("127.0.0.1", 0), _Handler)
        self.server.fake = self
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"

    @contextlib.contextmanager
    def running(self) -> Iterator[FakeWeb]:
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.server.shutdown()
            self.server.server_close()
            thread.join(timeout=5)

    def reset(self) -> None:
        with self._lock:
            self.counts.clear()
            self.arrivals.clear()
            self.arxiv_calls.clear()

    def record(self, reply: Reply, path: str) -> None:
        with self._lock:
            self.counts[reply.endpoint] += 1
            self.arrivals.setdefault(reply.endpoint, []).append(time.time())
            if reply.endpoint == "arxiv_api":
                ids = parse_qs(urlsplit(path).query).get("id_list", [""])[0]
                self.arxiv_calls.append((time.time(), len(ids.split(","))))

    def reply(self, target: str) -> Reply:
        parts = urlsplit(target)
        path, query = parts.path, parse_qs(parts.query)
        try:
            return self._route(path, query)
        except (KeyError, ValueError, IndexError):
            return Reply("bad_request", 400, "text/plain", b"bad request")

    def _route(self, path: str, query: dict[str, list[str]]) -> Reply:
        segments = path.strip("/").split("/")
        provider = _providers.route(path, query, self.base)
        if provider is not None:
            endpoint, content_type, body = provider
            body = self._png(path) if content_type == "image/png" else body
            return Reply(endpoint, 200, content_type, body)
        if path == "/api/query":
            ids = [i for i in query.get("id_list", [""])[0].split(",") if i]
            body = arxiv_feed(
                ids,
                start=int(query.get("start", ["0"])[0]),
                max_results=int(query.get("max_results", ["10"])[0]),
                base=self.base,
            )
            return Reply("arxiv_api", 200, "application/atom+xml; charset=utf-8", body)
        if segments[0] == "pdf" and len(segments) == 2:
            arxiv_id = segments[1].rsplit("v", 1)[0]
            return Reply("arxiv_pdf", 200, "application/pdf", paper_pdf(arxiv_id))
        if segments[0] == "repos" and len(segments) == 3:
            body = github_repo(f"{segments[1]}/{segments[2]}", self.repo_template)
            return Reply("github_api", 200, "application/json; charset=utf-8", body)
        if segments[:2] == ["social", "1"] and len(segments) >= 4:  # repos, issues, pulls
            return Reply("github_card", 200, "image/png", self._png(path))
        if segments[0] == "posts" and len(segments) == 2:
            body = blog_page(int(segments[1]))
            return Reply("blog_page", 200, "text/html; charset=utf-8", body)
        if segments[0] == "images" and len(segments) == 2:
            return Reply("blog_image", 200, "image/png", self._png(path))
        return Reply("other", 404, "text/plain", b"not found")

    def _png(self, path: str) -> bytes:
        return self.pngs[sum(path.encode()) % len(self.pngs)]


# --------------------------------------------------------------------------------------------
# The pasted URLs: every form members paste, all canonicalising to 200 distinct links.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pasted:
    kind: str  # "arxiv" | "github" | "web"
    url: str


def arxiv_ids(rng: random.Random) -> list[str]:
    ids: set[str] = set()
    while len(ids) < ARXIV_PAPERS:
        ids.add(f"{rng.randint(23, 25)}{rng.randint(1, 12):02d}.{rng.randint(1, 21_999):05d}")
    return sorted(ids)


def pasted_urls(seed: int, base: str, mix: str = "classic") -> list[Pasted]:
    """The batch in the order it is pasted: kinds mixed, as a meeting's topics come in.

    ``mix="all"``: fewer papers, repositories and blogs, and every other provider beside them
    (GitHub issues, Hugging Face, OpenReview, ACL, DOI, Qiita, Zenn, note, X, videos, slides).
    """
    rng = random.Random(seed)
    papers, repos, blogs = (
        (_providers.MIXED_ARXIV, _providers.MIXED_REPOS, _providers.MIXED_BLOGS)
        if mix == "all"
        else (ARXIV_PAPERS, GITHUB_REPOS, BLOG_PAGES)
    )
    forms = [
        "https://arxiv.org/abs/{}",
        "https://arxiv.org/pdf/{}v2",
        "http://arxiv.org/abs/{}v1",
        "https://www.alphaxiv.org/abs/{}",
        "https://huggingface.co/papers/{}",
    ]
    ids = arxiv_ids(rng)[:papers]
    urls = [Pasted("arxiv", forms[i % len(forms)].format(a)) for i, a in enumerate(ids)]
    for i in range(repos):
        suffix = "/tree/main" if i % 5 == 0 else ""
        urls.append(
            Pasted("github", f"https://github.com/{OWNERS[i % len(OWNERS)]}/repo-{i}{suffix}")
        )
    for i in range(blogs):
        tracking = "?utm_source=twitter" if i % 4 == 0 else ""
        urls.append(Pasted("web", f"{base}/posts/{i}/{tracking}"))
    if mix == "all":
        urls += [Pasted(kind, url) for kind, url in _providers.provider_urls(rng, base, OWNERS)]
    rng.shuffle(urls)
    return urls


# --------------------------------------------------------------------------------------------
# Environment: the same settings for this process (producer, baseline) and the worker.
# --------------------------------------------------------------------------------------------


def configure_environment(web: FakeWeb, args: argparse.Namespace, queue: str) -> None:
    """Before Django is set up: settings read these once, the worker inherits them."""
    os.environ.update(
        {
            "LINK_FETCH_ALLOWED_NETWORKS": "127.0.0.0/8",
            # Only the fake server's port: anything public (80/443) is refused outright.
            "LINK_FETCH_ALLOWED_PORTS": str(web.port),
            "ARXIV_API_URL": f"{web.base}/api/query",
            "ARXIV_MIN_INTERVAL": str(args.arxiv_interval),
            "GITHUB_API_URL": web.base,
            "GITHUB_SOCIAL_IMAGE_URL": f"{web.base}/social",
            "GITHUB_TOKEN": "",  # a developer's token has no business going to the fake
            "PYPI_URL": f"{web.base}/pypi",
            **_providers.environment(web.base),
            # A queue of our own: a developer's running worker must not take our tasks.
            "CELERY_QUEUE": queue,
        }
    )


def check_redis(url: str) -> None:
    import redis

    host = urlsplit(url).hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        sys.exit(f"refusing a non-loopback Redis: {host!r}")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        sys.exit(f"cannot reach Redis at {host}: {exc}")


def publish_to_redis(url: str) -> None:
    """_setup empties REDIS_URL for this process; point only the Celery producer at Redis."""
    from config.celery import app

    app.conf.broker_url = url
    app.conf.broker_transport_options = {"socket_connect_timeout": 2}


def forget_redis_queue(url: str, queue: str) -> None:
    """Our queue's keys only (kombu names its exchange after the queue); the rate-limit key
    expires by itself and kombu's shared keys (pidbox, unacked) are not ours to touch."""
    import redis

    with contextlib.suppress(redis.RedisError):
        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
        client.zrem("_kombu.binding_deadlines", queue)


# --------------------------------------------------------------------------------------------
# The worker process.
# --------------------------------------------------------------------------------------------


def log_tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def wait_until_ready(proc: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + WORKER_READY_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the worker exited with {proc.returncode}:\n{log_tail(log_path)}")
        if " ready." in log_path.read_text(errors="replace"):
            return
        time.sleep(0.1)
    raise SystemExit(
        f"the worker was not ready within {WORKER_READY_SECONDS} s:\n{log_tail(log_path)}"
    )


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()  # warm shutdown: running tasks finish
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()  # a task sleeping for an arXiv slot need not be waited for
            proc.wait()


@dataclass(frozen=True)
class Worker:
    proc: subprocess.Popen
    log_path: Path

    def cpu_seconds(self) -> float | None:
        """User + system CPU of the worker so far (Linux /proc; None elsewhere)."""
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def celery_worker(folder: Path, *, redis_url: str | None, threads: int) -> Iterator[Worker]:
    """A real worker, the way the app runs one; stopped when the block ends, whatever happens."""
    # DEBUG off as deployed (on, every query is kept in memory); REDIS_URL is ours to choose,
    # _setup emptied it for this process.
    env = {**os.environ, "DEBUG": "False", "REDIS_URL": redis_url or ""}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    command = [
        sys.executable, "-m", "celery", "-A", "config", "worker", "-l", "info",
        "--pool", "threads", "--concurrency", str(threads), "-n", f"bench-links-{os.getpid()}@%h",
        # Startup chatter with other workers, irrelevant to fetching: fewer seconds to ready.
        "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    log_path = folder / "worker.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            command, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            wait_until_ready(proc, log_path)
            yield Worker(proc, log_path)
        finally:
            stop(proc)


def log_problems(log_path: Path) -> list[str]:
    lines = log_path.read_text(errors="replace").splitlines()
    return [line for line in lines if " ERROR" in line or "Traceback" in line or "CRITICAL" in line]


_TASK_DONE = re.compile(r"Task apps\.links\.tasks\.(\w+)\[[\w-]+\] succeeded in ([\d.]+)s: (.*)")


def task_summary(log_path: Path) -> dict[str, tuple[int, float, Counter[str]]]:
    """Per task name: (runs, thread-seconds, results). A task sleeping for its arXiv slot
    holds a worker thread all that time, which the thread-seconds show."""
    summary: dict[str, tuple[int, float, Counter[str]]] = {}
    for match in _TASK_DONE.finditer(log_path.read_text(errors="replace")):
        name, seconds, result = match[1], float(match[2]), match[3].strip("'")
        runs, busy, results = summary.get(name, (0, 0.0, Counter()))
        results[result] += 1
        summary[name] = (runs + 1, busy + seconds, results)
    return summary


# --------------------------------------------------------------------------------------------
# The app's path: topics saved through the services, the worker does the rest.
# --------------------------------------------------------------------------------------------


@dataclass
class AppRun:
    save_seconds: float = 0.0  # pasting all 200 topics (the worker is fetching meanwhile)
    wall: float = 0.0  # first topic save → last card write (normally its thumbnail)
    statuses: Counter[str] = field(default_factory=Counter)
    thumbnails: int = 0
    complete: bool = False
    counts: Counter[str] = field(default_factory=Counter)
    arxiv_calls: list[tuple[float, int]] = field(default_factory=list)
    arrivals: dict[str, list[float]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    tasks: dict[str, tuple[int, float, Counter[str]]] = field(default_factory=dict)
    worker_cpu: float | None = None


def make_presenters(count: int = 10):
    from apps.accounts.services import member_create
    from apps.meetings.services import meeting_create

    meeting = meeting_create(date=dt.date(2025, 3, 28))
    members = [member_create(handle=f"member{i}", display_name=f"Member {i}") for i in range(count)]
    return meeting, members


def paste_topics(urls: list[Pasted], meeting, members) -> None:
    """One topic per URL, each its own transaction, title left for the card to fill."""
    from apps.topics.services import topic_create

    for i, pasted in enumerate(urls):
        topic_create(
            meeting=meeting,
            presenter=members[i % len(members)],
            kind="auto",
            title="",
            url=pasted.url,
        )


def card_progress() -> tuple[int, int, int]:
    """(links still waiting, thumbnails stored, thumbnails possible among the fetched)."""
    from apps.links.fetching import thumbnail_source
    from apps.links.models import Link

    # Only the columns needed: this runs every half second beside a busy worker.
    links = list(Link.objects.only("kind", "status", "thumbnail", "image_url", "extra"))
    waiting = sum(link.is_waiting for link in links)
    done = sum(bool(link.thumbnail) for link in links)
    possible = sum(link.status == Link.Status.OK and bool(thumbnail_source(link)) for link in links)
    return waiting, done, possible


def wait_for_cards(deadline_seconds: float) -> bool:
    """Poll until every link settled and every thumbnail that can exist does (or give up)."""
    deadline = time.monotonic() + deadline_seconds
    last_change, last = time.monotonic(), None
    while time.monotonic() < deadline:
        state = card_progress()
        waiting, done, possible = state
        if waiting == 0 and done >= possible:
            return True
        if state != last:
            last_change, last = time.monotonic(), state
        elif waiting == 0 and time.monotonic() - last_change > THUMBNAIL_QUIET_SECONDS:
            return False  # the missing thumbnails failed; the worker log says why
        time.sleep(0.5)  # the end time comes from the database, not from this loop
    return False


def last_write_after(start: dt.datetime) -> float:
    from django.db.models import Max

    from apps.links.models import Link

    last = Link.objects.aggregate(last=Max("updated_at"))["last"]
    return (last - start).total_seconds() if last else 0.0


def run_app(urls, web: FakeWeb, folder: Path, args: argparse.Namespace) -> AppRun:
    from django.utils import timezone

    from apps.links.models import Link

    meeting, members = make_presenters()
    run = AppRun()
    with celery_worker(folder, redis_url=args.redis, threads=WORKER_THREADS) as worker:
        log_path = worker.log_path
        web.reset()  # the clock and the counts start with the first paste, the worker is ready
        started, t0, cpu0 = timezone.now(), time.monotonic(), worker.cpu_seconds()
        paste_topics(urls, meeting, members)
        run.save_seconds = time.monotonic() - t0
        run.complete = wait_for_cards(args.deadline)
        cpu1 = worker.cpu_seconds()
        run.worker_cpu = cpu1 - cpu0 if cpu0 is not None and cpu1 is not None else None
        run.wall = last_write_after(started)
        run.counts, run.arxiv_calls = Counter(web.counts), list(web.arxiv_calls)
        run.arrivals = {endpoint: list(times) for endpoint, times in web.arrivals.items()}
        run.arxiv_calls = [(t - started.timestamp(), n) for t, n in run.arxiv_calls]
        run.problems = log_problems(log_path)
        run.tasks = task_summary(log_path)
        if args.worker_log:
            shutil.copyfile(log_path, args.worker_log)  # the temp folder goes at the end
        if not run.complete:
            print(f"worker log (tail):\n{log_tail(log_path)}", file=sys.stderr)
    run.statuses = Counter(Link.objects.values_list("status", flat=True))
    run.thumbnails = Link.objects.exclude(thumbnail="").count()
    return run


# --------------------------------------------------------------------------------------------
# The naive baseline: the app's resolvers one URL at a time, then the thumbnail.
# --------------------------------------------------------------------------------------------


@dataclass
class KindTiming:
    kind: str
    count: int  # URLs of this kind in the batch
    min_gap: float = 0.0  # paced kinds: no URL after the first can take less than this
    seconds: list[float] = field(default_factory=list)  # per URL measured, pacing included
    ok: int = 0
    thumbnails: int = 0

    @property
    def measured(self) -> int:
        return len(self.seconds)

    def estimate(self) -> float:
        """Measured time, plus the unmeasured URLs at the mean of all but the first one:
        the first arXiv call has no pacing wait before it, every later one does."""
        if self.measured >= self.count:
            return sum(self.seconds)
        typical = max(statistics.mean(self.seconds[1:] or self.seconds), self.min_gap)
        return sum(self.seconds) + (self.count - self.measured) * typical

    def scaled(self, value: int) -> float:
        return value * self.count / self.measured if self.measured else 0.0


def baseline_one(url: str) -> tuple[bool, bool]:
    """(metadata fetched, thumbnail made), exactly the app's resolvers and image code."""
    from apps.core.http.safe_http import FetchError
    from apps.links.canonical import canonicalize
    from apps.links.images import download_thumbnail, make_thumbnail
    from apps.links.resolvers import resolve
    from apps.links.resolvers.pdf import fetch_pdf_first_page

    target = canonicalize(url)
    try:
        metadata = resolve(target)  # arXiv: one API call for this one id
    except FetchError:
        return False, False
    try:
        if target.kind == "arxiv":
            make_thumbnail(fetch_pdf_first_page(metadata.extra.get("pdf_url", "")))
        elif metadata.image_url:
            download_thumbnail(metadata.image_url)
        else:
            return True, False
    except (FetchError, ValueError):
        return True, False
    return True, True


def run_baseline(urls: list[Pasted], sample: int, interval: float) -> list[KindTiming]:
    """Kind after kind (so a sample extrapolates per kind); arXiv calls `interval` apart."""
    timings = []
    next_arxiv_call = 0.0
    for kind in ("arxiv", "github", "web"):
        of_kind = [p.url for p in urls if p.kind == kind]
        timing = KindTiming(kind, len(of_kind), min_gap=interval if kind == "arxiv" else 0.0)
        for url in of_kind[: sample or None]:
            started = time.monotonic()
            if kind == "arxiv":
                # arXiv's terms: one call per `interval`, the rule the app's limiter applies.
                time.sleep(max(0.0, next_arxiv_call - started))
                next_arxiv_call = time.monotonic() + interval
            ok, thumbnail = baseline_one(url)
            timing.seconds.append(time.monotonic() - started)
            timing.ok += ok
            timing.thumbnails += thumbnail
        timings.append(timing)
    return timings


# --------------------------------------------------------------------------------------------
# Report.
# --------------------------------------------------------------------------------------------


def yes_no(ok: bool) -> str:
    return "yes" if ok else "no"


def requests_line(counts: Counter[str]) -> str:
    order = ["arxiv_api", "arxiv_pdf", "github_api", "github_card", "blog_page", "blog_image"]
    parts = [f"{name} {counts.get(name, 0)}" for name in order]
    parts += [f"{name} {n}" for name, n in counts.items() if name not in order]
    return ", ".join(parts)


def arxiv_calls_line(calls: list[tuple[float, int]], interval: float) -> str:
    """When each API request reached the server (from the first paste) and how many ids it
    asked for; arXiv's rule is about requests, so their spacing is checked here too."""
    line = ", ".join(f"+{t:.1f} s {n} ids" for t, n in calls) or "none"
    gaps = [later - earlier for (earlier, _), (later, _) in itertools.pairwise(calls)]
    if gaps:
        closest = min(gaps)
        # 50 ms of slack: the server's clock reading, not the app's pacing.
        verdict = " (LESS than the interval)" if closest < interval - 0.05 else ""
        line += f"; closest two {closest:.1f} s apart{verdict}"
    return line


def tasks_line(app: AppRun) -> str:
    parts = []
    for name, (runs, busy, results) in app.tasks.items():
        idle = f", {results['0']} claimed nothing" if name == "fetch_arxiv_batch" else ""
        parts.append(f"{name} {runs}× {busy:.1f} thread-s{idle}")
    cpu = ""
    if app.worker_cpu is not None and app.wall:
        cpu = f"; worker CPU {app.worker_cpu:.1f} s ({app.worker_cpu / app.wall:.2f} cores)"
    return "; ".join(parts) + cpu


def report(app: AppRun, timings: list[KindTiming], baseline_counts: Counter[str], args) -> None:
    sampled = any(t.measured < t.count for t in timings)
    base_wall = sum(t.estimate() for t in timings)
    base_thumbs = sum(t.scaled(t.thumbnails) for t in timings)
    base_ok = sum(t.scaled(t.ok) for t in timings)
    base_arxiv = next(t for t in timings if t.kind == "arxiv")
    app_arxiv = app.counts.get("arxiv_api", 0)
    total = args.total
    mark = "≈" if sampled else ""

    print(f"{'':<20} {'app':>12} {'baseline':>12}")
    print(f"{'arXiv API requests':<20} {app_arxiv:>12} {mark + str(base_arxiv.count):>12}")
    print(f"{'wall time':<20} {app.wall:>10.1f} s {mark + f'{base_wall:.1f}':>10} s")
    print(f"{'thumbnails':<20} {app.thumbnails:>12} {mark + f'{base_thumbs:.0f}':>12}")
    app_rate = app.thumbnails / app.wall if app.wall else 0.0
    base_rate = base_thumbs / base_wall if base_wall else 0.0
    print(f"{'thumbnails/s':<20} {app_rate:>12.2f} {base_rate:>12.2f}")
    ok = app.statuses.get("ok", 0)
    print(f"{'links ok':<20} {f'{ok}/{total}':>12} {mark + f'{base_ok:.0f}/{total}':>12}")
    speedup = base_wall / app.wall if app.wall else 0.0
    print(f"speed-up  {speedup:.1f}× (baseline wall / app wall)")
    if sampled:
        per_kind = ", ".join(f"{t.kind} {t.measured}/{t.count}" for t in timings)
        print(
            f"NOTE      baseline EXTRAPOLATED from a sample ({per_kind} URLs timed; "
            f"{baseline_counts.get('arxiv_api', 0)} arXiv calls made): ≈ figures are estimates"
        )
    print("per kind  baseline " + ", ".join(f"{t.kind} {t.estimate():.1f} s" for t in timings))
    print(f"arXiv     app calls: {arxiv_calls_line(app.arxiv_calls, args.arxiv_interval)}")
    print(f"paste     {app.save_seconds:.1f} s to save the {total} topics (inside the wall time)")
    print(f"tasks     {tasks_line(app)}")
    if args.mix == "all":
        from apps.links.provider_limits import interval

        intervals = {family: interval(family) for family in _providers.FAMILIES.values()}
        for line in _providers.limit_lines(app.arrivals, intervals):
            print(f"limits    {line}")
        statuses = Counter(app.statuses)
        print(
            f"final     {statuses.get('ok', 0)} ok, {statuses.get('failed', 0)} failed, "
            f"{statuses.get('pending', 0) + statuses.get('fetching', 0)} still waiting"
        )
    print(f"requests  app: {requests_line(app.counts)}")
    print(f"          baseline: {requests_line(baseline_counts)}")
    if not app.complete:
        print(
            "WARNING   the app did not finish every card before the deadline; wall is a lower bound"
        )
    if app.problems:
        print(
            f"worker    {len(app.problems)} error lines in the worker log, "
            f"first: {app.problems[0][:200]}"
        )
    print(
        f"goal arXiv requests ≤ {ARXIV_REQUEST_GOAL}: {yes_no(0 < app_arxiv <= ARXIV_REQUEST_GOAL)}"
    )
    print(f"goal ≥ {SPEEDUP_GOAL:g}× faster: {yes_no(app.complete and speedup >= SPEEDUP_GOAL)}")


def describe(args, web: FakeWeb, vendor: str) -> None:
    from django.db import connection

    if vendor == "postgresql":
        version = connection.cursor().connection.info.server_version
        database = f"PostgreSQL {version // 10000}.{version % 10000}"
    else:
        database = f"SQLite {connection.Database.sqlite_version}"
    broker = (
        f"Redis {urlsplit(args.redis).netloc}{urlsplit(args.redis).path}"
        if args.redis
        else "filesystem broker"
    )
    if args.mix == "all":
        others = ", ".join(f"{n} {name}" for name, n in _providers.MIX.items())
        print(
            f"data      {_providers.MIXED_ARXIV} arXiv, {_providers.MIXED_REPOS} GitHub repos, "
            f"{_providers.MIXED_BLOGS} blogs, {others}; mixed order; seed {args.seed}"
        )
    else:
        print(
            f"data      {ARXIV_PAPERS} arXiv (5 URL forms), {GITHUB_REPOS} GitHub, {BLOG_PAGES} "
            f"blog pages with og:image; pasted as topics in mixed order; seed {args.seed}"
        )
    print(
        f"setup     fakes on {web.base}, +{args.latency * 1000:.0f} ms per request; arXiv interval "
        f"{args.arxiv_interval:g} s; worker --pool threads --concurrency {WORKER_THREADS}; "
        f"{broker}; {database}"
    )


# --------------------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--latency", type=float, default=0.1, help="seconds added to every fake response (0.1)"
    )
    parser.add_argument(
        "--arxiv-interval", type=float, default=3.0,
        help="ARXIV_MIN_INTERVAL for the app and the baseline's pacing (3.0, arXiv's rule)",
    )  # fmt: skip
    parser.add_argument(
        "--redis", nargs="?", const=DEFAULT_REDIS_URL, metavar="URL",
        help=f"use Redis as broker and rate limiter (default {DEFAULT_REDIS_URL}); "
        "else the filesystem broker",
    )  # fmt: skip
    parser.add_argument(
        "--baseline-sample", type=int, default=0, metavar="N",
        help="time only N URLs per kind in the baseline and extrapolate (default: all 200)",
    )  # fmt: skip
    parser.add_argument(
        "--deadline", type=float, default=300, help="seconds to wait for the app's cards (300)"
    )
    parser.add_argument("--seed", type=int, default=20250328, help="seed for the URLs and content")
    parser.add_argument(
        "--mix", choices=["classic", "all"], default="classic",
        help="classic: 100 arXiv, 50 GitHub, 50 blogs; all: every provider (see _providers.py)",
    )  # fmt: skip
    parser.add_argument(
        "--worker-log", type=Path, metavar="FILE", help="keep a copy of the worker's log"
    )
    return add_database_arguments(parser).parse_args()


def _exit_on_sigterm(signum, frame) -> None:
    raise SystemExit(128 + signum)  # so the finally blocks stop the worker and drop the DB


def main() -> None:
    args = parse_args()
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    if args.redis:
        check_redis(args.redis)
    queue = f"bench-links-{uuid.uuid4().hex[:12]}"
    web = FakeWeb(args.latency)
    with web.running(), contextlib.ExitStack() as cleanup:
        configure_environment(web, args, queue)
        if args.redis:
            cleanup.callback(forget_redis_queue, args.redis, queue)
        urls = pasted_urls(args.seed, web.base, args.mix)
        args.total = len(urls)
        with throwaway_database(args, label="bench_links") as vendor:
            from django.conf import settings
            from django.test import override_settings

            if args.redis:
                publish_to_redis(args.redis)
            # The filesystem transport has no host; kombu warns about it on every publish.
            logging.getLogger("kombu.connection").setLevel(logging.ERROR)
            describe(args, web, vendor)
            # DEBUG off: with it on, every query of the topic saves is kept in memory.
            with override_settings(DEBUG=False):
                app = run_app(urls, web, Path(settings.DATA_DIR), args)
                web.reset()
                timings = run_baseline(urls, args.baseline_sample, args.arxiv_interval)
            report(app, timings, Counter(web.counts), args)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        # The context managers have stopped the worker and the servers and dropped the DB.
        sys.exit("interrupted")
