import factory

from foodbank.accounts.models import Role, User
from foodbank.accounts.services import create_user

TEST_PASSWORD = "a-long-test-passphrase"


class UserFactory(factory.Factory):
    """Users made through ``create_user``, the service the product uses."""

    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.DONOR
    district = None
    password = TEST_PASSWORD

    @classmethod
    def _create(cls, model_class, **kwargs):
        return create_user(**kwargs)
