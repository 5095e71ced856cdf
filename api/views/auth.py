"""Sign-in for scripts (a token for a username and password) and the caller's own tokens.

Token sign-in is rate-throttled per client address and per account (api/throttling.py), and
goes through django.contrib.auth.authenticate() with the request, so django-axes counts its
failures and locks out one account from one address like the sign-in form and the admin.
"""

from __future__ import annotations

from typing import Any

from axes.helpers import get_cool_off
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.parsers import BoundedJSONParser
from api.serializers.workflow import ErrorSerializer, error_responses
from api.throttling import LoginAccountRateThrottle, LoginRateThrottle
from coding.models import User
from coding.services import tokens


class TokenRequestSerializer(AuthTokenSerializer):
    """DRF's, with the username no longer than an account's can be (the lockout stores it)."""

    username = serializers.CharField(
        label=_("Username"), write_only=True, max_length=User.username.field.max_length
    )


class LockedOut(exceptions.Throttled):
    default_detail = _(
        "Too many failed sign-ins for this account from this address; wait and try again."
    )


@extend_schema(
    tags=["auth"],
    summary="Exchange a username and password for an API token",
    description="The token is sent as `Authorization: Token <key>`. With API_TOKEN_TTL_DAYS "
    "set, it is refused that many days after it was issued; signing in again then issues a "
    "new one. Changing the password or deactivating the account revokes it.",
    responses={
        200: AuthTokenSerializer,  # the response: {"token": "…"}
        **error_responses(400, 422, e422="Wrong username or password, or one is missing"),
        429: OpenApiResponse(
            ErrorSerializer,
            description="Too many attempts from this address (LOGIN_THROTTLE_RATE) or on this "
            "account (LOGIN_ACCOUNT_THROTTLE_RATE), or this account is locked out from this "
            "address after LOGIN_FAILURE_LIMIT failures (for LOGIN_LOCKOUT_MINUTES); retry "
            "after the Retry-After header's seconds",
        ),
    },
)
class TokenView(ObtainAuthToken):
    throttle_classes = [LoginRateThrottle, LoginAccountRateThrottle]
    # ObtainAuthToken names DRF's JSONParser itself; ours bounds size and nesting.
    parser_classes = [FormParser, MultiPartParser, BoundedJSONParser]
    serializer_class = TokenRequestSerializer

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        try:
            # authenticate(request=request, …): django-axes sees the attempt and marks the
            # request when the account is locked out from this address.
            serializer.is_valid(raise_exception=True)
        except exceptions.ValidationError:
            if getattr(request, "axes_locked_out", False):
                cool_off = get_cool_off(request)
                raise LockedOut(wait=cool_off.total_seconds() if cool_off else None) from None
            raise
        user = serializer.validated_data["user"]
        token = tokens.token_issue(user=user)
        # A sign-in like the form's: last_login, and django-axes forgets the failures.
        user_logged_in.send(sender=type(user), request=request, user=user)
        return Response({"token": token.key})


class TokenSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The key's first characters; the key itself is secret.")
    created = serializers.DateTimeField()
    expires = serializers.DateTimeField(
        allow_null=True, help_text="When it stops working (null: API_TOKEN_TTL_DAYS is 0)."
    )
    expired = serializers.BooleanField()
    current = serializers.BooleanField(help_text="This request was authenticated with it.")


def _present(token: Any, request: Request) -> dict[str, Any]:
    return {
        "id": tokens.token_id(token),
        "created": token.created,
        "expires": tokens.token_expires_at(token),
        "expired": tokens.token_is_expired(token),
        "current": getattr(request.auth, "key", None) == token.key,
    }


@extend_schema(tags=["auth"])
@extend_schema_view(
    get=extend_schema(
        summary="The caller's API tokens",
        responses={200: TokenSerializer(many=True), **error_responses(401)},
    )
)
class MyTokensView(APIView):
    def get(self, request: Request) -> Response:
        return Response([_present(t, request) for t in tokens.user_tokens(request.user)])


@extend_schema(tags=["auth"])
@extend_schema_view(
    delete=extend_schema(
        summary="Revoke one of the caller's API tokens",
        responses={
            204: None,
            **error_responses(401, 404, e404="No token of the caller's has this id"),
        },
    )
)
class MyTokenView(APIView):
    def delete(self, request: Request, token_id: str) -> Response:
        tokens.token_revoke(user=request.user, token_id=token_id)
        return Response(status=status.HTTP_204_NO_CONTENT)
