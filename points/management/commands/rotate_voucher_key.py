from django.core.management.base import BaseCommand

from points.services.keys import rotate_signing_key


class Command(BaseCommand):
    help = (
        "Add a new Ed25519 key that signs vouchers and household cards from now on; older "
        "keys stop signing but keep verifying the codes they signed."
    )

    def handle(self, *args, **options) -> None:
        key = rotate_signing_key()
        self.stdout.write(f"Signing with key {key.kid} (public key {key.public_key}).")
