"""The supervisors' "Proposed names" page in Chromium: a proposed actor is merged into an
entry found by searching the dictionary, a proposed place is refused at its field (half a
coordinate) with nothing changed, then created with its country and coordinates; the open
event that used both names then points at the entries."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from coding.models import ActorAlias, CodedEvent, Location
from coding.text.matching import alias_key
from tests.browser.conftest import screenshot, sign_in
from tests.factories import ActorAliasFactory
from tests.world import World, code_and_submit, complete_event

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ACTOR = "Katiba Macina"
PLACE = "قرية ديالاسوغو"


def _open_event_with_proposals(world: World) -> int:
    body = complete_event(world)
    body["values"] = dict(body["values"]) | {  # type: ignore[call-overload]
        "actor1": {"name": ACTOR},
        "location": {"name": PLACE},
    }
    response = world.client(world.coder_b).post(
        f"/api/v1/assignments/{world.assignment_b.pk}/events/", body, format="json"
    )
    assert response.status_code == 201, response.json()
    return int(response.json()["id"])


def test_merge_one_proposal_and_create_another(page: Page, live_server: Any, world: World) -> None:
    ActorAliasFactory(actor=world.actor, text="JNIM", normalized=alias_key("JNIM"))
    event_id = _open_event_with_proposals(world)
    sign_in(page, live_server.url, world.supervisor.username)
    page.goto(f"{live_server.url}/projects/{world.project.pk}/agreement/")
    page.click("nav.project-tabs a:has-text('Proposed names')")
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#proposals-status")).to_have_text("Proposed names: 2")

    # merge the actor into JNIM, found by searching the dictionary (real keys)
    actor_card = page.locator(f"section.proposal[data-name='{ACTOR}']")
    actor_card.get_by_label("Search the dictionary").click()
    page.keyboard.type("JNIM")
    result = actor_card.locator(".search-results label", has_text="JNIM")
    result.click()
    actor_card.get_by_role("button", name="Merge as an alias").click()
    expect(actor_card).to_have_count(0)
    expect(page.locator("#proposals-status")).to_contain_text(f"#{world.actor.pk}")
    assert ActorAlias.objects.filter(actor=world.actor, text=ACTOR).exists()
    assert CodedEvent.objects.get(pk=event_id).values["actor1"] == {"id": world.actor.pk}

    # half a coordinate: refused at the latitude field, in words, and nothing changes
    place_card = page.locator("section.proposal[data-kind=location]")
    places_before = Location.objects.count()
    place_card.get_by_label("Country (ISO code, like ML)").click()
    page.keyboard.type("ml")
    place_card.get_by_label("Latitude").click()
    page.keyboard.type("14.9")
    place_card.get_by_role("button", name="Create the entry").click()
    error = place_card.locator("[data-error-for='new_entry.latitude']")
    expect(error).to_have_text("give both latitude and longitude, or neither")
    expect(place_card.get_by_label("Latitude")).to_have_attribute("aria-invalid", "true")
    screenshot(page, "proposed-names-refused-en.png", full_page=True)
    assert Location.objects.count() == places_before
    assert CodedEvent.objects.get(pk=event_id).values["location"] == {"name": PLACE}

    # with the longitude it is created, and the open event points at it
    place_card.get_by_label("Longitude").click()
    page.keyboard.type("-3.1")
    page.keyboard.press("Enter")  # submits the form from its field
    expect(place_card).to_have_count(0)
    created = Location.objects.get(name=PLACE)
    assert (created.country, created.latitude, created.longitude) == ("ML", 14.9, -3.1)
    assert CodedEvent.objects.get(pk=event_id).values["location"] == {"id": created.pk}
    expect(page.locator("#proposals-status")).to_contain_text(f"#{created.pk}")
    assert not error.is_visible()


def test_a_refusal_reads_in_arabic_at_its_field_and_changes_nothing(
    page: Page, live_server: Any, world: World
) -> None:
    event_id = _open_event_with_proposals(world)
    sign_in(page, live_server.url, world.supervisor.username)
    page.goto(f"{live_server.url}/projects/{world.project.pk}/proposed-names/")
    page.wait_for_selector("body[data-ready=true]")
    with page.expect_navigation():
        page.select_option("#lang-select", "ar")
    page.wait_for_selector("body[data-ready=true]")
    assert page.evaluate("() => document.documentElement.dir") == "rtl"
    place_card = page.locator("section.proposal[data-kind=location]")
    place_card.get_by_label("البلد (رمز ISO، مثل ML)").click()
    page.keyboard.type("M1")
    place_card.get_by_role("button", name="أنشئ المدخل").click()
    error = place_card.locator("[data-error-for='new_entry.country']")
    expect(error).to_have_text("رمز ISO 3166-1 من حرفين، مثل ML")
    # the merge form refuses without asking the server when no entry is chosen
    actor_card = page.locator(f"section.proposal[data-name='{ACTOR}']")
    actor_card.get_by_role("button", name="ادمج كاسم بديل").click()
    expect(actor_card.locator("[data-error-for='entry_id']")).to_have_text("اختر مدخلًا للدمج فيه.")
    screenshot(page, "proposed-names-refused-ar.png", full_page=True)
    assert not Location.objects.filter(name=PLACE).exists()
    assert not ActorAlias.objects.filter(text=ACTOR).exists()
    assert CodedEvent.objects.get(pk=event_id).values["location"] == {"name": PLACE}
    assert CodedEvent.objects.get(pk=event_id).values["actor1"] == {"name": ACTOR}


def test_pages_keys_and_resolved_names(
    page: Page, live_server: Any, world: World, django_capture_on_commit_callbacks: Any
) -> None:
    """23 names on two pages; J / K move between them; "Groupe 00" is also in a submitted
    assignment, so once merged it stays listed under "Resolved names" (exports show the
    entry for the frozen event)."""
    ActorAliasFactory(actor=world.actor, text="JNIM", normalized=alias_key("JNIM"))
    events = []
    for n in range(23):
        body = complete_event(world)
        body["values"] = dict(body["values"]) | {"actor1": {"name": f"Groupe {n:02d}"}}  # type: ignore[call-overload]
        events.append(body)
    code_and_submit(
        world, world.assignment_a, world.coder_a, [events[0]], django_capture_on_commit_callbacks
    )
    client = world.client(world.coder_b)
    for body in events:
        response = client.post(
            f"/api/v1/assignments/{world.assignment_b.pk}/events/", body, format="json"
        )
        assert response.status_code == 201, response.json()
    sign_in(page, live_server.url, world.supervisor.username)
    page.goto(f"{live_server.url}/projects/{world.project.pk}/proposed-names/")
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#proposals-status")).to_have_text("Proposed names: 23")
    expect(page.locator("#page-text")).to_have_text("Page 1 of 2")
    cards = page.locator("section.proposal")
    expect(cards).to_have_count(20)
    expect(cards.nth(0)).to_have_attribute("data-name", "Groupe 00")  # most used first

    # J / K move between the names (real keys, focus outside any field)
    page.locator("h1").click()
    page.keyboard.press("j")
    expect(cards.nth(0)).to_be_focused()
    page.keyboard.press("j")
    expect(cards.nth(1)).to_be_focused()
    page.keyboard.press("k")
    expect(cards.nth(0)).to_be_focused()
    expect(cards.nth(0)).to_have_attribute("aria-current", "true")

    page.get_by_role("button", name="Next page").click()
    expect(page.locator("#page-text")).to_have_text("Page 2 of 2")
    expect(cards).to_have_count(3)
    page.get_by_role("button", name="Previous page").click()
    expect(page.locator("#page-text")).to_have_text("Page 1 of 2")

    first = page.locator("section.proposal[data-name='Groupe 00']")
    first.get_by_label("Search the dictionary").click()
    page.keyboard.type("JNIM")
    first.locator(".search-results label", has_text="JNIM").first.click()
    first.get_by_role("button", name="Merge as an alias").click()
    expect(page.locator("#proposals-status")).to_contain_text("Proposed names: 22")
    expect(cards).to_have_count(20)  # the next page's first name moved up

    page.get_by_label("Show").select_option("linked")
    expect(page.locator("#proposals-status")).to_have_text("Resolved names: 1")
    resolved = page.locator("section.proposal[data-name='Groupe 00']")
    expect(resolved.locator(".linked")).to_contain_text("Resolved into:")
    expect(resolved.locator(".linked")).to_contain_text(f"#{world.actor.pk}")
    screenshot(page, "proposed-names-resolved-en.png", full_page=True)
