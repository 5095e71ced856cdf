"""Cheaper triggers on the hottest write, creating a coder event with its spans (issue #19):

- **throughput facts on event insert**: the row trigger called
  `athar_tp_refresh_assignments`, a LANGUAGE sql function that PostgreSQL parses and plans
  anew on every call (its plans live for one call only): about 2 ms of a 3-ms INSERT. An
  inserted event changes only its assignment's `n_events` (the other columns come from the
  assignment, its adjudication and its time ledger, whose own triggers keep them), so one
  statement-level trigger now recounts `n_events` of the assignments in the statement (a
  PL/pgSQL statement, planned once per connection), and hands any assignment without a fact
  row (none outside a rebuild) to the full refresh as before. Deleting and moving events still
  call the full refresh.
- **render stamp on span insert**: an event inserted by this same transaction has not been
  seen by any other transaction, so no other read can have stored a rendering of it; its
  stamp is left alone unless this transaction itself stored one. Every other event's stamp
  moves as before. Rows written inside a savepoint carry the subtransaction's id and keep
  the old behaviour (the stamp moves): the skip only ever happens where it is safe.

The facts, counts and renderings are the same as before (tests/time_on_task/test_throughput_facts.py,
tests/api/test_event_renderings.py). Reversible: backward restores 0031's and 0032's versions.
"""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION athar_tp_on_events_inserted() RETURNS trigger AS $$
DECLARE
  ids bigint[];
BEGIN
  -- Only coder events are counted; an inserted coder event always changes its count.
  UPDATE coding_assignmentfact f
     SET n_events = (SELECT count(*) FROM coding_codedevent e
                      WHERE e.assignment_id = f.assignment_id AND e.layer = 'coder')
   WHERE f.assignment_id = ANY(ARRAY(
           SELECT DISTINCT assignment_id FROM athar_new_events
            WHERE assignment_id IS NOT NULL AND layer = 'coder' ORDER BY assignment_id));
  -- An assignment without a fact row (a rebuild refills them with triggers off): the full
  -- refresh inserts it, as the row trigger did for any event with an assignment.
  ids := ARRAY(SELECT DISTINCT n.assignment_id FROM athar_new_events n
                WHERE n.assignment_id IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM coding_assignmentfact f
                                   WHERE f.assignment_id = n.assignment_id)
                ORDER BY n.assignment_id);
  IF cardinality(ids) > 0 THEN
    PERFORM athar_tp_refresh_assignments(ids);
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS athar_tp_event_insert ON coding_codedevent;
CREATE TRIGGER athar_tp_event_insert AFTER INSERT ON coding_codedevent
  REFERENCING NEW TABLE AS athar_new_events
  FOR EACH STATEMENT EXECUTE FUNCTION athar_tp_on_events_inserted();

CREATE OR REPLACE FUNCTION athar_span_insert_render_stamp() RETURNS trigger AS $$
BEGIN
  -- xmin equal to this (top-level) transaction's id: the event was inserted by it and no
  -- other transaction has seen it. txid_current_if_assigned() is NULL before any write, and
  -- this runs after one, so it is set; % 2^32 turns the epoch-extended id into an xid.
  UPDATE coding_codedevent e SET render_stamp = render_stamp + 1
    WHERE e.id = ANY (ARRAY(SELECT DISTINCT event_id FROM athar_new_spans))
      AND e.assignment_id IS NOT NULL
      AND (e.xmin::text::bigint IS DISTINCT FROM txid_current_if_assigned() % 4294967296
           OR EXISTS (SELECT 1 FROM coding_eventrendering r WHERE r.event_id = e.id));
  RETURN NULL;
END $$ LANGUAGE plpgsql;

"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS athar_tp_event_insert ON coding_codedevent;
CREATE TRIGGER athar_tp_event_insert AFTER INSERT ON coding_codedevent
  FOR EACH ROW WHEN (NEW.assignment_id IS NOT NULL)
  EXECUTE FUNCTION athar_tp_on_assignment_child();
DROP FUNCTION IF EXISTS athar_tp_on_events_inserted();

CREATE OR REPLACE FUNCTION athar_span_insert_render_stamp() RETURNS trigger AS $$
BEGIN
  UPDATE coding_codedevent SET render_stamp = render_stamp + 1
    WHERE id = ANY (ARRAY(SELECT DISTINCT event_id FROM athar_new_spans))
      AND assignment_id IS NOT NULL;
  RETURN NULL;
END $$ LANGUAGE plpgsql;
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
        ("coding", "0035_imports_assignment_insert_facts"),
    ]

    operations = [migrations.RunPython(forward, backward)]
