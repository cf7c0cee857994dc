"""Import reports for people: the upload page and `manage.py import_notes` say the same words."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

STATUS = {
    "created": _("作成しました"),
    "updated": _("更新しました"),
    "unchanged": _("変更はありません"),
    "refused": _("取り込めません"),
    "failed": _("失敗しました"),
}
STATUS_DRY_RUN = {
    "created": _("作成されます"),
    "updated": _("更新されます"),
    "unchanged": _("変更はありません"),
    "refused": _("取り込めません"),
    "failed": _("失敗しました"),
}
# Unchanged rows are counted in the status, not listed.
ACTION = {
    "created": _("作成"),
    "updated": _("更新"),
    "kept": _("ファイルにないため残します"),
    "skipped": _("ボードで削除済みのため取り込みません"),
}
WHAT = {
    "meeting": _("勉強会"),
    "member": _("メンバー"),
    "topic": _("トピック"),
    "remark": _("コメント"),
    "deep_dive": _("メインTOPIC"),
}
LEVEL = {"error": _("エラー"), "warning": _("注意"), "info": _("情報")}
_SIGN = {"created": "+", "updated": "~", "kept": "·", "skipped": "-"}


def present(file: dict[str, Any]) -> dict[str, Any]:
    """A FileReport.as_dict() with the words to show, for templates."""
    counts = Counter((c["action"], c["what"]) for c in file["changes"])
    meeting_url = ""
    if file["meeting_date"] and not file["dry_run"] and file["status"] not in {"refused", "failed"}:
        date = dt.date.fromisoformat(file["meeting_date"])
        meeting_url = reverse("meetings:detail", kwargs={"date": date})
    return {
        **file,
        "meeting_url": meeting_url,
        "status_label": (STATUS_DRY_RUN if file["dry_run"] else STATUS)[file["status"]],
        "summary": [
            f"{WHAT[what]} {ACTION[action]} {counts[action, what]}"
            for what in WHAT
            for action in ("created", "updated")
            if counts[action, what]
        ],
        "problems": [{**p, "level_label": LEVEL[p["level"]]} for p in file["problems"]],
        "changes": [
            {**c, "action_label": ACTION[c["action"]], "what_label": WHAT[c["what"]]}
            for c in file["changes"]
            if c["action"] != "unchanged"
        ],
    }


def as_text(file: dict[str, Any]) -> str:
    """The same report as lines of text, for the command line."""
    shown = present(file)
    where = f" {file['meeting']}" if file["meeting"] else ""
    details = ", ".join(x for x in (file["encoding"], file["variant"]) if x)
    lines = [
        f"{file['name']}:{where} — {shown['status_label']}" + (f" ({details})" if details else "")
    ]
    for change in shown["changes"]:
        line = f" ({change['line']}行目)" if change["line"] else ""
        fields = f" [{', '.join(change['fields'])}]" if change["fields"] else ""
        lines.append(
            f"  {_SIGN[change['action']]} {change['what_label']} {change['label']}{fields}{line}"
        )
    for problem in shown["problems"]:
        line = f"{problem['line']}行目: " if problem["line"] else ""
        lines.append(f"  {problem['level_label']}: {line}{problem['message']}")
    return "\n".join(lines)
