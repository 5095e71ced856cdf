"""Calibration work never enters agreement runs, adjudication, its queue, feedback on real
work, exports, dataset events or duplicate candidates: each is checked on the place its
inputs are selected, with a submitted calibration item whose events differ from the gold."""

from __future__ import annotations

from typing import Any

import pytest

from coding.codebook_runtime import version_spec
from coding.models import (
    AgreementRun,
    CalibrationAssignment,
    DatasetEvent,
    DatasetEventReport,
    DuplicateCandidate,
    OutboxItem,
    ReviewQueueEntry,
)
from coding.services.agreement_inputs import load_article_inputs
from coding.services.outbox_drain import outbox_drain
from tests.dataset_events.scene import reopen, revalidate
from tests.exports.test_export_api import _body, _export
from tests.world import World, code_and_submit, complete_event

pytestmark = pytest.mark.django_db


def _downstream(world: World) -> dict[str, Any]:
    project = world.project
    sup = world.client(world.supervisor)
    base = f"/api/v1/projects/{project.pk}"
    inputs = load_article_inputs(
        [world.article.pk], version_spec(project.codebook_version), project.codebook_version_id
    )
    return {
        "inputs": [(i.article_id, i.coders, i.digest, len(i.events)) for i in inputs],
        "runs": list(AgreementRun.objects.order_by("pk").values_list("pk", "status")),
        "queue_rows": list(
            ReviewQueueEntry.objects.order_by("pk").values_list(
                "article_id", "run_id", "n_coders", "adjudication_state"
            )
        ),
        "queue": sup.get(f"{base}/adjudication/queue/", {"status": "validated"}).json(),
        "side_by_side": sup.get(f"{base}/articles/{world.article.pk}/adjudication/").json(),
        "disagreements": sup.get(f"{base}/disagreements/").json(),
        "feedback": sup.get(f"{base}/feedback/").json(),
        "export_csv": _body(_export(world)),
        "export_jsonl": _body(_export(world, format="jsonl")),
        "dataset_events": list(DatasetEvent.objects.order_by("pk").values_list("pk", "version")),
        "reports": list(
            DatasetEventReport.objects.order_by("pk").values_list("pk", "gold_event_id")
        ),
        "candidates": list(DuplicateCandidate.objects.order_by("pk").values_list("pk")),
    }


def test_a_submitted_calibration_item_changes_nothing_downstream(
    calibrated: World, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    world = calibrated
    outbox_drain()
    before = _downstream(world)
    assert before["inputs"][0][1] == (world.coder_a.pk, world.coder_b.pk)
    assert "coder_c" not in str(before["side_by_side"])
    other = complete_event(world)
    other["values"] = dict(other["values"]) | {"fatalities": 40}  # type: ignore[arg-type]
    code_and_submit(
        world,
        world.cal_assignment,  # type: ignore[attr-defined]
        world.coder_c,  # type: ignore[attr-defined]
        [other],
        django_capture_on_commit_callbacks,
    )
    assert CalibrationAssignment.objects.get().status == "scored"
    # The submission recorded its score and nothing else (no agreement, no candidates).
    assert not OutboxItem.objects.exclude(kind="csv_rows").exists()
    assert _downstream(world) == before
    coder_c = world.coder_c  # type: ignore[attr-defined]
    queue = world.client(world.supervisor).get(
        f"/api/v1/projects/{world.project.pk}/adjudication/queue/",
        {"status": "validated", "coder": coder_c.pk},
    )
    assert queue.json()["count"] == 0


def test_an_open_calibration_item_blocks_neither_agreement_nor_validation(
    calibrated: World,
) -> None:
    world = calibrated
    project = world.project
    inputs = load_article_inputs(
        [world.article.pk], version_spec(project.codebook_version), project.codebook_version_id
    )
    assert [i.article_id for i in inputs] == [world.article.pk]  # ready: real work is done
    # A supervisor reopens the gold and validates it again while coder_c has not submitted:
    # the calibration assignment is no coder still coding the article.
    reopen(world.article, world.supervisor)
    revalidate(world.article, world.supervisor)
    assert world.article.adjudication.status == "validated"  # type: ignore[attr-defined]
