"""A project recompute in chunks (coding.services.agreement_chunks), run here eagerly:
the same figures as one process computing everything, to the last digit; chunks that can
run twice without harm; a worker that lost its lease stores nothing; a run superseded by a
newer one never overwrites it. The same with real workers: tests/worker/."""

from __future__ import annotations

import pytest

from coding.models import AgreementChunk, AgreementResult, AgreementRun
from coding.services import agreement_chunks
from coding.services.agreement import (
    latest_project_run,
    project_agreement_compute,
    project_recompute_request,
)
from coding.services.agreement_chunks import (
    agreement_chunk_compute,
    project_run_finish,
    project_run_plan,
)
from coding.services.agreement_figures import ChunkOutput
from tests.agreement_service.chunk_scene import coded_articles, stored_figures
from tests.world import World

pytestmark = pytest.mark.django_db

N_ARTICLES = 7


@pytest.fixture
def project(world: World, monkeypatch, settings) -> World:  # type: ignore[no-untyped-def]
    settings.ATHAR_AGREEMENT_CHUNK_ARTICLES = 2  # 7 articles: 4 chunks
    coded_articles(world, monkeypatch, N_ARTICLES)
    return world


def _state() -> tuple[int, int, list[tuple[int, str, bytes | None]]]:
    return (
        AgreementRun.objects.filter(scope="article").count(),
        AgreementResult.objects.count(),
        [
            (c.index, c.status, None if c.payload is None else bytes(c.payload))
            for c in AgreementChunk.objects.order_by("index")
        ],
    )


def test_chunks_over_workers_store_the_same_figures_as_one_process(
    project: World, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    reference = project_agreement_compute(project_id=project.project.pk)
    assert reference.status == "done"
    with django_capture_on_commit_callbacks(execute=True):
        queued = project_recompute_request(project=project.project)
    chunked = AgreementRun.objects.get(pk=queued.pk)
    assert chunked.status == "done", chunked.error
    assert stored_figures(chunked) == stored_figures(reference)
    assert len(stored_figures(chunked)) > 20
    assert chunked.params == reference.params
    assert chunked.params["n_articles"] == N_ARTICLES
    assert chunked.progress_done == chunked.progress_total == N_ARTICLES
    assert not AgreementChunk.objects.exists()  # a finished run keeps no chunks
    assert AgreementRun.objects.filter(scope="article").count() == N_ARTICLES
    assert latest_project_run(project.project) == chunked


def test_the_plan_cuts_ready_articles_in_order_once(project: World) -> None:
    run = project_recompute_request(project=project.project)
    plan = project_run_plan(project_id=project.project.pk, run_id=run.pk)
    assert plan is not None
    assert (plan.send, plan.finish) == ([0, 1, 2, 3], False)
    ids = list(project.project.articles.order_by("id").values_list("id", flat=True))
    chunks = list(AgreementChunk.objects.filter(run=run).values_list("article_ids", flat=True))
    assert chunks == [ids[0:2], ids[2:4], ids[4:6], ids[6:7]]
    # A second delivery while the planner's lease is live does nothing.
    assert project_run_plan(project_id=project.project.pk, run_id=run.pk) is None
    assert AgreementChunk.objects.filter(run=run).count() == 4


def test_a_chunk_computed_twice_stores_the_same_payload_and_no_new_rows(project: World) -> None:
    run = project_recompute_request(project=project.project)
    project_run_plan(project_id=project.project.pk, run_id=run.pk)
    assert agreement_chunk_compute(run_id=run.pk, index=1) is False  # not the last chunk
    first = bytes(AgreementChunk.objects.get(run=run, index=1).payload)
    before = _state()
    # As if its worker had died after storing: the sweep's new plan sends it again.
    AgreementChunk.objects.filter(run=run, index=1).update(status="pending", payload=None)
    assert agreement_chunk_compute(run_id=run.pk, index=1) is False
    assert bytes(AgreementChunk.objects.get(run=run, index=1).payload) == first
    assert _state() == before
    decoded = ChunkOutput.decode(first)
    assert [r.article_id for r in decoded.records] == AgreementChunk.objects.get(
        run=run, index=1
    ).article_ids
    assert ChunkOutput.decode(decoded.encode()) == decoded


def test_a_chunk_held_by_a_live_worker_or_done_is_left_alone(project: World) -> None:
    run = project_recompute_request(project=project.project)
    project_run_plan(project_id=project.project.pk, run_id=run.pk)
    held = AgreementChunk.objects.get(run=run, index=0)
    AgreementChunk.objects.filter(pk=held.pk).update(lease_token="another-worker")
    before = _state()
    assert agreement_chunk_compute(run_id=run.pk, index=0) is False
    assert _state() == before
    assert AgreementChunk.objects.get(pk=held.pk).attempts == 0


def test_a_worker_that_lost_its_chunk_lease_stores_nothing(project: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    run = project_recompute_request(project=project.project)
    project_run_plan(project_id=project.project.pk, run_id=run.pk)
    compute = agreement_chunks.compute_chunk

    def slow_then_taken(*args, **kwargs):  # type: ignore[no-untyped-def]
        output = compute(*args, **kwargs)
        # Meanwhile the lease passed and another worker took the chunk.
        AgreementChunk.objects.filter(run=run, index=2).update(lease_token="another-worker")
        return output

    monkeypatch.setattr(agreement_chunks, "compute_chunk", slow_then_taken)
    progress = AgreementRun.objects.get(pk=run.pk).progress_done
    assert agreement_chunk_compute(run_id=run.pk, index=2) is False
    chunk = AgreementChunk.objects.get(run=run, index=2)
    assert (chunk.status, chunk.payload, chunk.lease_token) == ("pending", None, "another-worker")
    assert AgreementRun.objects.get(pk=run.pk).progress_done == progress


def test_the_run_is_published_only_when_every_chunk_is_done(project: World) -> None:
    run = project_recompute_request(project=project.project)
    project_run_plan(project_id=project.project.pk, run_id=run.pk)
    for index in (3, 0, 2):  # any order, on any worker
        assert agreement_chunk_compute(run_id=run.pk, index=index) is False
    assert project_run_finish(run_id=run.pk).status == "running"  # chunk 1 missing
    assert not AgreementResult.objects.filter(run=run).exists()
    assert AgreementRun.objects.get(pk=run.pk).progress_done == 5
    assert agreement_chunk_compute(run_id=run.pk, index=1) is True  # the last one
    done = project_run_finish(run_id=run.pk)
    assert done.status == "done"
    results = stored_figures(done)
    assert project_run_finish(run_id=run.pk).status == "done"  # a second finish: no change
    assert stored_figures(done) == results
    reference = project_agreement_compute(project_id=project.project.pk)
    assert stored_figures(reference) == results


def test_a_run_superseded_by_a_newer_one_never_overwrites_it(project: World) -> None:
    older_chunked = project_recompute_request(project=project.project)
    older_single = project_recompute_request(project=project.project)
    newer = project_agreement_compute(project_id=project.project.pk)
    newer_results = stored_figures(newer)
    project_agreement_compute(project_id=project.project.pk, run_id=older_single.pk)
    project_run_plan(project_id=project.project.pk, run_id=older_chunked.pk)
    for index in range(4):
        agreement_chunk_compute(run_id=older_chunked.pk, index=index)
    project_run_finish(run_id=older_chunked.pk)
    for older in (older_chunked, older_single):
        older.refresh_from_db()
        assert older.status == "failed"
        assert older.error == f"superseded by the newer run {newer.pk}, which is kept"
        assert not AgreementResult.objects.filter(run=older).exists()
    assert latest_project_run(project.project) == newer
    assert stored_figures(newer) == newer_results
    assert not AgreementChunk.objects.exists()


def test_chunks_of_a_run_no_longer_live_are_left_alone(project: World) -> None:
    run = project_recompute_request(project=project.project)
    project_run_plan(project_id=project.project.pk, run_id=run.pk)
    AgreementRun.objects.filter(pk=run.pk).update(status="failed")
    before = _state()
    assert agreement_chunk_compute(run_id=run.pk, index=0) is False
    assert _state() == before


def test_a_payload_of_another_format_is_refused() -> None:
    import marshal
    import zlib

    payload = zlib.compress(marshal.dumps((99, [], [], [], 0)))
    with pytest.raises(ValueError, match="format 99"):
        ChunkOutput.decode(payload)


def test_a_project_without_ready_articles_finishes_at_once(world: World) -> None:
    run = project_recompute_request(project=world.project)
    plan = project_run_plan(project_id=world.project.pk, run_id=run.pk)
    assert plan is not None
    assert (plan.send, plan.finish) == ([], True)
    done = project_run_finish(run_id=run.pk)
    assert done.status == "done"
    assert done.params["n_articles"] == 0
