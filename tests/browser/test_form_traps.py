"""Issue #20, items 1–3, 7 and 8: the form of the coding screen under the ACLED codebook, as a
new coder meets it. Required-ness from the codebook's rules is shown as soon as a rule
applies; the type picker and the dictionary combobox choose what the coder saw highlighted;
every name found in the text is offered, and a click attaches the occurrence near the event;
a refused value is explained at its field, with its label, in the UI language."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page

from coding.codebook_spec import load_codebook_text
from coding.models import CodedEvent
from coding.services.articles import articles_create
from coding.services.codebooks import codebook_version_create
from coding.services.projects import membership_set, project_create
from coding.text.matching import alias_key
from tests.browser.conftest import ROOT, BrowserWorld, open_coding, screenshot, sign_in
from tests.browser.helpers import double_click_word, pick_type, selected_quote, wait_all_saved
from tests.factories import AssignmentFactory, LocationAliasFactory, LocationFactory
from tests.world import Item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ACLED_TEXT = (
    "أفادت مصادر محلية بأن اشتباكات وقعت قرب بولكيسي الأسبوع الماضي.\n"
    "وشهدت مدن غاو، تمبكتو، موبتي، كيدال، سيغو، سيكاسو، كايس، باماكو، ميناكا، دوينتزا هدوءا.\n"
    "هاجمت جماعة JNIM أمس موقعا للجيش في بولكيسي وقتلت جنديين."
)
TOWNS = ["غاو", "تمبكتو", "موبتي", "كيدال", "سيغو", "سيكاسو", "كايس", "باماكو", "ميناكا", "دوينتزا"]


@dataclass
class AcledWorld:
    web: BrowserWorld
    assignment_id: int


@pytest.fixture
def acled(web_world: BrowserWorld) -> AcledWorld:
    spec = load_codebook_text((Path(ROOT) / "fixtures/codebooks/acled.yaml").read_text("utf-8"))
    version = codebook_version_create(spec=spec, publish=True)
    project = project_create(slug="acled", name="ACLED test", codebook_version=version, overlap=1)
    membership_set(project=project, user=web_world.coder, role="coder")
    article = articles_create(
        project=project, items=[Item("اشتباكات قرب بولكيسي", ACLED_TEXT, "ar")], actor=None
    ).created[0]
    for town in TOWNS:
        place = LocationFactory(name=f"Town {town}")
        LocationAliasFactory(location=place, text=town, normalized=alias_key(town))
    assignment = AssignmentFactory(article=article, coder=web_world.coder)
    return AcledWorld(web=web_world, assignment_id=int(assignment.pk))


def open_acled(page: Page, base: str, world: AcledWorld) -> None:
    sign_in(page, base, world.web.coder.username)
    open_coding(page, base, world.assignment_id)


def new_battle(page: Page) -> None:
    double_click_word(page, "هاجمت")
    assert selected_quote(page) == "هاجمت"
    page.keyboard.press("n")
    pick_type(page, "ARMED_CLASH")
    page.wait_for_selector("#field-actor2")


def missing_in_list(page: Page) -> list[str]:
    text = str(page.text_content(".event-row[aria-current=true] small"))
    part = next(p for p in text.split(" · ") if p.startswith("Missing"))
    return part.split(": ", 1)[1].split(", ")


def test_rule_required_fields_are_marked_when_the_rule_applies(
    page: Page, live_server, acled: AcledWorld
) -> None:  # type: ignore[no-untyped-def]
    open_acled(page, live_server.url, acled)
    new_battle(page)
    # Battles require Actor 2 (a required_for rule); its field says so and the list names it.
    assert page.locator("[data-field=actor2] .required-tag").is_visible()
    assert page.get_attribute("#field-actor2", "aria-required") == "true"
    assert page.locator("[data-field=inter2] .required-tag").count() == 0
    page.wait_for_function("() => document.querySelector('.event-row[aria-current=true] small')")
    assert "Actor 2" in missing_in_list(page)
    assert "Actor 2 type" not in missing_in_list(page)

    # Once Actor 2 is filled, Actor 2 type is required (required_with), at once.
    page.click("#field-actor2")
    page.keyboard.type("JNIM")
    page.wait_for_selector("#field-actor2[aria-expanded=true]")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-field=inter2] .required-tag")
    assert page.get_attribute("#field-inter2", "aria-required") == "true"
    assert page.locator("[data-field=actor2] .missing").count() == 0
    page.wait_for_function(
        "() => document.querySelector('.event-row[aria-current=true] small')"
        ".textContent.includes('Actor 2 type')"
    )
    assert "Actor 2" not in missing_in_list(page)
    screenshot(page, "code-acled-required-en.png")


def test_type_picker_ranks_exact_code_and_label_first(
    page: Page, live_server, acled: AcledWorld
) -> None:  # type: ignore[no-untyped-def]
    open_acled(page, live_server.url, acled)
    double_click_word(page, "هاجمت")
    assert selected_quote(page) == "هاجمت"
    page.keyboard.press("n")
    page.wait_for_selector("#type-picker[open]")
    page.keyboard.type("ATTACK")
    first = page.locator("#picker-list [role=option]").first
    assert first.get_attribute("aria-selected") == "true"
    assert first.locator("code").inner_text() == "ATTACK"
    page.keyboard.press("Enter")
    page.wait_for_selector("#type-picker:not([open])", state="attached")
    # T changes the type of the selected event: wait until the new one is listed and selected.
    page.wait_for_function("() => window.athar.store.list().length === 1")
    page.wait_for_selector("#event-form [aria-keyshortcuts=T]:not([disabled])")

    page.keyboard.press("t")
    page.wait_for_selector("#type-picker[open]")
    page.keyboard.type("drone")
    first = page.locator("#picker-list [role=option]").first
    assert first.locator("code").inner_text() == "AIR_DRONE_STRIKE"
    assert first.get_attribute("aria-selected") == "true"
    page.keyboard.press("Enter")
    page.wait_for_selector("#type-picker:not([open])", state="attached")
    wait_all_saved(page)
    event = CodedEvent.objects.select_related("event_type", "event_subtype").get(
        assignment_id=acled.assignment_id
    )
    assert (event.event_type.code, event.event_subtype.code) == (
        "EXPLOSIONS_REMOTE_VIOLENCE",
        "AIR_DRONE_STRIKE",
    )


def test_dictionary_combobox_arrow_down_then_enter_picks_the_first_entry(
    page: Page, live_server, acled: AcledWorld
) -> None:  # type: ignore[no-untyped-def]
    open_acled(page, live_server.url, acled)
    new_battle(page)
    page.click("#field-actor1")
    page.keyboard.type("جماعة نصرة")
    page.wait_for_selector("#field-actor1[aria-expanded=true]")
    listbox = "#" + str(page.get_attribute("#field-actor1", "aria-controls"))
    page.wait_for_selector(f"{listbox} [role=option]")
    # No option is highlighted before ↓ (WAI-ARIA list autocomplete, no automatic selection).
    assert page.locator(f"{listbox} [role=option][aria-selected=true]").count() == 0
    assert page.get_attribute("#field-actor1", "aria-activedescendant") is None
    page.keyboard.press("ArrowDown")
    first = page.locator(f"{listbox} [role=option]").first
    assert first.get_attribute("aria-selected") == "true"
    assert "Jama'at Nusrat" in first.inner_text()
    page.keyboard.press("Enter")
    wait_all_saved(page)
    event = CodedEvent.objects.get(assignment_id=acled.assignment_id)
    assert event.values["actor1"] == {"id": acled.web.actor.pk}


def test_all_found_places_are_offered_and_the_nearest_occurrence_is_attached(
    page: Page, live_server, acled: AcledWorld
) -> None:  # type: ignore[no-untyped-def]
    open_acled(page, live_server.url, acled)
    new_battle(page)
    found = "[data-field=location] .found button.suggestion"
    page.wait_for_function(f"() => document.querySelectorAll('{found}').length >= {len(TOWNS) + 1}")
    assert page.locator(found).count() == len(TOWNS) + 1  # every place named, once each

    # No selection: the occurrence in the event's sentence (near its trigger), not the first.
    boulkessi = page.locator(found, has_text="Boulkessi")
    boulkessi.click()
    wait_all_saved(page)
    second = ACLED_TEXT.index("بولكيسي", ACLED_TEXT.index("هاجمت"))
    first = ACLED_TEXT.index("بولكيسي")

    def location_spans() -> list[tuple[int, int]]:
        event = CodedEvent.objects.get(assignment_id=acled.assignment_id)
        return sorted((s.start, s.end) for s in event.spans.filter(role="location"))

    assert location_spans() == [(second, second + 7)]

    # With a selection, the occurrence nearest to it.
    double_click_word(page, "بولكيسي", 0)
    assert selected_quote(page) == "بولكيسي"
    boulkessi.click()
    wait_all_saved(page)
    assert location_spans() == [(first, first + 7), (second, second + 7)]


def test_a_refused_value_is_shown_at_its_field_in_the_ui_language(
    page: Page, live_server, acled: AcledWorld
) -> None:  # type: ignore[no-untyped-def]
    open_acled(page, live_server.url, acled)
    new_battle(page)
    wait_all_saved(page)
    page.click("#field-fatalities")
    page.keyboard.type("-3")
    error = "[data-field=fatalities] .field-error"
    page.wait_for_selector(error)
    assert page.inner_text(error) == "Fatalities: -3 is below the minimum 0"
    assert page.get_attribute("#field-fatalities", "aria-invalid") == "true"
    assert "fatalities:" not in page.inner_text("#event-form")  # no raw key anywhere
    event = CodedEvent.objects.get(assignment_id=acled.assignment_id)
    assert "fatalities" not in event.values  # the refused value changed nothing

    with page.expect_navigation():
        page.select_option("#lang-select", "ar")
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_selector(error)
    assert page.inner_text(error) == "عدد القتلى: -3 أقل من الحد الأدنى 0"
    # Drawn as "-3", not "3-": the minus sign is left of the digit inside the Arabic line.
    minus_left, digit_left = page.evaluate(
        """(selector) => {
          const text = document.querySelector(selector + ' bdi').firstChild;
          const box = (i) => {
            const range = document.createRange();
            range.setStart(text, i);
            range.setEnd(text, i + 1);
            return range.getBoundingClientRect().left;
          };
          return [box(0), box(1)];
        }""",
        error,
    )
    assert minus_left < digit_left
    screenshot(page, "code-acled-refused-ar.png")

    # Once the value is corrected and saved, the refusal is gone from the field and the top.
    page.click("#field-fatalities")
    page.keyboard.press("Control+A")
    page.keyboard.type("3")
    wait_all_saved(page)
    assert page.locator(".field-error").count() == 0
    assert page.locator("#event-form ul.error").count() == 0
    assert page.get_attribute("#field-fatalities", "aria-invalid") is None
    assert CodedEvent.objects.get(assignment_id=acled.assignment_id).values["fatalities"] == 3
