"""A client that goes away mid-stream: the server closes the response, which ends the
export's server-side cursor and its read-only snapshot at once; the connection is clean for
the next request and nothing was written."""

from __future__ import annotations

import pytest
from django.db import connection

from coding import export_streams
from coding.models import ExportCsvRow, OutboxItem
from coding.services.export_rows import csv_rows_refresh
from tests.exports.test_export_api import _export
from tests.exports.test_export_csv_rows import _validated_articles
from tests.world import World

pytestmark = pytest.mark.django_db(transaction=True)


def _open_cursors() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_cursors")
        return int(cursor.fetchone()[0])


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "geojson"])
def test_a_client_gone_mid_stream_leaves_no_cursor_nor_transaction(
    world: World, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export_streams, "STORED_CHUNK", 2)  # 6 events: 3 fetches
    _validated_articles(world, count=3)
    csv_rows_refresh(project=world.project)
    stored = list(ExportCsvRow.objects.order_by("event_id").values_list("event_id", "epoch"))
    outbox = OutboxItem.objects.count()
    assert not connection.in_atomic_block

    response = _export(world, format=fmt)
    try:
        assert response.status_code == 200
        stream = iter(response.streaming_content)
        first = next(stream)  # CSV's header, GeoJSON's opening; JSONL's first rows
        if fmt != "jsonl":
            assert not connection.in_atomic_block  # nothing read before the rows
            next(stream)  # the first rows: the snapshot and the cursor are open now
        assert first
        assert connection.in_atomic_block
        assert _open_cursors() == 1
    finally:
        response.close()  # what the server does when the client disconnects
    assert not connection.in_atomic_block
    assert _open_cursors() == 0
    # The connection serves the next request; the export wrote nothing.
    assert list(ExportCsvRow.objects.order_by("event_id").values_list("event_id", "epoch")) == (
        stored
    )
    assert OutboxItem.objects.count() == outbox
    again = _export(world, format=fmt)
    assert b"".join(again.streaming_content).startswith(first)
