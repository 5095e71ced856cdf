"""Issue 20, items 12, 14 and 15 where they meet the coding screen and the languages: one Esc
closes the type picker, one success message, marked conflicts, plural forms in en/fr/ar, Latin
dates and mixed columns in the Arabic UI; driven in Chromium with real clicks and keys."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page
from rest_framework.test import APIClient

from coding.models import Article, Assignment, CodedEvent
from coding.services.events import EventInput, SpanInput, event_create
from tests.browser.conftest import ARABIC_TEXT, open_coding, screenshot, sign_in
from tests.browser.helpers import double_click_word, wait_all_saved
from tests.browser.test_project_pages import _adjudicate as adjudicate_and_validate
from tests.world import World, complete_event

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_one_escape_closes_the_type_picker_after_typing(page: Page, live_server, web_world) -> None:
    """Esc cleared the search box first (a search input's own habit): a second Esc was needed."""
    sign_in(page, live_server.url, web_world.coder.username)
    open_coding(page, live_server.url, web_world.assignment.pk)
    double_click_word(page, "هاجم")
    page.keyboard.press("n")
    page.wait_for_selector("#type-picker[open]")
    page.keyboard.type("atta")
    page.keyboard.press("Escape")
    page.wait_for_selector("#type-picker:not([open])", state="attached")
    page.wait_for_timeout(300)  # a cancelled picker creates nothing, even a moment later
    assert page.evaluate("() => window.athar.store.list().length") == 0
    assert CodedEvent.objects.filter(assignment=web_world.assignment).count() == 0


def test_submitting_says_so_once(page: Page, live_server, web_world) -> None:
    """A status line "Submitted. Thank you!" and a banner "Submitted." said it twice."""
    client = APIClient()
    client.force_authenticate(web_world.coder)
    created = client.post(
        f"/api/v1/assignments/{web_world.assignment.pk}/events/",
        complete_event(web_world),  # type: ignore[arg-type]
        format="json",
    )
    assert created.status_code == 201, created.json()
    sign_in(page, live_server.url, web_world.coder.username)
    open_coding(page, live_server.url, web_world.assignment.pk)
    page.click("#btn-submit")
    page.wait_for_selector("#submitted:not([hidden])")
    assert Assignment.objects.get(pk=web_world.assignment.pk).status == "submitted"
    said = [
        text
        for text in page.locator("#announce, #submitted, #text-problem").all_inner_texts()
        if "Submitted" in text
    ]
    assert said == ["Submitted. Back to my queue"]
    assert page.evaluate("() => document.activeElement.id") == "submitted"


def test_the_conflict_dialog_marks_the_fields_that_differ(
    page: Page, live_server, web_world
) -> None:
    """Of the many rows of both versions, only the ones that differ are marked."""
    start = ARABIC_TEXT.index("هاجم")
    event = event_create(
        assignment=web_world.assignment,
        actor=web_world.coder,
        data=EventInput(
            event_type="ATTACK",
            event_subtype="ARMED_ASSAULT",
            values={"fatalities": 1},
            spans=[SpanInput(role="trigger", start=start, end=start + 4, quote="هاجم")],
        ),
    )
    sign_in(page, live_server.url, web_world.coder.username)
    open_coding(page, live_server.url, web_world.assignment.pk)
    second = page.context.new_page()
    open_coding(second, live_server.url, web_world.assignment.pk)
    second.fill("#field-fatalities", "3")
    wait_all_saved(second)
    page.fill("#field-fatalities", "7")
    page.wait_for_selector("#conflict-dialog[open]")
    for side, value in (("mine", "7"), ("theirs", "3")):
        marked = page.locator(f"[data-conflict-{side}] dt.differs")
        assert marked.all_inner_texts() == ["Fatalities"]
        assert marked.get_attribute("data-mark") == "≠ differs"  # drawn after the label
        assert page.locator(f"[data-conflict-{side}] dd.differs").all_inner_texts() == [value]
        assert page.locator(f"[data-conflict-{side}] dt").count() > 5  # the others: unmarked
    event.refresh_from_db()
    assert event.values["fatalities"] == 3  # nothing overwritten
    screenshot(page, "conflict-dialog-marked.png")


def _picker_count(page: Page, search: str) -> str:
    page.keyboard.type(search)
    page.wait_for_function(
        "() => document.querySelectorAll('#picker-list [role=option]').length > 0"
    )
    text = page.inner_text("[data-picker-count]")
    page.keyboard.press("Escape")
    page.wait_for_selector("#type-picker:not([open])", state="attached")
    return text


def _switch_language(page: Page, lang: str) -> None:
    with page.expect_navigation():
        page.select_option("#lang-select", lang)
    page.wait_for_selector("body[data-ready=true]")


def test_counts_use_each_languages_plural_forms(page: Page, live_server, web_world) -> None:
    """ "1 types shown" in English; Arabic has six forms, French says "Bilan des codeurs" and
    puts a space before its colons."""
    sign_in(page, live_server.url, web_world.coder.username)
    open_coding(page, live_server.url, web_world.assignment.pk)
    counts = {}
    for lang in ("en", "fr", "ar"):
        if lang != "en":
            _switch_language(page, lang)
        double_click_word(page, "هاجم")
        page.keyboard.press("n")
        page.wait_for_selector("#type-picker[open]")
        counts[lang] = _picker_count(page, "ARMED_ASSAULT")
        page.keyboard.press("n")
        page.wait_for_selector("#type-picker[open]")
        counts[f"{lang} all"] = _picker_count(page, "")
        counts[f"{lang} meta"] = page.inner_text("header.article-head .meta span:first-child")
    total = len(web_world.project.codebook_version.event_types.all())
    assert 3 <= total <= 10  # Arabic's "few" form
    assert counts == {
        "en": "1 type shown",
        "en all": f"{total} types shown",
        "fr": "1 type affiché",
        "fr all": f"{total} types affichés",
        "ar": "نوع واحد معروض",
        "ar all": f"\u2068{total}\u2069 أنواع معروضة",  # the number is isolated
        "en meta": "Language: ar",
        "fr meta": "Langue : ar",
        "ar meta": "اللغة: ar",
    }

    page.click("header form button[type=submit]")
    sign_in(page, live_server.url, web_world.supervisor.username)
    page.goto(f"{live_server.url}/projects/{web_world.project.pk}/adjudication/")
    page.wait_for_selector("body[data-ready=true]")
    _switch_language(page, "fr")
    tabs = page.locator("nav.project-tabs a").all_inner_texts()
    assert "Bilan des codeurs" in tabs
    assert "Retour aux codeurs" not in tabs


# Where the two pieces of one text node under `selector` are drawn (their left edges, px).
_LEFT_OF = """([selector, first, second]) => {
  const walker = document.createTreeWalker(document.querySelector(selector), NodeFilter.SHOW_TEXT);
  let node = walker.nextNode();
  while (node && !node.textContent.includes(first)) node = walker.nextNode();
  const left = (needle) => {
    const range = document.createRange();
    const i = node.textContent.indexOf(needle);
    range.setStart(node, i);
    range.setEnd(node, i + needle.length);
    return range.getBoundingClientRect().left;
  };
  return [left(first), left(second)];
}"""


def test_latin_dates_read_left_to_right_in_the_arabic_ui(
    page: Page, live_server, web_world
) -> None:
    """After an Arabic label a Latin date took Arabic number order: 2022-06-13 read 13-06-2022."""
    Article.objects.filter(pk=web_world.arabic.pk).update(
        published_at=dt.datetime(2022, 6, 13, 9, 30, tzinfo=dt.UTC)
    )
    sign_in(page, live_server.url, web_world.coder.username)
    open_coding(page, live_server.url, web_world.assignment.pk)
    _switch_language(page, "ar")
    meta = "header.article-head .meta"
    assert "تاريخ النشر:" in page.inner_text(meta)
    year, day = page.evaluate(_LEFT_OF, [meta, "2022", "-13"])
    assert year < day  # 2022 on the left, as written


def test_mixed_script_values_of_one_column_align_alike_in_arabic(
    page: Page, live_server, disputed: World
) -> None:
    world = disputed
    adjudicate_and_validate(world)
    sign_in(page, live_server.url, world.researcher.username)
    page.goto(f"{live_server.url}/projects/{world.project.pk}/data/")
    page.wait_for_selector("body[data-ready=true]")
    _switch_language(page, "ar")
    gaps = page.evaluate(
        """() => [...document.querySelectorAll('#preview-body td')].map((td) => {
          const range = document.createRange();
          range.selectNodeContents(td);
          const text = range.getBoundingClientRect();
          const cell = td.getBoundingClientRect();
          return [td.textContent, Math.round(cell.right - text.right)];
        })"""
    )
    latin = [gap for text, gap in gaps if text in ("JNIM", "Boulkessi")]
    assert len(latin) == 2
    assert all(gap <= 12 for gap in latin), gaps  # against the right edge, like the Arabic ones
    # Values put into sentences are isolated (first-strong isolate … pop directional isolate).
    assert "\u20681\u2069" in (page.text_content("#preview-caption") or "")
