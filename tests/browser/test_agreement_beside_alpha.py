"""The agreement page never shows a lone α: the detection F1 and α_U headline, AC1 and
pairable units in every row, and the prevalence note under a row where α and AC1 diverge."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from coding.models import AgreementResult, AgreementRun
from tests.browser.conftest import screenshot, sign_in
from tests.world import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_detection_headline_ac1_column_and_prevalence_note(
    page: Page, live_server, disputed: World
) -> None:
    world = disputed
    run = AgreementRun.objects.filter(scope="project", project=world.project).latest("id")
    # Plant a skewed field in the stored figures: 98% agreement, α low, AC1 high.
    skewed = AgreementResult.objects.get(
        run=run, metric="alpha", field_key="fatalities", event_type_code="", coder_a=None
    )
    skewed.value, skewed.percent_agreement = 0.05, 0.98
    skewed.details = {**skewed.details, "ac1": 0.95, "most_common_share": 0.99, "note": "…"}
    skewed.save()
    sign_in(page, live_server.url, world.supervisor.username)
    page.goto(f"{live_server.url}/projects/{world.project.pk}/agreement/")
    page.wait_for_selector("body[data-ready=true]")
    # coder_a coded the attack and a truce, coder_b the attack: 2 of 3 events matched;
    # the same spans for the attack, and coder_a's truce trigger alone: α_U below 1.
    alpha_u = AgreementResult.objects.get(run=run, metric="alpha_u").value
    assert alpha_u is not None
    assert 0 < alpha_u < 1
    assert page.inner_text("#detection-headline") == (
        "Event detection: F1 between coders = 0.67 (2 of 3 coded events were found by "
        f"the other coder too). Evidence spans: α_U = {alpha_u:.3f} (the words marked for "
        "each role, compared between coders; 1 = the same words; articles: 1)."
    )
    head = page.locator("#fields-table thead th").all_inner_texts()
    assert head[7] == "Pairable units"
    assert head[10] == "AC1"
    row = page.locator("#fields-table tr[data-field=fatalities] td").all_inner_texts()
    assert row[9] == "0.950"
    note = page.locator("#fields-table tr[data-note-for=fatalities] td")
    assert note.inner_text() == (
        "Coders agree on 98% of pairs, but 99% of the values are the same one: α counts most "
        "of that agreement as chance (the prevalence effect); AC1 = 0.95. Check the "
        "disagreements before calling the field unreliable."
    )
    assert page.locator("#fields-table tr.note-row").count() == 1  # only where they diverge
    screenshot(page, "agreement-beside-alpha-en.png", full_page=True)
    with page.expect_navigation():
        page.select_option("#lang-select", "ar")
    page.wait_for_selector("body[data-ready=true]")
    assert "أثر الشيوع" in page.inner_text("#fields-table tr[data-note-for=fatalities] td")
    assert page.inner_text("#detection-headline").startswith("رصد الأحداث: F1")
    screenshot(page, "agreement-beside-alpha-ar.png", full_page=True)
