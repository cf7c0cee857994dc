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

    def in_tab(self, status: str) -> PaperMatchQuerySet:
        """One tab of the organizers' page: open searches, or what was decided (any topic)."""
        if status in PaperMatch.DECIDED:
            return self.filter(status=status).order_by("-resolved_at", "-pk")
        if status == PaperMatch.Status.PENDING:
            return self.open().waiting().order_by("pk")
        return self.open().filter(status=status).order_by("-topic__block__meeting__date", "pk")

    def counts(self) -> dict[str, int]:
        """How many per tab, in one query: the page's tabs and the import page's summary."""
        visible = models.Q(status__in=PaperMatch.DECIDED) | models.Q(
            topic__url="", topic__deleted_at__isnull=True
        )
        rows = self.filter(visible).order_by().values("status").annotate(n=models.Count("pk"))
        found = {row["status"]: row["n"] for row in rows}
        return {status: found.get(status, 0) for status in PaperMatch.Status.values}


class PaperMatch(models.Model):
    """Which arXiv paper a `[論文]` topic imported without its URL is: searched by title.

    The old notes export lost every URL. An exact title match attaches the paper by itself;
    anything less leaves suggestions for an organizer to confirm or dismiss.
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

    topic = models.OneToOneField(
        "topics.Topic", on_delete=models.CASCADE, related_name="paper_match"
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

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    @property
    def needs_review(self) -> bool:
        return self.status in self.NEEDS_REVIEW

    @property
    def arxiv_url(self) -> str:
        return f"https://arxiv.org/abs/{self.arxiv_id}" if self.arxiv_id else ""
