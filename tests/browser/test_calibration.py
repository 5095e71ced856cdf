"""Issue #17, calibration in Chromium: a supervisor marks a validated article on its
side-by-side page; a coder submits a calibration article from the coding screen (it looks
like any other) and then reads its score and the gold on their feedback page."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Page

from coding.models import CalibrationAssignment, CalibrationItem
from coding.services.outbox_drain import outbox_drain
from tests.browser.conftest import open_coding, screenshot, sign_in
from tests.calibration.conftest import calibrated  # noqa: F401 (the scene, as a fixture)
from tests.exports.test_export_api import _adjudicate
from tests.world import World, complete_event

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_supervisor_marks_and_unmarks_a_validated_article(
    page: Page, live_server, disputed: World
) -> None:
    world = disputed
    _adjudicate(world)
    sign_in(page, live_server.url, world.supervisor.username)
    page.goto(f"{live_server.url}/projects/{world.project.pk}/adjudication/{world.article.pk}/")
    page.wait_for_selector("body[data-ready=true]")
    assert page.inner_text("#btn-calibration") == "Use as a calibration article"
    page.click("#btn-calibration")
    page.wait_for_function(
        "() => document.querySelector('#btn-calibration').getAttribute('aria-pressed') === 'true'"
    )
    assert "now a calibration article" in page.inner_text("#announce")
    assert CalibrationItem.objects.get(article=world.article).active is True
    page.click("#btn-calibration")
    page.wait_for_function(
        "() => document.querySelector('#btn-calibration').getAttribute('aria-pressed') === 'false'"
    )
    assert CalibrationItem.objects.get(article=world.article).active is False
    # The feedback page lists it, no longer active.
    page.goto(f"{live_server.url}/projects/{world.project.pk}/feedback/")
    assert "no" in page.inner_text("#calibration-items tbody tr")


def test_a_coder_submits_a_calibration_article_then_sees_its_score_and_the_gold(
    page: Page,
    live_server,
    calibrated: World,  # noqa: F811
) -> None:
    world = calibrated
    cal = world.cal_assignment  # type: ignore[attr-defined]
    coder = world.coder_c  # type: ignore[attr-defined]
    # Drafted earlier: the attack with 5 dead (the gold says 7).
    drafted = world.client(coder).post(
        f"/api/v1/assignments/{cal.pk}/events/", complete_event(world), format="json"
    )
    assert drafted.status_code == 201
    sign_in(page, live_server.url, coder.username)
    page.goto(f"{live_server.url}/projects/{world.project.pk}/feedback/")
    assert "Nothing yet" in page.inner_text("#results-title + p")
    open_coding(page, live_server.url, cal.pk)
    page.click("#btn-submit")
    page.wait_for_selector("#submitted:not([hidden])")
    # A worker scores it through the outbox; here the drain may already have run eagerly.
    deadline = time.monotonic() + 10
    while CalibrationAssignment.objects.get(pk=cal.pk).status != "scored":
        assert time.monotonic() < deadline, "never scored"
        outbox_drain()
        time.sleep(0.2)
    page.goto(f"{live_server.url}/projects/{world.project.pk}/feedback/")
    result = page.locator(f".calibration-result[data-assignment='{cal.pk}']")
    assert result.locator(".calibration-f1").inner_text() == "100%"
    text = result.inner_text()
    assert "1 found, 0 extra, 0 missed" in text
    assert "Fatalities\t0 / 1" in text or "Fatalities 0 / 1" in text
    gold = result.locator(".gold-event").inner_text()
    assert "Fatalities: 7" in gold
    assert "هاجم" in gold
    assert page.locator("#drift-table tbody tr").count() == 1
    screenshot(page, "calibration-coder-feedback.png", full_page=True)
