"""Papers: which scholarly work a topic is about, matched by title when its URL was lost."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PaperMatchQuerySet(models.QuerySet["PaperMatch"]):
    def open(self) -> PaperMatchQuerySet:
        """About a topic that is live and still has no URL (a member may have added one since)."""
        return self.filter(topic__url="", topic__deleted_at__isnull=True)

    def waiting(self) -> PaperMatchQuerySet:
        return self.filter(status__in=[PaperMatch.Status.PENDING, PaperMatch.Status.SEARCHING])

    def for_review(self) -> PaperMatchQuerySet:
        """What a row of the organizers' page shows: the topic, its meeting and presenter."""
        return self.select_related(
            "topic__block__meeting", "topic__block__presenter", "resolved_by"
        )

    def of_topics(self) -> PaperMatchQuerySet:
        """The organizers' page lists topics; a library paper's search is on its own page."""
        return self.filter(topic__isnull=False)

    def in_tab(self, status: str) -> PaperMatchQuerySet:
        """One tab of the organizers' page: open searches, or what was decided (any topic)."""
        if status in PaperMatch.DECIDED:
            return self.of_topics().filter(status=status).order_by("-resolved_at", "-pk")
        if status == PaperMatch.Status.PENDING:
            return self.open().waiting().order_by("pk")
        return self.open().filter(status=status).order_by("-topic__block__meeting__date", "pk")

    def counts(self) -> dict[str, int]:
        """How many per tab, in one query: the page's tabs and the import page's summary."""
        visible = models.Q(status__in=PaperMatch.DECIDED) | models.Q(
            topic__url="", topic__deleted_at__isnull=True
        )
        rows = (
            self.of_topics()
            .filter(visible)
            .order_by()
            .values("status")
            .annotate(n=models.Count("pk"))
        )
        found = {row["status"]: row["n"] for row in rows}
        return {status: found.get(status, 0) for status in PaperMatch.Status.values}


class PaperMatch(models.Model):
    """Which arXiv paper a `[論文]` topic imported without its URL is, or a library paper
    known only by its title (``title:…``): searched by title.

    The old notes export lost every URL, and members' collections often give only a title. An
    exact title match attaches the paper by itself; anything less leaves suggestions for an
    organizer to confirm or dismiss (on /notes/papers/ for a topic, on the paper's page for a
    library paper).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("検索待ち")
        SEARCHING = "searching", _("検索中")
        SUGGESTED = "suggested", _("確認待ち")
        NOT_FOUND = "not_found", _("見つからず")
        FAILED = "failed", _("検索失敗")
        MATCHED = "matched", _("自動で一致")
        CONFIRMED = "confirmed", _("確認済み")
        DISMISSED = "dismissed", _("該当なし")
        SUPERSEDED = (
            "superseded",
            _("対象外"),
        )  # the topic got a URL, was deleted or is no paper now

    # One of the two: a topic, or a library paper (the topic's search came first, the field
    # stays; a paper merged away leaves its decided search without either).
    topic = models.OneToOneField(
        "topics.Topic",
        on_delete=models.CASCADE,
        related_name="paper_match",
        null=True,
        blank=True,
    )
    paper = models.OneToOneField(
        "papers.Paper",
        on_delete=models.CASCADE,
        related_name="paper_match",
        null=True,
        blank=True,
    )
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    # The title as searched: the topic's may be edited later, which calls for a new search.
    title = models.CharField(max_length=300, blank=True)
    # Up to five {"arxiv_id", "title", "authors", "more_authors", "year"}, best first.
    suggestions = models.JSONField(default=list, blank=True)
    arxiv_id = models.CharField(
        max_length=40, blank=True
    )  # the paper attached, automatically or not
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    # Why the search ended as it did, for organizers: a failure, or a title with no English.
    reason = models.CharField(max_length=40, blank=True)
    message = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    searched_at = models.DateTimeField(null=True, blank=True)
    # Set while a worker has the search, so that a sweep does not hand it out twice.
    claimed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # An organizer can act on these; DECIDED ones are a record (the topic has its URL, or none
    # fits).
    NEEDS_REVIEW = (Status.SUGGESTED, Status.NOT_FOUND, Status.FAILED)
    DECIDED = (Status.MATCHED, Status.CONFIRMED, Status.DISMISSED)

    objects = PaperMatchQuerySet.as_manager()

    class Meta:
        db_table = "links_papermatch"  # created by the links app, which held it before
        verbose_name = _("論文の照合")
        verbose_name_plural = _("論文の照合")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(topic__isnull=True) | models.Q(paper__isnull=True),
                name="paper_match_of_topic_or_paper",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    @property
    def needs_review(self) -> bool:
        return self.status in self.NEEDS_REVIEW

    @property
    def arxiv_url(self) -> str:
        return f"https://arxiv.org/abs/{self.arxiv_id}" if self.arxiv_id else ""


class PaperQuerySet(models.QuerySet["Paper"]):
    def with_counts(self) -> PaperQuerySet:
        """What a library row shows: how often the group met the paper, and its notes."""
        return self.annotate(
            note_count=models.Count("notes", distinct=True),
            # Deleted topics are no encounter; extra links count on the paper page only.
            encounter_count=models.Count(
                "links__link__topics",
                filter=models.Q(links__link__topics__deleted_at__isnull=True),
                distinct=True,
            )
            + models.Count("links__link__deep_dives", distinct=True),
            last_noted=models.Max("notes__noted_on"),
        )


class Paper(models.Model):
    """One scholarly work, however the group met it: a topic's source, a main topic's paper,
    an extra link, or a note in a member's collection.

    `key` names the work (apps.papers.identity): ``arxiv:2503.08026``, ``doi:…``,
    ``openreview:…``, ``acl:…``, or ``title:…`` until an id is known.
    """

    key = models.CharField(max_length=320, unique=True)
    title = models.CharField(_("タイトル"), max_length=500, blank=True)
    # apps.papers.identity.title_key(title): a note that names the paper only by its title
    # finds it here, whatever key the paper has.
    title_key = models.CharField(max_length=500, blank=True, db_index=True, editable=False)
    authors = models.JSONField(default=list, blank=True)
    more_authors = models.BooleanField(default=False)  # "Hao Peng+": the list is not complete
    abstract = models.TextField(blank=True)
    venue = models.CharField(max_length=200, blank=True)
    published = models.DateField(null=True, blank=True)
    categories = models.JSONField(default=list, blank=True)  # arXiv codes, primary first
    tags = models.ManyToManyField("papers.Tag", related_name="papers", blank=True)
    # Precomputed in the worker (apps.papers.related): [{"id", "score", "reasons"}], best first.
    related = models.JSONField(default=list, blank=True, editable=False)
    related_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PaperQuerySet.as_manager()

    class Meta:
        verbose_name = _("論文")
        verbose_name_plural = _("論文")
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return self.title or self.key

    def save(self, *args, **kwargs) -> None:
        from .identity import title_key

        # Derived from the title on every save; `update_fields` callers that change the
        # title include it (services.py does), so the two never disagree.
        self.title_key = title_key(self.title)[:500]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "title" in update_fields:
            kwargs["update_fields"] = {*update_fields, "title_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("papers:detail", kwargs={"paper_id": self.pk})

    @property
    def scheme(self) -> str:
        return self.key.split(":", 1)[0]

    @property
    def identifier(self) -> str:
        return self.key.split(":", 1)[1] if ":" in self.key else self.key


class PaperLink(models.Model):
    """A link (one canonical URL) that is this paper: its abs page, its DOI page…

    Topics, main topics and extra links reach their paper through their link.
    """

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="links")
    link = models.OneToOneField("links.Link", on_delete=models.CASCADE, related_name="paper_link")

    class Meta:
        verbose_name = _("論文のリンク")
        verbose_name_plural = _("論文のリンク")

    def __str__(self) -> str:
        return f"{self.paper.key} {self.link.canonical_url}"


class Tag(models.Model):
    """A free tag from the notes collections (`#RLVR`), normalized: one row per slug."""

    slug = models.CharField(max_length=500, unique=True)
    label = models.CharField(_("タグ"), max_length=100)

    class Meta:
        verbose_name = _("タグ")
        verbose_name_plural = _("タグ")
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


class LibraryNote(models.Model):
    """A member's note on a paper: imported from their collection, or written on the board."""

    class Source(models.TextChoices):
        SUMMARIES = "summaries", _("論文サマリー")
        TAGGED_NOTES = "tagged_notes", _("論文ノート")
        DIGEST = "digest", _("週間ダイジェスト")
        BOARD = "board", _("ボードで追加")

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="library_notes"
    )
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.BOARD)
    # Which entry of which collection this note came from: a re-import finds it again.
    source_key = models.CharField(max_length=200, blank=True)
    noted_on = models.DateField(_("日付"), null=True, blank=True)
    summary = models.TextField(_("要約"), blank=True)
    comment = models.TextField(_("コメント"), blank=True)
    # [{"number", "heading", "body"}] and [{"question", "answer"}], as structure, not one blob.
    sections = models.JSONField(default=list, blank=True)
    qa = models.JSONField(default=list, blank=True)
    # Other papers the note points to (a quoted note, `・1466`): [{"title", "note_number"}].
    mentions = models.JSONField(default=list, blank=True)
    body_html = models.TextField(editable=False, blank=True)  # summary, sections and comment
    tags = models.ManyToManyField(Tag, related_name="notes", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("論文ノート")
        verbose_name_plural = _("論文ノート")
        ordering = ["-noted_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "source", "source_key"],
                condition=~models.Q(source_key=""),
                name="one_note_per_collection_entry",
            )
        ]

    def __str__(self) -> str:
        return f"{self.paper} ({self.author})"


class QueueEntryQuerySet(models.QuerySet["QueueEntry"]):
    def open(self) -> QueueEntryQuerySet:
        return self.filter(status=QueueEntry.Status.OPEN)

    def ranked(self) -> QueueEntryQuerySet:
        """The queue's order: most wanted first, then the one waiting longest."""
        return self.order_by("-vote_count", "created_at", "pk")


class QueueEntry(models.Model):
    """Something members want to hear at a meeting: a paper, a request in words, or a past
    topic again in depth (もう一度詳しく). Votes count from the moment it was proposed."""

    class Kind(models.TextChoices):
        PAPER = "paper", _("論文")
        REQUEST = "request", _("リクエスト")
        AGAIN = "again", _("もう一度詳しく")

    class Status(models.TextChoices):
        OPEN = "open", _("聞きたい")
        CLAIMED = "claimed", _("発表予定")
        WITHDRAWN = "withdrawn", _("取り下げ")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    paper = models.ForeignKey(
        Paper, on_delete=models.CASCADE, null=True, blank=True, related_name="queue_entries"
    )
    # AGAIN: the past topic to hear again; its paper (if any) is in `paper` too.
    topic = models.ForeignKey(
        "topics.Topic",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="queue_entries",
    )
    text = models.CharField(_("リクエスト"), max_length=300, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="queue_entries"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="claimed_queue_entries",
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    # How many votes it has: kept by apps.papers.queue with each vote, so that the queue is
    # read in its order from an index instead of counting every vote on every page.
    vote_count = models.PositiveIntegerField(default=0, editable=False)
    # The topic the claim created on the next open meeting.
    claimed_topic = models.ForeignKey(
        "topics.Topic", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = QueueEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("聞きたいリスト")
        verbose_name_plural = _("聞きたいリスト")
        ordering = ["-created_at", "pk"]
        constraints = [
            # A paper or a past topic waits in the queue once; claimed ones may come back.
            models.UniqueConstraint(
                fields=["paper"],
                condition=models.Q(status="open", kind="paper"),
                name="one_open_entry_per_paper",
            ),
            models.UniqueConstraint(
                fields=["topic"],
                condition=models.Q(status="open", kind="again"),
                name="one_open_entry_per_past_topic",
            ),
        ]
        indexes = [
            models.Index(
                fields=["status", "-vote_count", "created_at"], name="queue_by_votes_and_age"
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def anchor(self) -> str:
        """The id of the entry's row on the queue page."""
        return f"entry-{self.pk}"

    @property
    def label(self) -> str:
        if self.kind == self.Kind.REQUEST:
            return self.text
        if self.kind == self.Kind.AGAIN and self.topic_id:
            return self.topic.display_title if self.topic else ""
        return (self.paper.title or self.paper.key) if self.paper else self.text


class Vote(models.Model):
    """One member's 聞きたい: on a queue entry, or on a topic proposed for an upcoming board."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="votes"
    )
    entry = models.ForeignKey(
        QueueEntry, on_delete=models.CASCADE, null=True, blank=True, related_name="votes"
    )
    topic = models.ForeignKey(
        "topics.Topic", on_delete=models.CASCADE, null=True, blank=True, related_name="votes"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("聞きたい")
        verbose_name_plural = _("聞きたい")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(entry__isnull=False, topic__isnull=True)
                    | models.Q(entry__isnull=True, topic__isnull=False)
                ),
                name="vote_on_entry_or_topic",
            ),
            models.UniqueConstraint(fields=["member", "entry"], name="one_vote_per_entry"),
            models.UniqueConstraint(fields=["member", "topic"], name="one_vote_per_topic"),
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.entry_id or self.topic_id}"
