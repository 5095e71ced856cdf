"""Comment threads on an article or one of its events."""

from __future__ import annotations

from django.db import transaction

from coding.errors import ValidationFailed
from coding.models import Article, CodedEvent, Comment, User
from coding.services.audit import audit_record


@transaction.atomic
def comment_add(
    *,
    article: Article,
    author: User,
    body: str,
    event_id: int | None = None,
    parent_id: int | None = None,
    visible_events: set[int] | None = None,
) -> Comment:
    """Add a comment. `visible_events` limits which events the author may comment on (a coder:
    the gold events and their own); None = any event of the article."""
    if not body.strip():
        raise ValidationFailed(
            "the comment is empty",
            errors=[{"field": "body", "code": "blank", "message": "may not be blank"}],
        )
    event = None
    if event_id is not None:
        event = CodedEvent.objects.filter(pk=event_id, article=article).first()
        if event is None or (visible_events is not None and event_id not in visible_events):
            raise ValidationFailed(
                "no such event in this article",
                errors=[{"field": "event", "code": "not_found", "message": str(event_id)}],
            )
    parent = None
    if parent_id is not None:
        parent = Comment.objects.filter(pk=parent_id, article=article).first()
        if parent is None:
            raise ValidationFailed(
                "no such comment in this article",
                errors=[{"field": "parent", "code": "not_found", "message": str(parent_id)}],
            )
    comment = Comment.objects.create(
        project=article.project,
        article=article,
        event=event,
        parent=parent,
        author=author,
        body=body,
    )
    audit_record(
        action="comment.add",
        actor=author,
        project=article.project,
        target=comment,
        data={"article": article.pk, "event": event_id},
    )
    return comment
