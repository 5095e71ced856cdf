"""γ on demand: a supervisor's recompute may ask for γ per article; the background run
computes it (the real pygamma computation, on the one small article of the disputed world),
stores it with its Monte-Carlo spread, and the agreement API and the next release's
reliability report show it. Only the last test imports pygamma (slow)."""

from __future__ import annotations

import json

import pytest

from coding.codebook_runtime import version_spec
from coding.models import AgreementRun, AuditEntry
from coding.services.agreement_gamma import article_spans
from coding.services.agreement_inputs import load_article_inputs
from coding.services.releases import release_build, release_request
from tests.exports.test_export_api import _adjudicate
from tests.world import World

pytestmark = pytest.mark.django_db(transaction=True)


def _url(world: World, tail: str = "recompute/") -> str:
    return f"/api/v1/projects/{world.project.pk}/agreement/{tail}"


def _state() -> tuple[list[int], int]:
    return (
        list(AgreementRun.objects.filter(scope="project").values_list("id", flat=True)),
        AuditEntry.objects.filter(action="agreement.recompute").count(),
    )


def test_only_managers_may_ask_and_a_bad_flag_is_refused_changing_nothing(
    disputed: World,
) -> None:
    before = _state()
    for user in (disputed.researcher, disputed.coder_a):
        response = disputed.client(user).post(_url(disputed), {"gamma": True}, format="json")
        assert response.status_code == 403
    response = disputed.client(disputed.supervisor).post(
        _url(disputed), {"gamma": "perhaps"}, format="json"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "gamma"
    assert _state() == before


def test_a_recompute_without_gamma_has_none(
    disputed: World, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        response = disputed.client(disputed.supervisor).post(_url(disputed))
    assert response.status_code == 202
    body = disputed.client(disputed.supervisor).get(_url(disputed, "")).json()
    assert body["run"]["id"] == response.json()["id"]
    assert body["gamma"] is None
    entry = AuditEntry.objects.get(action="agreement.recompute")
    assert entry.data == {"gamma": False}


def test_gamma_is_computed_in_the_run_shown_in_the_api_and_in_the_release_report(
    disputed: World,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    from coding.agreement import gamma_agreement

    _adjudicate(disputed)
    with django_capture_on_commit_callbacks(execute=True):
        response = disputed.client(disputed.supervisor).post(
            _url(disputed), {"gamma": True}, format="json"
        )
    assert response.status_code == 202
    run = AgreementRun.objects.get(pk=response.json()["id"])
    assert run.status == "done"
    assert run.params["gamma"] == {"articles": 1, "skipped": 0}
    assert AuditEntry.objects.get(action="agreement.recompute").data == {"gamma": True}

    body = disputed.client(disputed.researcher).get(_url(disputed, "")).json()
    assert body["run"]["id"] == run.pk
    [shown] = body["gamma"]
    # The same γ, computed here on the same spans with the same seed.
    version = disputed.project.codebook_version
    [inputs] = load_article_inputs([disputed.article.pk], version_spec(version), version.pk)
    units = article_spans(inputs)
    # coder_a: the attack's 4 spans and the truce's trigger; coder_b: the attack's 4 spans.
    assert len(units) == 9
    expected = gamma_agreement(units, seed=disputed.article.pk, n_samples=30)
    assert shown == {
        "article": disputed.article.pk,
        "gamma": pytest.approx(expected.gamma, abs=1e-12),
        "gamma_se": pytest.approx(expected.gamma_se, abs=1e-12),
        "expected_disorder_se": pytest.approx(expected.expected_disorder_se, abs=1e-12),
        "n_samples": 30,
        "seed": disputed.article.pk,
        "n_units": 9,
        "n_coders": 2,
    }
    assert 0 < shown["gamma"] < 1  # the truce only one coder saw costs agreement
    assert shown["gamma_se"] > 0

    from config.celery import app

    app.conf.task_always_eager = False
    try:
        release = release_request(project=disputed.project, actor=disputed.supervisor, tag="g1")
    finally:
        app.conf.task_always_eager = True
    release = release_build(release_id=release.pk)
    with release.files.get(format="reliability_json").file.open("rb") as stored:
        figures = json.loads(stored.read())
    assert figures["gamma"] == body["gamma"]
    with release.files.get(format="reliability_html").file.open("rb") as stored:
        page = stored.read().decode("utf-8")
    assert f'<strong class="gamma">{shown["gamma"]:.3f}</strong>' in page
