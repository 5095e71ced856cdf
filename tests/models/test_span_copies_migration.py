"""Migration 0008_inputs_unique_spans deletes stored copies of a span (keeping the first)
before it adds the unique constraint: a database with copies from before still migrates."""

from __future__ import annotations

import importlib

from django.db import connection

from coding.models import EvidenceSpan
from tests.world import World, complete_event

migration = importlib.import_module("coding.migrations.0008_inputs_unique_spans")


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
        cursor.execute(migration.DELETE_COPIES)
        assert cursor.rowcount == 6
    kept = list(EvidenceSpan.objects.filter(event_id=event_id).order_by("pk"))
    assert [s.pk for s in kept] == [s.pk for s in originals]
