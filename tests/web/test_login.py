import pytest
from django.core.cache import cache
from django.test import Client

from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


@pytest.fixture(autouse=True)
def _clear_throttles() -> None:
    cache.clear()


def test_login_page_and_successful_sign_in() -> None:
    client = Client(enforce_csrf_checks=True)
    UserFactory(username="coder9")
    page = client.get("/login/")
    assert page.status_code == 200
    token = page.cookies["csrftoken"].value
    response = client.post(
        "/login/", {"username": "coder9", "password": "pw-for-tests", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_login_without_csrf_token_is_refused() -> None:
    client = Client(enforce_csrf_checks=True)
    UserFactory(username="coder9")
    response = client.post("/login/", {"username": "coder9", "password": "pw-for-tests"})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_login_is_throttled_after_repeated_failures(client: Client) -> None:
    UserFactory(username="coder9")
    for _ in range(9):
        assert (
            client.post("/login/", {"username": "coder9", "password": "wrong"}).status_code == 200
        )
    # The tenth failure locks the account out from this address (LOGIN_FAILURE_LIMIT).
    tenth = client.post("/login/", {"username": "coder9", "password": "wrong"})
    assert tenth.status_code == 429
    blocked = client.post("/login/", {"username": "coder9", "password": "pw-for-tests"})
    assert blocked.status_code == 429
    assert "Too many failed sign-ins" in blocked.content.decode()
    assert int(blocked["Retry-After"]) == 15 * 60
    assert "_auth_user_id" not in client.session


def test_token_endpoint_issues_a_token_and_is_throttled(client: Client) -> None:
    UserFactory(username="script")
    ok = client.post(
        "/api/v1/auth/token/",
        {"username": "script", "password": "pw-for-tests"},
        content_type="application/json",
    )
    assert ok.status_code == 200
    assert len(ok.json()["token"]) == 40
    for _ in range(9):
        client.post(
            "/api/v1/auth/token/",
            {"username": "script", "password": "bad"},
            content_type="application/json",
        )
    throttled = client.post(
        "/api/v1/auth/token/",
        {"username": "script", "password": "pw-for-tests"},
        content_type="application/json",
    )
    assert throttled.status_code == 429


def test_home_requires_login(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
