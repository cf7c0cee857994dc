"""The title search: which arXiv paper is a `[論文]` topic that was imported without its URL,
or a library paper whose notes gave only its title?

The old notes export lost every URL, but a paper's title is usually exact enough. Each waiting
search asks arXiv for the title (``resolvers.arxiv_search``), in the same rate-limit slot as
the fetch pipeline, and compares titles after normalising both (``title_key``):

- exactly one paper with the same title: the topic gets its abs URL, the library paper its
  arXiv id (MATCHED);
- otherwise the best few results become suggestions for an organizer (SUGGESTED), or, when
  arXiv returned nothing, the search says so (NOT_FOUND);
- a search that failed is FAILED with the reason, after a few tries for transient errors.

The Celery task and ``manage.py match_papers --now`` run the same functions.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.utils.translation import gettext as _

from apps.core.http.safe_http import FetchError
from apps.links.ratelimit import rate_slot
from apps.links.resolvers.arxiv_search import Candidate, plain_title, search_arxiv, title_queries
from apps.topics.models import Topic

from . import paper_matches
from .identity import title_key
from .models import Paper, PaperMatch

logger = logging.getLogger(__name__)

BATCH = 5  # searches per run: up to two requests 3 s apart each, well inside the time limit
MAX_ATTEMPTS = 3  # tries per search before a transient failure is shown as FAILED
MAX_SUGGESTIONS = 5

NO_ENGLISH_TITLE = "no_english_title"
_WORD = re.compile(r"\w+")


class SearchInterrupted(Exception):
    """arXiv cannot be reached for now: the batch stops and is retried later, with backoff."""


@dataclass(frozen=True)
class Outcome:
    exact: Candidate | None = None
    suggestions: list[Candidate] = field(default_factory=list)


def decide(title: str, candidates: list[Candidate]) -> Outcome:
    """An exact match to exactly one paper, or suggestions, the likeliest first.

    Likeliest: same title (namesakes), then the most of the member's words (members shorten
    titles: "Reflective Memory Management for Long-term Dialogue Agents" is the paper
    "In Prospect and Retrospect: Reflective Memory Management for Long-term Personalized
    Dialogue Agents"), then the fewest words besides; ties keep arXiv's relevance order.
    """
    key = title_key(title)
    exact = [c for c in candidates if key and title_key(c.title) == key]
    if len(exact) == 1:
        return Outcome(exact=exact[0])
    mine = _words(title)

    def rank(candidate: Candidate) -> tuple[bool, float, float]:
        theirs = _words(candidate.title)
        shared = len(mine & theirs)
        return (
            title_key(candidate.title) != key,
            -shared / max(len(mine), 1),
            -shared / max(len(theirs), 1),
        )

    return Outcome(suggestions=sorted(candidates, key=rank)[:MAX_SUGGESTIONS])


def _words(title: str) -> set[str]:
    return set(_WORD.findall(unicodedata.normalize("NFKC", plain_title(title).casefold())))


def search_pending(*, limit: int = BATCH) -> int:
    """Run up to `limit` waiting searches, one arXiv request (or two) each; how many ran.

    Raises SearchInterrupted when arXiv is unreachable; the searches not done are back in
    the queue then.
    """
    waiting = PaperMatch.objects.filter(status=PaperMatch.Status.PENDING).order_by("pk")
    matches = paper_matches.paper_match_claim(
        match_ids=list(waiting.values_list("pk", flat=True)[:limit])
    )
    for index, match in enumerate(matches):
        try:
            search_one(match)
        except paper_matches.NotActionable:
            logger.info("paper match %s was settled by another run", match.pk)
        except BaseException:
            # arXiv unreachable, or the task's time limit: what did not run waits for the next run.
            for rest in matches[index:]:
                paper_matches.paper_match_release(match=rest)
            raise
    return len(matches)


def _title_to_search(match: PaperMatch) -> str | None:
    """The topic's or the paper's title as it is now; None when there is nothing to search."""
    if (paper_id := match.paper_id) is not None:
        paper = Paper.objects.filter(pk=paper_id).first()
        if paper is None or paper.scheme != "title":
            return None  # it got an id by another way meanwhile
        return paper.title
    topic = Topic.objects.filter(pk=match.topic_id or 0).first()
    if topic is None or topic.url or topic.deleted_at is not None or topic.kind != Topic.Kind.PAPER:
        return None
    return topic.title


def search_one(match: PaperMatch) -> PaperMatch:
    """Search one claimed match and record the outcome."""
    title = _title_to_search(match)
    if title is None:
        return paper_matches.paper_match_supersede(match=match)
    queries = title_queries(title)
    if not queries:
        return paper_matches.paper_match_suggest(
            match=match,
            title=title,
            suggestions=[],
            reason=NO_ENGLISH_TITLE,
            message=_("英語のタイトルがないため、arXivでは検索していません。"),
        )
    try:
        candidates = _search(queries)
    except (FetchError, TimeoutError) as exc:
        transient = isinstance(exc, TimeoutError) or exc.transient
        if transient and match.attempts < MAX_ATTEMPTS:
            paper_matches.paper_match_release(match=match)
            raise SearchInterrupted(str(exc)) from exc
        if isinstance(exc, TimeoutError):
            return paper_matches.paper_match_fail(
                match=match,
                reason="timeout",
                message=_("arXivへの問い合わせの順番が回ってきませんでした。"),
            )
        return paper_matches.paper_match_fail(match=match, reason=exc.reason, message=exc.message)
    except SoftTimeLimitExceeded:
        raise
    except Exception:
        # A parser bug must cost one search, not the batch: record it and tell the organizers.
        logger.exception("unexpected failure searching paper match %s", match.pk)
        return paper_matches.paper_match_fail(
            match=match, reason="unexpected", message=_("予期しないエラーで検索できませんでした。")
        )
    outcome = decide(title, candidates)
    if outcome.exact is not None:
        return paper_matches.paper_match_attach(match=match, arxiv_id=outcome.exact.arxiv_id)
    return paper_matches.paper_match_suggest(
        match=match, title=title, suggestions=[c.as_dict() for c in outcome.suggestions]
    )


def _search(queries: list[str]) -> list[Candidate]:
    """The first query that finds anything wins: the phrase, then the title's words."""
    for query in queries:
        # The slot is shared with the link fetches: arXiv asks for one request per 3 s in all.
        with rate_slot("arxiv", settings.ARXIV_MIN_INTERVAL):
            candidates = search_arxiv(query)
        if candidates:
            return candidates
    return []
