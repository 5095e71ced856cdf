"""Validated articles for the dataset-event tests, made through the adjudication services (so
validation and reopening do what they do in use)."""

from __future__ import annotations

from coding.models import Adjudication, Article, CodedEvent, Project, User
from coding.services.adjudication import (
    adjudication_open,
    adjudication_reopen,
    adjudication_validate,
    decision_add,
)
from coding.services.articles import articles_create
from coding.services.events import EventInput, SpanInput
from tests.world import Item


def _span(text: str, needle: str, role: str) -> SpanInput:
    start = text.index(needle)
    return SpanInput(role, start, start + len(needle), needle)


def validated_report(
    *,
    project: Project,
    supervisor: User,
    text: str,
    trigger: str,
    values: dict,  # type: ignore[type-arg]
    event_type: str = "ATTACK",
    event_subtype: str | None = "ARMED_ASSAULT",
    title: str = "Report",
    evidence: tuple[tuple[str, str], ...] = (),
) -> CodedEvent:
    """A new article with no coders, one gold event added by the supervisor, validated; its
    spans are the trigger and each (words, role) of `evidence`."""
    article = articles_create(project=project, items=[Item(title, text)], actor=None).created[0]
    adjudication = adjudication_open(article_id=article.pk)
    decision_add(
        adjudication=adjudication,
        actor=supervisor,
        data=EventInput(
            event_type=event_type,
            event_subtype=event_subtype,
            values=values,
            spans=[_span(text, trigger, "trigger")]
            + [_span(text, words, role) for words, role in evidence],
        ),
    )
    adjudication.refresh_from_db()
    adjudication_validate(
        adjudication=adjudication, actor=supervisor, expected_version=adjudication.version
    )
    return CodedEvent.objects.get(adjudication=adjudication)


def reopen(article: Article, supervisor: User) -> None:
    adjudication_reopen(
        adjudication=Adjudication.objects.get(article=article), actor=supervisor, reason="recheck"
    )


def revalidate(article: Article, supervisor: User) -> None:
    adjudication = Adjudication.objects.get(article=article)
    adjudication_validate(
        adjudication=adjudication, actor=supervisor, expected_version=adjudication.version
    )
