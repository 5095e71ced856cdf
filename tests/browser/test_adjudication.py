"""Adjudication in the browser: two coders coded the same Arabic article differently
(through the API, tests/world.py's `disputed`); the supervisor opens the queue and the
article, meets a decision made meanwhile by someone else (409), undoes it, merges the attack
field by field (fatalities from coder B, the rest from coder A), rejects the truce with a
reason from the keyboard, and validates. The result is checked in the database and through
the API; screenshots in English and Arabic."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page

from coding.models import Adjudication, AdjudicationDecision, CodedEvent, Comment, TimeLedger
from tests.browser.conftest import screenshot, sign_in
from tests.world import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _side_by_side_api(world: World) -> str:
    return f"/api/v1/projects/{world.project.pk}/articles/{world.article.pk}/adjudication/"


def test_supervisor_merges_rejects_and_validates_an_arabic_article(
    page: Page, live_server, disputed: World
) -> None:
    world = disputed
    api = world.client(world.supervisor)
    view = api.get(_side_by_side_api(world)).json()
    labels = [c["label"] for c in view["coders"]]
    assert sorted(labels) == ["coder_a", "coder_b"]
    coder_a, coder_b = labels.index("coder_a"), labels.index("coder_b")
    attack = next(c for c in view["clusters"] if not c["unmatched"])["key"]
    truce = next(c for c in view["clusters"] if c["unmatched"])["key"]
    a_event = world.events_a[0]["id"]  # type: ignore[attr-defined]
    b_event = world.events_b[0]["id"]  # type: ignore[attr-defined]

    base = live_server.url
    sign_in(page, base, world.supervisor.username)
    page.click(f"a[href='/projects/{world.project.pk}/adjudication/']")
    page.wait_for_selector("body[data-ready=true]")
    row = page.locator(f"#queue-body tr[data-article='{world.article.pk}']")
    assert row.locator("td").nth(1).inner_text() == "▲▲ 5 — An event found by some coders only"
    assert row.locator("td").nth(3).inner_text() == "○ Not started"
    screenshot(page, "adjudication-queue-en.png")
    page.click("#tab-unanimous")
    page.wait_for_selector("#queue-status:has-text('No unanimous articles.')")
    page.click("#tab-disputed")
    page.wait_for_selector(f"#queue-body tr[data-article='{world.article.pk}']")

    page.click(f"#queue-body tr[data-article='{world.article.pk}'] a")
    page.wait_for_selector("body[data-ready=true]")
    page.click("#btn-open")
    page.wait_for_selector("#adj-status:has-text('open (revision 1)')")
    assert page.inner_text("#adj-progress") == "Decided: 0 of 2"
    attack_row = page.locator(f"#row-{attack}")
    fatalities = attack_row.locator("tr[data-line=fatalities]")
    assert "differs" in (fatalities.get_attribute("class") or "")
    assert fatalities.locator("th").text_content() == "Fatalities ≠ (differs)"
    assert fatalities.locator("td").all_inner_texts() == (
        ["5", "7"] if coder_a == 0 else ["7", "5"]
    )
    assert (
        page.locator(f"#row-{truce} .row-meta").inner_text().startswith("◑ Found by coder_a only")
    )
    # Each coder's evidence is drawn in their own highlight (colour and underline style).
    drawn = page.evaluate(
        "() => [...CSS.highlights.keys()].filter(k => k.startsWith('athar-role-coder'))"
        ".map(k => [k, CSS.highlights.get(k).size]).sort()"
    )
    assert drawn == [
        ["athar-role-coder0", 5 if coder_a == 0 else 4],
        ["athar-role-coder1", 4 if coder_a == 0 else 5],
    ]

    # Meanwhile another supervisor accepts coder A's attack: this page's Accept gets a 409.
    accepted = api.post(
        _side_by_side_api(world) + "decisions/",
        {"kind": "accept", "cluster": attack, "event": a_event},
        format="json",
    ).json()
    attack_row.locator(f"[data-action=accept-{coder_b}]").click()
    page.wait_for_selector(f"#row-{attack} .banner.error")
    assert attack_row.locator(".banner.error").inner_text().startswith("Already decided: Accepted")
    assert f"(decision #{accepted['id']})" in attack_row.locator(".banner.error").inner_text()
    attack_row.locator("[data-action=undo]").click()
    page.wait_for_selector(f"#row-{attack} [data-action=merge]")

    # Merge field by field: fatalities from coder B, everything else from coder A.
    attack_row.locator("[data-action=merge]").click()
    page.check(f"#m-{attack}-fatalities-{coder_b}")
    page.fill(f"#merge-reason-{attack}", "Second source says 7")
    page.fill(f"#merge-code-{attack}", "source")
    screenshot(page, "adjudication-merge-en.png")
    page.click(f"#row-{attack} [data-action=save-merge]")
    page.wait_for_selector(f"#row-{attack} .decision-merge")
    assert page.inner_text("#adj-progress") == "Decided: 1 of 2"
    assert attack_row.locator("tr[data-line=fatalities] td.gold-col").inner_text() == "7"

    # Validating too early lists what is missing.
    page.click("#btn-validate")
    page.wait_for_selector("#problems:not([hidden])")
    assert page.inner_text("#problems li") == "Event 2"

    # The keyboard: J goes to the next disagreement (the truce), R rejects it with a reason.
    page.click(f"#row-{attack} h3")
    page.keyboard.press("j")
    assert page.get_attribute(f"#row-{truce}", "aria-current") == "true"
    page.keyboard.press("r")
    page.wait_for_selector("#reject-dialog[open]")
    page.fill("#reject-reason", "Not a truce, a claim")
    page.fill("#reject-code", "not_event")
    page.click("#reject-confirm")
    page.wait_for_selector(f"#row-{truce} .decision-reject")
    page.click("#btn-validate")
    page.wait_for_selector("#adj-status:has-text('validated (revision 1)')")
    assert page.is_visible("#btn-reopen")
    page.fill("#comment-body", "Checked against the second source.")
    page.click("#comment-form button[type=submit]")
    page.wait_for_selector("#comment-list .comment-body")
    assert page.inner_text("#comment-list .comment-body") == "Checked against the second source."
    page.check("#anonymize")
    page.wait_for_selector("#legend:has-text('Coder A')")
    assert [h.strip() for h in page.locator(f"#row-{attack} thead th").all_inner_texts()[1:3]] == [
        "Coder A",
        "Coder B",
    ]
    page.uncheck("#anonymize")
    page.wait_for_selector("#legend:has-text('coder_a')")
    screenshot(page, "adjudication-side-by-side-en.png")
    with page.expect_navigation():
        page.select_option("#lang-select", "ar")
    page.wait_for_selector("body[data-ready=true]")
    assert page.get_attribute("html", "dir") == "rtl"
    screenshot(page, "adjudication-side-by-side-ar.png")

    # In the database: one gold event from the merge, the truce rejected, validated.
    adjudication = Adjudication.objects.get(article=world.article)
    assert adjudication.status == "validated"
    assert adjudication.validated_by == world.supervisor
    live = AdjudicationDecision.objects.filter(adjudication=adjudication, active=True)
    merge = live.get(cluster_key=attack)
    reject = live.get(cluster_key=truce)
    assert (merge.kind, reject.kind) == ("merge", "reject")
    assert merge.field_sources == {"base": a_event, "fields": {"fatalities": b_event}}
    assert sorted(merge.source_events.values_list("pk", flat=True)) == sorted([a_event, b_event])
    assert (merge.reason, merge.reason_code) == ("Second source says 7", "source")
    assert (reject.reason, reject.reason_code, reject.gold_event) == (
        "Not a truce, a claim",
        "not_event",
        None,
    )
    assert sorted(reject.source_events.values_list("pk", flat=True)) == [
        world.events_a[1]["id"]  # type: ignore[attr-defined]
    ]
    assert Comment.objects.get(article=world.article).body == "Checked against the second source."
    # The supervisor's active review time came with the decisions and the validation.
    review = TimeLedger.objects.get(user=world.supervisor, article=world.article, activity="review")
    assert review.seconds > 0
    undone = AdjudicationDecision.objects.get(pk=accepted["id"])
    assert (undone.active, undone.kind) == (False, "accept")
    gold = CodedEvent.objects.get(adjudication=adjudication, layer="gold")
    assert gold.pk == merge.gold_event_id
    assert gold.fatalities == 7
    assert gold.values["actor1"] == {"id": world.actor.pk}
    assert gold.values["event_date"] == {"start": "2022-06-12"}
    assert sorted(gold.spans.values_list("role", "quote")) == sorted(
        [
            ("trigger", "هاجم"),
            ("actor1", "JNIM"),
            ("location", "بولكيسي"),
            ("date", "١٢ يونيو/ حزيران 2022"),
        ]
    )

    # And through the API: the side-by-side view and the export agree.
    after = api.get(_side_by_side_api(world)).json()
    assert after["adjudication"]["status"] == "validated"
    decisions = {c["key"]: c["decision"] for c in after["clusters"]}
    assert (decisions[attack]["kind"], decisions[truce]["kind"]) == ("merge", "reject")
    assert decisions[truce]["reason"] == "Not a truce, a claim"
    assert [g["values"]["fatalities"] for g in after["gold_events"]] == [7]
    export = api.get(f"/api/v1/projects/{world.project.pk}/export/", {"format": "jsonl"})
    body = b"".join(export.streaming_content)  # type: ignore[attr-defined]
    records = [json.loads(line) for line in body.splitlines()]
    assert [(r["event_id"], r["fatalities"], r["provenance"]["decision"]) for r in records] == [
        (gold.pk, 7, "merge")
    ]
    assert sorted(records[0]["provenance"]["source_events"]) == sorted([a_event, b_event])
