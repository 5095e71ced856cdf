"""γ per article on demand, inside a project run (a supervisor asks for it: ~1.3 s an article).

γ (coding.agreement.gamma) compares the coders' evidence spans of an article all at once,
with the span's role as its category. A coder's spans are taken as a set: the same words
marked for the same role in two of their events are one annotation, not two units.
The caller holds the run's lease; it is renewed after every article, so a long γ pass stays
inside its lease and a worker that lost it stores nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from coding.agreement import CodedSpan, gamma_agreement
from coding.codebook_spec import CodebookSpec
from coding.models import AgreementResult, AgreementRun
from coding.services.agreement_inputs import ArticleInputs, load_article_inputs

GAMMA = "gamma"
"""AgreementResult.metric of an article's γ (field_key empty: over all evidence roles)."""

GAMMA_SAMPLES = 30
"""Random continua per article for D_e (pygamma's default; the spread is stored with γ)."""


def article_spans(inputs: ArticleInputs) -> list[CodedSpan]:
    """Every coder's evidence spans of one article, one unit per (coder, role, start, end)."""
    units = {
        CodedSpan(event.coder, span.role, span.start, span.end)
        for event in inputs.events
        for span in event.spans
        if span.end > span.start
    }
    return sorted(units, key=lambda u: (u.coder, u.start, u.end, str(u.label)))


def _result(run: AgreementRun, article_id: int, units: list[CodedSpan]) -> AgreementResult:
    # The article id seeds the Monte-Carlo draw: a rerun gives the same γ, whatever order
    # the articles are computed in.
    result = gamma_agreement(units, seed=article_id, n_samples=GAMMA_SAMPLES)
    return AgreementResult(
        run=run,
        metric=GAMMA,
        value=result.gamma,
        n_units=result.n_units,
        n_coders=result.n_coders,
        details={
            "article_id": article_id,
            "gamma_se": result.gamma_se,
            "observed_disorder": result.observed_disorder,
            "expected_disorder": result.expected_disorder,
            "expected_disorder_se": result.expected_disorder_se,
            "n_samples": result.n_samples,
            "seed": result.seed,
            "sampler": result.sampler,
        },
    )


def gamma_results(
    run: AgreementRun,
    article_ids: list[int],
    spec: CodebookSpec,
    version_id: int,
    renew: Callable[[], None],
) -> tuple[list[AgreementResult], int]:
    """γ of every given article that two or more coders marked spans in, and the number of
    articles left out (fewer than two coders with spans: γ is undefined there)."""
    rows: list[AgreementResult] = []
    skipped = 0
    for inputs in load_article_inputs(article_ids, spec, version_id):
        units = article_spans(inputs)
        if len({u.coder for u in units}) < 2:
            skipped += 1
            continue
        rows.append(_result(run, inputs.article_id, units))
        renew()
    return rows, skipped


def gamma_row(result: AgreementResult) -> dict[str, Any]:
    """A stored γ as the agreement API and the release's reliability report show it."""
    details = result.details
    return {
        "article": details.get("article_id"),
        "gamma": result.value,
        "gamma_se": details.get("gamma_se"),
        "expected_disorder_se": details.get("expected_disorder_se"),
        "n_samples": details.get("n_samples"),
        "seed": details.get("seed"),
        "n_units": result.n_units,
        "n_coders": result.n_coders,
    }
