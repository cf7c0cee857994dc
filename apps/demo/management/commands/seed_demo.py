from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from apps.accounts.models import User
from apps.demo.seed import DEMO_PASSWORD, MEMBERS, create_demo_data
from apps.meetings.selectors import today


class Command(BaseCommand):
    help = "Create demo members and meetings (three past meetings and the next one)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when the database already has members (safe on every start).",
        )

    def handle(self, *args, if_empty: bool = False, **options):
        if User.objects.exists():
            if if_empty:
                self.stdout.write("Members exist already; no demo data added.")
                return
            self.stderr.write("The database is not empty; demo data is only for a fresh board.")
            return
        meetings = create_demo_data(today=today(), weekday=settings.MEETING_WEEKDAY)
        self.stdout.write(self.style.SUCCESS(f"Demo data: {len(meetings)} meetings created."))
        print_demo_logins(self.stdout)


def print_demo_logins(out) -> None:
    out.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for member in MEMBERS:
        role = "organizer" if member.is_organizer else "member"
        out.write(f"  {member.handle:<6} {member.display_name} ({role})")
