"""`manage.py fetch_link URL [--json]`: fetch one URL the way the workers do, and show the card."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from apps.links import fetching, services
from apps.links.models import Link


class Command(BaseCommand):
    help = "Fetch a URL's metadata synchronously through the app's safe client and print the card."

    def add_arguments(self, parser):
        parser.add_argument("url")
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="Print the card as JSON."
        )

    def handle(self, *args, url: str, as_json: bool = False, **options):
        link = services.link_for_pasted_url(url)
        if link is None:
            raise CommandError("Not an http(s) URL that can be fetched.")
        if link.status != Link.Status.PENDING:
            services.link_mark_pending(link=link)
        try:
            if link.kind == Link.Kind.ARXIV:
                fetching.fetch_arxiv_pending()
            else:
                # The link may merge into an earlier one of the same page: show that one.
                link = fetching.fetch_one(services.link_claim(link_ids=[link.pk])[0])
        except fetching.LinkFailed as failure:
            link = services.link_mark_failed(
                link=link, reason=failure.reason, message=failure.message
            )
        link.refresh_from_db()
        if link.status == Link.Status.OK:
            fetching.store_thumbnail(link)
            link.refresh_from_db()
        self._print(link, as_json=as_json)

    def _print(self, link: Link, *, as_json: bool) -> None:
        card = {
            "url": link.canonical_url,
            "card_url": link.card_url,
            "kind": link.kind,
            "status": link.status,
            "failure": {"reason": link.failure_reason, "message": link.failure_message}
            if link.failure_reason
            else None,
            "title": link.title,
            "site_name": link.site_name,
            "description": link.description,
            "authors": link.authors,
            "published": link.published,
            "image_url": link.image_url,
            "thumbnail": link.thumbnail.name or None,
            "suggested_kind": link.suggested_kind,
            "extra": link.extra,
        }
        if as_json:
            self.stdout.write(json.dumps(card, ensure_ascii=False, indent=2))
            return
        for key, value in card.items():
            if value not in ("", None, [], {}):
                self.stdout.write(f"{key:>14}: {value}")
