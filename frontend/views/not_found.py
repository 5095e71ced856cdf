"""Unknown pages: the site's own "Not found" page, with DEBUG on (the demo) or off.

Django draws its technical 404 page for an unresolved path whenever DEBUG is on, which is
what a new user of `make run` saw. The last URL pattern (config/urls.py) resolves every
remaining path here instead. Because that pattern matches everything, CommonMiddleware can no
longer tell that `/queue` lacks its slash, so the redirect APPEND_SLASH promises is made here.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from api.views.errors import page_not_found as api_page_not_found

from .shell import render_page


def unknown_page(request: HttpRequest, rest: str = "") -> HttpResponse:
    """The friendly 404, or a redirect to the same path with a slash when that one exists."""
    path = request.path_info
    if settings.APPEND_SLASH and not path.endswith("/"):
        try:
            match = resolve(f"{path}/")
        except Resolver404:
            match = None
        if match is not None and match.func is not unknown_page:
            return HttpResponsePermanentRedirect(request.get_full_path(force_append_slash=True))
    return not_found_page(request)


def not_found_page(request: HttpRequest) -> HttpResponse:
    return render_page(
        request,
        "frontend/not_found.html",
        {
            "message": _(
                "There is no page at this address. Check the link, or start again from "
                "your projects."
            )
        },
        status=404,
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """handler404: the API's JSON under /api/, the friendly page elsewhere."""
    if request.path.startswith("/api/"):
        return api_page_not_found(request, exception)
    return not_found_page(request)
