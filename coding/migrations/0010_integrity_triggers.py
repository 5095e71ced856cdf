"""Integrity the database enforces on PostgreSQL against every writer, Django admin and raw SQL
included (SQLite, the demo default, relies on the services alone):

- an evidence span's quote is the article text at its offsets. `substr` on `text` counts
  characters, which in a UTF8 database are Unicode code points, the unit of every stored
  offset. The article text is reached through the span's event (`coded_event.article_id`, a
  column already on the event), one indexed lookup per row; only the prefix up to `end` is
  read from a compressed text;
- a validated adjudication changes only by being reopened (status back to open with the next
  revision), and is never deleted;
- its gold events and their spans are neither inserted, changed nor deleted while it is
  validated (the decisions write them while it is open; validation and reopening change only
  the adjudication row, so no order of writes trips this);
- a ready release, and its files' metadata, never change and are never deleted.

Every refusal is a check_violation, which Django raises as IntegrityError.
"""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION athar_check_evidence_span() RETURNS trigger AS $$
DECLARE
  article_text text;
  gold_status text;
BEGIN
  IF TG_OP <> 'INSERT' THEN
    SELECT adj.status INTO gold_status
      FROM coding_codedevent e JOIN coding_adjudication adj ON adj.id = e.adjudication_id
      WHERE e.id = OLD.event_id;
    IF gold_status = 'validated' THEN
      RAISE EXCEPTION 'evidence span % belongs to a validated gold event; reopen the article first',
        OLD.id USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
      RETURN OLD;
    END IF;
  END IF;
  SELECT a.text, adj.status INTO article_text, gold_status
    FROM coding_codedevent e
    JOIN coding_article a ON a.id = e.article_id
    LEFT JOIN coding_adjudication adj ON adj.id = e.adjudication_id
    WHERE e.id = NEW.event_id;
  IF gold_status = 'validated' THEN
    RAISE EXCEPTION 'event % is a validated gold event; reopen the article first', NEW.event_id
      USING ERRCODE = 'check_violation';
  END IF;
  -- A bad range is left to the check constraints (they run after this trigger).
  IF NEW.start < NEW."end" AND NEW.start >= 0
     AND NEW.quote IS DISTINCT FROM substr(article_text, NEW.start + 1, NEW."end" - NEW.start) THEN
    RAISE EXCEPTION 'evidence span quote differs from the article text at [%, %)',
      NEW.start, NEW."end" USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER athar_evidencespan_matches_text BEFORE INSERT OR UPDATE OR DELETE
  ON coding_evidencespan FOR EACH ROW EXECUTE FUNCTION athar_check_evidence_span();

CREATE OR REPLACE FUNCTION athar_refuse_validated_gold_event_change() RETURNS trigger AS $$
BEGIN
  IF TG_OP <> 'INSERT' AND EXISTS (
    SELECT 1 FROM coding_adjudication WHERE id = OLD.adjudication_id AND status = 'validated'
  ) THEN
    RAISE EXCEPTION 'event % is a validated gold event; reopen the article first', OLD.id
      USING ERRCODE = 'check_violation';
  END IF;
  IF TG_OP <> 'DELETE' AND EXISTS (
    SELECT 1 FROM coding_adjudication WHERE id = NEW.adjudication_id AND status = 'validated'
  ) THEN
    RAISE EXCEPTION 'adjudication % is validated; reopen the article first', NEW.adjudication_id
      USING ERRCODE = 'check_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
-- Coder-layer events (the event-write hot path) never enter the function.
CREATE TRIGGER athar_gold_event_insert BEFORE INSERT ON coding_codedevent
  FOR EACH ROW WHEN (NEW.adjudication_id IS NOT NULL)
  EXECUTE FUNCTION athar_refuse_validated_gold_event_change();
CREATE TRIGGER athar_gold_event_update BEFORE UPDATE ON coding_codedevent
  FOR EACH ROW WHEN (OLD.adjudication_id IS NOT NULL OR NEW.adjudication_id IS NOT NULL)
  EXECUTE FUNCTION athar_refuse_validated_gold_event_change();
CREATE TRIGGER athar_gold_event_delete BEFORE DELETE ON coding_codedevent
  FOR EACH ROW WHEN (OLD.adjudication_id IS NOT NULL)
  EXECUTE FUNCTION athar_refuse_validated_gold_event_change();

CREATE OR REPLACE FUNCTION athar_refuse_validated_adjudication_change() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.status = 'open' AND NEW.revision = OLD.revision + 1
     AND NEW.article_id = OLD.article_id AND NEW.project_id = OLD.project_id THEN
    RETURN NEW;  -- a reopen
  END IF;
  RAISE EXCEPTION 'adjudication % is validated; it changes only by being reopened', OLD.id
    USING ERRCODE = 'check_violation';
END $$ LANGUAGE plpgsql;
CREATE TRIGGER athar_adjudication_validated_frozen BEFORE UPDATE OR DELETE ON coding_adjudication
  FOR EACH ROW WHEN (OLD.status = 'validated')
  EXECUTE FUNCTION athar_refuse_validated_adjudication_change();

CREATE OR REPLACE FUNCTION athar_refuse_ready_release_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'release % is ready and immutable', OLD.id USING ERRCODE = 'check_violation';
END $$ LANGUAGE plpgsql;
CREATE TRIGGER athar_release_ready_immutable BEFORE UPDATE OR DELETE ON coding_datasetrelease
  FOR EACH ROW WHEN (OLD.status = 'ready') EXECUTE FUNCTION athar_refuse_ready_release_change();

CREATE OR REPLACE FUNCTION athar_refuse_ready_release_file_change() RETURNS trigger AS $$
BEGIN
  IF TG_OP <> 'INSERT' AND EXISTS (
    SELECT 1 FROM coding_datasetrelease WHERE id = OLD.release_id AND status = 'ready'
  ) THEN
    RAISE EXCEPTION 'release % is ready and its files are immutable', OLD.release_id
      USING ERRCODE = 'check_violation';
  END IF;
  IF TG_OP <> 'DELETE' AND EXISTS (
    SELECT 1 FROM coding_datasetrelease WHERE id = NEW.release_id AND status = 'ready'
  ) THEN
    RAISE EXCEPTION 'release % is ready and its files are immutable', NEW.release_id
      USING ERRCODE = 'check_violation';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER athar_releasefile_ready_immutable BEFORE INSERT OR UPDATE OR DELETE
  ON coding_releasefile FOR EACH ROW EXECUTE FUNCTION athar_refuse_ready_release_file_change();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS athar_evidencespan_matches_text ON coding_evidencespan;
DROP FUNCTION IF EXISTS athar_check_evidence_span();
DROP TRIGGER IF EXISTS athar_gold_event_insert ON coding_codedevent;
DROP TRIGGER IF EXISTS athar_gold_event_update ON coding_codedevent;
DROP TRIGGER IF EXISTS athar_gold_event_delete ON coding_codedevent;
DROP FUNCTION IF EXISTS athar_refuse_validated_gold_event_change();
DROP TRIGGER IF EXISTS athar_adjudication_validated_frozen ON coding_adjudication;
DROP FUNCTION IF EXISTS athar_refuse_validated_adjudication_change();
DROP TRIGGER IF EXISTS athar_release_ready_immutable ON coding_datasetrelease;
DROP FUNCTION IF EXISTS athar_refuse_ready_release_change();
DROP TRIGGER IF EXISTS athar_releasefile_ready_immutable ON coding_releasefile;
DROP FUNCTION IF EXISTS athar_refuse_ready_release_file_change();
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
    dependencies = [("coding", "0009_auth_revoke_tokens")]
    operations = [migrations.RunPython(forward, backward)]
