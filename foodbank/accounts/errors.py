from django.utils.translation import gettext_lazy as _
from rest_framework import status

from foodbank.errors import ApplicationError


class PasswordChangeRequired(ApplicationError):
    code = "password_change_required"
    status_code = status.HTTP_403_FORBIDDEN
    default_message = _(
        "Someone else chose your password: choose your own first, on the web at "
        "/account/password/ or with POST /api/v1/auth/password/."
    )
