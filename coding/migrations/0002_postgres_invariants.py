"""Invariants the database enforces on PostgreSQL (SQLite, the demo default, relies on the
services alone):

- article text and its hash never change after import (every offset points into it);
- audit entries are append-only;
- a published codebook version's spec never changes and it cannot go back to draft.
"""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION athar_refuse_article_text_change() RETURNS trigger AS $$
BEGIN
  IF NEW.text IS DISTINCT FROM OLD.text OR NEW.text_sha256 IS DISTINCT FROM OLD.text_sha256 THEN
    RAISE EXCEPTION 'article % text is immutable', OLD.id USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER athar_article_text_immutable BEFORE UPDATE ON coding_article
  FOR EACH ROW EXECUTE FUNCTION athar_refuse_article_text_change();

CREATE OR REPLACE FUNCTION athar_refuse_audit_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit entries are append-only' USING ERRCODE = 'check_violation';
END $$ LANGUAGE plpgsql;
CREATE TRIGGER athar_audit_append_only BEFORE UPDATE OR DELETE ON coding_auditentry
  FOR EACH ROW EXECUTE FUNCTION athar_refuse_audit_change();

CREATE OR REPLACE FUNCTION athar_refuse_published_codebook_change() RETURNS trigger AS $$
BEGIN
  IF OLD.status = 'published' AND (NEW.spec IS DISTINCT FROM OLD.spec OR NEW.status <> 'published') THEN
    RAISE EXCEPTION 'codebook version % is published and immutable', OLD.id
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER athar_codebookversion_published_immutable BEFORE UPDATE ON coding_codebookversion
  FOR EACH ROW EXECUTE FUNCTION athar_refuse_published_codebook_change();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS athar_article_text_immutable ON coding_article;
DROP FUNCTION IF EXISTS athar_refuse_article_text_change();
DROP TRIGGER IF EXISTS athar_audit_append_only ON coding_auditentry;
DROP FUNCTION IF EXISTS athar_refuse_audit_change();
DROP TRIGGER IF EXISTS athar_codebookversion_published_immutable ON coding_codebookversion;
DROP FUNCTION IF EXISTS athar_refuse_published_codebook_change();
"""


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        # A plain cursor: the SQL has RAISE '%' placeholders that must not be parsed as params.
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(FORWARD)


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("coding", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
