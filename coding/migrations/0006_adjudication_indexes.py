"""Indexes for the adjudication queue (coding.adjudication_selectors.adjudication_queue).

- coding_agreementrun (project_id, scope, status, article_id, id): the latest done run of
  each article ("no newer run", a hash anti-join) is read from the index alone.
- coding_disagreement (run_id, severity): a run's most severe disagreement is its last index
  entry, and its number of disagreements an index-only count.
- coding_codedevent (event_type_id, layer, article_id): the queue's event-type filter reads
  the articles with a coder event of that type from the index (not every coder event).

10,000 articles, COUNT + first page of the queue, CPU ms (Django + PostgreSQL) without -> with
these indexes: no filter 71 -> 53, min_severity 73 -> 35, event_type 120 -> 66, coder 85 -> 64
(bench/bench_adjudication.py; the selector rewrite had taken them from 107, 108, 173, 136).

Plain SQL that PostgreSQL and SQLite both accept. The models do not declare these indexes,
so the model state is unchanged (as for 0003's search indexes); on SQLite a later migration
that rebuilds one of these tables would drop its index here (only slower, never wrong).
"""

from django.db import migrations

INDEXES = {
    "coding_agreementrun_latest_idx": (
        "coding_agreementrun (project_id, scope, status, article_id, id)"
    ),
    "coding_disagreement_run_sev_idx": "coding_disagreement (run_id, severity)",
    "coding_codedevent_type_article_idx": "coding_codedevent (event_type_id, layer, article_id)",
}


class Migration(migrations.Migration):
    # After the gold-retraction migration written at the same time (one leaf node).
    dependencies = [("coding", "0006_gold_retraction")]
    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {name} ON {target}",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, target in INDEXES.items()
    ]
