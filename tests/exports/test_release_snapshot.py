"""A release is a snapshot of its `data_as_of`: the build reads one REPEATABLE READ snapshot
and `data_as_of` is the instant it was taken, so what is reopened before the build is out,
labelled with a later instant, and what is reopened while the build runs is in."""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from coding.exporting import ExportEvent
from coding.models import Adjudication, DatasetRelease, GoldRetraction
from coding.services import releases
from coding.services.adjudication import adjudication_reopen
from coding.services.releases import release_build, release_request
from tests.exports.test_export_api import _adjudicate
from tests.world import World

pytestmark = pytest.mark.django_db(transaction=True)


def _request(world: World) -> DatasetRelease:
    from config.celery import app

    app.conf.task_always_eager = False  # recorded, not built: the worker is busy
    try:
        return release_request(project=world.project, actor=world.supervisor, tag="v1")
    finally:
        app.conf.task_always_eager = True


def _reopen(world: World) -> None:
    adjudication = Adjudication.objects.get(article=world.article)
    adjudication_reopen(adjudication=adjudication, actor=world.supervisor, reason="new source")


def _csv_rows(release: DatasetRelease) -> list[dict[str, str]]:
    with release.files.get(format="csv").file.open("rb") as stored:
        return list(csv.DictReader(io.StringIO(stored.read().decode("utf-8"), newline="")))


def test_a_reopen_before_the_build_is_out_and_data_as_of_comes_after_it(
    disputed: World,
) -> None:
    _adjudicate(disputed)
    release = _request(disputed)
    assert release.data_as_of is None  # not taken yet
    _reopen(disputed)
    reopened_at = GoldRetraction.objects.get(article=disputed.article).retracted_at

    built = release_build(release_id=release.pk)

    assert built.status == "ready"
    assert built.data_as_of is not None
    assert built.data_as_of > reopened_at  # labelled with the instant it shows
    assert built.row_count == 0 == len(_csv_rows(built))


def test_a_reopen_while_the_build_reads_does_not_change_the_release(
    disputed: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    _adjudicate(disputed)
    release = _request(disputed)
    real = releases.iter_export_events

    def reopened_meanwhile(*args: Any) -> Iterator[ExportEvent]:
        # Another session reopens the article and commits, after the build's snapshot was
        # taken and before it reads a single event.
        def reopen() -> None:
            try:
                _reopen(disputed)
            finally:
                connection.close()

        thread = threading.Thread(target=reopen)
        thread.start()
        thread.join(30)
        assert GoldRetraction.objects.using("default").count() == 0  # invisible to the build
        yield from real(*args)

    monkeypatch.setattr(releases, "iter_export_events", reopened_meanwhile)
    before = timezone.now()
    built = release_build(release_id=release.pk)

    reopened_at = GoldRetraction.objects.get(article=disputed.article).retracted_at
    assert Adjudication.objects.get(article=disputed.article).status == "open"
    assert before <= built.data_as_of < reopened_at  # type: ignore[operator]
    assert built.row_count == 1
    (row,) = _csv_rows(built)
    assert (row["athar_article_id"], row["fatalities"]) == (str(disputed.article.pk), "7")
