"""The machine coder: training on 10,000 validated articles, suggestions for a 20,000-character
article, and held-out precision/recall on a synthetic corpus the benchmark builds.

usage: .venv/bin/python bench/bench_recommender.py [--articles 10000] [--repeat 20] [--keep]

Builds its own database (``ATHAR_BENCH_DB``, default athar_bench_recommender): a codebook with
the synthetic corpus's types (coding.recommender.synthetic: ATTACK, PROTEST, ARREST and five
sub-types), a dictionary with its actors and places, and ``--articles`` articles of about
1,200 characters whose gold events are inserted with the ORM (open adjudications, then
validated: a benchmark build, not a client). Then:

1. training, in a fresh subprocess as a worker runs it (``recommender_train``: reads the
   gold in chunks, trains, stores): wall time, CPU time and peak RSS of that process;
2. the held-out precision and recall the training reports (10 % of the articles, never
   trained on), per label and overall, at the model's threshold (0.5);
3. suggestions for one 20,000-character article: ``machine_events`` (prediction, trigger,
   dictionary and date pre-fill), the median and p90 of ``--repeat`` calls after one warm-up.

Every figure is printed with the load average and this process's CPU time: the machine is
shared, so wall times measured next to other work are noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _common import (  # noqa: E402
    database_url,
    drop_database,
    print_summary,
    recreate_database,
    setup_django,
)

DB = os.environ.get("ATHAR_BENCH_DB", "athar_bench_recommender")

FIELDS = """
fields:
  - {key: actor1, kind: actor, labels: {en: Actor 1}, definition: {en: Who.}, required: false,
     applies_to: [], choices: [], level: nominal, evidence_role: actor1, export_column: actor1,
     typed_column: null, multiple: false, min: null, max: null, max_length: null}
  - {key: location, kind: location, labels: {en: Location}, definition: {en: Where.},
     required: false, applies_to: [], choices: [], level: nominal, evidence_role: location,
     export_column: location, typed_column: location, multiple: false, min: null, max: null,
     max_length: null}
  - {key: event_date, kind: date, labels: {en: Date}, definition: {en: When.}, required: false,
     applies_to: [], choices: [], level: interval, evidence_role: date,
     export_column: event_date, typed_column: date, multiple: false, min: null, max: null,
     max_length: null}
rules: []
subtype_required: false
"""


def codebook_yaml() -> str:
    from coding.recommender.synthetic import SUBTYPES

    lines = [
        "format: athar-codebook/1",
        "slug: synthetic",
        "name: Synthetic benchmark codebook",
        "version: null",
        "preset: null",
        "description: {en: The synthetic corpus's types.}",
        "languages: [en]",
        "evidence_roles:",
        "  - {key: trigger, labels: {en: Trigger}, definition: {en: The act.}}",
        "  - {key: actor1, labels: {en: Actor}, definition: {en: Who.}}",
        "  - {key: location, labels: {en: Location}, definition: {en: Where.}}",
        "  - {key: date, labels: {en: Date}, definition: {en: When.}}",
        "event_types:",
    ]
    for code, subtypes in SUBTYPES.items():
        lines += [
            f"  - code: {code}",
            f"    labels: {{en: {code.title()}}}",
            f"    definition: {{en: {code.title()}.}}",
            "    attributes: {}",
            "    children:",
        ]
        for sub in subtypes:
            lines.append(
                f"      - {{code: {sub}, labels: {{en: {sub.title()}}}, definition: "
                f"{{en: {sub.title()}.}}, attributes: {{}}, children: []}}"
            )
    return "\n".join(lines) + FIELDS


def build(n_articles: int) -> int:
    """The project, its dictionary and ``n_articles`` validated articles; its id."""
    import hashlib

    from django.db import transaction
    from django.utils import timezone

    from coding.codebook_runtime import event_type_ids
    from coding.codebook_spec import load_codebook_text
    from coding.models import (
        Actor,
        ActorAlias,
        Adjudication,
        Article,
        CodedEvent,
        EvidenceSpan,
        Location,
        LocationAlias,
        User,
    )
    from coding.recommender.synthetic import ACTORS, PLACES, synthetic_corpus
    from coding.services.codebooks import codebook_version_create
    from coding.services.projects import project_create
    from coding.text.matching import normalize_for_search

    version = codebook_version_create(spec=load_codebook_text(codebook_yaml()), publish=True)
    project = project_create(slug="bench", name="Bench", codebook_version=version, overlap=1)
    user = User.objects.create_user(username="bench-supervisor", password=None)
    for k, name in enumerate(ACTORS):
        actor = Actor.objects.create(key=f"actor-{k}", name=name)
        ActorAlias.objects.create(actor=actor, text=name, normalized=normalize_for_search(name))
    for k, name in enumerate(PLACES):
        place = Location.objects.create(key=f"place-{k}", name=name, country="ML")
        LocationAlias.objects.create(
            location=place, text=name, normalized=normalize_for_search(name)
        )
    types = event_type_ids(version)
    corpus = synthetic_corpus(n_articles, seed=42)
    now = timezone.now()
    for start in range(0, n_articles, 1000):
        part = corpus[start : start + 1000]
        with transaction.atomic():
            articles = Article.objects.bulk_create(
                Article(
                    project=project,
                    title=f"Synthetic {start + k}",
                    text=a.text,
                    text_sha256=hashlib.sha256(a.text.encode()).hexdigest(),
                    len_cp=len(a.text),
                    len_u16=len(a.text.encode("utf-16-le")) // 2,
                    language="ar",
                    direction="rtl",
                    paragraphs=[[0, len(a.text), "rtl"]],
                )
                for k, a in enumerate(part)
            )
            adjudications = Adjudication.objects.bulk_create(
                Adjudication(project=project, article=article) for article in articles
            )
            events, spans = [], []
            for article, adjudication, generated in zip(articles, adjudications, part, strict=True):
                for e in generated.events:
                    event = CodedEvent(
                        article=article,
                        codebook_version=version,
                        layer="gold",
                        adjudication=adjudication,
                        event_type_id=types[e.event_type],
                        event_subtype_id=types[e.event_subtype],
                        created_by=user,
                    )
                    events.append(event)
                    s, t = e.trigger
                    spans.append((event, s, t, article.text[s:t]))
            CodedEvent.objects.bulk_create(events, batch_size=2000)
            EvidenceSpan.objects.bulk_create(
                (
                    EvidenceSpan(event=ev, role="trigger", start=s, end=t, quote=q)
                    for ev, s, t, q in spans
                ),
                batch_size=2000,
            )
            Adjudication.objects.filter(pk__in=[a.pk for a in adjudications]).update(
                status="validated", validated_at=now, validated_by=user
            )
    return project.pk


def train_in_subprocess(url: str, model_id: int) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--train-model", str(model_id), "--url", url],
        check=False,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if out.returncode:
        raise SystemExit(f"training failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def train_model(url: str, model_id: int) -> None:
    setup_django(url)
    from coding.services.recommender import recommender_train

    wall, cpu = time.perf_counter(), time.process_time()
    model = recommender_train(model_id=model_id)
    assert model is not None
    assert model.status == "ready"
    print(
        json.dumps(
            {
                "wall_s": time.perf_counter() - wall,
                "cpu_s": time.process_time() - cpu,
                "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "load": os.getloadavg()[0],
            }
        )
    )


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} / {five:.2f} / {fifteen:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--reuse", action="store_true", help="use the database a --keep run left (no build)"
    )
    parser.add_argument("--train-model", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.train_model:
        train_model(args.url, args.train_model)
        return
    url = database_url(DB) if args.reuse else recreate_database(DB)
    setup_django(url)
    from django.db import connection

    from coding.models import Article, Project, RecommenderModel
    from coding.recommender.artifact import ALGORITHM
    from coding.recommender.synthetic import synthetic_corpus
    from coding.recommender_suggestions import machine_events

    started = time.perf_counter()
    if args.reuse:
        project = Project.objects.get(slug="bench")
    else:
        project = Project.objects.get(pk=build(args.articles))
        print(
            f"built {args.articles} validated articles in "
            f"{time.perf_counter() - started:.1f} s ({load()})"
        )
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM coding_outboxitem")  # the build's after-commit work: not ours
    # Queued as the train action queues it, but without the outbox row: here (no broker, tasks
    # in-process) its drain would train it in this process; the worker's subprocess does.
    RecommenderModel.objects.filter(project=project).delete()
    model = RecommenderModel.objects.create(
        project=project,
        number=1,
        codebook_version_id=project.codebook_version_id,
        seed=1,
        algorithm=ALGORITHM,
    )
    connection.close()
    trained = train_in_subprocess(url, model.pk)
    model = RecommenderModel.objects.get(pk=model.pk)
    print(
        f"training: {trained['wall_s']:.1f} s wall, {trained['cpu_s']:.1f} s CPU, peak RSS "
        f"{trained['peak_rss_mib']:.0f} MiB (load average {trained['load']:.2f} at its end)"
    )
    report = model.report
    print(
        f"held-out: {report['heldout_articles']} articles, "
        f"precision {report['precision']:.3f}, recall {report['recall']:.3f}"
    )
    for row in report["labels"]:
        print(
            f"  {row['label']:<12} gold {row['gold_events']:>6}  "
            f"P {row['precision']:.3f}  R {row['recall']:.3f}"
        )

    long_text = synthetic_corpus(1, seed=7, target_chars=20_000)[0].text[:20_000]
    Article.objects.filter(project=project, title="Long").delete()  # a --reuse run's
    article = Article.objects.create(
        project=project,
        title="Long",
        text=long_text,
        text_sha256="0" * 64,
        len_cp=len(long_text),
        len_u16=len(long_text.encode("utf-16-le")) // 2,
        paragraphs=[[0, len(long_text), "rtl"]],
    )
    article.refresh_from_db()
    machine_events(model, article)  # warm-up: loads the artifact and the alias matcher
    times, cpu_before = [], time.process_time()
    for _ in range(args.repeat):
        t = time.perf_counter()
        found = machine_events(model, article)
        times.append((time.perf_counter() - t) * 1000)
    cpu_ms = (time.process_time() - cpu_before) * 1000 / args.repeat
    median, p90 = statistics.median(times), sorted(times)[int(0.9 * (len(times) - 1))]
    print(
        f"suggestions for a {len(long_text)}-character article: median {median:.1f} ms, "
        f"p90 {p90:.1f} ms, CPU {cpu_ms:.1f} ms a call, {len(found)} events ({load()})"
    )
    print_summary(
        "Machine coder (bench/bench_recommender.py)",
        f".venv/bin/python bench/bench_recommender.py --articles {args.articles}",
        [
            f"training on {args.articles} validated articles: {trained['wall_s']:.1f} s wall, "
            f"{trained['cpu_s']:.1f} s CPU, peak RSS {trained['peak_rss_mib']:.0f} MiB",
            f"held-out precision {report['precision']:.3f}, recall {report['recall']:.3f}",
            f"suggestions, 20,000 characters: median {median:.1f} ms (p90 {p90:.1f} ms)",
            load(),
        ],
    )
    connection.close()
    if not args.keep:
        drop_database(DB)


if __name__ == "__main__":
    main()
