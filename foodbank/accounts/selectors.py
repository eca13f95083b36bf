"""Reads of users."""

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from .models import User
from .scoping import scope_to_district


def user_list(*, viewer: User | AnonymousUser) -> QuerySet[User]:
    """Users the viewer may see: the whole city for admins, their district's for staff."""
    return scope_to_district(User.objects.select_related("district"), viewer)
