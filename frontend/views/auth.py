"""Login with a throttle: after too many failures from one address, refuse for a while."""

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

MAX_FAILURES = 10
WINDOW_SECONDS = 60


def _client_key(request: HttpRequest) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a proxy rewrites it.
    return f"login-failures:{request.META.get('REMOTE_ADDR', 'unknown')}"


class ThrottledLoginView(auth_views.LoginView):
    template_name = "frontend/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        key = _client_key(request)
        if cache.get(key, 0) >= MAX_FAILURES:
            response = self.render_to_response(
                self.get_context_data(
                    throttled=_("Too many failed sign-ins. Wait a minute and try again.")
                )
            )
            response.status_code = 429
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        key = _client_key(self.request)
        cache.add(key, 0, WINDOW_SECONDS)
        cache.incr(key)
        return super().form_invalid(form)


def demo_hint_enabled() -> bool:
    return bool(getattr(settings, "DEBUG", False))
