"""Adding an event no coder found: the same words attached twice to one role are one span
(the server refuses repeated spans, so the form must not send them). The request is read as
the page sends it; the event itself lacks required values here, which is not what is tested."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import sign_in
from tests.browser.helpers import double_click_word
from tests.world import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_attaching_the_same_words_twice_keeps_one_span(
    page: Page, live_server, disputed: World
) -> None:
    world = disputed
    sign_in(page, live_server.url, world.supervisor.username)
    page.goto(f"{live_server.url}/projects/{world.project.pk}/adjudication/{world.article.pk}/")
    page.wait_for_selector("body[data-ready=true]")
    page.click("#btn-open")
    page.wait_for_selector("#adj-status:has-text('open (revision 1)')")
    page.click("#btn-add")
    page.select_option("#add-type", "TRUCE")
    double_click_word(page, "أعلنت")
    attach = page.locator("#add-box [data-attach=trigger]")
    attach.click()
    attach.click()
    assert page.locator("#add-box .span-list li").count() == 1
    with page.expect_request(
        lambda r: r.method == "POST" and r.url.endswith("/decisions/")
    ) as sent:
        page.click("#add-save")
    body = sent.value.post_data_json
    assert [(s["role"], s["quote"]) for s in body["new_event"]["spans"]] == [("trigger", "أعلنت")]
