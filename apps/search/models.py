"""The search index: one row per thing a search can land on.

A topic, a remark, and each section of a deep dive are separate entries, so a hit links to the
exact place on the meeting page (`#topic-12`, `#remark-40`, `#h-2-提案手法`). Each entry keeps
its text as written (for snippets) and its tokens (apps.core.tokenizer) in four field classes
that rank differently: title > link metadata > notes/body > meta (people, meeting date/title).

The rows are derived data: apps.search.indexing writes them, `rebuild_search_index` recreates
them. The token columns are tsvectors with GIN indexes on PostgreSQL and text read by an FTS5
table (kept in sync by triggers) on SQLite; see migrations/0002, 0003 and apps/search/backends/.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TokensField(models.TextField):
    """A field's tokens (apps.core.tokenizer), as each database's full-text index wants them.

    SQLite stores the space-separated tokens as text; its FTS5 table reads them from here.
    PostgreSQL stores `to_tsvector('simple', tokens)` instead, computed as the row is written,
    and keeps no copy of the text: the GIN indexes are built on these columns.
    """

    def db_type(self, connection):
        return "tsvector" if connection.vendor == "postgresql" else super().db_type(connection)

    def get_placeholder(self, value, compiler, connection):
        if connection.vendor == "postgresql":
            from .backends.postgres import to_tsvector

            return to_tsvector(self.column)
        return "%s"


class SearchEntryQuerySet(models.QuerySet["SearchEntry"]):
    def shown(self) -> SearchEntryQuerySet:
        """Entries as a hit shows them: what the page and the snippet read, with the presenter's
        name (not the token columns, which the database would turn back into text)."""
        return self.select_related("presenter").only(
            "source", "kind", "meeting_date", "anchor", "context", "url",
            "title", "links", "body", "presenter__handle", "presenter__display_name",
        )  # fmt: skip


class SearchEntry(models.Model):
    class Source(models.TextChoices):
        TOPIC = "topic", _("トピック")
        REMARK = "remark", _("コメント")
        DEEP_DIVE = "deepdive", _("メインTOPIC")
        LIBRARY = "library", _("ライブラリ")

    source = models.CharField(max_length=10, choices=Source.choices)
    # None for a library note: it belongs to a paper, not to a meeting.
    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # Remark entries also carry their topic or deep dive, so re-indexing a topic (or deleting
    # it) takes its remarks along in one statement.
    topic = models.ForeignKey(
        "topics.Topic", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    remark = models.ForeignKey(
        "topics.Remark", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    deep_dive = models.ForeignKey(
        "deepdives.DeepDive", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    library_note = models.ForeignKey(
        "papers.LibraryNote", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # The paper a library note is on: what `tag:` filters (the paper's tags).
    paper = models.ForeignKey(
        "papers.Paper", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # The presenter of a topic or deep dive, the author of a remark: what `by:` filters.
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    # Topic kind; a remark takes its topic's kind, a deep dive is a paper.
    kind = models.CharField(max_length=10)
    meeting_date = models.DateField()  # a library note's date, for order and the year facet
    year = models.PositiveSmallIntegerField()  # the year facet, without a date function per row
    anchor = models.CharField(max_length=300)  # element id on the meeting page
    context = models.CharField(max_length=300, blank=True)  # the topic a remark is on, etc.
    position = models.PositiveIntegerField(default=0)  # section order inside a deep dive
    url = models.URLField(max_length=2000, blank=True)
    url_key = models.CharField(max_length=500, blank=True)  # apps.search.urlkeys.url_key(url)

    title = models.TextField(blank=True)
    links = models.TextField(blank=True)  # link metadata (paper title, abstract, site, repo …)
    body = models.TextField(blank=True)
    meta = models.TextField(blank=True)  # presenter name and handle, meeting date and title

    title_tokens = TokensField(blank=True)
    links_tokens = TokensField(blank=True)
    body_tokens = TokensField(blank=True)
    meta_tokens = TokensField(blank=True)
    # Lookup tokens (apps.core.tokenizer.lookup_tokens): the distinct CJK characters of all
    # four fields, so a one-character query (`学`) is an exact lookup instead of a prefix search
    # over every bigram that starts with it, and the script joins (`LLMの` → `llmの`), which
    # narrow down where a mixed phrase can occur. Never matched as phrases: PostgreSQL keeps no
    # positions for them (apps.search.backends.postgres.STRIPPED).
    chars = TokensField(blank=True)

    indexed_at = models.DateTimeField(auto_now=True)

    objects = SearchEntryQuerySet.as_manager()

    class Meta:
        db_table = "search_entry"
        verbose_name = _("検索インデックス")
        verbose_name_plural = _("検索インデックス")
        indexes = [
            models.Index(fields=["-meeting_date", "-id"], name="search_entry_recent"),
            models.Index(fields=["url_key"], name="search_entry_url_key"),
            # `kind:` and `in:` narrow the full-text matches before any row is read.
            models.Index(fields=["kind"], name="search_entry_kind"),
            models.Index(fields=["source"], name="search_entry_source"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_date} {self.source} {self.title or self.context}"[:120]

    @property
    def kind_label(self) -> str:
        from apps.topics.models import Topic

        return str(dict(Topic.Kind.choices).get(self.kind, self.kind))

    @property
    def meeting_url(self) -> str:
        """The meeting page; for a library note, its paper's page."""
        from django.urls import reverse

        if self.source == self.Source.LIBRARY:
            return reverse("papers:detail", kwargs={"paper_id": self.paper_id})
        return reverse("meetings:detail", kwargs={"date": self.meeting_date})

    @property
    def hit_url(self) -> str:
        """The meeting page, scrolled to the topic, remark or deep-dive section (or the note)."""
        return f"{self.meeting_url}#{self.anchor}"


class PendingIndex(models.Model):
    """An index update owed to a change: the index's outbox.

    Written in the writer's own transaction, so it exists exactly when the change does, and
    deleted once the update has run after the commit. A row left behind (the connection was
    lost between the commit and the on-commit work, or the indexer failed) is done by the
    beat sweep, apps.search.tasks.sweep_pending_index: the index converges without a rebuild.
    """

    subject = models.CharField(max_length=20)  # apps.search.indexing.SUBJECTS
    object_id = models.BigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "search_pending_index"
        verbose_name = _("検索インデックスの未反映分")
        verbose_name_plural = _("検索インデックスの未反映分")
        indexes = [models.Index(fields=["created_at"], name="search_pending_created")]

    def __str__(self) -> str:
        return f"{self.subject} {self.object_id}"
