"""Unknown addresses outside the API get the site's "Not found" page, with DEBUG on or off,
and a path missing only its final slash is still redirected to it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("debug", [True, False])
def test_an_unknown_page_is_the_friendly_page(settings: Any, debug: bool) -> None:
    settings.DEBUG = debug
    client = Client()
    client.force_login(UserFactory())
    for path in ("/no-such-page/", "/projects/1/nothing", "/static-but-not/x.js"):
        response = client.get(path)
        assert response.status_code == 404
        assert response["Content-Type"].startswith("text/html")
        text = response.content.decode()
        assert "There is no page at this address" in text
        assert "URLconf" not in text
        assert "Page not found (404)" not in text


@pytest.mark.parametrize("debug", [True, False])
def test_a_missing_slash_is_still_added(settings: Any, debug: bool) -> None:
    settings.DEBUG = debug
    response = Client().get("/queue?page=2")
    assert (response.status_code, response["Location"]) == (301, "/queue/?page=2")
    assert Client().get("/login").status_code == 301


def test_the_api_keeps_its_json_404(settings: Any) -> None:
    settings.DEBUG = True
    response = Client().get("/api/v1/nope/")
    assert (response.status_code, response.json()["code"]) == (404, "not_found")
