"""Issue #20 item 6 on the side-by-side page: a quote that starts with a Latin word inside a
right-to-left paragraph ("JNIM قرية …") is shown in its paragraph's direction, so it reads in
the order the text has it, not in first-strong (left-to-right) order."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from playwright.sync_api import Page

from tests.browser.conftest import screenshot, sign_in
from tests.world import ARTICLE_TEXT, World, code_and_submit, complete_event, span

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MIXED = "JNIM قرية بولكيسي"


def test_side_by_side_evidence_reads_in_its_paragraphs_direction(
    page: Page, live_server, world: World, django_capture_on_commit_callbacks
) -> None:
    cache.clear()
    event = complete_event(world)
    event["spans"] = [*event["spans"][:1], span(ARTICLE_TEXT, MIXED, "actor1")]  # type: ignore[index]
    for assignment, coder in (
        (world.assignment_a, world.coder_a),
        (world.assignment_b, world.coder_b),
    ):
        code_and_submit(world, assignment, coder, [event], django_capture_on_commit_callbacks)

    sign_in(page, live_server.url, world.supervisor.username)
    page.goto(f"{live_server.url}/projects/{world.project.pk}/adjudication/{world.article.pk}/")
    page.wait_for_selector("body[data-ready=true]")
    quote = page.locator("tr[data-line='@evidence'] bdi.quote", has_text=MIXED).first
    assert quote.get_attribute("dir") == "rtl"  # the paragraph's, not first-strong ltr
    assert quote.inner_text() == MIXED
    # Drawn right to left: the Latin word that opens the quote is at its right end.
    latin_x, arabic_x = quote.evaluate(
        """(node) => {
            const text = node.firstChild;
            const at = (i) => {
                const range = document.createRange();
                range.setStart(text, i);
                range.setEnd(text, i + 1);
                return range.getBoundingClientRect().x;
            };
            return [at(0), at(text.data.indexOf("ق"))];
        }"""
    )
    assert latin_x > arabic_x
    screenshot(page, "side-by-side-mixed-quote-en.png")


def test_french_labels_built_on_the_page_take_a_space_before_the_colon(
    page: Page, live_server, world: World, django_capture_on_commit_callbacks
) -> None:
    """Issue #20 item 14: French writes "Déclencheur : …" (a narrow no-break space before the
    colon), also where the page joins a label and a value itself."""
    cache.clear()
    for assignment, coder in (
        (world.assignment_a, world.coder_a),
        (world.assignment_b, world.coder_b),
    ):
        code_and_submit(
            world, assignment, coder, [complete_event(world)], django_capture_on_commit_callbacks
        )
    sign_in(page, live_server.url, world.supervisor.username)
    page.goto(f"{live_server.url}/projects/{world.project.pk}/adjudication/{world.article.pk}/")
    page.wait_for_selector("body[data-ready=true]")
    with page.expect_navigation():
        page.select_option("#lang-select", "fr")
    page.wait_for_selector("body[data-ready=true]")
    evidence = page.locator("tr[data-line='@evidence'] td").first.inner_text()
    assert "\u202f: “" in evidence
    assert not any(f"{c}: " in evidence for c in "abcdefghijklmnopqrstuvwxyzé")
