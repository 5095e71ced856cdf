from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The landing page; its project list is loaded from /api/v1/ by the page's module."""
    return render(request, "frontend/home.html")
