"""The agreement page (figures, plot, drill-downs, disagreements, recompute), the coder
feedback table and the researcher's data page (filters, preview, map, timeline, downloads,
releases), in Chromium, with screenshots."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from coding.models import DatasetRelease
from coding.text.matching import alias_key
from tests.browser.conftest import screenshot, sign_in
from tests.factories import ActorAliasFactory
from tests.world import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _adjudicate(world: World) -> None:
    """Merge the attack (fatalities from coder B), reject the truce, validate: via the API."""
    sup = world.client(world.supervisor)
    base = f"/api/v1/projects/{world.project.pk}/articles/{world.article.pk}/adjudication/"
    view = sup.post(base).json()
    for cluster in view["clusters"]:
        body = (
            {"kind": "reject", "cluster": cluster["key"], "reason": "not an event"}
            if cluster["unmatched"]
            else {
                "kind": "merge",
                "cluster": cluster["key"],
                "base_event": world.events_a[0]["id"],  # type: ignore[attr-defined]
                "fields": {"fatalities": {"from": world.events_b[0]["id"]}},  # type: ignore[attr-defined]
            }
        )
        assert sup.post(base + "decisions/", body, format="json").status_code == 201
    version = sup.get(base).json()["adjudication"]["version"]
    assert sup.post(base + "validate/", {"version": version}, format="json").status_code == 200


def test_agreement_page_shows_figures_recomputes_and_links_disagreements(
    page: Page, live_server, disputed: World
) -> None:
    world = disputed
    figures = (
        world.client(world.supervisor)
        .get(f"/api/v1/projects/{world.project.pk}/agreement/")
        .json()["results"]
    )
    by_field = {r["field"]: r for r in figures}
    sign_in(page, live_server.url, world.supervisor.username)
    page.click(f"a[href='/projects/{world.project.pk}/agreement/']")
    page.wait_for_selector("body[data-ready=true]")
    rows = page.locator("#fields-table tbody tr[data-field]")
    assert rows.count() == len(figures)
    detection = page.locator("#fields-table tr[data-field='']")
    cells = detection.locator("th, td").all_inner_texts()
    assert cells[0] == "Event detection (presence)"
    assert cells[6] == str(by_field[""]["n_units"])
    assert cells[7] == str(by_field[""]["n_pairable"])
    assert cells[8] == "2"  # coders
    fatalities = page.locator("#fields-table tr[data-field=fatalities] td").all_inner_texts()
    assert fatalities[8] == "0%"  # 5 vs 7: the coders never agree on it
    assert fatalities[10] == "computed" or fatalities[10].startswith("undefined")
    # The plot: one row per field, reference lines at .667 and .800, a shape per band.
    assert page.locator("#fields-plot svg g.row").count() == len(figures)
    assert page.locator("#fields-plot svg line.ref").count() == 2
    assert page.locator("#types-table tbody tr").count() >= 1
    assert page.locator("#pair-field option").count() >= 1
    assert "coder_a – coder_b" in page.inner_text("#pairs-table tbody")
    screenshot(page, "agreement-en.png", full_page=True)
    with page.expect_navigation():
        page.select_option("#lang-select", "ar")
    page.wait_for_selector("body[data-ready=true]")
    assert page.inner_text("h1") == "الاتفاق بين المرمّزين"
    screenshot(page, "agreement-ar.png")
    with page.expect_navigation():
        page.select_option("#lang-select", "en")
    page.wait_for_selector("body[data-ready=true]")

    page.click("#btn-recompute")
    page.wait_for_selector("body[data-recomputed=true]")
    assert page.inner_text("#recompute-text") == "1 of 1 article (done)"

    dis = page.locator("#dis-body tr")
    assert (
        dis.count()
        == world.client(world.supervisor)
        .get(f"/api/v1/projects/{world.project.pk}/disagreements/")
        .json()["count"]
    )
    first = dis.nth(0)
    assert first.locator("td").nth(0).inner_text() == "▲▲ 5 — An event found by some coders only"
    assert first.locator("td").nth(1).inner_text() == "Attack"
    page.select_option("#dis-severity", "5")
    page.wait_for_function("() => document.querySelectorAll('#dis-body tr').length === 1")
    href = first.locator("a").get_attribute("href") or ""
    assert href.startswith(f"/projects/{world.project.pk}/adjudication/{world.article.pk}/#row-e")
    first.locator("a").click()
    page.wait_for_selector("body[data-ready=true]")
    key = href.split("#row-")[1]
    assert page.get_attribute(f"#row-{key}", "aria-current") == "true"


def test_data_page_filters_maps_downloads_and_releases(
    page: Page, live_server, disputed: World
) -> None:
    world = disputed
    _adjudicate(world)
    project = world.project.pk
    sign_in(page, live_server.url, world.researcher.username)
    assert page.locator(f"a[href='/projects/{project}/adjudication/']").count() == 0
    page.click(f"a[href='/projects/{project}/data/']")
    page.wait_for_selector("body[data-ready=true]")
    assert page.inner_text("#data-status") == ("1 validated event matches; the table shows it.")
    cells = page.locator("#preview-body tr td").all_inner_texts()
    assert cells[:5] == ["2022-06-12", "Attack › Armed assault", "JNIM", "Boulkessi", "7"]
    assert cells[5] == "Attack"
    assert page.locator("#map svg path.country").count() > 30
    assert page.locator("#map svg circle.dot").count() == 1
    assert page.text_content("#map-places li") == "Boulkessi: 1"
    assert page.locator("#timeline svg rect.bar").count() == 1
    csv_link = page.get_attribute("#downloads a[data-format=csv-bom]", "href")
    assert csv_link == f"/api/v1/projects/{project}/export/?format=csv&bom=true"
    assert page.locator("#release-form").count() == 0  # researchers do not create releases
    screenshot(page, "data-en.png", full_page=True)

    page.select_option("#f-event-type", "TRUCE")
    page.click("#filters button[type=submit]")
    page.wait_for_selector("#data-status:has-text('No validated event matches')")
    assert page.get_attribute("#downloads a[data-format=geojson]", "href") == (
        f"/api/v1/projects/{project}/export/?event_type=TRUCE&format=geojson"
    )
    ActorAliasFactory(actor=world.actor, text="JNIM", normalized=alias_key("JNIM"))
    page.fill("#f-actor", "JNIM")
    page.wait_for_selector("#f-actor + .combo-list li[role=option]")
    page.keyboard.press("ArrowDown")  # WAI-ARIA combobox: nothing is highlighted before ↓
    page.keyboard.press("Enter")
    page.wait_for_function(
        f"() => document.getElementById('f-actor-id').value === '{world.actor.pk}'"
    )

    page.click("header form button[type=submit]")
    sign_in(page, live_server.url, world.supervisor.username)
    page.goto(f"{live_server.url}/projects/{project}/data/")
    page.wait_for_selector("body[data-ready=true]")
    page.fill("#release-tag", "v1.0.0")
    page.fill("#release-notes", "First release")
    page.click("#release-form button[type=submit]")
    page.wait_for_selector("#release-list [data-status=ready]")
    release = DatasetRelease.objects.get(project=world.project)
    assert (release.tag, release.status, release.row_count) == ("v1.0.0", "ready", 1)
    card = page.locator(f"#release-list [data-release='{release.pk}']")
    sums = card.locator(".checksum code").all_inner_texts()
    assert sorted(sums) == sorted(f.sha256 for f in release.files.all())
    screenshot(page, "data-releases-en.png", full_page=True)

    page.goto(f"{live_server.url}/projects/{project}/feedback/")
    rows = page.locator("table.figures").nth(0).locator("tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).locator("th, td").all_inner_texts()[:5] == [
        "coder_a",
        "1",
        "50%",
        "100%",
        "67%",
    ]
    screenshot(page, "feedback-en.png", full_page=True)


def test_disagreement_list_shows_the_newest_filter_even_when_an_older_answer_is_late(
    page: Page, live_server, disputed: World
) -> None:
    """A slow answer for an earlier filter must not overwrite the list the filter now asks
    for (it did: whichever answer came last was shown)."""
    world = disputed
    api = world.client(world.supervisor)
    listing = f"/api/v1/projects/{world.project.pk}/disagreements/"
    severe = api.get(listing, {"min_severity": 5}).json()["count"]
    assert 0 < severe < api.get(listing, {"min_severity": 1}).json()["count"]
    sign_in(page, live_server.url, world.supervisor.username)
    page.goto(f"{live_server.url}/projects/{world.project.pk}/agreement/")
    page.wait_for_selector("body[data-ready=true]")

    held: list = []
    page.route("**/disagreements/?*min_severity=1*", lambda route: held.append(route))
    with page.expect_request("**/disagreements/?*min_severity=1*"):
        page.select_option("#dis-severity", "1")
    page.select_option("#dis-severity", "5")
    page.wait_for_function(f"() => document.querySelectorAll('#dis-body tr').length === {severe}")
    assert len(held) == 1
    with page.expect_response("**/disagreements/?*min_severity=1*"):
        held[0].continue_()
    page.wait_for_timeout(300)  # let the late answer reach the page's handler
    severities = page.locator("#dis-body tr").evaluate_all(
        "rows => rows.map((row) => row.dataset.severity)"
    )
    assert severities == ["5"] * severe
    assert page.locator("#dis-severity").input_value() == "5"
