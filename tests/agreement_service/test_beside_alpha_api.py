"""The agreement API never shows a lone α: AC1, % agreement, pairable units, the
prevalence note where it applies, and event detection F1 as its own headline."""

from __future__ import annotations

import pytest

from coding.models import AgreementResult, AgreementRun
from coding.services.releases import agreement_report
from tests.world import World

pytestmark = pytest.mark.django_db


def test_project_figures_carry_ac1_and_detection_f1(coded: World) -> None:
    # coder_a: attack + truce; coder_b: the attack only. One matched event, three coded.
    body = coded.client(coded.researcher).get(f"/api/v1/projects/{coded.project.pk}/agreement/")
    body = body.json()
    assert body["detection"] == {"f1": pytest.approx(2 / 3), "true_positives": 1, "events": 3}
    rows = {row["field"]: row for row in body["results"]}
    assert len(rows) == len(body["results"])  # detection F1 is not an α row
    presence = rows[""]
    assert presence["detection_f1"] == pytest.approx(2 / 3)
    for key in ("ac1", "percent_agreement", "n_pairable", "note", "distance"):
        assert key in presence
    assert presence["n_pairable"] == 2
    fatalities = rows["fatalities"]
    assert fatalities["percent_agreement"] == 0.0  # 5 vs 7 dead
    assert fatalities["distance"] is None  # ratio level, no distance
    # Both coders typed the matched event ATTACK: α has no variation to judge (undefined),
    # while AC1 counts the truce coded by one coder as a second category and gives 1.
    assert rows["event_type"]["status"] == "undefined: no variation"
    assert rows["event_type"]["ac1"] == 1.0
    by_pair = coded.client(coded.supervisor).get(
        f"/api/v1/projects/{coded.project.pk}/agreement/", {"by": "coder_pair"}
    )
    [pair] = by_pair.json()["results"]
    assert pair["detection_f1"] == pytest.approx(2 / 3)


def test_release_report_keeps_presence_alpha_and_adds_detection(coded: World) -> None:
    run = AgreementRun.objects.filter(scope="project", project=coded.project).latest("id")
    presence = AgreementResult.objects.get(
        run=run, metric="alpha", field_key="", event_type_code="", coder_a__isnull=True
    )
    report = agreement_report(coded.project)
    assert report["alpha"]["event_presence"]["status"] == presence.status
    assert report["alpha"]["event_presence"]["n_pairable"] == 2
    assert report["detection_f1"]["value"] == pytest.approx(2 / 3)
    assert report["detection_f1"]["true_positives"] == 1
