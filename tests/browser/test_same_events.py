"""The "Same event?" queue and comparison page in Chromium: a candidate pair made from two
validated reports is listed with its reasons; the comparison shows both articles with each
report's evidence highlighted on the stored words (code points, astral characters before them);
a keyboard shortcut and a click link the pair; "not the same" takes a pair out of the queue;
a supervisor who acts second is told who acted first; Arabic (mirrored) screenshot."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from coding.models import CodedEvent, DatasetEventReport, DuplicateCandidate, EvidenceSpan
from coding.services.dataset_events import dataset_events_link
from tests.browser.conftest import screenshot, sign_in
from tests.dataset_events.scene import validated_report
from tests.world import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The flag and the emoji before the evidence are two and one code points outside the BMP:
# the page's highlights must still start on the stored (code-point) offsets.
TEXT_AR = "🇲🇱 هاجم مسلحو JNIM قاعدة الجيش في بولكيسي 😢 يوم 12 يونيو 2022، وقُتل 5 جنود."
TEXT_FR = "Des hommes armés du JNIM ont attaqué le camp de Boulkessi le 12 juin 2022 : 7 morts."
TITLE_AR = "هجوم على <b>بولكيسي</b>"
TITLE_FR = "Attaque du camp de Boulkessi"
REASONS = "same day, same town, 1 of 1 actors, 0.71 text similarity"

# [side, role, start, end, quote] of every drawn highlight, offsets in code points over the
# pane's text content (the test's own measurement, not the page's code).
DRAWN = """(side) => {
  const root = document.getElementById(`text-${side}`);
  const prefix = `athar-role-${side}-`;
  const out = [];
  for (const [name, highlight] of CSS.highlights) {
    if (!name.startsWith(prefix)) continue;
    for (const range of highlight) {
      const before = document.createRange();
      before.setStart(root, 0);
      before.setEnd(range.startContainer, range.startOffset);
      const start = [...before.toString()].length;
      const quote = range.toString();
      out.push([name.slice(prefix.length), start, start + [...quote].length, quote]);
    }
  }
  return out.sort((a, b) => a[1] - b[1]);
}"""


def _values(world: World, **changes: Any) -> dict[str, Any]:
    return {
        "actor1": {"id": world.actor.pk},
        "location": {"id": world.location.pk},
        "event_date": {"start": "2022-06-12"},
        "time_precision": "1",
        **changes,
    }


def _pair(
    world: World, score: float = 0.83, tag: str = "", date_b: dict[str, str] | None = None
) -> tuple[CodedEvent, CodedEvent, DuplicateCandidate]:
    """Two validated reports and their candidate pair; `tag` makes the articles differ from
    another pair's (articles are deduplicated on their text)."""
    a = validated_report(
        project=world.project,
        supervisor=world.supervisor,
        text=TEXT_AR + tag,
        trigger="هاجم",
        values=_values(world, fatalities=5),
        title=TITLE_AR,
        evidence=(("JNIM", "actor1"), ("بولكيسي", "location"), ("قُتل 5 جنود", "fatalities")),
    )
    b = validated_report(
        project=world.project,
        supervisor=world.supervisor,
        text=TEXT_FR + tag,
        trigger="attaqué",
        values=_values(world, fatalities=7, **({"event_date": date_b} if date_b else {})),
        title=TITLE_FR,
        evidence=(("Boulkessi", "location"), ("7 morts", "fatalities")),
    )
    # Validation has already found the pair (the search runs on commit); the test fixes its
    # score and reasons so that the page's text is known.
    candidate, _ = DuplicateCandidate.objects.update_or_create(
        project=world.project,
        event_a=a,
        event_b=b,
        defaults={"score": score, "reasons": {"summary": REASONS}},
    )
    return a, b, candidate


def _stored(event: CodedEvent) -> list[list[Any]]:
    return sorted(
        [[s.role, s.start, s.end, s.quote] for s in EvidenceSpan.objects.filter(event=event)],
        key=lambda s: s[1],
    )


def _open_pair(page: Page, live_server: Any, world: World, candidate: DuplicateCandidate) -> None:
    page.goto(f"{live_server.url}/projects/{world.project.pk}/same-events/{candidate.pk}/")
    page.wait_for_selector("body[data-ready=true]")


def _confirm(page: Page, reason: str) -> None:
    page.wait_for_selector("#action-dialog[open]")
    page.keyboard.type(reason)
    page.click("#action-confirm")


def test_queue_lists_the_pair_and_the_comparison_highlights_both_reports_evidence(
    page: Page, live_server: Any, world: World
) -> None:
    a, b, candidate = _pair(world)
    sign_in(page, live_server.url, world.supervisor.username)
    page.goto(f"{live_server.url}/projects/{world.project.pk}/agreement/")
    page.click("nav.project-tabs a:has-text('Same event?')")
    page.wait_for_selector("body[data-ready=true]")
    row = page.locator(f"#queue-body tr[data-candidate='{candidate.pk}']")
    assert row.locator("td").nth(1).inner_text() == REASONS
    assert TITLE_AR in row.locator("td").nth(2).inner_text()  # escaped: the tags are text
    assert TITLE_FR in row.locator("td").nth(3).inner_text()
    assert "Sahel Wire" in row.locator("td").nth(3).inner_text()
    screenshot(page, "same-events-queue-en.png")

    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/same-events/{candidate.pk}/")
    page.wait_for_selector("body[data-ready=true]")
    for side, event in (("a", a), ("b", b)):
        stored_text = event.article.text
        shown = page.evaluate(f"() => document.getElementById('text-{side}').textContent")
        assert shown == stored_text
        drawn = page.evaluate(DRAWN, side)
        assert drawn == _stored(event)
        for _role, start, end, quote in drawn:
            assert stored_text[start:end] == quote
    # The direction computed at import (the line opens with a flag, whose letters are "L"
    # to the bidi algorithm, so the browser's own guess would make it left-to-right).
    assert page.get_attribute("#text-a p", "dir") == "rtl"
    assert page.get_attribute("#text-b p", "dir") == "ltr"
    assert page.locator("#side-a h2").inner_text().endswith(TITLE_AR)
    differing = page.locator("#fields tr.differs th").all_inner_texts()
    assert [t.split(" (")[0].lstrip("≠ ") for t in differing] == ["Fatalities"]
    # Left as it is, the fatalities of a linked event follow the project's rule (ACLED's
    # conservative figure by default), as the API's preview of the link says.
    assert page.is_checked("#choice-fatalities-conservative")
    screenshot(page, "same-event-compare-en.png")


def test_a_shortcut_and_a_click_link_the_pair_with_the_chosen_values(
    page: Page, live_server: Any, world: World
) -> None:
    a, b, candidate = _pair(world)
    sign_in(page, live_server.url, world.supervisor.username)
    _open_pair(page, live_server, world, candidate)
    page.keyboard.press("Shift+Slash")
    page.wait_for_selector("#help-dialog[open]")
    assert "Link the two reports" in page.locator("#help-dialog").inner_text()
    page.keyboard.press("Escape")
    page.wait_for_selector("#help-dialog:not([open])", state="attached")
    page.keyboard.press("j")  # the first (only) differing field: fatalities
    page.wait_for_selector("#field-fatalities[aria-current=true]")
    page.keyboard.press("Shift+Digit2")  # take B's figure
    assert page.is_checked("#choice-fatalities-b")
    page.keyboard.press("l")
    _confirm(page, "Same attack on the Boulkessi camp")
    page.wait_for_selector("#reports:not([hidden]) button.split")

    candidate.refresh_from_db()
    assert candidate.status == DuplicateCandidate.Status.LINKED
    survivor = min(a.pk, b.pk)
    reports = DatasetEventReport.objects.filter(gold_event__in=[a, b])
    assert {r.dataset_event_id for r in reports} == {survivor}
    resolution = reports[0].dataset_event.resolution
    assert resolution["fatalities"]["report"] == b.pk
    assert page.locator("#pair-status").inner_text() == "linked (same event)"
    assert page.locator("#report-list li").count() == 2
    # The table now says where the linked event's differing field comes from.
    assert page.locator("#field-fatalities td").nth(2).inner_text() == "Report B"
    assert page.is_disabled("#btn-link")
    screenshot(page, "same-event-linked-en.png", full_page=True)


def test_rules_for_the_date_and_the_fatalities_are_chosen_with_the_keyboard(
    page: Page, live_server: Any, world: World
) -> None:
    a, _, candidate = _pair(world, date_b={"start": "2022-06-11", "end": "2022-06-13"})
    sign_in(page, live_server.url, world.supervisor.username)
    _open_pair(page, live_server, world, candidate)
    page.keyboard.press("j")
    page.wait_for_selector("#field-date[aria-current=true]")
    page.keyboard.press("Shift+Digit4")  # the union of the two ranges
    page.keyboard.press("j")
    page.wait_for_selector("#field-fatalities[aria-current=true]")
    page.keyboard.press("Shift+Digit3")  # the conservative (lowest) figure
    assert page.is_checked("#choice-date-union")
    assert page.is_checked("#choice-fatalities-conservative")
    page.click("#btn-link")
    _confirm(page, "Same attack, reported over three days")
    page.wait_for_selector("#reports:not([hidden])")
    resolution = DatasetEventReport.objects.get(gold_event=a).dataset_event.resolution
    assert resolution["date"]["rule"] == "union"
    assert resolution["date"]["value"]["start"] == "2022-06-11"
    assert resolution["date"]["value"]["end"] == "2022-06-13"
    assert (resolution["fatalities"]["rule"], resolution["fatalities"]["value"]) == (
        "conservative",
        5,
    )
    assert resolution["fatalities"]["by"] == world.supervisor.pk
    page.wait_for_function(
        "() => document.querySelectorAll('#field-date td')[2]?.innerText === 'Union of the ranges'"
    )


def test_split_takes_a_report_back_out_of_the_linked_event(
    page: Page, live_server: Any, world: World
) -> None:
    a, b, candidate = _pair(world)
    sign_in(page, live_server.url, world.supervisor.username)
    _open_pair(page, live_server, world, candidate)
    page.click("#btn-link")
    _confirm(page, "Same attack")
    page.wait_for_selector(f"#report-list button[data-report='{b.pk}']")
    page.click(f"#report-list button[data-report='{b.pk}']")
    _confirm(page, "Two attacks that week")
    page.wait_for_selector("#announce:has-text('Split')")
    report_a = DatasetEventReport.objects.get(gold_event=a)
    report_b = DatasetEventReport.objects.get(gold_event=b)
    assert report_a.dataset_event_id == a.pk
    assert report_b.dataset_event_id not in (a.pk, b.pk)


def test_not_the_same_takes_the_pair_out_of_the_queue(
    page: Page, live_server: Any, world: World
) -> None:
    _, _, first = _pair(world, score=0.9)
    _, _, second = _pair(world, score=0.6, tag=" (2)")
    sign_in(page, live_server.url, world.supervisor.username)
    _open_pair(page, live_server, world, first)
    page.click("#btn-not-same")
    _confirm(page, "Two different attacks")
    page.wait_for_selector("#pair-status:has-text('not the same event')")
    first.refresh_from_db()
    assert first.status == DuplicateCandidate.Status.NOT_SAME
    assert first.reason == "Two different attacks"

    page.click("a:has-text('Back to the')")
    page.wait_for_selector("body[data-ready=true]")
    rows = page.locator("#queue-body tr")
    listed = [rows.nth(i).get_attribute("data-candidate") for i in range(rows.count())]
    # (validation's own search may have proposed other pairs among these four reports)
    assert str(second.pk) in listed
    assert str(first.pk) not in listed
    page.select_option("#f-status", "not_same")
    page.wait_for_selector(f"#queue-body tr[data-candidate='{first.pk}']")
    assert page.locator("#queue-body tr").count() == 1


def test_the_second_supervisor_is_told_who_acted_first(
    page: Page, live_server: Any, world: World
) -> None:
    _, _, candidate = _pair(world)
    sign_in(page, live_server.url, world.supervisor.username)
    _open_pair(page, live_server, world, candidate)
    # Meanwhile the project's admin decides the pair through the API.
    answer = world.client(world.admin).post(
        f"/api/v1/projects/{world.project.pk}/duplicate-candidates/{candidate.pk}/not-same/",
        {"reason": "different towns"},
        format="json",
    )
    assert answer.status_code == 200, answer.content
    page.keyboard.press("l")
    _confirm(page, "Same attack")
    page.wait_for_selector("#announce.error")
    message = page.locator("#announce").inner_text()
    assert world.admin.username in message
    assert page.locator("#pair-status").inner_text() == "not the same event"
    candidate.refresh_from_db()
    assert candidate.status == DuplicateCandidate.Status.NOT_SAME
    assert candidate.decided_by == world.admin
    assert DatasetEventReport.objects.filter(dataset_event_id=candidate.event_b_id).exists()


def test_a_stale_version_is_refused_then_the_reloaded_page_links(
    page: Page, live_server: Any, world: World
) -> None:
    a, b, candidate = _pair(world)
    third = validated_report(
        project=world.project,
        supervisor=world.supervisor,
        text="Attaque contre Boulkessi : le bilan s'alourdit.",
        trigger="Attaque",
        values=_values(world),
    )
    sign_in(page, live_server.url, world.supervisor.username)
    _open_pair(page, live_server, world, candidate)
    # Meanwhile the admin links A's dataset event with a third report: its version moves on.
    dataset_events_link(
        project=world.project,
        event_ids=(a.pk, third.pk),
        expected_versions={a.pk: 1, third.pk: 1},
        actor=world.admin,
        reason="same attack",
    )
    page.keyboard.press("l")
    _confirm(page, "Same attack")
    page.wait_for_selector("#announce.error")
    assert f"dataset event {a.pk} changed since version 1" in page.inner_text("#announce")
    assert "Nothing of yours was saved" in page.inner_text("#announce")
    candidate.refresh_from_db()
    assert candidate.status == DuplicateCandidate.Status.OPEN
    assert DatasetEventReport.objects.get(gold_event=b).dataset_event_id == b.pk

    page.keyboard.press("l")  # the page now holds the current versions
    _confirm(page, "Same attack")
    page.wait_for_selector("#pair-status:has-text('linked')")
    assert DatasetEventReport.objects.get(gold_event=b).dataset_event_id == a.pk
    page.wait_for_function("() => document.querySelectorAll('#report-list li').length === 3")


def test_arabic_comparison_is_mirrored_with_the_highlights_on_the_same_words(
    page: Page, live_server: Any, world: World
) -> None:
    a, b, candidate = _pair(world)
    sign_in(page, live_server.url, world.supervisor.username)
    _open_pair(page, live_server, world, candidate)
    with page.expect_navigation():
        page.select_option("#lang-select", "ar")
    page.wait_for_selector("body[data-ready=true]")
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.locator("#btn-not-same").inner_text().startswith("ليس الحدث نفسه")
    assert page.evaluate(DRAWN, "a") == _stored(a)
    assert page.evaluate(DRAWN, "b") == _stored(b)
    screenshot(page, "same-event-compare-ar.png", full_page=True)
