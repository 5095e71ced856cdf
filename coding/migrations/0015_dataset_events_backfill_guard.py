"""Dataset events for the gold that is already validated, and the database's guard on reports.

Every validated gold event becomes a dataset event of its own, with the gold event's id (so
exports keep their ids) and `changed_at` = its article's validation time (so an incremental
sync sees nothing new).

On PostgreSQL a trigger refuses, against every writer (Django admin and raw SQL included), a
report that is not a gold event of a validated adjudication, whose article is not the gold
event's, or whose dataset event belongs to another project.
"""

from django.db import migrations

CHUNK = 5000

FORWARD = r"""
CREATE OR REPLACE FUNCTION athar_check_dataset_report() RETURNS trigger AS $$
DECLARE
  event_layer text;
  event_article bigint;
  gold_status text;
  gold_project bigint;
  dataset_project bigint;
BEGIN
  SELECT e.layer, e.article_id, adj.status, adj.project_id
    INTO event_layer, event_article, gold_status, gold_project
    FROM coding_codedevent e LEFT JOIN coding_adjudication adj ON adj.id = e.adjudication_id
    WHERE e.id = NEW.gold_event_id;
  IF event_layer IS DISTINCT FROM 'gold' OR gold_status IS DISTINCT FROM 'validated' THEN
    RAISE EXCEPTION 'event % is not a validated gold event; only those report dataset events',
      NEW.gold_event_id USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.article_id IS DISTINCT FROM event_article THEN
    RAISE EXCEPTION 'report of event % names article %, the event is in article %',
      NEW.gold_event_id, NEW.article_id, event_article USING ERRCODE = 'check_violation';
  END IF;
  SELECT project_id INTO dataset_project FROM coding_datasetevent WHERE id = NEW.dataset_event_id;
  IF dataset_project IS DISTINCT FROM gold_project THEN
    RAISE EXCEPTION 'event % (project %) cannot report dataset event % of project %',
      NEW.gold_event_id, gold_project, NEW.dataset_event_id, dataset_project
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER athar_dataset_report_is_validated_gold BEFORE INSERT OR UPDATE
  ON coding_dataseteventreport FOR EACH ROW EXECUTE FUNCTION athar_check_dataset_report();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS athar_dataset_report_is_validated_gold ON coding_dataseteventreport;
DROP FUNCTION IF EXISTS athar_check_dataset_report();
"""


def _backfill(apps, schema_editor):  # type: ignore[no-untyped-def]
    CodedEvent = apps.get_model("coding", "CodedEvent")
    DatasetEvent = apps.get_model("coding", "DatasetEvent")
    DatasetEventReport = apps.get_model("coding", "DatasetEventReport")
    gold = (
        CodedEvent.objects.filter(layer="gold", adjudication__status="validated")
        .order_by("id")
        .values_list("id", "article_id", "adjudication__project_id", "adjudication__validated_at")
    )
    batch: list[tuple[int, int, int, object]] = []

    def flush() -> None:
        DatasetEvent.objects.bulk_create(
            DatasetEvent(id=event_id, project_id=project_id, changed_at=validated_at)
            for event_id, _, project_id, validated_at in batch
        )
        DatasetEventReport.objects.bulk_create(
            DatasetEventReport(
                dataset_event_id=event_id, gold_event_id=event_id, article_id=article
            )
            for event_id, article, _, _ in batch
        )
        batch.clear()

    for row in gold.iterator(chunk_size=CHUNK):
        batch.append(row)
        if len(batch) >= CHUNK:
            flush()
    if batch:
        flush()


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    _backfill(apps, schema_editor)
    if schema_editor.connection.vendor == "postgresql":
        # A plain cursor: the SQL has RAISE '%' placeholders that must not be parsed as params.
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(FORWARD)


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(BACKWARD)
    apps.get_model("coding", "DatasetEventReport").objects.all().delete()
    apps.get_model("coding", "DatasetEvent").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("coding", "0014_dataset_events")]
    operations = [migrations.RunPython(forward, backward)]
