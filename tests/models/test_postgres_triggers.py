"""On PostgreSQL, triggers keep article text, published codebooks and the audit log unchanged."""

import pytest
from django.db import transaction
from django.db.utils import IntegrityError

from coding import models as m
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_article_text_cannot_be_updated_even_by_raw_orm() -> None:
    article = f.ArticleFactory()
    with pytest.raises(IntegrityError, match="immutable"), transaction.atomic():
        m.Article.objects.filter(pk=article.pk).update(text="x" * article.len_cp)
    m.Article.objects.filter(pk=article.pk).update(title="A new title is fine")
    article.refresh_from_db()
    assert article.title == "A new title is fine"


def test_audit_entries_are_append_only() -> None:
    entry = f.AuditEntryFactory()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        m.AuditEntry.objects.filter(pk=entry.pk).update(action="rewritten")
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        m.AuditEntry.objects.filter(pk=entry.pk).delete()
    assert m.AuditEntry.objects.get(pk=entry.pk).action == "test.action"


def test_published_codebook_version_is_frozen_in_the_database() -> None:
    version = f.CodebookVersionFactory(spec={"slug": "x"})
    with pytest.raises(IntegrityError, match="immutable"), transaction.atomic():
        m.CodebookVersion.objects.filter(pk=version.pk).update(spec={"slug": "y"})
    with pytest.raises(IntegrityError, match="immutable"), transaction.atomic():
        m.CodebookVersion.objects.filter(pk=version.pk).update(status="draft", published_at=None)
    draft = f.CodebookVersionFactory(status="draft", published_at=None, spec={"a": 1})
    m.CodebookVersion.objects.filter(pk=draft.pk).update(spec={"a": 2})
    draft.refresh_from_db()
    assert draft.spec == {"a": 2}
