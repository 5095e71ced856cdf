"""Token authentication, throttled per client address."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.throttling import AnonRateThrottle

from api.parsers import BoundedJSONParser
from api.serializers.workflow import ErrorSerializer, error_responses


class LoginRateThrottle(AnonRateThrottle):
    scope = "login"

    def allow_request(self, request, view):  # type: ignore[no-untyped-def]
        # Throttle every caller (authenticated or not) of the credential endpoints.
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        if len(self.history) >= self.num_requests:
            return self.throttle_failure()
        return self.throttle_success()

    def get_cache_key(self, request, view):  # type: ignore[no-untyped-def]
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


@extend_schema(
    tags=["auth"],
    summary="Exchange a username and password for an API token",
    responses={
        200: AuthTokenSerializer,  # the response: {"token": "…"}
        **error_responses(400, 422, e422="Wrong username or password, or one is missing"),
        429: OpenApiResponse(
            ErrorSerializer,
            description="Too many attempts from this address; retry after the Retry-After "
            "header's seconds (LOGIN_THROTTLE_RATE)",
        ),
    },
)
class TokenView(ObtainAuthToken):
    throttle_classes = [LoginRateThrottle]
    # ObtainAuthToken names DRF's JSONParser itself; ours bounds size and nesting.
    parser_classes = [FormParser, MultiPartParser, BoundedJSONParser]
