from django.contrib.auth import authenticate
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from foodbank.accounts import selectors, services
from foodbank.accounts.errors import PasswordChangeRequired
from foodbank.accounts.lockout import LockedOut, locked_out, lockout_message, retry_after
from foodbank.accounts.models import Role, User
from foodbank.accounts.permissions import allow_roles
from foodbank.errors import ApplicationError, error_body
from foodbank.ratelimit import RateThrottle
from foodbank.web.caching import NOT_STORED

from .serializers import (
    NewTokenOutput,
    PasswordInput,
    TokenInput,
    TokenOutput,
    UserInput,
    UserOutput,
)


class InvalidCredentials(ApplicationError):
    code = "invalid_credentials"
    default_message = _("The username or password is not correct.")


def _signed_in(
    request: Request, *, username: str, password: str, field: str = "password"
) -> User | Response:
    """The user these credentials sign in, or the 429 answer of a locked-out sign-in;
    wrong credentials raise, naming ``field``. Failures count towards the lockout."""
    user = authenticate(request, username=username, password=password)
    if user is None and locked_out(request):
        error = LockedOut(lockout_message(request))
        return Response(
            error_body(error.code, error.message),
            status=error.status_code,
            headers={"Retry-After": retry_after(request)},
        )
    if user is None:
        raise InvalidCredentials(fields={field: [str(InvalidCredentials.default_message)]})
    return user


@method_decorator(sensitive_post_parameters(), name="dispatch")
class TokenView(APIView):
    """Exchange a username and password for an API token, or revoke one's token."""

    permission_classes = [AllowAny]
    throttle_classes = [RateThrottle]
    throttle_scope = "auth"

    @extend_schema(request=TokenInput, responses={200: TokenOutput}, auth=[])
    def post(self, request: Request) -> Response:
        given = TokenInput(data=request.data)
        given.is_valid(raise_exception=True)
        user = _signed_in(request, **given.validated_data)
        if isinstance(user, Response):
            return user
        if user.must_change_password:
            raise PasswordChangeRequired()
        token, _created = Token.objects.get_or_create(user=user)
        return Response(TokenOutput({"token": token.key, "user": user}).data, headers=NOT_STORED)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request) -> Response:
        if not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


@method_decorator(sensitive_post_parameters(), name="dispatch")
class PasswordView(APIView):
    """Change one's own password with the current one (also when someone else chose it and
    it must be changed); answers a new API token, every earlier one being revoked."""

    authentication_classes: list = []  # the credentials are in the body; any token is old
    permission_classes = [AllowAny]
    throttle_classes = [RateThrottle]
    throttle_scope = "auth"

    @extend_schema(request=PasswordInput, responses={200: NewTokenOutput}, auth=[])
    def post(self, request: Request) -> Response:
        given = PasswordInput(data=request.data)
        given.is_valid(raise_exception=True)
        old, new = given.validated_data["old_password"], given.validated_data["new_password"]
        user = _signed_in(
            request, username=given.validated_data["username"], password=old, field="old_password"
        )
        if isinstance(user, Response):
            return user
        services.change_own_password(user=user, old_password=old, new_password=new)
        token = Token.objects.create(user=user).key
        return Response(NewTokenOutput({"token": token}).data, headers=NOT_STORED)


class MeView(APIView):
    """The signed-in user: role and district decide what the rest of the API allows."""

    @extend_schema(responses=UserOutput)
    def get(self, request: Request) -> Response:
        return Response(UserOutput(request.user).data)


@method_decorator(sensitive_post_parameters(), name="dispatch")
class UserListView(generics.ListAPIView):
    """Admins list and create users city-wide; district staff see their district's team."""

    permission_classes = [
        allow_roles(Role.ADMIN) | allow_roles(Role.DISTRICT_STAFF, read_only=True)
    ]
    serializer_class = UserOutput
    filterset_fields = ["role"]

    def get_queryset(self):
        return selectors.user_list(viewer=self.request.user)

    @extend_schema(request=UserInput, responses={201: UserOutput})
    def post(self, request: Request) -> Response:
        given = UserInput(data=request.data)
        given.is_valid(raise_exception=True)
        # A password the admin chose is replaced by the person at their first sign-in.
        chosen = bool(given.validated_data.get("password"))
        user = services.create_user(**given.validated_data, must_change_password=chosen)
        return Response(UserOutput(user).data, status=status.HTTP_201_CREATED)


class UserDetailView(generics.RetrieveAPIView):
    permission_classes = [allow_roles(Role.ADMIN, Role.DISTRICT_STAFF)]
    serializer_class = UserOutput

    def get_queryset(self):
        return selectors.user_list(viewer=self.request.user)
