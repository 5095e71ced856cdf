"""Every page works under the Content-Security-Policy, in Chromium (issue 13, item 18).

The ``page`` fixture fails a test on any CSP violation (tests/browser/conftest.py); here each
page of the site — the app's pages, Swagger UI at /api/docs/ and Django admin — is opened
until its scripts have run, with the policy header checked on the document itself. A last
test shows the watch works: an inline script injected into a page is blocked and reported.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

from coding.models import Adjudication
from tests.browser.conftest import open_coding, sign_in, watch_csp
from tests.world import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

POLICY_PARTS = ("default-src 'self'", "script-src 'self'", "style-src 'self'")


def _visit(page: Page, url: str, ready: str) -> None:
    response = page.goto(url)
    assert response is not None
    assert response.status == 200, url
    policy = response.headers.get("content-security-policy", "")
    assert all(part in policy for part in POLICY_PARTS), (url, policy)
    page.wait_for_selector(ready)


def test_supervisor_pages_swagger_and_admin_have_no_violations(
    page: Page, live_server, disputed: World
) -> None:
    world = disputed
    world.supervisor.is_staff = world.supervisor.is_superuser = True  # to see Django admin
    world.supervisor.save(update_fields=["is_staff", "is_superuser"])
    base, project, article = live_server.url, world.project.pk, world.article.pk
    sign_in(page, base, world.supervisor.username)
    ready = "body[data-ready=true]"
    _visit(page, f"{base}/", "main")
    _visit(page, f"{base}/projects/{project}/agreement/", ready)
    _visit(page, f"{base}/projects/{project}/adjudication/", ready)
    _visit(page, f"{base}/projects/{project}/adjudication/{article}/", ready)
    page.click("#btn-open")  # opens the adjudication: the page redraws with its controls
    page.wait_for_selector("#adj-status:has-text('open (revision 1)')")
    assert Adjudication.objects.filter(article=world.article).count() == 1
    _visit(page, f"{base}/projects/{project}/feedback/", "main h1")
    _visit(page, f"{base}/projects/{project}/data/", ready)

    # Swagger UI loads the schema and draws the operations (its set-up script ran).
    _visit(page, f"{base}/api/docs/", ".swagger-ui .opblock")
    assert page.locator(".swagger-ui .opblock").count() > 50
    page.locator(".swagger-ui .opblock-summary").first.click()
    page.wait_for_selector(".swagger-ui .opblock.is-open")

    # Django admin: the index, a list with its actions menu, a change form with its widgets.
    _visit(page, f"{base}/admin/", "#content-main")
    # (projects have no delete action, so no action menu: memberships do)
    _visit(page, f"{base}/admin/coding/membership/", "#changelist")
    page.check("#action-toggle")  # admin's actions.js selects every row
    rows = page.locator("#result_list input.action-select").count()
    assert rows > 1
    assert page.locator("#result_list input.action-select:checked").count() == rows
    _visit(page, f"{base}/admin/coding/project/{project}/change/", "#project_form")
    _visit(page, f"{base}/admin/coding/membership/add/", "#membership_form")

    # Changing the language goes through the menu's module (no inline handler).
    _visit(page, f"{base}/", "html[lang=en]")
    with page.expect_navigation():
        page.select_option("#lang-select", "fr")
    _visit(page, f"{base}/", "html[lang=fr]")


def test_coder_pages_and_sign_in_have_no_violations(
    page: Page, live_server, disputed: World
) -> None:
    world = disputed
    base = live_server.url
    _visit(page, f"{base}/login/", "#id_username")
    sign_in(page, base, world.coder_a.username)
    _visit(page, f"{base}/queue/", "body[data-ready=true]")
    open_coding(page, base, world.assignment_a.pk)
    missing = page.goto(f"{base}/no-such-page/")
    assert missing is not None
    assert missing.status == 404
    assert "script-src 'self'" in missing.headers.get("content-security-policy", "")


def test_an_injected_inline_script_is_blocked_and_reported(
    browser: Browser, live_server, transactional_db: None
) -> None:
    context = browser.new_context()
    violations = watch_csp(context)
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.injected = true;'; document.body.append(s); }"
    )
    page.wait_for_function("() => true")  # let the report arrive
    page.wait_for_timeout(200)
    injected = page.evaluate("() => window.injected === true")
    context.close()
    assert injected is False
    assert any("enforce script-src-elem blocked inline" in v for v in violations), violations
