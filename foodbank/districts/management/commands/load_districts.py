from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from foodbank.districts.services import DistrictFileError, load_districts, read_district_file


class Command(BaseCommand):
    help = (
        "Load district groups and districts from a CSV file (columns: code, name_th, name_en, "
        "group_code, group_name_th, group_name_en). Without FILE, loads the bundled list. "
        "Loading the same file twice changes nothing; a file with errors loads nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", type=Path, default=None)

    def handle(self, *args, file: Path | None, **options) -> None:
        path = file or Path(settings.FOODBANK_DISTRICTS_FILE)
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from error
        try:
            result = load_districts(rows=read_district_file(content))
        except DistrictFileError as error:
            for line, message in error.problems:
                self.stderr.write(f"{path.name}, line {line}: {message}")
            raise CommandError(f"{len(error.problems)} problem(s); nothing was loaded.") from error
        self.stdout.write(
            f"{len(result.created)} created, {len(result.updated)} updated, "
            f"{len(result.unchanged)} unchanged."
        )
