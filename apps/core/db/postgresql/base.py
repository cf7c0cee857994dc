"""PostgreSQL, noting each commit's outcome (apps.core.db.commits)."""

from __future__ import annotations

from django.db.backends.postgresql import base

from apps.core.db.commits import TrackCommits


class DatabaseWrapper(TrackCommits, base.DatabaseWrapper):
    pass
