"""Every link the board already holds that names a paper gets its Paper, with the card's data.

The key comes from apps.papers.identity, the same rules a new paste uses; the mapping of a URL
to a paper's key is stable, so running this against a later version of that module is safe.
"""

import datetime as dt

from django.db import migrations


def _date(value):
    try:
        return dt.date.fromisoformat((value or "")[:10])
    except ValueError:
        return None


def attach(apps, schema_editor):
    from apps.papers.identity import paper_key_from_url, title_key

    Link = apps.get_model("links", "Link")
    Paper = apps.get_model("papers", "Paper")
    PaperLink = apps.get_model("papers", "PaperLink")
    for link in Link.objects.filter(paper_link__isnull=True).iterator():
        key = paper_key_from_url(link.canonical_url)
        if key is None:
            continue
        extra = link.extra or {}
        paper, _ = Paper.objects.get_or_create(
            key=str(key),
            defaults={
                "title": (link.title or "")[:500],
                "title_key": title_key(link.title or "")[:500],
                "authors": list(link.authors or []),
                "abstract": extra.get("abstract") or link.description or "",
                "published": _date(link.published),
                "categories": list(extra.get("categories") or []),
            },
        )
        PaperLink.objects.get_or_create(link=link, defaults={"paper": paper})


class Migration(migrations.Migration):
    dependencies = [
        ("papers", "0002_library"),
        ("links", "0003_topiclink_and_papermatch_move_out"),
    ]

    operations = [migrations.RunPython(attach, migrations.RunPython.noop)]
