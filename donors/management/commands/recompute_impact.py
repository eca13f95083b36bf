from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser

from donors.models import Methodology
from donors.services.impact import recompute_impact
from foodbank.accounts.models import User
from foodbank.districts.models import District


class Command(BaseCommand):
    help = (
        "Recompute the impact of processed drop-offs with a chosen methodology, and record "
        "that it was done. METHODOLOGY is its label, e.g. 'BKK 2024 v2'."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--methodology", required=True, metavar="LABEL")
        parser.add_argument("--from", dest="date_from", type=date.fromisoformat)
        parser.add_argument("--to", dest="date_to", type=date.fromisoformat)
        parser.add_argument("--district", metavar="CODE")
        parser.add_argument("--reason", default="")
        parser.add_argument("--by", metavar="USERNAME")

    def handle(self, *args, **options) -> None:
        methodology = self._methodology(options["methodology"])
        district = None
        if options["district"]:
            district = District.objects.filter(code=options["district"]).first()
            if district is None:
                raise CommandError(f"No district with code {options['district']}.")
        by = User.objects.filter(username=options["by"]).first() if options["by"] else None
        record = recompute_impact(
            methodology=methodology,
            by=by,
            district=district,
            date_from=options["date_from"],
            date_to=options["date_to"],
            reason=options["reason"],
        )
        self.stdout.write(
            f"Recomputed {record.lines_recomputed} line(s) with {methodology.label} "
            f"(record #{record.pk})."
        )

    def _methodology(self, label: str) -> Methodology:
        name, _space, version = label.rpartition(" v")
        found = (
            Methodology.objects.filter(name=name, version=version).first()
            if (version.isdigit())
            else None
        )
        if found is None:
            known = ", ".join(m.label for m in Methodology.objects.all())
            raise CommandError(f"No methodology {label!r}. Known: {known}.")
        return found
