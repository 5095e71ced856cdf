"""γ per article on demand, inside a project run (a supervisor asks for it: ~1.3 s an article).

γ (coding.agreement.gamma) compares the coders' evidence spans of an article all at once,
with the span's role as its category. A coder's spans are taken as a set: the same words
marked for the same role in two of their events are one annotation, not two units.
Each chunk of a recompute computes the γ of its own articles (coding.services.agreement_chunks),
renewing its lease after every article, so γ spreads over the workers like α does.
"""

from __future__ import annotations

from typing import Any

from coding.agreement import CodedSpan, gamma_agreement
from coding.models import AgreementResult, AgreementRun
from coding.services.agreement_inputs import ArticleInputs

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


def article_gamma(inputs: ArticleInputs) -> tuple[Any, ...] | None:
    """γ of one article as plain values (article id, γ, units, coders, details), or None when
    fewer than two coders marked spans (γ is undefined there). Plain, so that a chunk of a
    recompute can carry it to the run's final step (coding.services.agreement_chunks)."""
    units = article_spans(inputs)
    if len({u.coder for u in units}) < 2:
        return None
    # The article id seeds the Monte-Carlo draw: a rerun gives the same γ, whatever order
    # the articles are computed in and whichever worker computes them.
    result = gamma_agreement(units, seed=inputs.article_id, n_samples=GAMMA_SAMPLES)
    details = {
        "article_id": inputs.article_id,
        "gamma_se": float(result.gamma_se),
        "observed_disorder": float(result.observed_disorder),
        "expected_disorder": float(result.expected_disorder),
        "expected_disorder_se": float(result.expected_disorder_se),
        "n_samples": int(result.n_samples),
        "seed": int(result.seed),
        "sampler": str(result.sampler),
    }
    # Plain Python numbers: NumPy's would not survive `marshal` (agreement_chunks).
    value = float(result.gamma)
    return (inputs.article_id, value, int(result.n_units), int(result.n_coders), details)


def gamma_result_row(run: AgreementRun, plain: tuple[Any, ...]) -> AgreementResult:
    """The stored row of an `article_gamma`."""
    _, value, n_units, n_coders, details = plain
    return AgreementResult(
        run=run,
        metric=GAMMA,
        value=value,
        n_units=n_units,
        n_coders=n_coders,
        details=dict(details),
    )


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
