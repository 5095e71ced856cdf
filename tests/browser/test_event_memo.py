"""A codebook field keyed `notes` (as in ACLED) and the event's own memo in the coding form:
one `field-notes` textarea for the codebook field, a distinctly keyed `event-memo` for the
remark, and typing in each saves to its own place."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from coding.models import CodedEvent
from coding.services.events import EventInput, SpanInput, event_create
from coding.services.projects import membership_set, project_create
from tests.api.test_event_memo import (
    assignment_of,
    event_body,
    notes_codebook_version,
    with_acled_like_project,
)
from tests.browser.conftest import ARABIC_TEXT, BrowserWorld, open_coding, sign_in
from tests.browser.helpers import wait_all_saved
from tests.factories import AssignmentFactory
from tests.world import World, code_and_submit

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


def test_side_by_side_has_one_notes_row_and_takes_it_from_coder_b(
    page: Page, live_server, world: World, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with_acled_like_project(world)
    capture = django_capture_on_commit_callbacks
    for coder, note in ((world.coder_a, "A's note"), (world.coder_b, "B's note")):
        code_and_submit(
            world,
            assignment_of(world, coder),
            coder,
            [event_body(world, note, f"{coder.username}'s memo")],
            capture,
        )
    project, article = world.notes_project, world.notes_article  # type: ignore[attr-defined]
    sign_in(page, live_server.url, world.supervisor.username)
    page.goto(f"{live_server.url}/projects/{project.pk}/adjudication/{article.pk}/")
    page.wait_for_selector("body[data-ready=true]")
    page.click("#btn-open")
    page.wait_for_selector("#adj-status:has-text('open (revision 1)')")
    api = world.client(world.supervisor)
    base = f"/api/v1/projects/{project.pk}/articles/{article.pk}/adjudication/"
    view = api.get(base).json()
    labels = [c["label"] for c in view["coders"]]
    coder_a, coder_b = labels.index("coder_a"), labels.index("coder_b")
    [cluster] = view["clusters"]
    row = page.locator(f"#row-{cluster['key']}")

    notes = row.locator("tr[data-line=notes]")
    assert notes.count() == 1
    assert notes.locator("th").text_content() == "Notes ≠ (differs)"
    assert notes.locator("td").all_inner_texts() == (
        ["A's note", "B's note"] if coder_a == 0 else ["B's note", "A's note"]
    )
    memo = row.locator("tr[data-line='@memo']")
    assert memo.locator("th").text_content() == "Memo"
    assert sorted(memo.locator("td").all_inner_texts()) == ["coder_a's memo", "coder_b's memo"]
    assert row.locator("th:text-is('Notes'), th:has-text('Notes ≠')").count() == 1

    row.locator("[data-action=merge]").click()
    page.check(f"#m-{cluster['key']}-notes-{coder_b}")
    page.click(f"#row-{cluster['key']} [data-action=save-merge]")
    page.wait_for_selector(f"#row-{cluster['key']} .decision-merge")
    assert notes.locator("td.gold-col").inner_text() == "B's note"
    gold = CodedEvent.objects.get(layer="gold")
    assert (gold.values["notes"], gold.memo) == ("B's note", "coder_a's memo")
