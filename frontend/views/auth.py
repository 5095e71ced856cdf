"""The sign-in form. Failed sign-ins are counted by django-axes (config/settings.py): after
LOGIN_FAILURE_LIMIT failures one account is locked out from one address, not the address."""

from typing import Any

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _


class ThrottledLoginView(auth_views.LoginView):
    template_name = "frontend/login.html"
    redirect_authenticated_user = True


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any
) -> HttpResponse:
    """django-axes' answer to a locked-out sign-in (AXES_LOCKOUT_CALLABLE): the sign-in page
    with the reason, HTTP 429 and Retry-After. Also answers for /admin/login/."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = AuthenticationForm(request, initial={"username": username})
    response = TemplateResponse(
        request,
        ThrottledLoginView.template_name,
        {
            "form": form,
            "next": request.POST.get("next", ""),
            "throttled": _(
                "Too many failed sign-ins for this account. Wait a few minutes and try again."
            ),
        },
        status=429,
    )
    cool_off = get_cool_off(request)
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response.render()


def demo_hint_enabled() -> bool:
    return bool(getattr(settings, "DEBUG", False))
