"""A reviewer opens a release's reliability report in Chromium: the page renders under the
site's Content-Security-Policy (the ``page`` fixture fails on any violation), its stylesheet
applies, and the key figures on screen are the report JSON's; a screenshot is kept."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import screenshot, sign_in
from tests.exports.test_release_reliability import _released, _stored
from tests.world import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reviewer_reads_the_reliability_report_of_a_release(
    page: Page, live_server, disputed: World
) -> None:
    release = _released(disputed)
    figures = json.loads(_stored(release, "reliability_json"))
    base = live_server.url
    sign_in(page, base, disputed.researcher.username)
    url = (
        f"{base}/api/v1/projects/{disputed.project.pk}/releases/{release.pk}/files/"
        "reliability_html/"
    )
    # from the project's data page: a link that opens the report in a new tab
    page.goto(f"{base}/projects/{disputed.project.pk}/data/")
    page.wait_for_selector("body[data-ready=true]")
    link = page.get_by_role("link", name="Open the reliability report")
    assert link.get_attribute("href") == url.removeprefix(base)
    assert link.get_attribute("download") is None
    with page.expect_popup() as popup:
        link.click()
    report = popup.value
    report.wait_for_load_state()
    assert report.url == url
    report.close()

    response = page.goto(url)
    assert response is not None
    assert response.status == 200
    assert "style-src 'self' 'sha256-" in response.headers["content-security-policy"]
    assert "attachment" not in response.headers.get("content-disposition", "")

    assert page.locator("h1").inner_text() == "Reliability report: P1 v1"
    # The one stylesheet ran (its hash is in the policy): tables collapse their borders.
    collapse = page.locator("table").first.evaluate("t => getComputedStyle(t).borderCollapse")
    assert collapse == "collapse"
    rows = page.locator("tbody").first.locator("tr")
    assert rows.count() == len(figures["fields"])
    for index, field in enumerate(figures["fields"]):
        cells = rows.nth(index).locator("td")
        assert cells.nth(0).inner_text().startswith(field["label"])
        shown = cells.nth(2).inner_text()
        assert shown == ("—" if field["value"] is None else f"{field['value']:.3f}")
        assert cells.nth(6).inner_text() == f"{field['n_pairable']:,}"
    assert page.locator("strong.f1").inner_text() == f"{figures['detection_f1']['value']:.3f}"
    plot = page.locator("figure svg")
    assert plot.is_visible()
    assert plot.locator("circle").count() == sum(f["value"] is not None for f in figures["fields"])
    assert plot.bounding_box()["width"] > 400  # type: ignore[index]
    assert "Merge field by field" in page.locator("body").inner_text()
    screenshot(page, "release-reliability-report.png", full_page=True)
