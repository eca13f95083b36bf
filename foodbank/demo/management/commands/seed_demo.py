from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from foodbank.dashboard.open_data.services import publish_due_months
from foodbank.demo.services import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Load the bundled districts and create the demo accounts (only where DEBUG is on)."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo accounts have a published password: refused with DEBUG off.")
        call_command("load_districts", stdout=self.stdout, stderr=self.stderr)
        seeded = seed_demo()
        self.stdout.write(f"\nDemo accounts (password for all: {DEMO_PASSWORD})")
        for account, created in seeded:
            where = f"district {account.district_code}" if account.district_code else "city-wide"
            note = "new" if created else "kept"
            role = str(account.role.label)
            self.stdout.write(f"  {account.username:<22} {role:<16} {where:<14} {note}")
        # The demo runs no schedule; the drop-offs' impact was computed as the seed committed.
        published = publish_due_months()
        if published:
            months = ", ".join(f"{month:%Y-%m}" for month in published)
            self.stdout.write(f"\nOpen data published for {months}")
