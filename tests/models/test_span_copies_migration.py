"""Migration 0013_inputs_unique_spans deletes stored copies of a span (keeping the first)
before it adds the unique constraint: a database with copies from before still migrates."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection

from coding.models import EvidenceSpan
from tests.world import World, complete_event

migration = importlib.import_module("coding.migrations.0013_inputs_unique_spans")


def test_the_migration_keeps_the_first_of_each_set_of_copies(world: World) -> None:
    client = world.client(world.coder_a)
    url = f"/api/v1/assignments/{world.assignment_a.pk}/events/"
    event_id = client.post(url, complete_event(world), format="json").json()["id"]
    originals = list(EvidenceSpan.objects.filter(event_id=event_id).order_by("pk"))
    table = EvidenceSpan._meta.db_table
    with connection.cursor() as cursor:
        # As before the constraint (the test's transaction puts it back afterwards).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks: ALTER may run
        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT evidencespan_unique_per_event")
        for span in originals[:2]:
            for _ in range(3):
                EvidenceSpan.objects.create(
                    event_id=event_id,
                    role=span.role,
                    start=span.start,
                    end=span.end,
                    quote=span.quote,
                )
        assert EvidenceSpan.objects.filter(event_id=event_id).count() == len(originals) + 6
        assert migration.delete_copies(cursor, connection.vendor) == 6
    kept = list(EvidenceSpan.objects.filter(event_id=event_id).order_by("pk"))
    assert [s.pk for s in kept] == [s.pk for s in originals]


def test_copies_in_a_validated_gold_layer_go_and_the_gold_stays_frozen(world: World) -> None:
    from django.db import IntegrityError, transaction

    from tests.exports.test_export_csv_rows import _validated_articles, reopened

    gold = _validated_articles(world, count=1)[0]
    span = EvidenceSpan.objects.filter(event_id=gold.pk).order_by("pk").first()
    assert span is not None
    before = list(EvidenceSpan.objects.filter(event_id=gold.pk).order_by("pk"))
    table = EvidenceSpan._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT evidencespan_unique_per_event")
        with reopened(gold.article_id):
            for _ in range(2):
                EvidenceSpan.objects.create(
                    event_id=gold.pk,
                    role=span.role,
                    start=span.start,
                    end=span.end,
                    quote=span.quote,
                )
        assert migration.delete_copies(cursor, connection.vendor) == 2
    assert list(EvidenceSpan.objects.filter(event_id=gold.pk).order_by("pk")) == before
    # the trigger is back on: the validated gold layer refuses a new span
    with pytest.raises(IntegrityError), transaction.atomic():
        EvidenceSpan.objects.create(
            event_id=gold.pk, role=span.role, start=span.start, end=span.end, quote=span.quote
        )
