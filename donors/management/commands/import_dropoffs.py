from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from donors.errors import DuplicateImport
from donors.models import ImportStatus
from donors.services.imports import give_up, run_import, start_import
from foodbank.accounts.models import User


class Command(BaseCommand):
    help = (
        "Import historical drop-offs from a CSV file (one row per line; see the README for "
        "the columns). A file with any bad row imports nothing unless --skip-bad-rows."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--skip-bad-rows", action="store_true", help="import the good rows")
        parser.add_argument("--by", metavar="USERNAME", help="the user the import is recorded for")

    def handle(self, *args, file: Path, skip_bad_rows: bool, by: str | None, **options) -> None:
        user = User.objects.filter(username=by).first() if by else None
        if by and user is None:
            raise CommandError(f"No user {by}.")
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from error
        try:
            started = start_import(
                file_name=file.name, content=content, by=user, skip_bad_rows=skip_bad_rows
            )
        except DuplicateImport as error:
            raise CommandError(f"{file.name}: {error.message}") from error
        try:
            finished = run_import(
                dropoff_import_id=started.pk,
                progress=lambda done: self.stdout.write(f"  {done} rows written"),
            )
        except BaseException:  # Ctrl-C too: the import wrote nothing and may run again
            give_up(started.pk)
            raise
        for line, message in finished.problems:
            self.stderr.write(f"{file.name}, line {line}: {message}")
        if finished.status == ImportStatus.FAILED:
            raise CommandError(
                f"{len(finished.problems)} bad row(s); nothing was imported "
                "(use --skip-bad-rows to import the good rows)."
            )
        self.stdout.write(
            f"Imported {finished.imported_lines} line(s); "
            f"{len(finished.problems)} bad row(s) skipped. Impact is being computed."
        )
