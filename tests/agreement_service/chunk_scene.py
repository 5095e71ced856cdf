"""A project of several coded articles with varied disagreements, for the chunked recompute
(tests/agreement_service/test_chunked_recompute.py and tests/worker)."""

from __future__ import annotations

from typing import Any

from coding.models import AgreementResult, AgreementRun, Assignment
from coding.services import workflow
from coding.services.articles import articles_create
from coding.services.assignment import assignments_balance
from coding.services.events import EventInput, SpanInput, event_create
from tests.world import ARTICLE_TEXT, Item, World, complete_event


def _spans(body: dict[str, Any], shift: int) -> list[SpanInput]:
    spans = []
    for s in body["spans"]:
        end = s["end"] - shift if s["end"] - shift > s["start"] else s["end"]
        spans.append(SpanInput(s["role"], s["start"], end, ARTICLE_TEXT[s["start"] : end]))
    return spans


def coded_articles(world: World, monkeypatch: Any, n_articles: int) -> None:
    """`n_articles` articles (the world's and copies), each coded by both coders and
    submitted, with disagreements that vary by article: fatality counts, an extra truce,
    another sub-type, a shorter span. Agreement hooks are off (the tests run it)."""
    monkeypatch.setattr(workflow, "ON_ARTICLE_COMPLETE", [])
    articles_create(
        project=world.project,
        actor=None,
        items=[Item(f"Extra {i}", ARTICLE_TEXT + f"\n({i})") for i in range(n_articles - 1)],
    )
    assignments_balance(project=world.project)
    body = complete_event(world)
    assignments = Assignment.objects.filter(project=world.project).order_by(
        "article_id", "coder_id"
    )
    for n, assignment in enumerate(assignments):
        article_n, second = divmod(n, 2)
        values = dict(body["values"]) | {"fatalities": 5 + (n % 3)}  # type: ignore[arg-type]
        subtype = "DRONE_STRIKE" if second and article_n % 4 == 1 else "ARMED_ASSAULT"
        event_create(
            assignment=assignment,
            actor=assignment.coder,
            data=EventInput(
                event_type="ATTACK",
                event_subtype=subtype,
                values=values,
                spans=_spans(body, shift=1 if second and article_n % 3 == 0 else 0),
            ),
        )
        if second and article_n % 5 == 2:  # one coder saw a truce too
            event_create(
                assignment=assignment,
                actor=assignment.coder,
                data=EventInput(event_type="TRUCE", values=dict(values) | {"fatalities": None}),
            )
        workflow.assignment_submit(assignment=assignment, actor=assignment.coder)


def stored_figures(run: AgreementRun) -> list[tuple[Any, ...]]:
    """Every stored result of a run, every column, in a stable order."""
    return sorted(
        (
            AgreementResult.objects.filter(run=run).values_list(
                "metric",
                "field_key",
                "event_type_code",
                "coder_a",
                "coder_b",
                "level",
                "value",
                "status",
                "ci_low",
                "ci_high",
                "p_below_667",
                "p_below_800",
                "n_units",
                "n_pairable",
                "n_coders",
                "percent_agreement",
                "details",
            )
        ),
        key=repr,
    )
