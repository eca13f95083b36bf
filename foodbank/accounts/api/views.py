from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from foodbank.accounts import selectors, services
from foodbank.accounts.lockout import LockedOut, locked_out, lockout_message, retry_after
from foodbank.accounts.models import Role
from foodbank.accounts.permissions import allow_roles
from foodbank.errors import ApplicationError, error_body
from foodbank.ratelimit import RateThrottle

from .serializers import TokenInput, TokenOutput, UserInput, UserOutput


class InvalidCredentials(ApplicationError):
    code = "invalid_credentials"
    default_message = _("The username or password is not correct.")


class TokenView(APIView):
    """Exchange a username and password for an API token, or revoke one's token."""

    permission_classes = [AllowAny]
    throttle_classes = [RateThrottle]
    throttle_scope = "auth"

    @extend_schema(request=TokenInput, responses={200: TokenOutput}, auth=[])
    def post(self, request: Request) -> Response:
        given = TokenInput(data=request.data)
        given.is_valid(raise_exception=True)
        user = authenticate(request, **given.validated_data)
        if user is None and locked_out(request):
            error = LockedOut(lockout_message(request))
            return Response(
                error_body(error.code, error.message),
                status=error.status_code,
                headers={"Retry-After": retry_after(request)},
            )
        if user is None:
            raise InvalidCredentials(fields={"password": [str(InvalidCredentials.default_message)]})
        token, _created = Token.objects.get_or_create(user=user)
        return Response(TokenOutput({"token": token.key, "user": user}).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request) -> Response:
        if not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    """The signed-in user: role and district decide what the rest of the API allows."""

    @extend_schema(responses=UserOutput)
    def get(self, request: Request) -> Response:
        return Response(UserOutput(request.user).data)


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
        user = services.create_user(**given.validated_data)
        return Response(UserOutput(user).data, status=status.HTTP_201_CREATED)


class UserDetailView(generics.RetrieveAPIView):
    permission_classes = [allow_roles(Role.ADMIN, Role.DISTRICT_STAFF)]
    serializer_class = UserOutput

    def get_queryset(self):
        return selectors.user_list(viewer=self.request.user)
