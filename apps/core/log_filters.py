"""Logging filters."""

from __future__ import annotations

import logging
import re

# "GET /feeds/topics.atom?token=… HTTP/1.1": everything from "?" to the next space.
_QUERY = re.compile(r"\?[^\s\"]*")


class WithoutQueryString(logging.Filter):
    """Drops query strings from access-log lines: feed URLs carry a member's secret token."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                _QUERY.sub("", arg) if isinstance(arg, str) else arg for arg in record.args
            )
        elif isinstance(record.msg, str) and not record.args:
            record.msg = _QUERY.sub("", record.msg)
        return True
