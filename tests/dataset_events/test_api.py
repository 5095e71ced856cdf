"""The dataset-event and candidate-pair endpoints: shapes, filters, actions, refusals (with the
error shape, nothing changed) and pinned query counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coding.models import (
    AuditEntry,
    CodedEvent,
    DatasetEvent,
    DatasetEventReport,
    DuplicateCandidate,
)
from coding.services.dataset_events import dataset_events_link
from tests.dataset_events.scene import validated_report
from tests.world import World

pytestmark = pytest.mark.django_db

TEXT_A = "هاجم مسلحون قاعدة للجيش في بولكيسي، وقُتل سبعة جنود."
TEXT_B = "Des hommes armés ont attaqué le camp de Boulkessi : 5 morts 😢."


def _report(world: World, text: str, trigger: str, fatalities: str, **values: Any) -> CodedEvent:
    base = {
        "actor1": {"id": world.actor.pk},
        "location": {"id": world.location.pk},
        "event_date": {"start": "2022-06-12"},
        "time_precision": "1",
    }
    number = {"سبعة": 7, "5": 5}.get(fatalities, 1)
    return validated_report(
        project=world.project,
        supervisor=world.supervisor,
        text=text,
        trigger=trigger,
        values={**base, "fatalities": number, **values},
        evidence=((fatalities, "fatalities"),),
    )


@pytest.fixture
def pair(world: World) -> tuple[CodedEvent, CodedEvent, DuplicateCandidate]:
    a = _report(world, TEXT_A, "هاجم", "سبعة")
    b = _report(
        world,
        TEXT_B,
        "attaqué",
        "5",
        event_date={"start": "2022-06-11", "end": "2022-06-13"},
        time_precision="2",
    )
    candidate = DuplicateCandidate.objects.create(
        project=world.project,
        event_a=a,
        event_b=b,
        score=0.83,
        reasons={"summary": "same place, 1 of 1 actors", "text_similarity": 0.71},
    )
    return a, b, candidate


def _url(world: World, tail: str) -> str:
    return f"/api/v1/projects/{world.project.pk}/{tail}"


def _rows() -> list[Any]:
    return [
        list(
            DatasetEvent.objects.order_by("pk").values_list(
                "pk", "version", "resolution", "retired_at"
            )
        ),
        list(DatasetEventReport.objects.order_by("pk").values_list("pk", "dataset_event_id")),
        list(DuplicateCandidate.objects.order_by("pk").values_list("pk", "status")),
        AuditEntry.objects.count(),
    ]


def test_list_detail_and_filters(world: World, pair: tuple[Any, ...]) -> None:
    a, b, _ = pair
    client = world.client(world.researcher)
    listed = client.get(_url(world, "dataset-events/"))
    assert listed.status_code == 200
    body = listed.json()
    assert body["count"] == 2
    first = body["results"][0]
    assert first["id"] == a.pk
    assert first["reports"] == [{"gold_event": a.pk, "article": a.article_id, "title": "Report"}]
    assert first["event_type"] == {"type": "ATTACK", "subtype": "ARMED_ASSAULT"}
    assert first["date"] == {"start": "2022-06-12", "end": "2022-06-12", "precision": 1}
    assert first["fatalities"] == 7
    assert first["differing"] == []

    def ids(query: str) -> list[int]:
        answer = client.get(_url(world, f"dataset-events/?{query}"))
        assert answer.status_code == 200, answer.content
        return [row["id"] for row in answer.json()["results"]]

    assert ids("date_from=2022-06-13") == [b.pk]
    assert ids("date_to=2022-06-11") == [b.pk]
    assert ids("date_from=2022-06-12&date_to=2022-06-12") == [a.pk, b.pk]
    assert ids("event_type=ARMED_ASSAULT") == [a.pk, b.pk]
    assert ids("event_type=TRUCE") == []
    assert ids("multi_report=true") == []
    bad = client.get(_url(world, "dataset-events/?date_from=12-06-2022"))
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "date_from"

    dataset_events_link(
        project=world.project,
        event_ids=(a.pk, b.pk),
        expected_versions={a.pk: 1, b.pk: 1},
        actor=world.supervisor,
        reason="same",
    )
    assert ids("multi_report=1") == [a.pk]
    assert ids("") == [a.pk]
    assert ids("include_retired=1") == [a.pk, b.pk]

    detail = client.get(_url(world, f"dataset-events/{a.pk}/")).json()
    assert detail["version"] == 2
    assert detail["absorbed"] == [b.pk]
    assert [r["gold_event"] for r in detail["reports"]] == [a.pk, b.pk]
    assert detail["reports"][1]["article"]["title"] == "Report"
    assert detail["reports"][0]["spans"][1] == {
        "role": "fatalities",
        "start": TEXT_A.index("سبعة"),
        "end": TEXT_A.index("سبعة") + 4,
        "quote": "سبعة",
    }
    resolved = detail["resolved"]
    fatalities = next(f for f in resolved["fields"] if f["key"] == "fatalities")
    assert fatalities["value"] == 5
    assert fatalities["source"] == {"rule": "conservative"}
    assert fatalities["evidence"] == [
        {
            "report": b.pk,
            "role": "fatalities",
            "start": TEXT_B.index("5"),
            "end": TEXT_B.index("5") + 1,
            "quote": "5",
        }
    ]
    assert resolved["differing"] == ["date", "fatalities"]
    tombstone = client.get(_url(world, f"dataset-events/{b.pk}/")).json()
    assert tombstone["merged_into"] == a.pk
    assert tombstone["resolved"] is None
    assert tombstone["reports"] == []
    assert client.get(_url(world, "dataset-events/999999999/")).status_code == 404


def test_actions_through_the_api(world: World, pair: tuple[Any, ...]) -> None:
    a, b, candidate = pair
    client = world.client(world.supervisor)
    linked = client.post(
        _url(world, f"dataset-events/{b.pk}/link/"),
        {
            "other": a.pk,
            "version": 1,
            "other_version": 1,
            "resolution": {"date": {"rule": "intersection"}},
            "reason": "same",
        },
        format="json",
    )
    assert linked.status_code == 200, linked.content
    body = linked.json()
    assert body["id"] == a.pk  # the older id survives, whichever URL was used
    date = next(f for f in body["resolved"]["fields"] if f["key"] == "date")
    assert date["value"] == {"start": "2022-06-12", "end": "2022-06-12", "precision": 1}
    assert date["source"] == {"rule": "intersection"}
    candidate.refresh_from_db()
    assert candidate.status == "linked"

    stale = client.post(
        _url(world, f"dataset-events/{a.pk}/resolve/"),
        {"field": "fatalities", "choice": {"report": a.pk}, "version": 1},
        format="json",
    )
    assert stale.status_code == 412
    assert stale.json()["current_version"] == 2
    resolved = client.post(
        _url(world, f"dataset-events/{a.pk}/resolve/"),
        {"field": "fatalities", "choice": {"report": a.pk}, "version": 2, "reason": "official"},
        format="json",
    )
    assert resolved.status_code == 200
    assert resolved.json()["resolution"]["fatalities"]["report"] == a.pk
    assert resolved.json()["resolved"]["values"]["fatalities"] == 7

    split = client.post(
        _url(world, f"dataset-events/{a.pk}/split/"),
        {"report": b.pk, "version": 3, "reason": "another day"},
        format="json",
    )
    assert split.status_code == 201, split.content
    assert split.json()["dataset_event"]["report_count"] == 1
    created = split.json()["created"]
    assert [r["gold_event"] for r in created["reports"]] == [b.pk]
    assert created["id"] not in (a.pk, b.pk)
    candidate.refresh_from_db()
    assert candidate.status == "not_same"


def test_refusals_answer_with_the_error_shape_and_change_nothing(
    world: World, pair: tuple[Any, ...]
) -> None:
    a, b, candidate = pair
    client = world.client(world.supervisor)
    before = _rows()
    cases = [
        (
            f"dataset-events/{a.pk}/link/",
            {"other": a.pk, "version": 1, "other_version": 1},
            422,
            "same_event",
        ),
        (
            f"dataset-events/{a.pk}/link/",
            {"other": 999999999, "version": 1, "other_version": 1},
            404,
            "not_found",
        ),
        (
            f"dataset-events/{a.pk}/link/",
            {"other": b.pk, "version": 1, "other_version": 4},
            412,
            "stale_version",
        ),
        (f"dataset-events/{a.pk}/link/", {"other": b.pk, "version": 1}, 422, "invalid"),
        (
            f"dataset-events/{a.pk}/link/",
            {
                "other": b.pk,
                "version": 1,
                "other_version": 1,
                "resolution": {"date": {"rule": "conservative"}},
            },
            422,
            "invalid_choice",
        ),
        (
            f"dataset-events/{a.pk}/split/",
            {"report": a.pk, "version": 1, "reason": "x"},
            409,
            "only_report",
        ),
        (f"dataset-events/{a.pk}/split/", {"report": a.pk, "version": 1}, 422, "invalid"),
        (
            f"dataset-events/{a.pk}/resolve/",
            {"field": "date", "choice": {"rule": "typed", "value": {"start": "x"}}, "version": 1},
            422,
            "invalid_choice",
        ),
        (
            f"duplicate-candidates/{candidate.pk}/link/",
            {"versions": {str(a.pk): 1}},
            422,
            "version_required",
        ),
        (f"duplicate-candidates/{candidate.pk}/link/", {"versions": {"x1": 1}}, 422, "invalid"),
        (
            f"duplicate-candidates/{candidate.pk}/link/",
            {"versions": {str(a.pk): 1, str(b.pk): 2}},
            412,
            "stale_version",
        ),
    ]
    for tail, data, status, code in cases:
        answer = client.post(_url(world, tail), data, format="json")
        assert answer.status_code == status, (tail, data, answer.content)
        assert answer.json()["code"] == code, (tail, data, answer.content)
        assert answer.json()["detail"]
        assert _rows() == before, (tail, data)
    form = client.post(
        _url(world, f"dataset-events/{a.pk}/split/"),
        f"report={a.pk}&version=1&reason=x",
        content_type="application/x-www-form-urlencoded",
    )
    assert form.status_code == 415
    assert _rows() == before


def test_candidates_queue_comparison_and_answers(world: World, pair: tuple[Any, ...]) -> None:
    a, b, candidate = pair
    c = _report(world, "Attaque à Boulkessi, 5 morts.", "Attaque", "5")
    weak = DuplicateCandidate.objects.create(project=world.project, event_a=a, event_b=c, score=0.2)
    client = world.client(world.supervisor)
    queue = client.get(_url(world, "duplicate-candidates/")).json()
    assert [row["id"] for row in queue["results"]] == [candidate.pk, weak.pk]
    row = queue["results"][0]
    assert row["a"] == {
        "gold_event": a.pk,
        "article": {
            "id": a.article_id,
            "title": "Report",
            "source": a.article.source,
            "published_at": None,
            "language": a.article.language,
            "direction": a.article.direction,
        },
        "dataset_event": {"id": a.pk, "version": 1},
    }
    assert row["reasons"]["text_similarity"] == 0.71
    best = client.get(_url(world, "duplicate-candidates/?min_score=0.5")).json()
    assert [r["id"] for r in best["results"]] == [candidate.pk]
    assert client.get(_url(world, "duplicate-candidates/?min_score=nan")).status_code == 422
    assert client.get(_url(world, "duplicate-candidates/?status=maybe")).status_code == 422

    detail = client.get(_url(world, f"duplicate-candidates/{candidate.pk}/")).json()
    assert detail["a"]["report"]["article"]["text"] == TEXT_A
    assert detail["b"]["report"]["article"]["text"] == TEXT_B
    differences = {f["key"]: f for f in detail["fields"]}
    assert differences["date"]["differs"] is True
    assert differences["date"]["b"] == {"start": "2022-06-11", "end": "2022-06-13", "precision": 2}
    assert differences["actor1"]["differs"] is False
    assert detail["linked_preview"]["primary"] == a.pk
    assert detail["linked_preview"]["differing"] == ["date", "fatalities"]

    not_same = client.post(
        _url(world, f"duplicate-candidates/{weak.pk}/not-same/"),
        {"reason": "another attack"},
        format="json",
    )
    assert not_same.status_code == 200
    assert not_same.json()["status"] == "not_same"
    assert client.get(_url(world, "duplicate-candidates/?status=not_same")).json()["count"] == 1

    linked = client.post(
        _url(world, f"duplicate-candidates/{candidate.pk}/link/"),
        {"versions": {str(a.pk): 1, str(b.pk): 1}, "reason": "same"},
        format="json",
    )
    assert linked.status_code == 200, linked.content
    assert linked.json()["candidate"]["status"] == "linked"
    assert linked.json()["dataset_event"]["id"] == a.pk
    again = client.post(
        _url(world, f"duplicate-candidates/{candidate.pk}/link/"),
        {"versions": {str(a.pk): 2, str(b.pk): 2}},
        format="json",
    )
    assert again.status_code == 409
    assert again.json()["code"] == "decided"
    assert client.get(_url(world, "duplicate-candidates/")).json()["count"] == 0


# One query for each: the session user's role… see the comments. A page of 1 or of many
# reports costs the same.
LIST_QUERIES = 6  # project, role, COUNT, page, reports (+gold events, articles), spans
DETAIL_QUERIES = 6  # project, role, event, reports, spans, tombstones
CANDIDATES_QUERIES = 4  # project, role, COUNT, page (both sides joined)
CANDIDATE_QUERIES = 6  # project, role, candidate, its page-row again joined, reports, spans


def _count(client: Any, url: str) -> int:
    client.get(url)  # warm the per-process codebook caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_query_counts_do_not_grow_with_the_reports(world: World, pair: tuple[Any, ...]) -> None:
    a, b, candidate = pair
    client = world.client(world.supervisor)
    urls = {
        "list": (_url(world, "dataset-events/?include_retired=1"), LIST_QUERIES),
        "detail": (_url(world, f"dataset-events/{a.pk}/"), DETAIL_QUERIES),
        "candidates": (_url(world, "duplicate-candidates/?status=all"), CANDIDATES_QUERIES),
        "candidate": (_url(world, f"duplicate-candidates/{candidate.pk}/"), CANDIDATE_QUERIES),
    }
    small = {name: _count(client, url) for name, (url, _) in urls.items()}
    assert small == {name: expected for name, (_, expected) in urls.items()}
    previous = b
    for i in range(6):
        more = _report(world, f"Boulkessi, rapport {i} : 5 morts.", "rapport", "5")
        dataset_events_link(
            project=world.project,
            event_ids=(a.pk, more.pk),
            expected_versions={a.pk: DatasetEvent.objects.get(pk=a.pk).version, more.pk: 1},
            actor=world.supervisor,
            reason="more",
        )
        DuplicateCandidate.objects.create(
            project=world.project, event_a=previous, event_b=more, score=0.5
        )
        previous = more
    grown = {name: _count(client, url) for name, (url, _) in urls.items()}
    assert grown == small
