"""The machine coder's ghost items on the coding screen, driven with the keyboard: Y accepts
the current suggestion (it becomes the coder's own event, in the list, marked as begun from
the suggestion), X dismisses one (nothing saved); a coder of the control group sees none."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from coding.models import CodedEvent, RecommenderModel
from coding.services.recommender import recommender_settings_update, recommender_train_request
from tests.browser.conftest import open_coding, screenshot, sign_in
from tests.recommender.scene import add_validated, coder_article, generated_project

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(1200),  # 30 articles validated through the services first
]


def _trained_scene():  # type: ignore[no-untyped-def]
    scene = generated_project(slug="web-ml")
    add_validated(scene, 30, seed=1)
    recommender_settings_update(
        project=scene.project, actor=scene.supervisor, changes={"min_events": 5, "threshold": 0.3}
    )
    # Committed: the outbox drain runs on commit and (tasks in-process here) trains it.
    model = recommender_train_request(project=scene.project, actor=scene.supervisor)
    model.refresh_from_db()
    assert model.status == "ready", model.error
    return scene, model


def test_accept_and_dismiss_ghosts_with_the_keyboard(page: Page, live_server) -> None:  # type: ignore[no-untyped-def]
    scene, model = _trained_scene()
    coder = scene.coders[0]
    assignment = coder_article(scene, coder)
    sign_in(page, live_server.url, coder.username)
    open_coding(page, live_server.url, assignment.pk)
    ghosts = page.locator("#ghosts li.ghost")
    expect(ghosts.first).to_be_visible()
    shown = ghosts.count()
    assert shown >= 2
    assert "machine" in ghosts.first.inner_text()
    assert page.locator("#event-count").inner_text() == "0"
    assert CodedEvent.objects.filter(assignment=assignment).count() == 0
    screenshot(page, "machine-suggestions.png")

    first_key = ghosts.first.get_attribute("data-key")
    page.locator("#article-text").focus()
    page.keyboard.press("KeyY")
    expect(page.locator("#event-count")).to_have_text("1")
    expect(ghosts).to_have_count(shown - 1)
    event = CodedEvent.objects.get(assignment=assignment)
    assert event.suggestion_key == first_key
    assert event.suggested_by_id == model.pk
    expect(page.locator("#announce")).to_contain_text("your event now")

    page.keyboard.press("KeyX")
    expect(ghosts).to_have_count(shown - 2)
    expect(page.locator("#announce")).to_contain_text("dismissed")
    assert CodedEvent.objects.filter(assignment=assignment).count() == 1
    assert RecommenderModel.objects.filter(project=scene.project).count() == 1


def test_the_control_group_sees_no_ghosts(page: Page, live_server) -> None:  # type: ignore[no-untyped-def]
    scene, _ = _trained_scene()
    hidden = scene.coders[1]
    recommender_settings_update(
        project=scene.project, actor=scene.supervisor, changes={"hidden_from": [hidden.pk]}
    )
    assignment = coder_article(scene, hidden)
    sign_in(page, live_server.url, hidden.username)
    open_coding(page, live_server.url, assignment.pk)
    page.wait_for_load_state("networkidle")
    expect(page.locator("#ghosts")).to_be_hidden()
    page.locator("#article-text").focus()
    page.keyboard.press("KeyY")
    assert CodedEvent.objects.filter(assignment=assignment).count() == 0
