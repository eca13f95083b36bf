import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from foodbank.accounts.models import Role
from foodbank.accounts.services import create_user, generate_password
from foodbank.districts.models import District


class Command(BaseCommand):
    help = (
        "Create a user with a role. The password is read from standard input when it is piped "
        "in; otherwise one is generated and printed once, and the user chooses their own at "
        "their first sign-in."
    )
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--district", metavar="CODE", help="official district code")
        parser.add_argument("--email", default="")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")

    def handle(self, *args, username: str, role: str, district: str | None, **options) -> None:
        office = self._district(district)
        given = self._password_from(options.get("stdin") or sys.stdin)
        password = given or generate_password()
        try:
            user = create_user(
                username=username,
                role=role,
                district=office,
                password=password,
                email=options["email"],
                first_name=options["first_name"],
                last_name=options["last_name"],
                must_change_password=not given,
            )
        except ValidationError as error:
            problems = "; ".join(
                f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
            )
            raise CommandError(problems) from error
        where = f" in district {office}" if office else ""
        self.stdout.write(f"Created {user.username} ({user.get_role_display()}){where}.")
        if not given:
            self.stdout.write(f"Password: {password}")

    def _district(self, code: str | None) -> District | None:
        if code is None:
            return None
        try:
            return District.objects.get(code=code)
        except District.DoesNotExist as error:
            raise CommandError(
                f"No district with code {code}; run load_districts first?"
            ) from error

    def _password_from(self, stdin) -> str:
        if stdin.isatty():
            return ""
        return stdin.readline().rstrip("\r\n")
