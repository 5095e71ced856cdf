"""The throughput facts' triggers, cheaper on the paths that write many rows or write often
(0031 measured: an import of 1,000 articles spent 2.9 s of PostgreSQL CPU in them, against
0.25 s for the import itself; every event write re-appended its assignment's share counts):

- inserted articles, assignments and facts are handled once per statement (transition
  tables), so an import's batches refresh their facts and append their counts in a few
  statements instead of several per row, and fold each coder's counts once per statement;
- a fact update that changes neither its coder, project nor dates (an event count or the
  active seconds: every event write) appends no counts and folds nothing.

The facts and counts are the same as before (tests/time_on_task/test_throughput_facts.py);
the rebuild disables every trigger of the two fact tables while it refills them.
"""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION athar_tp_on_fact_counts() RETURNS trigger AS $$
DECLARE
  p bigint;
  u bigint;
  k text[];
  w date[];
BEGIN
  -- n_events and seconds change on every event write; the counts depend on neither.
  IF TG_OP = 'UPDATE' AND (OLD.project_id, OLD.coder_id, OLD.created_at, OLD.submitted_at,
                           OLD.validated_at)
      IS NOT DISTINCT FROM (NEW.project_id, NEW.coder_id, NEW.created_at, NEW.submitted_at,
                            NEW.validated_at) THEN
    RETURN NULL;
  END IF;
  IF TG_OP <> 'INSERT' THEN
    INSERT INTO coding_throughputcount (project_id, user_id, week, kind, amount)
    SELECT OLD.project_id, OLD.coder_id, s.week, s.kind, -1 FROM athar_tp_share_keys(OLD) s;
    SELECT array_agg(s.kind), array_agg(s.week) INTO k, w FROM athar_tp_share_keys(OLD) s;
    PERFORM athar_tp_fold_counts(OLD.project_id, OLD.coder_id, k, w);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO coding_throughputcount (project_id, user_id, week, kind, amount)
    SELECT NEW.project_id, NEW.coder_id, s.week, s.kind, 1 FROM athar_tp_share_keys(NEW) s;
    SELECT array_agg(s.kind), array_agg(s.week) INTO k, w FROM athar_tp_share_keys(NEW) s;
    PERFORM athar_tp_fold_counts(NEW.project_id, NEW.coder_id, k, w);
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS athar_tp_fact_counts ON coding_assignmentfact;
CREATE TRIGGER athar_tp_fact_counts AFTER UPDATE OR DELETE ON coding_assignmentfact
  FOR EACH ROW EXECUTE FUNCTION athar_tp_on_fact_counts();

CREATE OR REPLACE FUNCTION athar_tp_on_facts_inserted() RETURNS trigger AS $$
DECLARE
  r record;
BEGIN
  INSERT INTO coding_throughputcount (project_id, user_id, week, kind, amount)
  SELECT n.project_id, n.coder_id, s.week, s.kind, count(*)
    FROM athar_new_facts n CROSS JOIN LATERAL athar_tp_share_keys(n) s
   GROUP BY n.project_id, n.coder_id, s.week, s.kind;
  FOR r IN
    SELECT n.project_id, n.coder_id, array_agg(s.kind) AS kinds, array_agg(s.week) AS weeks
      FROM athar_new_facts n CROSS JOIN LATERAL athar_tp_share_keys(n) s
     GROUP BY n.project_id, n.coder_id ORDER BY n.project_id, n.coder_id
  LOOP
    PERFORM athar_tp_fold_counts(r.project_id, r.coder_id, r.kinds, r.weeks);
  END LOOP;
  RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER athar_tp_facts_inserted AFTER INSERT ON coding_assignmentfact
  REFERENCING NEW TABLE AS athar_new_facts
  FOR EACH STATEMENT EXECUTE FUNCTION athar_tp_on_facts_inserted();

DROP TRIGGER IF EXISTS athar_tp_article_fact_counts ON coding_articlefact;
CREATE TRIGGER athar_tp_article_fact_counts AFTER UPDATE OR DELETE ON coding_articlefact
  FOR EACH ROW EXECUTE FUNCTION athar_tp_on_article_fact_counts();

CREATE OR REPLACE FUNCTION athar_tp_on_article_facts_inserted() RETURNS trigger AS $$
DECLARE
  r record;
BEGIN
  INSERT INTO coding_progresscount
    (project_id, imported_week, complete_week, opened_week, validated_week, n)
  SELECT n.project_id, athar_tp_week(n.imported_at), athar_tp_week(n.complete_at),
         athar_tp_week(n.opened_at), athar_tp_week(n.validated_at), count(*)
    FROM athar_new_article_facts n
   GROUP BY 1, 2, 3, 4, 5;
  FOR r IN
    SELECT g.project_id, array_agg(k.v ORDER BY g.ord, k.i) AS keys
      FROM (SELECT d.project_id, row_number() OVER () AS ord,
                   ARRAY[d.iw, d.cw, d.ow, d.vw] AS four
              FROM (SELECT DISTINCT n.project_id, athar_tp_week(n.imported_at) AS iw,
                           athar_tp_week(n.complete_at) AS cw, athar_tp_week(n.opened_at) AS ow,
                           athar_tp_week(n.validated_at) AS vw
                      FROM athar_new_article_facts n) d) g
      CROSS JOIN LATERAL unnest(g.four) WITH ORDINALITY AS k(v, i)
     GROUP BY g.project_id ORDER BY g.project_id
  LOOP
    PERFORM athar_tp_fold_progress(r.project_id, r.keys);
  END LOOP;
  RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER athar_tp_article_facts_inserted AFTER INSERT ON coding_articlefact
  REFERENCING NEW TABLE AS athar_new_article_facts
  FOR EACH STATEMENT EXECUTE FUNCTION athar_tp_on_article_facts_inserted();

CREATE OR REPLACE FUNCTION athar_tp_on_assignments_inserted() RETURNS trigger AS $$
BEGIN
  PERFORM athar_tp_refresh_assignments(
    ARRAY(SELECT id FROM athar_new_assignments ORDER BY id));
  PERFORM athar_tp_refresh_articles(
    ARRAY(SELECT DISTINCT article_id FROM athar_new_assignments ORDER BY article_id));
  RETURN NULL;
END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS athar_tp_assignment_insert ON coding_assignment;
CREATE TRIGGER athar_tp_assignment_insert AFTER INSERT ON coding_assignment
  REFERENCING NEW TABLE AS athar_new_assignments
  FOR EACH STATEMENT EXECUTE FUNCTION athar_tp_on_assignments_inserted();

CREATE OR REPLACE FUNCTION athar_tp_on_articles_inserted() RETURNS trigger AS $$
BEGIN
  PERFORM athar_tp_refresh_articles(ARRAY(SELECT id FROM athar_new_articles ORDER BY id));
  RETURN NULL;
END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS athar_tp_article_insert ON coding_article;
CREATE TRIGGER athar_tp_article_insert AFTER INSERT ON coding_article
  REFERENCING NEW TABLE AS athar_new_articles
  FOR EACH STATEMENT EXECUTE FUNCTION athar_tp_on_articles_inserted();

CREATE OR REPLACE FUNCTION athar_tp_rebuild(p bigint) RETURNS void AS $$
BEGIN
  LOCK TABLE coding_assignmentfact, coding_articlefact, coding_throughputcount,
    coding_progresscount IN SHARE ROW EXCLUSIVE MODE;
  ALTER TABLE coding_assignmentfact DISABLE TRIGGER USER;
  ALTER TABLE coding_articlefact DISABLE TRIGGER USER;
  DELETE FROM coding_assignmentfact WHERE project_id = p;
  DELETE FROM coding_articlefact WHERE project_id = p;
  DELETE FROM coding_throughputcount WHERE project_id = p;
  DELETE FROM coding_progresscount WHERE project_id = p;
  PERFORM athar_tp_refresh_assignments(
    ARRAY(SELECT id FROM coding_assignment WHERE project_id = p));
  PERFORM athar_tp_refresh_articles(ARRAY(SELECT id FROM coding_article WHERE project_id = p));
  ALTER TABLE coding_assignmentfact ENABLE TRIGGER USER;
  ALTER TABLE coding_articlefact ENABLE TRIGGER USER;
  INSERT INTO coding_throughputcount (project_id, user_id, week, kind, amount)
  SELECT p, k.coder_id, k.week, k.kind, count(*)
    FROM (
      SELECT f.coder_id, athar_tp_week(f.created_at) AS week, 'created' AS kind
        FROM coding_assignmentfact f WHERE f.project_id = p
      UNION ALL
      SELECT f.coder_id, athar_tp_week(greatest(f.submitted_at, f.created_at)), 'submitted'
        FROM coding_assignmentfact f WHERE f.project_id = p AND f.submitted_at IS NOT NULL
      UNION ALL
      SELECT f.coder_id, athar_tp_week(greatest(f.submitted_at, f.created_at, f.validated_at)),
             'validated'
        FROM coding_assignmentfact f
       WHERE f.project_id = p AND f.submitted_at IS NOT NULL AND f.validated_at IS NOT NULL
    ) k
   GROUP BY k.coder_id, k.week, k.kind;
  INSERT INTO coding_throughputcount (project_id, user_id, week, kind, amount)
  SELECT p, d.user_id, date_trunc('week', d.day)::date, d.activity, sum(d.seconds)
    FROM coding_timeday d
   WHERE d.project_id = p
   GROUP BY d.user_id, date_trunc('week', d.day)::date, d.activity
  HAVING sum(d.seconds) <> 0;
  INSERT INTO coding_progresscount
    (project_id, imported_week, complete_week, opened_week, validated_week, n)
  SELECT p, athar_tp_week(imported_at), athar_tp_week(complete_at), athar_tp_week(opened_at),
         athar_tp_week(validated_at), count(*)
    FROM coding_articlefact WHERE project_id = p
   GROUP BY 2, 3, 4, 5;
END $$ LANGUAGE plpgsql;
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS athar_tp_article_insert ON coding_article;
CREATE TRIGGER athar_tp_article_insert AFTER INSERT ON coding_article
  FOR EACH ROW EXECUTE FUNCTION athar_tp_on_article();
DROP FUNCTION IF EXISTS athar_tp_on_articles_inserted();
DROP TRIGGER IF EXISTS athar_tp_assignment_insert ON coding_assignment;
CREATE TRIGGER athar_tp_assignment_insert AFTER INSERT ON coding_assignment
  FOR EACH ROW EXECUTE FUNCTION athar_tp_on_assignment();
DROP FUNCTION IF EXISTS athar_tp_on_assignments_inserted();
DROP TRIGGER IF EXISTS athar_tp_article_facts_inserted ON coding_articlefact;
DROP FUNCTION IF EXISTS athar_tp_on_article_facts_inserted();
DROP TRIGGER IF EXISTS athar_tp_article_fact_counts ON coding_articlefact;
CREATE TRIGGER athar_tp_article_fact_counts AFTER INSERT OR UPDATE OR DELETE ON coding_articlefact
  FOR EACH ROW EXECUTE FUNCTION athar_tp_on_article_fact_counts();
DROP TRIGGER IF EXISTS athar_tp_facts_inserted ON coding_assignmentfact;
DROP FUNCTION IF EXISTS athar_tp_on_facts_inserted();
DROP TRIGGER IF EXISTS athar_tp_fact_counts ON coding_assignmentfact;
CREATE OR REPLACE FUNCTION athar_tp_on_fact_counts() RETURNS trigger AS $$
DECLARE
  p bigint;
  u bigint;
  k text[];
  w date[];
BEGIN
  IF TG_OP <> 'INSERT' THEN
    INSERT INTO coding_throughputcount (project_id, user_id, week, kind, amount)
    SELECT OLD.project_id, OLD.coder_id, s.week, s.kind, -1 FROM athar_tp_share_keys(OLD) s;
    SELECT array_agg(s.kind), array_agg(s.week) INTO k, w FROM athar_tp_share_keys(OLD) s;
    PERFORM athar_tp_fold_counts(OLD.project_id, OLD.coder_id, k, w);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO coding_throughputcount (project_id, user_id, week, kind, amount)
    SELECT NEW.project_id, NEW.coder_id, s.week, s.kind, 1 FROM athar_tp_share_keys(NEW) s;
    SELECT array_agg(s.kind), array_agg(s.week) INTO k, w FROM athar_tp_share_keys(NEW) s;
    PERFORM athar_tp_fold_counts(NEW.project_id, NEW.coder_id, k, w);
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER athar_tp_fact_counts AFTER INSERT OR UPDATE OR DELETE ON coding_assignmentfact
  FOR EACH ROW EXECUTE FUNCTION athar_tp_on_fact_counts();
CREATE OR REPLACE FUNCTION athar_tp_rebuild(p bigint) RETURNS void AS $$
BEGIN
  LOCK TABLE coding_assignmentfact, coding_articlefact, coding_throughputcount,
    coding_progresscount IN SHARE ROW EXCLUSIVE MODE;
  ALTER TABLE coding_assignmentfact DISABLE TRIGGER athar_tp_fact_counts;
  ALTER TABLE coding_articlefact DISABLE TRIGGER athar_tp_article_fact_counts;
  DELETE FROM coding_assignmentfact WHERE project_id = p;
  DELETE FROM coding_articlefact WHERE project_id = p;
  DELETE FROM coding_throughputcount WHERE project_id = p;
  DELETE FROM coding_progresscount WHERE project_id = p;
  PERFORM athar_tp_refresh_assignments(
    ARRAY(SELECT id FROM coding_assignment WHERE project_id = p));
  PERFORM athar_tp_refresh_articles(ARRAY(SELECT id FROM coding_article WHERE project_id = p));
  ALTER TABLE coding_assignmentfact ENABLE TRIGGER athar_tp_fact_counts;
  ALTER TABLE coding_articlefact ENABLE TRIGGER athar_tp_article_fact_counts;
  INSERT INTO coding_throughputcount (project_id, user_id, week, kind, amount)
  SELECT p, k.coder_id, k.week, k.kind, count(*)
    FROM (
      SELECT f.coder_id, athar_tp_week(f.created_at) AS week, 'created' AS kind
        FROM coding_assignmentfact f WHERE f.project_id = p
      UNION ALL
      SELECT f.coder_id, athar_tp_week(greatest(f.submitted_at, f.created_at)), 'submitted'
        FROM coding_assignmentfact f WHERE f.project_id = p AND f.submitted_at IS NOT NULL
      UNION ALL
      SELECT f.coder_id, athar_tp_week(greatest(f.submitted_at, f.created_at, f.validated_at)),
             'validated'
        FROM coding_assignmentfact f
       WHERE f.project_id = p AND f.submitted_at IS NOT NULL AND f.validated_at IS NOT NULL
    ) k
   GROUP BY k.coder_id, k.week, k.kind;
  INSERT INTO coding_throughputcount (project_id, user_id, week, kind, amount)
  SELECT p, d.user_id, date_trunc('week', d.day)::date, d.activity, sum(d.seconds)
    FROM coding_timeday d
   WHERE d.project_id = p
   GROUP BY d.user_id, date_trunc('week', d.day)::date, d.activity
  HAVING sum(d.seconds) <> 0;
  INSERT INTO coding_progresscount
    (project_id, imported_week, complete_week, opened_week, validated_week, n)
  SELECT p, athar_tp_week(imported_at), athar_tp_week(complete_at), athar_tp_week(opened_at),
         athar_tp_week(validated_at), count(*)
    FROM coding_articlefact WHERE project_id = p
   GROUP BY 2, 3, 4, 5;
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
        ("coding", "0033_queuescale_pair_keys"),
    ]

    operations = [migrations.RunPython(forward, backward)]
