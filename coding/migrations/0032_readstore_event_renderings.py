"""Stored renderings of coder events (issue #19, item 3): the assignment read serves each
event's JSON text from `coding_eventrendering` while its stamp equals the event's
`render_stamp`, and renders (and stores) the others.

On PostgreSQL the stamp is kept by triggers, so every writer (services, Django admin, raw SQL)
moves it, in the transaction that makes the change:

- any UPDATE of a coder event row advances its stamp (BEFORE UPDATE, row level: the new row
  carries `OLD.render_stamp + 1`, whatever the statement set);
- any INSERT, UPDATE or DELETE of evidence spans advances the stamps of their coder events
  (statement level, transition tables: one UPDATE per statement, by index);
- a change of an event type's code advances the stamps of the coder events of that type or
  sub-type (the rendering shows codes);
- deleting events deletes their renderings (there is no database foreign key: a read storing
  renderings never makes an event delete wait or fail).

The article text, the other input of a rendering (UTF-16 offsets), never changes (0002).
A stamp only grows, so a rendering stored from an older snapshot can never match again.
SQLite (the demo) has neither triggers nor stored renderings: its read renders every time.
"""

import django.db.models.deletion
from django.db import migrations, models

FORWARD = r"""
CREATE OR REPLACE FUNCTION athar_event_render_stamp() RETURNS trigger AS $$
BEGIN
  NEW.render_stamp := OLD.render_stamp + 1;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER athar_event_render_stamp BEFORE UPDATE ON coding_codedevent
  FOR EACH ROW WHEN (OLD.assignment_id IS NOT NULL OR NEW.assignment_id IS NOT NULL)
  EXECUTE FUNCTION athar_event_render_stamp();

CREATE OR REPLACE FUNCTION athar_span_insert_render_stamp() RETURNS trigger AS $$
BEGIN
  UPDATE coding_codedevent SET render_stamp = render_stamp + 1
    WHERE id = ANY (ARRAY(SELECT DISTINCT event_id FROM athar_new_spans))
      AND assignment_id IS NOT NULL;
  RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER athar_span_insert_render_stamp AFTER INSERT ON coding_evidencespan
  REFERENCING NEW TABLE AS athar_new_spans
  FOR EACH STATEMENT EXECUTE FUNCTION athar_span_insert_render_stamp();

CREATE OR REPLACE FUNCTION athar_span_delete_render_stamp() RETURNS trigger AS $$
BEGIN
  UPDATE coding_codedevent SET render_stamp = render_stamp + 1
    WHERE id = ANY (ARRAY(SELECT DISTINCT event_id FROM athar_old_spans))
      AND assignment_id IS NOT NULL;
  RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER athar_span_delete_render_stamp AFTER DELETE ON coding_evidencespan
  REFERENCING OLD TABLE AS athar_old_spans
  FOR EACH STATEMENT EXECUTE FUNCTION athar_span_delete_render_stamp();

CREATE OR REPLACE FUNCTION athar_span_update_render_stamp() RETURNS trigger AS $$
BEGIN
  UPDATE coding_codedevent SET render_stamp = render_stamp + 1
    WHERE id = ANY (ARRAY(SELECT event_id FROM athar_old_spans
                          UNION SELECT event_id FROM athar_new_spans))
      AND assignment_id IS NOT NULL;
  RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER athar_span_update_render_stamp AFTER UPDATE ON coding_evidencespan
  REFERENCING OLD TABLE AS athar_old_spans NEW TABLE AS athar_new_spans
  FOR EACH STATEMENT EXECUTE FUNCTION athar_span_update_render_stamp();

CREATE OR REPLACE FUNCTION athar_eventtype_render_stamp() RETURNS trigger AS $$
DECLARE
  changed bigint[];
BEGIN
  changed := ARRAY(SELECT n.id FROM athar_new_types n JOIN athar_old_types o ON o.id = n.id
                   WHERE n.code IS DISTINCT FROM o.code);
  IF cardinality(changed) > 0 THEN
    UPDATE coding_codedevent SET render_stamp = render_stamp + 1
      WHERE (event_type_id = ANY (changed) OR event_subtype_id = ANY (changed))
        AND assignment_id IS NOT NULL;
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER athar_eventtype_render_stamp AFTER UPDATE ON coding_eventtype
  REFERENCING OLD TABLE AS athar_old_types NEW TABLE AS athar_new_types
  FOR EACH STATEMENT EXECUTE FUNCTION athar_eventtype_render_stamp();

CREATE OR REPLACE FUNCTION athar_event_renderings_delete() RETURNS trigger AS $$
BEGIN
  DELETE FROM coding_eventrendering
    WHERE event_id = ANY (ARRAY(SELECT id FROM athar_old_events));
  RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER athar_event_renderings_delete AFTER DELETE ON coding_codedevent
  REFERENCING OLD TABLE AS athar_old_events
  FOR EACH STATEMENT EXECUTE FUNCTION athar_event_renderings_delete();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS athar_event_render_stamp ON coding_codedevent;
DROP FUNCTION IF EXISTS athar_event_render_stamp();
DROP TRIGGER IF EXISTS athar_span_insert_render_stamp ON coding_evidencespan;
DROP FUNCTION IF EXISTS athar_span_insert_render_stamp();
DROP TRIGGER IF EXISTS athar_span_delete_render_stamp ON coding_evidencespan;
DROP FUNCTION IF EXISTS athar_span_delete_render_stamp();
DROP TRIGGER IF EXISTS athar_span_update_render_stamp ON coding_evidencespan;
DROP FUNCTION IF EXISTS athar_span_update_render_stamp();
DROP TRIGGER IF EXISTS athar_eventtype_render_stamp ON coding_eventtype;
DROP FUNCTION IF EXISTS athar_eventtype_render_stamp();
DROP TRIGGER IF EXISTS athar_event_renderings_delete ON coding_codedevent;
DROP FUNCTION IF EXISTS athar_event_renderings_delete();
"""


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(FORWARD)


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(BACKWARD)


class Migration(migrations.Migration):
    dependencies = [
        ("coding", "0031_teamdash_throughput_facts"),
    ]

    operations = [
        migrations.AddField(
            model_name="codedevent",
            name="render_stamp",
            field=models.BigIntegerField(
                db_default=0,
                default=0,
                editable=False,
                help_text="Changes with the event or its spans (PostgreSQL triggers); "
                "not a version.",
            ),
        ),
        migrations.CreateModel(
            name="EventRendering",
            fields=[
                (
                    "event",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="coding.codedevent",
                    ),
                ),
                ("stamp", models.BigIntegerField()),
                ("body", models.TextField()),
            ],
        ),
        migrations.RunPython(forward, backward),
    ]
