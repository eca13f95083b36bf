from .models import User


def lock_user(pk: int) -> User:
    """The user row, locked until the commit; NO KEY, so that rows pointing at the user
    (audit events, entries) may still be written meanwhile."""
    return User.objects.select_for_update(no_key=True).get(pk=pk)
