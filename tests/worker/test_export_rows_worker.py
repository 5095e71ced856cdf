"""A validation's CSV lines are stored by a real worker (real Celery, real Redis), after the
commit; two refreshes at once (as a validation's task and a dictionary reload's may run)
neither fail nor disagree."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection
from django.utils import timezone

from coding.export_selectors import ExportFilters
from coding.export_streams import export_chunks
from coding.models import CodedEvent, ExportCsvRow
from coding.services.export_rows import csv_rows_refresh
from tests.exports.test_export_api import _adjudicate
from tests.exports.test_export_csv_rows import _rendered_export, _validated_articles
from tests.world import World

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.mark.worker
def test_a_real_worker_stores_the_lines_of_a_validated_article(
    disputed: World,
    celery_worker_process,  # type: ignore[no-untyped-def]  # started after `disputed`
) -> None:
    _adjudicate(disputed)  # each request commits; validation enqueues the task on commit
    gold = CodedEvent.objects.get(article=disputed.article, layer=CodedEvent.Layer.GOLD)
    deadline = time.monotonic() + 60
    while not ExportCsvRow.objects.filter(event_id=gold.pk).exists():
        assert time.monotonic() < deadline, "the worker stored no line"
        time.sleep(0.2)
    _header, line = _rendered_export(disputed.project).split("\r\n", 1)
    assert ExportCsvRow.objects.get(event_id=gold.pk).line == line


def test_two_refreshes_at_once_store_each_line_once_and_right(world: World) -> None:
    gold = _validated_articles(world, count=6)
    written: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def refresh() -> None:
        try:
            start.wait(timeout=30)
            written.append(csv_rows_refresh(project=world.project))
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=refresh) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert len(gold) <= sum(written) <= 2 * len(gold)  # each line at least once
    assert ExportCsvRow.objects.count() == len(gold)
    stored = "".join(export_chunks(world.project, "csv", ExportFilters(), timezone.now()))
    assert stored == _rendered_export(world.project)
