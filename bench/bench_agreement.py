"""Agreement service against PostgreSQL: per-article runs and full project recomputes.

Targets (issue): (1) the agreement of one article after its last submission (3 coders × 5
events × 6 fields), DB reads + alignment + α + storing results and disagreements, ≤ 200 ms
median; (2) a full project recompute of 10,000 articles × 3 coders × ~4 events on one worker
≤ 60 s, streamed from the database with bounded memory, cold (no stored article runs) and
warm (article runs stored, inputs unchanged).

Uses its own database (athar_bench_agreement), dropped and created here and dropped at the
end (keep it with --keep-db). Data are generated with bulk_create: users, memberships,
articles with canonical text, submitted assignments, coder events whose values match the
codebook, evidence spans whose quote == text[start:end], with realistic disagreement
(missed and extra events, other sub-types, actors, places, dates, fatality counts, span
boundaries).

Seeding, the per-article timings and every project recompute run in fresh child
processes of a parent that never imports Django, so each recompute's peak RSS (getrusage
ru_maxrss) is its own. Memory is bounded when the growth over the worker's baseline is
about the same at 2,500 and at 10,000 articles (the peak once all articles have streamed
through is reported apart from the peak with the final bootstrap's temporaries).

    .venv/bin/python bench/bench_agreement.py                  # generated 6-field codebook
    .venv/bin/python bench/bench_agreement.py --codebook acled # the ACLED preset (14 fields)
    .venv/bin/python bench/bench_agreement.py --articles 2000 --small 500 --profile

This measures the recompute in one process (`project_agreement_compute`: the same chunks the
workers compute, one after the other). On real Celery workers, 1 vs 2 processes, at 1k / 10k /
100k articles: bench/bench_agreement_workers.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DB = os.environ.get("ATHAR_BENCH_DB", "athar_bench_agreement")  # one per engineer
SERVER = os.environ.get("ATHAR_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
os.environ.update(
    {
        "ATHAR_ENV": "test",
        "DEBUG": "false",  # no query log growing in memory
        "DATABASE_URL": f"{SERVER}/{DB}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "LOG_LEVEL": "WARNING",
    }
)
for _key in ("CELERY_BROKER_URL", "REDIS_URL"):  # Celery eager, local-memory cache
    os.environ.pop(_key, None)
sys.path.insert(0, str(ROOT))

CODERS_PER_PROJECT = 12
OVERLAP = 3
BATCH_ARTICLES = 500

# A generated codebook with 6 fields (one of each kind an event coder fills most).
EVENT_TYPES = {
    "BATTLES": ["ARMED_CLASH", "TERRITORY"],
    "REMOTE": ["AIR_STRIKE", "IED", "SHELLING"],
    "CIVILIANS": ["ATTACK", "ABDUCTION"],
    "STRATEGIC": ["AGREEMENT", "ARRESTS"],
}
GENERATED_CODEBOOK_TEMPLATE = """
format: athar-codebook/1
slug: bench-six
name: Bench codebook with six fields
version: null
preset: null
description: {en: Six fields for the agreement benchmark.}
languages: [en, ar, fr]
evidence_roles:
  - {key: trigger, labels: {en: Trigger}, definition: {en: The words of the act.}}
  - {key: actor1, labels: {en: Actor 1}, definition: {en: Who acted.}}
  - {key: assoc_actor_1, labels: {en: Associated actors}, definition: {en: With whom.}}
  - {key: location, labels: {en: Location}, definition: {en: Where.}}
  - {key: date, labels: {en: Date}, definition: {en: When.}}
  - {key: fatalities, labels: {en: Fatalities}, definition: {en: Deaths.}}
{event_types}
fields:
  - {key: actor1, kind: actor, labels: {en: Actor 1}, definition: {en: Who.}, required: true,
     applies_to: [], choices: [], level: nominal, evidence_role: actor1, export_column: actor1,
     typed_column: null, multiple: false, min: null, max: null, max_length: null}
  - {key: assoc_actor_1, kind: actor, labels: {en: Associated}, definition: {en: With.},
     required: false, applies_to: [], choices: [], level: nominal, evidence_role: assoc_actor_1,
     export_column: assoc_actor_1, typed_column: null, multiple: true, min: null, max: null,
     max_length: null}
  - {key: location, kind: location, labels: {en: Location}, definition: {en: Where.},
     required: true, applies_to: [], choices: [], level: nominal, evidence_role: location,
     export_column: location, typed_column: location, multiple: false, min: null, max: null,
     max_length: null}
  - {key: event_date, kind: date, labels: {en: Date}, definition: {en: When.}, required: true,
     applies_to: [], choices: [], level: interval, evidence_role: date, export_column: event_date,
     typed_column: date, multiple: false, min: null, max: null, max_length: null}
  - key: time_precision
    kind: choice
    labels: {en: Time precision}
    definition: {en: How exact the date is.}
    required: false
    applies_to: []
    choices:
      - {code: '1', labels: {en: Day}, definition: {en: Day.}, attributes: {}}
      - {code: '2', labels: {en: Week}, definition: {en: Week.}, attributes: {}}
      - {code: '3', labels: {en: Month}, definition: {en: Month.}, attributes: {}}
    level: ordinal
    evidence_role: null
    export_column: time_precision
    typed_column: date_precision
    multiple: false
    min: null
    max: null
    max_length: null
  - {key: fatalities, kind: integer, labels: {en: Fatalities}, definition: {en: Deaths.},
     required: false, applies_to: [], choices: [], level: ratio, evidence_role: fatalities,
     export_column: fatalities, typed_column: fatalities, multiple: false, min: 0, max: null,
     max_length: null}
rules: []
subtype_required: true
export: null
"""


def _node(code: str, indent: str, children: str) -> str:
    return (
        f"{indent}- {{code: {code}, labels: {{en: {code.title()}}}, definition: {{en: {code}}}, "
        f"attributes: {{}}, children: {children}}}\n"
    )


def generated_codebook() -> str:
    """The YAML of the generated codebook (its event-type tree from EVENT_TYPES)."""
    tree = "event_types:\n"
    for code, children in EVENT_TYPES.items():
        tree += f"  - code: {code}\n    labels: {{en: {code.title()}}}\n"
        tree += f"    definition: {{en: {code}}}\n    attributes: {{}}\n    children:\n"
        tree += "".join(_node(child, "      ", "[]") for child in children)
    return GENERATED_CODEBOOK_TEMPLATE.replace("{event_types}", tree)


# --- Article texts with the words events are coded on --------------------------------------

ACTOR_NAMES = [
    "JNIM", "EIGS", "FAMa", "Wagner", "MNLA", "GATIA", "Dan Na Ambassagou", "Koglweogo",
    "MINUSMA", "Barkhane", "CMA", "HCUA", "MSA", "Katiba Macina", "Ansarul Islam", "VDP",
]  # fmt: skip
PLACE_NAMES = [
    "Boulkessi", "Mopti", "Gao", "Ménaka", "Tombouctou", "Kidal", "Sévaré", "Djenné",
    "Douentza", "Tessit", "Ansongo", "Bandiagara", "Ségou", "Niono", "Diafarabé", "Hombori",
    "Gossi", "Léré", "Nampala", "Ogossagou", "Bourem", "Anefis", "Aguelhok", "Tessalit",
]  # fmt: skip
TRIGGERS = {
    "en": ["attacked", "shelled", "ambushed", "raided", "struck"],
    "fr": ["a attaqué", "a bombardé", "a pris en embuscade", "a frappé"],
    "ar": ["هاجم", "قصف", "استهدف", "داهم"],
}
MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"],
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"],
    "ar": ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس",
           "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"],
}  # fmt: skip
FILLER = {
    "en": [
        "Security sources said the situation remained tense in the area.",
        "Aid workers reported that hundreds of families fled towards the regional capital.",
        "The regional governor announced a three-day curfew.",
        "Witnesses described heavy gunfire overnight 😢.",
    ],
    "fr": [
        "Selon une source locale, la situation reste tendue dans la zone.",
        "Des déplacés sont arrivés dans la ville après l'incendie du marché.",
        "Le gouverneur a décrété un couvre-feu de trois jours.",
    ],
    "ar": [
        "قالت مصادر أمنية إن الوضع لا يزال متوترا في المنطقة.",
        "نزح مئات السكان نحو عاصمة الإقليم بحثا عن الأمان 🇲🇱.",
        "أعلن الحاكم حظر تجول لمدة ثلاثة أيام.",
    ],
}
CONNECTORS = {
    "en": (" with ", " at ", " on "),
    "fr": (" avec ", " à ", " le "),
    "ar": (" مع ", " في ", " يوم "),
}
KILLED = {"en": "{n} killed", "fr": "{n} morts", "ar": "{n} قتلى"}


@dataclass
class TrueEvent:
    """What happened, and where its words are in the text (role → [start, end) code points)."""

    type_code: str
    subtype_code: str
    actor: int  # index into ACTOR_NAMES
    assoc: tuple[int, ...]
    place: int
    day: dt.date
    precision: str
    fatalities: int
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)


class TextBuilder:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0

    def add(self, piece: str) -> tuple[int, int]:
        start = self.size
        self.parts.append(piece)
        self.size += len(piece)
        return start, self.size

    def text(self) -> str:
        return "".join(self.parts)


def article_text(
    index: int, n_events: int, subtypes: dict[str, list[str]], rng: random.Random
) -> tuple[str, str, list[TrueEvent]]:
    """(language, canonical text, events) of one article: filler sentences around one
    sentence per event naming its actor, associated actors, place, date and toll."""
    language = ("ar", "fr", "en", "ar")[index % 4]
    builder = TextBuilder()
    builder.add(f"Réf. {index:07d}\n")
    events = []
    for _ in range(n_events):
        for _ in range(rng.randint(0, 2)):
            builder.add(rng.choice(FILLER[language]) + " ")
        type_code = rng.choice(sorted(subtypes))
        event = TrueEvent(
            type_code=type_code,
            subtype_code=rng.choice(subtypes[type_code]),
            actor=rng.randrange(len(ACTOR_NAMES)),
            assoc=tuple(sorted(rng.sample(range(len(ACTOR_NAMES)), rng.choice((0, 1, 1, 2))))),
            place=rng.randrange(len(PLACE_NAMES)),
            day=dt.date(2022, 1, 1) + dt.timedelta(days=rng.randrange(365)),
            precision=rng.choice("1112"),
            fatalities=rng.choice((0, 1, 2, 3, 5, 8, 12, 20)),
        )
        with_, at, on = CONNECTORS[language]
        event.spans["actor1"] = builder.add(ACTOR_NAMES[event.actor])
        builder.add(" ")
        event.spans["trigger"] = builder.add(rng.choice(TRIGGERS[language]))
        if event.assoc:
            builder.add(with_)
            first = builder.size
            builder.add(" / ".join(ACTOR_NAMES[a] for a in event.assoc))
            event.spans["assoc_actor_1"] = (first, builder.size)
        builder.add(at)
        event.spans["location"] = builder.add(PLACE_NAMES[event.place])
        builder.add(on)
        month = MONTHS[language][event.day.month - 1]
        event.spans["date"] = builder.add(f"{event.day.day} {month} {event.day.year}")
        builder.add(", ")
        event.spans["fatalities"] = builder.add(KILLED[language].format(n=event.fatalities))
        builder.add(".\n" if rng.random() < 0.4 else ". ")
        events.append(event)
    builder.add(rng.choice(FILLER[language]))
    return language, builder.text(), events


# --- How a coder codes an event (with some disagreement) -----------------------------------


@dataclass(frozen=True)
class Refs:
    actors: list[int]  # Actor ids, parallel to ACTOR_NAMES
    places: list[int]  # Location ids, parallel to PLACE_NAMES
    type_ids: dict[str, int]
    subtypes: dict[str, list[str]]


def coder_values(
    event: TrueEvent, fields: Sequence[Any], refs: Refs, rng: random.Random
) -> dict[str, Any]:
    """Values for every codebook field, mostly right, sometimes not (per field kind)."""
    values: dict[str, Any] = {}
    for fdef in fields:
        key, kind = fdef.key, fdef.kind
        slip = rng.random() < 0.08
        if kind == "actor" and fdef.multiple:
            chosen = list(event.assoc)
            if chosen and rng.random() < 0.12:
                chosen.pop()
            value: Any = [{"id": refs.actors[a]} for a in chosen] or None
        elif kind == "actor":
            actor = rng.randrange(len(ACTOR_NAMES)) if slip else event.actor
            keep = key == "actor1" or rng.random() < 0.5  # second actors are often left out
            value = {"id": refs.actors[actor]} if keep else None
            if key == "actor1" and rng.random() < 0.02:  # a proposal, not yet in the dictionary
                value = {"name": ACTOR_NAMES[actor] + " (local)"}
        elif kind == "location":
            value = {"id": refs.places[rng.randrange(len(PLACE_NAMES)) if slip else event.place]}
        elif kind == "date":
            day = event.day + dt.timedelta(days=rng.choice((-1, 1))) if slip else event.day
            value = {"start": day.isoformat()}
        elif kind == "choice":
            codes = [c.code for c in fdef.choices]
            default = event.precision if event.precision in codes else codes[0]
            value = rng.choice(codes) if rng.random() < 0.1 else default
        elif kind == "multi_choice":
            codes = [c.code for c in fdef.choices]
            value = sorted(rng.sample(codes, min(2, len(codes)))) if slip else codes[:1]
        elif kind == "integer":
            if rng.random() < 0.05:
                value = None
            elif rng.random() < 0.12:
                value = max(0, event.fatalities + rng.choice((-2, -1, 1, 3)))
            else:
                value = event.fatalities
        elif kind == "boolean":
            value = (event.fatalities > 2) != slip
        else:  # text
            value = rng.choice(("", "", "see source", "unclear toll")) or None
        if value is not None:
            values[key] = value
    return values


def coder_spans(event: TrueEvent, text: str, rng: random.Random) -> list[tuple[str, int, int]]:
    """(role, start, end): the trigger always, other roles mostly; boundaries sometimes off."""
    spans = []
    for role, (start, end) in event.spans.items():
        if role != "trigger" and rng.random() < 0.1:
            continue
        if rng.random() < 0.12 and end - start > 3:  # a word too short or too long
            end = end - 2 if rng.random() < 0.5 else min(len(text), end + 3)
        spans.append((role, start, end))
    return spans


# --- Data generation (bulk_create) ---------------------------------------------------------


@dataclass
class Seeded:
    project_id: int
    article_ids: list[int]
    n_events: int
    n_spans: int


def seed_project(
    slug: str, version: Any, refs: Refs, n_articles: int, events_per_article: Callable[[], int]
) -> Seeded:
    """A project of `n_articles`, each coded by 3 of 12 coders who have all submitted."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from coding.codebook_runtime import version_spec
    from coding.models import (
        Article,
        Assignment,
        CodedEvent,
        EvidenceSpan,
        Membership,
        Project,
        User,
    )
    from coding.text.canonical import canonicalize, text_sha256

    rng = random.Random(slug)
    fields = version_spec(version).fields
    project = Project.objects.create(slug=slug, name=slug, codebook_version=version, overlap=3)
    password = make_password(None)
    coders = User.objects.bulk_create(
        User(username=f"{slug}-coder{i}", password=password) for i in range(CODERS_PER_PROJECT)
    )
    Membership.objects.bulk_create(
        Membership(project=project, user=user, role="coder") for user in coders
    )
    now = timezone.now()
    seeded = Seeded(project.pk, [], 0, 0)
    for first in range(0, n_articles, BATCH_ARTICLES):
        indexes = range(first, min(n_articles, first + BATCH_ARTICLES))
        drafts = []
        for index in indexes:
            language, text, truth = article_text(index, events_per_article(), refs.subtypes, rng)
            assert canonicalize(text) == text
            drafts.append((index, language, text, truth))
        articles = Article.objects.bulk_create(
            Article(
                project=project,
                title=f"{slug} {index}",
                text=text,
                text_sha256=text_sha256(text),
                len_cp=len(text),
                len_u16=len(text.encode("utf-16-le")) // 2,
                language=language,
                direction="rtl" if language == "ar" else "ltr",
                paragraphs=_paragraphs(text, "rtl" if language == "ar" else "ltr"),
                source="Bench Wire",
            )
            for index, language, text, truth in drafts
        )
        seeded.article_ids += [a.pk for a in articles]
        assignments = Assignment.objects.bulk_create(
            Assignment(
                project=project,
                article=article,
                coder=coders[(index + k) % CODERS_PER_PROJECT],
                status="submitted",
                started_at=now,
                submitted_at=now,
            )
            for article, (index, *_) in zip(articles, drafts, strict=True)
            for k in range(OVERLAP)
        )
        events: list[CodedEvent] = []
        spans_of: list[list[tuple[str, int, int]]] = []
        for a, (_, _, text, truth) in enumerate(drafts):
            for assignment in assignments[a * OVERLAP : (a + 1) * OVERLAP]:
                coded = [e for e in truth if rng.random() < 0.92]  # some events are missed
                if rng.random() < 0.05:  # and a few are coded twice
                    coded.append(rng.choice(truth))
                for event in coded:
                    events.append(_coded_event(event, assignment, version, fields, refs, rng))
                    spans_of.append(coder_spans(event, text, rng))
        CodedEvent.objects.bulk_create(events, batch_size=5000)
        texts = {article.pk: article.text for article in articles}
        spans = [
            EvidenceSpan(
                event=event,
                role=role,
                start=start,
                end=end,
                quote=texts[event.article_id][start:end],
            )
            for event, triples in zip(events, spans_of, strict=True)
            for role, start, end in triples
        ]
        EvidenceSpan.objects.bulk_create(spans, batch_size=10000)
        seeded.n_events += len(events)
        seeded.n_spans += len(spans)
    return seeded


def _paragraphs(text: str, direction: str) -> list[list[Any]]:
    out, start = [], 0
    for line in text.split("\n"):
        out.append([start, start + len(line), direction])
        start += len(line) + 1
    return out


def _coded_event(
    event: TrueEvent, assignment: Any, version: Any, fields: Any, refs: Refs, rng: random.Random
) -> Any:
    from coding.models import CodedEvent

    type_code, subtype = event.type_code, event.subtype_code
    if rng.random() < 0.03:
        type_code = rng.choice(sorted(refs.subtypes))
        subtype = rng.choice(refs.subtypes[type_code])
    elif rng.random() < 0.08:
        subtype = rng.choice(refs.subtypes[type_code])
    values = coder_values(event, fields, refs, rng)
    date = values.get("event_date")
    location = values.get("location")
    fatalities = values.get("fatalities")
    return CodedEvent(
        article_id=assignment.article_id,
        codebook_version=version,
        layer="coder",
        assignment=assignment,
        event_type_id=refs.type_ids[type_code],
        event_subtype_id=refs.type_ids[subtype],
        values=values,
        date_start=dt.date.fromisoformat(date["start"]) if date else None,
        location_id=location.get("id") if isinstance(location, dict) else None,
        fatalities=fatalities if isinstance(fatalities, int) else None,
        version=1,
        created_by_id=assignment.coder_id,
    )


def seed_dictionaries_and_codebook(codebook: str) -> tuple[Any, Refs]:
    from coding.codebook_runtime import event_type_ids, version_spec
    from coding.codebook_spec import load_codebook_text, load_preset
    from coding.models import Actor, Location
    from coding.services.codebooks import codebook_version_create

    spec = load_preset("acled") if codebook == "acled" else load_codebook_text(generated_codebook())
    version = codebook_version_create(spec=spec, publish=True)
    actors = Actor.objects.bulk_create(
        Actor(key=f"actor-{i}", name=name) for i, name in enumerate(ACTOR_NAMES)
    )
    places = Location.objects.bulk_create(
        Location(key=f"place-{i}", name=name) for i, name in enumerate(PLACE_NAMES)
    )
    subtypes = {t.code: [c.code for c in t.children] for t in version_spec(version).event_types}
    refs = Refs(
        actors=[a.pk for a in actors],
        places=[p.pk for p in places],
        type_ids=event_type_ids(version),
        subtypes=subtypes,
    )
    return version, refs


# --- Measurements ----------------------------------------------------------------------------


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def measure_project(project_id: int, profile: bool) -> dict[str, Any]:
    """Child process: one recompute of the project (as a supervisor's "recompute" runs it)."""
    import django

    django.setup()
    from django.db import connection

    from coding.models import AgreementResult, AgreementRun, Disagreement, Project
    from coding.services import agreement as service

    # Peak RSS when the articles have all been streamed, before the bootstrap's temporaries.
    streamed: list[float] = []
    rows = service._ProjectFigures.rows

    def rows_after_streaming(self: Any, run: Any) -> Any:
        streamed.append(peak_rss_mib())
        return rows(self, run)

    service._ProjectFigures.rows = rows_after_streaming  # type: ignore[method-assign]
    project = Project.objects.get(pk=project_id)
    stored_before = AgreementRun.objects.filter(project=project, scope="article").count()
    # No project_recompute_request here: with no broker its outbox row is drained on commit,
    # in this process, so the run was already done before the timer started (the recompute
    # measured as 0.0 s). The service creates and computes its own run instead.
    baseline = peak_rss_mib()
    queries = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    load_before = os.getloadavg()[0]
    start, cpu = time.perf_counter(), time.process_time()
    with connection.execute_wrapper(count):
        done = service.project_agreement_compute(project_id=project_id)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    if profiler is not None:
        import pstats

        profiler.disable()
        stats = pstats.Stats(profiler, stream=sys.stderr)
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(30)
    overall = {
        (row["field_key"] or "event_presence"): row
        for row in AgreementResult.objects.filter(
            run=done, metric="alpha", event_type_code="", coder_a__isnull=True
        ).values("field_key", "value", "ci_low", "ci_high", "n_pairable")
    }
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "load": (load_before + os.getloadavg()[0]) / 2,
        "baseline_mib": baseline,
        "streamed_mib": streamed[0],
        "peak_mib": peak_rss_mib(),
        "queries": queries,
        "status": done.status,
        "n_articles": done.params["n_articles"],
        "stored_article_runs_before": stored_before,
        "article_runs": AgreementRun.objects.filter(project=project, scope="article").count(),
        "disagreements": Disagreement.objects.filter(run__project=project).count(),
        "project_results": AgreementResult.objects.filter(run=done).count(),
        "overall": {
            key: [row["value"], row["ci_low"], row["ci_high"], row["n_pairable"]]
            for key, row in sorted(overall.items())
        },
    }


def run_child(*arguments: str, show_stderr: bool = False) -> dict[str, Any]:
    """Run this script with `arguments` in a fresh process; its last stdout line is JSON.

    The parent never imports Django, so it stays small: a child's getrusage peak RSS
    (which Linux carries over from the parent across fork and exec) is the child's own.
    """
    command = [sys.executable, __file__, *arguments]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        raise RuntimeError(f"{' '.join(arguments)} failed:\n{done.stderr[-6000:]}")
    if show_stderr:
        print(done.stderr[-12000:])
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def measure_articles(project_id: int) -> dict[str, float]:
    """Child process: median ms per article of the project, end to end (cold: nothing
    stored yet), then its parts."""
    import django

    django.setup()
    from django.db import connection

    from coding.agreement import compute_article_agreement
    from coding.codebook_runtime import version_spec
    from coding.models import AgreementRun, Article, Disagreement
    from coding.services.agreement import article_agreement_compute
    from coding.services.agreement_inputs import agreement_fields, load_article_inputs

    article_ids = list(
        Article.objects.filter(project_id=project_id).order_by("id").values_list("id", flat=True)
    )
    queries: list[int] = []
    counter = [0]

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        counter[0] += 1
        return execute(sql, params, many, context)

    warmup, measured = article_ids[:10], article_ids[10:]
    for article_id in warmup:
        article_agreement_compute(article_id=article_id)
    total = []
    for article_id in measured:
        counter[0] = 0
        start = time.perf_counter()
        with connection.execute_wrapper(count):
            run = article_agreement_compute(article_id=article_id)
        total.append((time.perf_counter() - start) * 1000)
        queries.append(counter[0])
        assert run is not None
    again = []
    for article_id in measured:
        start = time.perf_counter()
        article_agreement_compute(article_id=article_id)
        again.append((time.perf_counter() - start) * 1000)
    reads, pure, events = [], [], []
    for article_id in measured:
        start = time.perf_counter()
        article = Article.objects.select_related("project__codebook_version").get(pk=article_id)
        version = article.project.codebook_version
        spec = version_spec(version)
        inputs = load_article_inputs([article_id], spec, version.pk)[0]
        reads.append((time.perf_counter() - start) * 1000)
        fields = agreement_fields(spec)
        start = time.perf_counter()
        compute_article_agreement(inputs.events, fields, inputs.coders)
        pure.append((time.perf_counter() - start) * 1000)
        events.append(len(inputs.events))
    runs = AgreementRun.objects.filter(article_id__in=measured)
    return {
        "n": len(measured),
        "total": statistics.median(total),
        "total_p95": sorted(total)[int(0.95 * len(total))],
        "reads": statistics.median(reads),
        "pure": statistics.median(pure),
        "again": statistics.median(again),
        "queries": statistics.median(queries),
        "events": statistics.mean(events),
        "disagreements": Disagreement.objects.filter(run__in=runs).count() / len(measured),
    }


def machine_note() -> str:
    cpu = platform.processor() or "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"shared {os.cpu_count()}-core box ({cpu}), {mem_gib:.0f} GiB RAM, "
        f"Python {platform.python_version()}, PostgreSQL on 127.0.0.1 (same box)"
    )


def psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", sql],
        check=True,
        capture_output=True,
    )


def seed_all(args: argparse.Namespace) -> dict[str, Any]:
    """Child process: migrate and seed the three projects (or read them back with
    --reuse-db, deleting every agreement run so the measurements start cold)."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from coding.codebook_runtime import version_spec
    from coding.models import AgreementRun, CodebookVersion

    started = time.perf_counter()
    if args.reuse_db:
        AgreementRun.objects.all().delete()
        version = CodebookVersion.objects.get(status=CodebookVersion.Status.PUBLISHED)
        projects = {slug: reseeded(slug) for slug in ("per-article", "small", "big")}
    else:
        call_command("migrate", verbosity=0)
        version, refs = seed_dictionaries_and_codebook(args.codebook)
        rng = random.Random(11)
        events = lambda: rng.choice((3, 4, 4, 5))  # noqa: E731
        projects = {
            "per-article": seed_project("per-article", version, refs, args.per_article, lambda: 5),
            "small": seed_project("small", version, refs, args.small, events),
            "big": seed_project("big", version, refs, args.articles, events),
        }
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return {
        "seconds": time.perf_counter() - started,
        "fields": len(version_spec(version).fields),
        "projects": {slug: asdict(seeded) for slug, seeded in projects.items()},
    }


def reseeded(slug: str) -> Seeded:
    """What seed_project made, read back from a kept database (--reuse-db)."""
    from coding.models import CodedEvent, EvidenceSpan, Project

    project = Project.objects.get(slug=slug)
    return Seeded(
        project.pk,
        list(project.articles.order_by("id").values_list("id", flat=True)),
        CodedEvent.objects.filter(article__project=project).count(),
        EvidenceSpan.objects.filter(event__article__project=project).count(),
    )


def project_line(name: str, mode: str, result: dict[str, Any]) -> str:
    return (
        f"{name} {mode}: {result['n_articles']:,} articles in {result['seconds']:.1f} s "
        f"(worker CPU {result['cpu_seconds']:.1f} s, load average {result['load']:.1f}), "
        f"{result['queries']:,} queries; peak RSS after streaming "
        f"{result['streamed_mib']:.0f} MiB, overall {result['peak_mib']:.0f} MiB (baseline "
        f"{result['baseline_mib']:.0f}); article runs {result['stored_article_runs_before']:,} "
        f"→ {result['article_runs']:,}, {result['disagreements']:,} disagreements, "
        f"{result['project_results']} project results"
    )


def summary(
    n_fields: int,
    per_article: dict[str, float],
    big: dict[str, Any],
    figures: dict[tuple[str, str], dict[str, Any]],
    codebook: str,
) -> list[str]:
    """The block for docs/PERFORMANCE.md."""

    def growth(key: tuple[str, str], at: str) -> str:
        return f"+{figures[key][at] - figures[key]['baseline_mib']:.0f}"

    big_n = figures["big", "cold"]["n_articles"]
    small_n = figures["small", "cold"]["n_articles"]
    cold, warm = figures["big", "cold"], figures["big", "warm"]
    command = "python bench/bench_agreement.py" + (
        " --codebook acled" if codebook == "acled" else ""
    )
    return [
        "### Agreement service",
        "",
        f"Command: `{command}`",
        "",
        f"- Per-article run after the last submission (3 coders × 5 events × {n_fields} "
        f"fields; `article_agreement_compute`: reads, alignment, α, storing results and "
        f"disagreements; nothing stored yet): median **{per_article['total']:.1f} ms** "
        f"(p95 {per_article['total_p95']:.1f} ms, {per_article['queries']:.0f} SQL "
        f"statements) over {per_article['n']} articles — target ≤ 200 ms. Of which reading "
        f"the inputs {per_article['reads']:.1f} ms and the pure `compute_article_agreement` "
        f"{per_article['pure']:.2f} ms; finding an already stored run "
        f"{per_article['again']:.1f} ms.",
        f"- Full recompute (`project_agreement_compute` on a `project_recompute_request` run), "
        f"{big_n:,} articles × 3 coders × ~4 events ({big['n_events']:,} coder events, "
        f"{big['n_spans']:,} spans), one worker process: cold (no stored article runs) "
        f"**{cold['seconds']:.1f} s** (worker CPU {cold['cpu_seconds']:.1f} s), warm (article "
        f"runs stored, inputs unchanged) **{warm['seconds']:.1f} s** (CPU "
        f"{warm['cpu_seconds']:.1f} s) — target ≤ 60 s. Includes the article-cluster "
        f"bootstrap (1000 samples) of every overall figure. Load average during the two "
        f"runs: {cold['load']:.1f} and {warm['load']:.1f}.",
        f"- Memory, peak RSS (getrusage) over the worker's baseline "
        f"({cold['baseline_mib']:.0f} MiB), cold / warm: {small_n:,} articles "
        f"{growth(('small', 'cold'), 'streamed_mib')} / "
        f"{growth(('small', 'warm'), 'streamed_mib')} MiB once every article has streamed "
        f"through, {growth(('small', 'cold'), 'peak_mib')} / "
        f"{growth(('small', 'warm'), 'peak_mib')} MiB at the end (bootstrap); {big_n:,} "
        f"articles {growth(('big', 'cold'), 'streamed_mib')} / "
        f"{growth(('big', 'warm'), 'streamed_mib')} MiB and "
        f"{growth(('big', 'cold'), 'peak_mib')} / {growth(('big', 'warm'), 'peak_mib')} MiB. "
        f"Articles are read 500 at a time; what is kept is a few integers per aligned event "
        f"cluster (for the bootstrap); the bootstrap's temporaries are capped at 2²² cells "
        f"per block of replicates (reached from about 4,200 articles on).",
        f"- Machine: {machine_note()}. Other jobs were running (see the load averages): "
        f"wall times vary between runs; worker CPU time is steadier.",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=10_000, help="articles in the big project")
    parser.add_argument("--small", type=int, default=2_500, help="articles in the small project")
    parser.add_argument("--per-article", type=int, default=210, help="articles for target 1")
    parser.add_argument("--codebook", choices=("generated", "acled"), default="generated")
    parser.add_argument("--profile", action="store_true", help="cProfile the big cold run")
    parser.add_argument("--keep-db", action="store_true", help="keep the database at the end")
    parser.add_argument(
        "--reuse-db", action="store_true", help="measure again on a kept database (no seeding)"
    )
    # child processes
    parser.add_argument("--seed", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--articles-of", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed:
        print(json.dumps(seed_all(args)))
        return
    if args.articles_of is not None:
        print(json.dumps(measure_articles(args.articles_of)))
        return
    if args.measure is not None:
        print(json.dumps(measure_project(args.measure, args.profile)))
        return

    if not args.reuse_db:
        psql(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        psql(f'CREATE DATABASE "{DB}"')
    try:
        seeding = ["--seed", "--codebook", args.codebook, "--articles", str(args.articles)]
        seeding += ["--small", str(args.small), "--per-article", str(args.per_article)]
        seeded = run_child(*seeding, *(["--reuse-db"] if args.reuse_db else []))
        projects, n_fields = seeded["projects"], seeded["fields"]
        print(
            f"seeded in {seeded['seconds']:.0f} s: codebook with {n_fields} fields; "
            + "; ".join(
                f"{slug} {len(p['article_ids']):,} articles / {p['n_events']:,} events / "
                f"{p['n_spans']:,} spans"
                for slug, p in projects.items()
            )
        )
        per_article = run_child("--articles-of", str(projects["per-article"]["project_id"]))
        print(
            f"per article ({per_article['n']} articles, 3 coders, {per_article['events']:.1f} "
            f"coder events, {n_fields} fields): median {per_article['total']:.1f} ms end to end "
            f"(p95 {per_article['total_p95']:.1f} ms, {per_article['queries']:.0f} queries); "
            f"reads {per_article['reads']:.1f} ms, pure {per_article['pure']:.2f} ms; "
            f"again (already stored) {per_article['again']:.1f} ms; "
            f"{per_article['disagreements']:.1f} disagreements per article"
        )
        figures = {}
        for name in ("small", "big"):
            for mode in ("cold", "warm"):
                profile = args.profile and name == "big" and mode == "cold"
                project_id = str(projects[name]["project_id"])
                extra = ["--profile"] if profile else []
                figures[name, mode] = run_child(
                    "--measure", project_id, *extra, show_stderr=profile
                )
                print(project_line(name, mode, figures[name, mode]))
        for key, value in figures["big", "warm"]["overall"].items():
            print(f"  big α {key} [value, ci_low, ci_high, n_pairable]: {value}")
        assert figures["big", "cold"]["overall"] == figures["big", "warm"]["overall"]
        print()
        print("\n".join(summary(n_fields, per_article, projects["big"], figures, args.codebook)))
    finally:
        if not args.keep_db:
            psql(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')


if __name__ == "__main__":
    main()
