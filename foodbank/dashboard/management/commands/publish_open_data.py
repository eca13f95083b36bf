from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from donors.selectors import first_of_next_month
from foodbank.accounts.models import User
from foodbank.dashboard.open_data.selectors import stuck_without_impact
from foodbank.dashboard.open_data.services import publish_due_months, revise_month


def _month(value: str) -> date:
    return date.fromisoformat(f"{value}-01")


class Command(BaseCommand):
    help = (
        "Publish the months of open data that are due, as the hourly task does. With "
        "--revise YYYY-MM --reason TEXT --by ADMIN, publish that month again with today's "
        "figures (anyone who kept the old figures can tell what changed in between)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--revise", type=_month, metavar="YYYY-MM")
        parser.add_argument("--reason", default="")
        parser.add_argument("--by", metavar="USERNAME", help="the administrator revising")

    def handle(self, *args, **options) -> None:
        if options["revise"] is None:
            if options["reason"] or options["by"]:
                raise CommandError("--reason and --by go with --revise.")
            months = publish_due_months()
            published = ", ".join(f"{month:%Y-%m}" for month in months) or "nothing"
            self.stdout.write(f"Published {published}.")
            return
        by = User.objects.filter(username=options["by"]).first() if options["by"] else None
        if by is None:
            raise CommandError("--by must name the administrator revising the month.")
        try:
            revision = revise_month(month=options["revise"], reason=options["reason"], by=by)
        except (ValidationError, PermissionDenied) as error:
            messages = error.messages if isinstance(error, ValidationError) else [str(error)]
            raise CommandError(" ".join(messages)) from error
        self.stdout.write(f"Published {revision.publication} again.")
        month = revision.publication.month
        stuck = stuck_without_impact(since=month, before=first_of_next_month(month))
        if stuck:
            dropoffs = ", ".join(f"#{pk}" for pk in stuck)
            self.stdout.write(f"Left out, waiting for a methodology in force: {dropoffs}.")
