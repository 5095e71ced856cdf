"""The "same event?" search on PostgreSQL: validation records it, the outbox drain runs it,
candidate rows appear for reports of one event in different articles and not for blocked
ones; decided pairs stay as decided (and block their dataset events); the whole-project pass
runs chunk by chunk through the outbox or the management command."""

from __future__ import annotations

import datetime as dt
import itertools
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from coding.models import CodedEvent, DatasetEvent, DatasetEventReport, OutboxItem
from coding.models.dataset_events import DuplicateCandidate
from coding.services import duplicate_search
from coding.services.duplicate_search import (
    duplicate_candidates_find_article,
    duplicate_candidates_find_project,
    duplicate_candidates_request,
)
from coding.services.outbox_drain import outbox_drain
from tests.dataset_events.scene import reopen, validated_report
from tests.factories import ActorFactory, LocationFactory
from tests.world import World

pytestmark = pytest.mark.django_db

TEXT_AR = "هاجم مسلحو جماعة نصرة الإسلام معسكر الجيش في بولكيسي يوم 12 يونيو 2022."
TEXT_AR2 = "هَاجَمَ مُسلَّحو جماعـة نصرة الاسلام معسكر الجيش فى بولكيسى فجر الأحد."
_ARTICLE_NUMBERS = itertools.count(1)
TEXT_FR = "Le JNIM a attaqué le camp de Boulkessy le 12 juin 2022."


def _report(
    world: World,
    text: str,
    trigger: str,
    *,
    day: str = "2022-06-12",
    event_type: str = "ATTACK",
    subtype: str | None = "ARMED_ASSAULT",
    location_id: int | None = None,
    actor_id: int | None = None,
) -> CodedEvent:
    values = {
        "actor1": {"id": actor_id or world.actor.pk},
        "location": {"id": location_id or world.location.pk},
        "event_date": {"start": day},
        "time_precision": "1",
    }
    # Articles are deduplicated by text: each report's article gets its own line number.
    numbered = f"{text}\n{next(_ARTICLE_NUMBERS)}"
    return validated_report(
        project=world.project,
        supervisor=world.supervisor,
        text=numbered,
        trigger=trigger,
        values=values,
        event_type=event_type,
        event_subtype=subtype,
    )


def _pairs() -> list[tuple[int, int, str]]:
    return list(
        DuplicateCandidate.objects.order_by("event_a", "event_b").values_list(
            "event_a", "event_b", "status"
        )
    )


def test_validation_records_the_search_and_the_drain_stores_the_pair(world: World) -> None:
    first = _report(world, TEXT_AR, "هاجم")
    outbox_drain()
    second = _report(world, TEXT_AR2, "هَاجَمَ")
    recorded = OutboxItem.objects.get(kind="dedup_article")
    assert recorded.payload == {"article_id": second.article_id}
    outbox_drain()
    assert not OutboxItem.objects.filter(kind="dedup_article").exists()
    row = DuplicateCandidate.objects.get()
    assert (row.project_id, row.event_a_id, row.event_b_id) == (
        world.project.pk,
        first.pk,
        second.pk,
    )
    assert row.status == "open"
    assert 0.6 <= row.score <= 1.0
    assert row.reasons["summary"].startswith("same day, same place, 1 of 1 actor")
    assert row.reasons["date"] == {"kind": "same_day", "gap_days": 0}
    assert row.reasons["text"] > 0.2  # the folded Arabic spellings share their trigrams


def test_blocked_pairs_are_never_stored(world: World) -> None:
    _report(world, TEXT_AR, "هاجم")
    _report(world, "اتفاق هدنة في بولكيسي", "اتفاق", event_type="TRUCE", subtype=None)
    _report(world, TEXT_FR + " Encore.", "JNIM", day="2022-06-22")
    outbox_drain()
    assert _pairs() == []


def test_sub_types_of_one_parent_pair_and_far_places_do_not(world: World) -> None:
    near = _report(world, TEXT_AR, "هاجم")
    strike = _report(world, TEXT_FR, "JNIM", subtype="DRONE_STRIKE")
    elsewhere = LocationFactory(name="Kidal", latitude=18.44, longitude=1.41)
    here = world.location
    here.latitude, here.longitude = 15.05, -1.58
    here.save()
    _report(world, "Un poste attaqué à Kidal.", "poste attaqué", location_id=elsewhere.pk)
    outbox_drain()
    assert _pairs() == [(near.pk, strike.pk, "open")]
    row = DuplicateCandidate.objects.get()
    assert row.reasons["type"] == "same_parent"


def test_a_decided_pair_is_left_as_decided_and_blocks_its_dataset_events(world: World) -> None:
    a = _report(world, TEXT_AR, "هاجم")
    b = _report(world, TEXT_FR, "JNIM")
    outbox_drain()
    now = timezone.now()
    DuplicateCandidate.objects.filter(event_a=a, event_b=b).update(
        status="not_same", decided_by=world.supervisor, decided_at=now, score=0.5
    )
    assert duplicate_candidates_find_article(article_id=b.article_id) == 0
    row = DuplicateCandidate.objects.get()
    assert (row.status, row.score, row.decided_at) == ("not_same", 0.5, now)

    # A third report, once linked with b, is never proposed with a either (not-same is
    # remembered between dataset events), nor with b (same dataset event).
    c = _report(world, TEXT_AR2, "هَاجَمَ")
    DatasetEventReport.objects.filter(gold_event=c).update(dataset_event_id=b.pk)
    DatasetEvent.objects.filter(pk=c.pk).update(retired_at=now, merged_into_id=b.pk)
    outbox_drain()
    assert _pairs() == [(a.pk, b.pk, "not_same")]


def test_an_open_pair_is_refreshed_in_place(world: World) -> None:
    a = _report(world, TEXT_AR, "هاجم")
    b = _report(world, TEXT_AR2, "هَاجَمَ")
    outbox_drain()
    DuplicateCandidate.objects.update(score=0.01, reasons={})
    assert duplicate_candidates_find_article(article_id=b.article_id) == 1
    row = DuplicateCandidate.objects.get()
    assert (row.event_a_id, row.event_b_id, row.status) == (a.pk, b.pk, "open")
    assert row.score >= 0.6
    assert "summary" in row.reasons


def test_a_reopened_article_has_no_report_to_search(world: World) -> None:
    _report(world, TEXT_AR, "هاجم")
    b = _report(world, TEXT_FR, "JNIM")
    outbox_drain()
    DuplicateCandidate.objects.all().delete()
    reopen(b.article, world.supervisor)
    assert duplicate_candidates_find_article(article_id=b.article_id) == 0
    assert _pairs() == []


def test_the_whole_project_pass_through_the_outbox_goes_chunk_by_chunk(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    events = [_report(world, TEXT_AR, "هاجم") for _ in range(3)]
    _report(world, TEXT_FR, "JNIM", day="2023-01-01")  # alone in its year
    OutboxItem.objects.all().delete()
    DuplicateCandidate.objects.all().delete()
    duplicate_candidates_request(project=world.project, actor=world.supervisor)
    # One report per chunk: the chain of outbox rows (one per chunk) is exercised.
    monkeypatch.setattr(duplicate_search, "CHUNK_SIZE", 1)
    drained = outbox_drain()
    ids = sorted(e.pk for e in events)
    assert _pairs() == [
        (ids[0], ids[1], "open"),
        (ids[0], ids[2], "open"),
        (ids[1], ids[2], "open"),
    ]
    assert drained == 5  # four chunks of one report, and the empty last one
    assert not OutboxItem.objects.exists()


def test_the_management_command_runs_the_pass_here(world: World) -> None:
    a = _report(world, TEXT_AR, "هاجم")
    b = _report(world, TEXT_FR, "JNIM")
    OutboxItem.objects.all().delete()
    out = StringIO()
    call_command("find_duplicate_candidates", "p1", "--chunk", "1", stdout=out)
    assert out.getvalue().strip() == "3 chunk(s) searched; 1 candidate pair(s) in p1"
    assert _pairs() == [(a.pk, b.pk, "open")]
    assert duplicate_candidates_find_project(project_id=world.project.pk) == 1
    assert _pairs() == [(a.pk, b.pk, "open")]


def test_the_pool_reads_only_reports_linked_by_an_actor_or_a_related_place(world: World) -> None:
    from coding.dedup_selectors import (
        article_reports,
        blocking_pool,
        compatible_type_ids,
        finder_settings,
        longest_gold_spans,
        query_link,
    )

    here = world.location
    here.latitude, here.longitude = 15.05, -1.58
    here.save()
    near = LocationFactory(name="Mondoro", latitude=15.10, longitude=-1.60)
    far = LocationFactory(name="Kidal", latitude=18.44, longitude=1.41)
    other_actor = ActorFactory(name="FAMa")
    query = _report(world, TEXT_AR, "هاجم")
    same_actor_far = _report(world, TEXT_FR, "JNIM", location_id=far.pk)
    near_other_actor = _report(world, TEXT_FR, "camp", location_id=near.pk, actor_id=other_actor.pk)
    unlinked = _report(world, TEXT_FR, "attaqué", location_id=far.pk, actor_id=other_actor.pk)
    settings = finder_settings(world.project)
    row = article_reports(query.article_id)[0]
    link = query_link(world.project, row, settings)
    assert link is not None
    assert link.actor_ids == {world.actor.pk}
    assert {here.pk, near.pk} <= link.place_ids
    assert far.pk not in link.place_ids
    pool = blocking_pool(
        project_id=world.project.pk,
        type_ids=compatible_type_ids(world.project.codebook_version_id, [row.event_type_id]),
        low=row.date_start - dt.timedelta(days=2),
        high=row.date_end + dt.timedelta(days=2),
        settings=settings,
        longest_spans=longest_gold_spans(settings.precision_days),
        exclude_articles=[row.article_id],
        link=link,
    )
    assert sorted(r.gold_id for r in pool) == [same_actor_far.pk, near_other_actor.pk]
    assert unlinked.pk not in {r.gold_id for r in pool}
