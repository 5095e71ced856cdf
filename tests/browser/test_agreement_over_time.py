"""The agreement page draws α per ISO week of coding for a chosen field (#16 item 5): one
mark per week in week order, a gap where α is undefined, and the same figures in a table."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from coding.models import AgreementResult, AgreementRun
from coding.services.agreement import ALPHA_BY_WEEK
from tests.browser.conftest import screenshot, sign_in
from tests.world import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _plant_weeks(run: AgreementRun, field: str, figures: dict[str, float | None]) -> None:
    """Weekly rows of ``field`` beside the run's own, copied from one of them."""
    template = AgreementResult.objects.filter(
        run=run, metric=ALPHA_BY_WEEK, field_key=field
    ).first()
    assert template is not None, "the run has weekly figures"
    for week, alpha in figures.items():
        template.pk = None
        template.value = alpha
        template.status = "ok" if alpha is not None else "undefined: no variation"
        template.details = {**template.details, "week": week}
        template.save()


def test_weekly_alpha_is_drawn_in_week_order_with_a_table(
    page: Page, live_server: Any, disputed: World
) -> None:
    world = disputed
    run = AgreementRun.objects.filter(scope="project", project=world.project).latest("id")
    own_week = AgreementResult.objects.filter(run=run, metric=ALPHA_BY_WEEK).first().details["week"]  # type: ignore[union-attr]
    _plant_weeks(run, "fatalities", {"2026-W01": 0.42, "2026-W02": None, "2026-W03": 0.91})
    sign_in(page, live_server.url, world.supervisor.username)
    page.goto(f"{live_server.url}/projects/{world.project.pk}/agreement/")
    page.wait_for_selector("body[data-ready=true]")
    page.get_by_label("Field", exact=True).nth(1).select_option("fatalities")

    weeks = page.locator("#week-plot g.week")
    expect(weeks).to_have_count(4)
    assert [weeks.nth(i).get_attribute("data-week") for i in range(4)] == sorted(
        ["2026-W01", "2026-W02", "2026-W03", own_week]
    )
    assert weeks.nth(1).locator("title").text_content() == "2026-W02: α undefined"
    assert weeks.nth(1).locator(".mark").count() == 0  # a gap, not a point at 0
    assert "0.910" in (weeks.nth(2).locator("title").text_content() or "")
    assert weeks.nth(2).locator(".mark.reliable").count() == 1
    assert weeks.nth(0).locator(".mark.unreliable").count() == 1
    # the line is broken at the undefined week: two pen-downs
    assert page.locator("#week-plot path.trend").get_attribute("d").count("M") == 2  # type: ignore[union-attr]
    rows = page.locator("#week-table tbody tr th").all_inner_texts()
    assert rows == sorted(["2026-W01", "2026-W02", "2026-W03", own_week])
    screenshot(page, "agreement-over-time-en.png", full_page=True)
