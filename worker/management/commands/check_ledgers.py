from django.core.management.base import BaseCommand, CommandError

from foodbank.ledgers import check_ledgers


class Command(BaseCommand):
    help = (
        "Check that every lot's quantities and every household's points balance equal the "
        "sums of their movements and entries; --rebuild sets them from the ledgers."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--rebuild", action="store_true", help="rebuild what is off")

    def handle(self, *args, rebuild: bool = False, **options) -> None:
        report = check_ledgers(rebuild=rebuild)
        for line in report.lines():
            self.stdout.write(line)
        if report.mismatched and not rebuild:
            raise CommandError("Ledger mismatches found; run again with --rebuild to fix them.")
