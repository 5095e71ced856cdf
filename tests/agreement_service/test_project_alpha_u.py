"""Project α_U on evidence spans, beside detection F1: stored by the recompute (one
process and chunked alike), shown by the API and in the release's reliability report,
and equal to an independent computation from the stored spans."""

from __future__ import annotations

from collections import defaultdict

import pytest

from coding.agreement import CodedSpan, unitizing_alpha
from coding.exporting.reliability_html import render_reliability_html
from coding.models import AgreementResult, Article, Assignment, EvidenceSpan
from coding.services.agreement import ALPHA_U, project_agreement_compute
from tests.agreement_service.chunk_scene import coded_articles
from tests.world import World

pytestmark = pytest.mark.django_db

N_ARTICLES = 5


def _independent(world: World) -> tuple[float, int]:
    """α_U per article straight from the stored spans (the pure function per article, its
    D_o and D_e weighted by the article's length), and the number of articles."""
    spans: dict[int, set[CodedSpan]] = defaultdict(set)
    for article_id, coder, role, start, end in EvidenceSpan.objects.filter(
        event__article__project=world.project, event__layer="coder"
    ).values_list("event__article_id", "event__assignment__coder_id", "role", "start", "end"):
        spans[article_id].add(CodedSpan(coder, role, start, end))
    observed = expected = 0.0
    articles = Article.objects.filter(project=world.project)
    for article in articles:
        coders = sorted(
            Assignment.objects.filter(article=article).values_list("coder_id", flat=True)
        )
        result = unitizing_alpha(spans[article.pk], coders=coders, continuum=(0, len(article.text)))
        for category in result.per_category.values():
            observed += len(article.text) * category.observed_disagreement
            expected += len(article.text) * category.expected_disagreement
    return 1 - observed / expected, articles.count()


def test_project_alpha_u_equals_an_independent_computation(
    world: World, monkeypatch, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.ATHAR_AGREEMENT_CHUNK_ARTICLES = 2
    coded_articles(world, monkeypatch, N_ARTICLES)
    run = project_agreement_compute(project_id=world.project.pk)
    row = AgreementResult.objects.get(run=run, metric=ALPHA_U)
    value, n_articles = _independent(world)
    assert row.value == pytest.approx(value, abs=1e-12)
    assert 0.5 < row.value < 1.0  # the shorter spans of every third article disagree
    assert (row.n_units, row.n_pairable, row.n_coders) == (n_articles, n_articles, 2)
    assert row.details["pooling"] == "length-weighted over articles"
    assert row.details["code_points"] == sum(
        len(t) for t in Article.objects.filter(project=world.project).values_list("text", flat=True)
    )

    body = (
        world.client(world.researcher).get(f"/api/v1/projects/{world.project.pk}/agreement/").json()
    )
    assert body["alpha_u"] == {
        "alpha": row.value,
        "status": "ok",
        "n_articles": n_articles,
        "n_informative": n_articles,
        "n_coders": 2,
        "observed_disagreement": row.details["observed_disagreement"],
        "expected_disagreement": row.details["expected_disagreement"],
    }
    assert body["detection"]["f1"] is not None  # side by side


def test_the_report_shows_alpha_u_beside_detection_or_says_why_not() -> None:
    figures = {
        "computed": True,
        "project": "P",
        "tag": "v1",
        "data_as_of": "2026-12-07T12:00:00+00:00",
        "codebook": {"name": "Mini", "slug": "mini", "version": 1},
        "run": {"id": 3, "finished_at": "2026-12-07T12:00:00+00:00", "params": {}},
        "coders": 2,
        "units": 4,
        "fields": [],
        "detection_f1": {"value": 0.8, "true_positives": 2, "events": 5},
        "alpha_u": {"value": 0.91234, "n_articles": 12},
        "gamma": None,
        "adjudication": {"articles": 0, "decisions": 0, "auto_accepted_share": None, "by_kind": []},
    }
    page = render_reliability_html(figures)
    assert '<strong class="alpha-u">0.912</strong>' in page
    assert "articles: 12" in page
    assert page.index("F1 between coders") < page.index("Evidence spans")
    figures["alpha_u"] = {"value": None, "n_articles": 12}
    assert "no α_U (no coder marked evidence spans)" in render_reliability_html(figures)
    figures["alpha_u"] = None  # a run from before α_U: nothing said
    assert "Evidence spans" not in render_reliability_html(figures)
