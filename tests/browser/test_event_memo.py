"""A codebook field keyed `notes` (as in ACLED) and the event's own memo in the coding form:
one `field-notes` textarea for the codebook field, a distinctly keyed `event-memo` for the
remark, and typing in each saves to its own place."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from coding.models import CodedEvent
from coding.services.events import EventInput, SpanInput, event_create
from coding.services.projects import membership_set, project_create
from tests.api.test_event_memo import notes_codebook_version
from tests.browser.conftest import ARABIC_TEXT, BrowserWorld, open_coding, sign_in
from tests.browser.helpers import wait_all_saved
from tests.factories import AssignmentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_codebook_notes_field_and_the_memo_save_to_their_own_places(
    page: Page, live_server, web_world: BrowserWorld
) -> None:  # type: ignore[no-untyped-def]
    project = project_create(
        slug="acled-like", name="ACLED-like", codebook_version=notes_codebook_version(), overlap=1
    )
    membership_set(project=project, user=web_world.coder, role="coder")
    from coding.services.articles import articles_create
    from tests.world import Item

    article = articles_create(
        project=project, items=[Item("هجوم", ARABIC_TEXT, "ar")], actor=None
    ).created[0]
    assignment = AssignmentFactory(article=article, coder=web_world.coder)
    start = ARABIC_TEXT.index("هاجم")
    event = event_create(
        assignment=assignment,
        actor=web_world.coder,
        data=EventInput(
            event_type="ATTACK",
            event_subtype="ARMED_ASSAULT",
            values={"notes": "قبل"},
            memo="before",
            spans=[SpanInput(role="trigger", start=start, end=start + 4, quote="هاجم")],
        ),
    )

    sign_in(page, live_server.url, web_world.coder.username)
    open_coding(page, live_server.url, assignment.pk)
    page.wait_for_selector("#field-notes")
    assert page.locator("[id=field-notes]").count() == 1
    assert page.eval_on_selector("#field-notes", "e => e.tagName") == "TEXTAREA"
    assert page.locator("label[for=field-notes]").inner_text() == "Notes"
    assert page.locator("[id=event-memo]").count() == 1
    assert page.eval_on_selector("#event-memo", "e => e.tagName") == "TEXTAREA"
    assert page.locator("label[for=event-memo]").inner_text() == "Memo"
    assert page.input_value("#field-notes") == "قبل"
    assert page.input_value("#event-memo") == "before"

    # Real keys into each box, then autosave.
    page.click("#field-notes")
    page.keyboard.press("End")
    page.keyboard.type(" ٦ قتلى")
    wait_all_saved(page)
    event.refresh_from_db()
    assert (event.values["notes"], event.memo) == ("قبل ٦ قتلى", "before")

    page.click("#event-memo")
    page.keyboard.press("Control+A")
    page.keyboard.type("check the toll")
    wait_all_saved(page)
    event.refresh_from_db()
    assert (event.values["notes"], event.memo) == ("قبل ٦ قتلى", "check the toll")

    # After a reload each box shows what was saved in its own place.
    open_coding(page, live_server.url, assignment.pk)
    page.wait_for_selector("#field-notes")
    assert page.input_value("#field-notes") == "قبل ٦ قتلى"
    assert page.input_value("#event-memo") == "check the toll"
    assert CodedEvent.objects.filter(assignment=assignment).count() == 1
