"""Issue 20, items 9–15: the supervisor and researcher pages without traps, driven in
Chromium with real clicks and keys."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from coding.models import DatasetRelease
from tests.browser.conftest import sign_in
from tests.world import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_empty_release_is_refused_until_the_supervisor_confirms_it(
    page: Page, live_server, disputed: World
) -> None:
    """Nothing is validated yet: the first click explains and creates nothing; ticking the
    box and clicking again creates the (empty) release."""
    world = disputed
    sign_in(page, live_server.url, world.supervisor.username)
    page.goto(f"{live_server.url}/projects/{world.project.pk}/data/")
    page.wait_for_selector("body[data-ready=true]")
    assert page.is_hidden("#release-empty-warning")
    page.fill("#release-tag", "v0")
    page.click("#release-form button[type=submit]")
    page.wait_for_selector("#release-empty-warning", state="visible")
    assert "no validated event yet" in page.inner_text("#release-empty-warning")
    assert page.inner_text("#release-status") == (
        "Nothing was created: tick the box to create an empty release."
    )
    assert DatasetRelease.objects.count() == 0
    page.check("#release-confirm-empty")
    page.click("#release-form button[type=submit]")
    page.wait_for_selector("#release-list [data-status=ready]")
    release = DatasetRelease.objects.get(project=world.project)
    assert (release.tag, release.row_count) == ("v0", 0)
    assert page.is_hidden("#release-empty-warning")
