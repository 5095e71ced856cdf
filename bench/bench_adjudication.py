"""Adjudication reads against PostgreSQL: the disagreement queue and the side-by-side view.

Targets (issue 7): (1) the first page (50 rows) of GET /api/v1/projects/{id}/adjudication/queue/
over 10,000 articles ≤ 150 ms, with and without filters; (2) GET
/api/v1/projects/{id}/articles/{aid}/adjudication/ of an article coded by 3 coders × 30
events ≤ 150 ms server time.

Uses its own database (athar_bench_adjudication), dropped and created here and dropped at the
end (keep it with --keep-db). Data are generated with bulk_create on the mini codebook
(tests/data/mini_codebook.yaml): 3 coders who code every article (overlap 3), articles with
canonical text, submitted assignments, coder events whose values match the codebook and
evidence spans whose quote == text[start:end]. In one article in five the coders agree on
everything; elsewhere each coder is careless with probability 1/2 (missed and extra events,
other types, actors, places, dates, tolls, span boundaries).

Agreement runs: by default each article's done run, its params.clusters, AgreementResult
and Disagreement rows are bulk-created in the shape the service stores them (kinds,
severities, cluster keys, details), because project_agreement_compute takes ~0.1 s an
article on this machine; `--agreement service` uses project_agreement_compute instead. The
focus article (3 coders × 30 events) always gets its run from article_agreement_compute.
Then a coder edits an event in one article in ten and article_agreement_compute stores a
newer run there, so the queue must pick each article's latest run. One article in eight has
an open adjudication, one in twenty a validated one; the focus article is measured before
its adjudication is opened and after 10 clusters are decided through the service.

Each read is measured three ways: the selector alone (COUNT + first page, as DRF's paginator
does), the request through Django's test client in this process (with its SQL statement
count, CaptureQueriesContext), and the request to gunicorn (production settings, sync
workers) from one client, one request at a time.

    .venv/bin/python bench/bench_adjudication.py
    .venv/bin/python bench/bench_adjudication.py --articles 2000 --explain --profile
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as dt
import os
import platform
import pstats
import random
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

# Its own database; another name (ATHAR_BENCH_DB) lets two engineers run it at once.
DB = os.environ.get("ATHAR_BENCH_DB", "athar_bench_adjudication")
SERVER = os.environ.get("ATHAR_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PAGE_SIZE = 50
BATCH = 500  # articles per bulk_create round
TYPES = [("ATTACK", "ARMED_ASSAULT"), ("ATTACK", "DRONE_STRIKE"), ("TRUCE", None)]
ACTORS = ["JNIM", "ISGS", "FAMa", "MNLA", "GATIA", "Dan Na Ambassagou", "MINUSMA", "VDP"]
PLACES = [
    "Boulkessi", "Mopti", "Gao", "Ménaka", "Kidal", "Sévaré", "Djenné", "Douentza",
    "Tessit", "Ansongo", "Bandiagara", "Ségou", "Niono", "Hombori", "Gossi", "Léré",
]  # fmt: skip
VERBS = {
    "en": {"ATTACK": "attacked", "TRUCE": "agreed a truce in"},
    "fr": {"ATTACK": "a attaqué", "TRUCE": "a conclu une trêve à"},
    "ar": {"ATTACK": "هاجم", "TRUCE": "أعلن هدنة في"},
}
MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"],
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"],
    "ar": ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس",
           "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"],
}  # fmt: skip
DEAD = {"en": "{n} dead", "fr": "{n} morts", "ar": "{n} قتلى"}
ON = {"en": " on ", "fr": " le ", "ar": " يوم "}
FILLER = {
    "en": "Witnesses said the situation stayed tense overnight 😢.",
    "fr": "Selon des témoins, la situation est restée tendue dans la nuit.",
    "ar": "قال شهود إن الوضع ظل متوترا طوال الليل 🇲🇱.",
}


# --- Articles and how coders code them ---------------------------------------------------------


@dataclass
class TrueEvent:
    """What happened and where its words are (role → [start, end) in code points)."""

    type_code: str
    subtype_code: str | None
    actor: int
    place: int
    day: dt.date
    precision: str
    fatalities: int | None
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)


@dataclass
class Draft:
    """One article before it is stored: its text, true events and the filler sentences a
    careless coder may code as an extra event."""

    language: str
    text: str
    truth: list[TrueEvent]
    fillers: list[tuple[int, int]]
    careful: bool


def draft_article(index: int, n_events: int, careful: bool, rng: random.Random) -> Draft:
    language = ("ar", "fr", "en", "ar")[index % 4]
    parts: list[str] = []
    size = 0

    def add(piece: str) -> tuple[int, int]:
        nonlocal size
        parts.append(piece)
        size += len(piece)
        return size - len(piece), size

    add(f"Réf. {index:07d}\n")
    truth: list[TrueEvent] = []
    fillers: list[tuple[int, int]] = []
    for _ in range(n_events):
        if rng.random() < 0.5:
            fillers.append(add(FILLER[language]))
            add(" ")
        type_code, subtype = rng.choice(TYPES)
        event = TrueEvent(
            type_code=type_code,
            subtype_code=subtype,
            actor=rng.randrange(len(ACTORS)),
            place=rng.randrange(len(PLACES)),
            day=dt.date(2022, 1, 1) + dt.timedelta(days=rng.randrange(365)),
            precision=rng.choice("1112"),
            fatalities=rng.choice((0, 1, 3, 5, 12)) if type_code == "ATTACK" else None,
        )
        event.spans["actor1"] = add(ACTORS[event.actor])
        add(" ")
        event.spans["trigger"] = add(VERBS[language][type_code])
        add(" ")
        event.spans["location"] = add(PLACES[event.place])
        add(ON[language])
        month = MONTHS[language][event.day.month - 1]
        event.spans["date"] = add(f"{event.day.day} {month} {event.day.year}")
        if event.fatalities is not None:
            add(", ")
            event.spans["fatalities"] = add(DEAD[language].format(n=event.fatalities))
        add(".\n" if rng.random() < 0.4 else ". ")
        truth.append(event)
    fillers.append(add(FILLER[language]))
    return Draft(language, "".join(parts), truth, fillers, careful)


@dataclass(frozen=True)
class Refs:
    actors: list[int]
    places: list[int]
    type_ids: dict[str, int]


@dataclass
class CoderEvent:
    """A coder's event; `truth` is the index of the true event it codes (None: an extra)."""

    truth: int | None
    type_code: str
    subtype_code: str | None
    values: dict[str, Any]
    spans: list[tuple[str, int, int]]


def code_event(
    index: int, event: TrueEvent, refs: Refs, slip: Callable[[float], bool], rng: random.Random
) -> CoderEvent:
    """A coder's version of a true event: right, except where `slip(p)` says otherwise."""
    type_code, subtype = event.type_code, event.subtype_code
    if slip(0.04):
        type_code, subtype = rng.choice(TYPES)
    actor = rng.randrange(len(ACTORS)) if slip(0.06) else event.actor
    place = rng.randrange(len(PLACES)) if slip(0.06) else event.place
    day = event.day + dt.timedelta(days=1) if slip(0.05) else event.day
    values: dict[str, Any] = {
        "actor1": {"id": refs.actors[actor]},
        "location": {"id": refs.places[place]},
        "event_date": {"start": day.isoformat()},
        "time_precision": "3" if slip(0.08) else event.precision,
    }
    if type_code == "ATTACK":  # fatalities applies to attacks only
        toll = event.fatalities if event.fatalities is not None else 0
        values["fatalities"] = toll + 2 if slip(0.12) else toll
    spans = []
    for role, (start, end) in event.spans.items():
        if role == "fatalities" and "fatalities" not in values:
            continue
        if role not in {"trigger", "actor1", "location", "date"} and slip(0.1):
            continue
        if slip(0.1) and end - start > 3:
            end -= 2
        spans.append((role, start, end))
    return CoderEvent(index, type_code, subtype, values, spans)


def extra_event(filler: tuple[int, int], refs: Refs) -> CoderEvent:
    """A truce a careless coder reads into a filler sentence."""
    return CoderEvent(
        None,
        "TRUCE",
        None,
        {
            "actor1": {"id": refs.actors[0]},
            "location": {"id": refs.places[0]},
            "event_date": {"start": "2022-01-01"},
            "time_precision": "3",
        },
        [("trigger", filler[0], filler[0] + 5)],
    )


def coder_events(
    draft: Draft, coder_index: int, refs: Refs, focus: bool, rng: random.Random
) -> list[CoderEvent]:
    """What one coder codes in an article. In the focus article every coder codes 30 events:
    all true events but two (a different two per coder) and two extras."""
    careless = not draft.careful and (focus or rng.random() < 0.5)

    def slip(p: float) -> bool:
        return careless and rng.random() < p

    if focus:
        missed = {2 * coder_index, 2 * coder_index + 1}
        events = [
            code_event(i, e, refs, slip, rng) for i, e in enumerate(draft.truth) if i not in missed
        ]
        return events + [extra_event(f, refs) for f in draft.fillers[:2]]
    events = [
        code_event(i, e, refs, slip, rng) for i, e in enumerate(draft.truth) if not slip(0.08)
    ]
    if slip(0.25):
        events.append(extra_event(rng.choice(draft.fillers), refs))
    return events


# --- Agreement runs equivalent to the service's (fast path) ----------------------------------

# The codebook's fields as the agreement service compares them: key → (stored kind, severity,
# level). Severity as stored: 5 = an event found by some coders only ... 1 = span boundaries.
COMPARED = {
    "actor1": ("actors_location", 3, "nominal"),
    "location": ("actors_location", 3, "nominal"),
    "event_date": ("other_field", 2, "interval"),
    "time_precision": ("other_field", 2, "ordinal"),
    "fatalities": ("other_field", 2, "ratio"),
    "notes_text": ("other_field", 2, "nominal"),
}
RESULT_FIELDS = [("", "nominal"), ("event_type", "nominal"), ("event_subtype", "nominal")] + [
    (key, level) for key, (_, _, level) in COMPARED.items()
]


def _comparable(key: str, coded: CoderEvent) -> Any:
    value = coded.values.get(key)
    if isinstance(value, dict):
        return value.get("id") or value.get("start")
    return value


def _cluster_rows(
    cluster: dict[int, tuple[int, CoderEvent]], coders: list[int]
) -> list[tuple[str, int, str, dict[str, Any]]]:
    """(kind, severity, field_key, details) of one aligned cluster, by the rules of
    coding.agreement.article: unmatched event, type, each differing field, each role whose
    span boundaries differ."""
    present = [c for c in coders if c in cluster]
    events = [cluster[c][0] for c in present]

    def spans(role: str | None) -> dict[str, list[list[Any]]]:
        return {
            str(c): [[r, a, b] for r, a, b in cluster[c][1].spans if role in (None, r)]
            for c in present
        }

    def details(who: list[int], values: dict[int, Any], role: str | None) -> dict[str, Any]:
        return {
            "coders": who,
            "events": events,
            "values": {str(c): v for c, v in values.items()},
            "spans": spans(role),
        }

    rows = []
    if len(present) < len(coders):
        rows.append(
            ("unmatched_event", 5, "", details(coders, {c: c in cluster for c in coders}, None))
        )
    if len(present) < 2:
        return rows
    types = {c: [cluster[c][1].type_code, cluster[c][1].subtype_code] for c in present}
    if len({tuple(t) for t in types.values()}) > 1:
        rows.append(("event_type", 4, "", details(present, types, "trigger")))
    for key, (kind, severity, _) in COMPARED.items():
        values = {c: _comparable(key, cluster[c][1]) for c in present}
        if len({repr(v) for v in values.values()}) > 1:
            rows.append((kind, severity, key, details(present, values, key)))
    roles = sorted({r for c in present for r, _, _ in cluster[c][1].spans})
    for role in roles:
        bounds = {
            c: sorted([a, b] for r, a, b in cluster[c][1].spans if r == role) for c in present
        }
        if len({repr(v) for v in bounds.values()}) > 1:
            rows.append(("span", 1, role, details(present, bounds, role)))
    return rows


def store_equivalent_runs(
    project_id: int, coders: list[int], coded: Sequence[tuple[int, int, int, CoderEvent]]
) -> int:
    """Done article runs with params.clusters, AgreementResult and Disagreement rows shaped
    as the agreement service stores them, from (article id, coder id, event id, coder event)
    rows. The clusters are the true events, and a coder's extra event is a cluster of its
    own: the alignment the service finds on these texts. Returns the number of
    disagreements stored."""
    from django.utils import timezone

    from coding.models import AgreementResult, AgreementRun, Disagreement
    from coding.services.agreement_inputs import ALGORITHM_VERSION

    by_article: dict[int, dict[Any, dict[int, tuple[int, CoderEvent]]]] = {}
    for article_id, coder_id, event_id, event in coded:
        key = event.truth if event.truth is not None else f"extra{event_id}"
        by_article.setdefault(article_id, {}).setdefault(key, {})[coder_id] = (event_id, event)
    now = timezone.now()
    runs, found = [], []
    for article_id, clusters in by_article.items():
        params_clusters, rows = [], []
        for cluster in clusters.values():
            key = "e" + "-".join(str(e) for e, _ in sorted(cluster.values(), key=lambda x: x[0]))
            differences = _cluster_rows(cluster, coders)
            rows += [(key, *row) for row in differences]
            cohesion = None if len(cluster) < 2 else round(1 - 0.08 * len(differences), 6)
            params_clusters.append(
                {
                    "key": key,
                    "cohesion": cohesion,
                    "events": {str(c): e for c, (e, _) in sorted(cluster.items())},
                }
            )
        runs.append(
            AgreementRun(
                project_id=project_id,
                article_id=article_id,
                scope="article",
                status="done",
                input_digest=f"bench-equivalent-{article_id}",
                params={
                    "algorithm": ALGORITHM_VERSION,
                    "coders": coders,
                    "clusters": params_clusters,
                },
                progress_done=1,
                progress_total=1,
                started_at=now,
                finished_at=now,
            )
        )
        found.append(rows)
    runs = AgreementRun.objects.bulk_create(runs, batch_size=1000)
    AgreementResult.objects.bulk_create(
        (
            AgreementResult(
                run=run,
                metric="alpha",
                field_key=key,
                level=level,
                value=1.0 - 0.1 * len(rows) / max(1, len(run.params["clusters"])),
                n_units=len(run.params["clusters"]),
                n_pairable=len(run.params["clusters"]),
                n_coders=len(coders),
                percent_agreement=1.0 if not rows else 0.8,
                details={"n_dropped_units": 0, "n_values": 3 * len(run.params["clusters"])},
            )
            for run, rows in zip(runs, found, strict=True)
            for key, level in RESULT_FIELDS
        ),
        batch_size=5000,
    )
    disagreements = Disagreement.objects.bulk_create(
        (
            Disagreement(
                run=run,
                article_id=article_id,
                kind=kind,
                severity=severity,
                cluster_key=key,
                field_key=field_key,
                details=details,
            )
            for run, article_id, rows in zip(runs, by_article, found, strict=True)
            for key, kind, severity, field_key, details in rows
        ),
        batch_size=5000,
    )
    return len(disagreements)


# --- Seeding ---------------------------------------------------------------------------------


@dataclass
class Seeded:
    project_id: int
    supervisor_id: int
    coder_ids: list[int]
    focus_article_id: int
    n_articles: int = 0
    n_events: int = 0
    n_spans: int = 0
    n_equivalent_disagreements: int = 0


def seed(n_articles: int, n_coders: int, equivalent_runs: bool, rng: random.Random) -> Seeded:
    """The project, its people, articles, submitted assignments, coder events and spans;
    with `equivalent_runs`, the agreement runs of every article but the focus one too."""
    from django.utils import timezone

    from coding.codebook_spec import load_codebook_text
    from coding.models import (
        Actor,
        Article,
        Assignment,
        CodedEvent,
        EventType,
        EvidenceSpan,
        Location,
        Membership,
        User,
    )
    from coding.services.codebooks import codebook_version_create
    from coding.services.projects import project_create
    from coding.text.canonical import canonicalize, text_sha256
    from coding.text.direction import document_direction, split_paragraphs

    spec = load_codebook_text((REPO / "tests/data/mini_codebook.yaml").read_text("utf-8"))
    version = codebook_version_create(spec=spec, publish=True)
    project = project_create(slug="adjudication", name="Adjudication", codebook_version=version)
    project.overlap = n_coders
    project.save(update_fields=["overlap"])
    supervisor = User.objects.create(username="supervisor")
    coders = User.objects.bulk_create(User(username=f"coder{i}") for i in range(n_coders))
    Membership.objects.bulk_create(
        [Membership(project=project, user=supervisor, role="supervisor")]
        + [Membership(project=project, user=c, role="coder") for c in coders]
    )
    refs = Refs(
        actors=[
            a.pk
            for a in Actor.objects.bulk_create(
                Actor(key=f"actor-{i}", name=name) for i, name in enumerate(ACTORS)
            )
        ],
        places=[
            p.pk
            for p in Location.objects.bulk_create(
                Location(key=f"place-{i}", name=name) for i, name in enumerate(PLACES)
            )
        ],
        type_ids=dict(EventType.objects.filter(version=version).values_list("code", "id")),
    )
    now = timezone.now()
    seeded = Seeded(project.pk, supervisor.pk, [c.pk for c in coders], 0)
    for first in range(0, n_articles, BATCH):
        drafts = []
        for index in range(first, min(n_articles, first + BATCH)):
            n_events = 30 if index == 0 else rng.choice((1, 2, 2, 3, 3, 3, 4, 5))
            drafts.append(draft_article(index, n_events, index > 0 and rng.random() < 0.2, rng))
        assert all(canonicalize(d.text) == d.text for d in drafts)
        articles = Article.objects.bulk_create(
            Article(
                project=project,
                title=f"Report {first + i}: {ACTORS[i % len(ACTORS)]} in {PLACES[i % 16]}",
                text=d.text,
                text_sha256=text_sha256(d.text),
                len_cp=len(d.text),
                len_u16=len(d.text.encode("utf-16-le")) // 2,
                language=d.language,
                direction=document_direction(d.text),
                paragraphs=[[p.start, p.end, p.direction] for p in split_paragraphs(d.text)],
                source="Bench Wire",
            )
            for i, d in enumerate(drafts)
        )
        if first == 0:
            seeded.focus_article_id = articles[0].pk
        assignments = Assignment.objects.bulk_create(
            Assignment(
                project=project,
                article=article,
                coder=coder,
                status="submitted",
                started_at=now,
                submitted_at=now,
            )
            for article in articles
            for coder in coders
        )
        pending: list[tuple[CodedEvent, CoderEvent, str]] = []
        owners: list[tuple[int, int]] = []  # (article id, coder id) of each pending event
        for a, assignment in enumerate(assignments):
            article, draft = articles[a // n_coders], drafts[a // n_coders]
            focus = article.pk == seeded.focus_article_id
            for coded in coder_events(draft, a % n_coders, refs, focus, rng):
                values = coded.values
                pending.append(
                    (
                        CodedEvent(
                            article=article,
                            codebook_version=version,
                            layer="coder",
                            assignment=assignment,
                            event_type_id=refs.type_ids[coded.type_code],
                            event_subtype_id=refs.type_ids.get(coded.subtype_code or ""),
                            values=values,
                            date_start=dt.date.fromisoformat(values["event_date"]["start"]),
                            date_precision=int(values["time_precision"]),
                            location_id=values["location"]["id"],
                            fatalities=values.get("fatalities"),
                            created_by_id=assignment.coder_id,
                        ),
                        coded,
                        draft.text,
                    )
                )
                owners.append((article.pk, assignment.coder_id))
        events = CodedEvent.objects.bulk_create([p[0] for p in pending], batch_size=2000)
        spans = [
            EvidenceSpan(event=event, role=role, start=start, end=end, quote=text[start:end])
            for event, (_, coded, text) in zip(events, pending, strict=True)
            for role, start, end in coded.spans
        ]
        EvidenceSpan.objects.bulk_create(spans, batch_size=5000)
        if equivalent_runs:
            seeded.n_equivalent_disagreements += store_equivalent_runs(
                project.pk,
                sorted(c.pk for c in coders),
                [
                    (article_id, coder_id, event.pk, coded)
                    for (article_id, coder_id), event, (_, coded, _) in zip(
                        owners, events, pending, strict=True
                    )
                    if article_id != seeded.focus_article_id
                ],
            )
        seeded.n_articles += len(articles)
        seeded.n_events += len(events)
        seeded.n_spans += len(spans)
    return seeded


def compute_agreement(seeded: Seeded, real: bool, rng: random.Random) -> dict[str, float]:
    """The service's runs: one project compute (`real`) or only the focus article's (the
    others were stored by `seed`); then, in both cases, a newer run for one article in ten
    after a coder edits an event there. Returns timings (s)."""
    from coding.models import CodedEvent
    from coding.services.agreement import article_agreement_compute, project_agreement_compute

    start = time.perf_counter()
    if real:
        project_agreement_compute(project_id=seeded.project_id)
    else:
        article_agreement_compute(article_id=seeded.focus_article_id)
    project_seconds = time.perf_counter() - start
    ids = list(
        CodedEvent.objects.filter(article__project_id=seeded.project_id, layer="coder")
        .exclude(article_id=seeded.focus_article_id)
        .values_list("article_id", flat=True)
        .distinct()
        .order_by("article_id")
    )
    edited = sorted(rng.sample(ids, len(ids) // 10))
    first_event = {
        e.article_id: e
        for e in CodedEvent.objects.filter(article_id__in=edited, layer="coder").order_by("-id")
    }
    for event in first_event.values():
        event.values = dict(event.values) | {"time_precision": "2"}
        event.version += 1
    CodedEvent.objects.bulk_update(first_event.values(), ["values", "version"], batch_size=2000)
    start = time.perf_counter()
    for article_id in edited:
        article_agreement_compute(article_id=article_id)
    return {
        "project": project_seconds,
        "reruns": time.perf_counter() - start,
        "n_reruns": len(edited),
    }


def seed_adjudications(seeded: Seeded, rng: random.Random) -> dict[str, int]:
    """Open adjudications on one article in eight, validated ones on one in twenty."""
    from django.utils import timezone

    from coding.models import Adjudication, Article

    ids = list(
        Article.objects.filter(project_id=seeded.project_id)
        .exclude(pk=seeded.focus_article_id)
        .values_list("pk", flat=True)
    )
    chosen = rng.sample(ids, len(ids) * 7 // 40)
    validated = set(chosen[: len(ids) // 20])
    now = timezone.now()
    Adjudication.objects.bulk_create(
        Adjudication(
            project_id=seeded.project_id,
            article_id=a,
            status="validated" if a in validated else "open",
            validated_at=now if a in validated else None,
            validated_by_id=seeded.supervisor_id if a in validated else None,
        )
        for a in chosen
    )
    return {"open": len(chosen) - len(validated), "validated": len(validated)}


def open_focus_adjudication(seeded: Seeded, decisions: int) -> int:
    """Open the focus article's adjudication and accept the first coder's event in
    `decisions` clusters (through the service: gold events, decisions, audit)."""
    from coding.models import User
    from coding.services import adjudication as service
    from coding.services.agreement import latest_article_run

    supervisor = User.objects.get(pk=seeded.supervisor_id)
    adjudication = service.adjudication_open(article_id=seeded.focus_article_id, actor=supervisor)
    run = latest_article_run(seeded.focus_article_id)
    assert run is not None
    done = 0
    for cluster in run.params["clusters"][:decisions]:
        event_id = next(iter(cluster["events"].values()))
        service.decision_accept(
            adjudication=adjudication,
            actor=supervisor,
            cluster_key=cluster["key"],
            event_id=event_id,
        )
        done += 1
    return done


# --- Database, statistics, machine -------------------------------------------------------------


def recreate_database() -> str:
    """Drop and create the benchmark's own database, migrate it; return its URL."""
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB}"')
    url = f"{SERVER}/{DB}"
    subprocess.run(
        [str(REPO / ".venv/bin/python"), "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=REPO,
        env=django_env(url),
        check=True,
    )
    return url


def drop_database() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')


def django_env(url: str) -> dict[str, str]:
    """Test settings, DEBUG off (no query log in memory), persistent connections, Celery
    eager and the local-memory cache (no broker, no Redis)."""
    env = {k: v for k, v in os.environ.items() if k not in {"CELERY_BROKER_URL", "REDIS_URL"}}
    env.update(
        ATHAR_ENV="test",
        DEBUG="false",
        DATABASE_URL=url,
        LOG_LEVEL="WARNING",
        CONN_MAX_AGE="60",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    return env


def setup_django(url: str) -> None:
    os.environ.update(django_env(url))
    for key in ("CELERY_BROKER_URL", "REDIS_URL"):
        os.environ.pop(key, None)
    import django

    django.setup()


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100), linear interpolation between closest ranks."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def load_average() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def machine_note() -> str:
    cpu = platform.processor() or "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (server,) = cursor.fetchone()
    return (
        f"{os.cpu_count()} CPUs ({cpu}), {memory:.0f} GiB RAM, Python "
        f"{platform.python_version()}, PostgreSQL {server.split()[0]} on 127.0.0.1 — a shared "
        "box: other benchmarks and test suites run at the same time, so figures are noisy"
    )


def token_for(user_id: int) -> str:
    from rest_framework.authtoken.models import Token

    token, _ = Token.objects.get_or_create(user_id=user_id)
    return str(token.key)


# --- Measuring -----------------------------------------------------------------------------------


def backend_cpu_seconds() -> tuple[int, float]:
    """(pid, CPU seconds used so far) of this connection's PostgreSQL backend (same machine)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return pid, (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Timing:
    """Latencies (ms) of repeated calls, and for calls inside this process the CPU they
    used per call (ms): Django's (this process) and PostgreSQL's (this connection's backend;
    parallel query workers, rarely started here, are not counted). On a quiet machine a
    request takes about its CPU time; on a loaded one it waits for a core."""

    latencies: list[float]
    django_cpu: float | None = None
    database_cpu: float | None = None

    def wall(self) -> str:
        return f"{percentile(self.latencies, 50):.0f} / {percentile(self.latencies, 95):.0f}"

    def cpu(self) -> str:
        if self.django_cpu is None or self.database_cpu is None:
            return "—"
        total = self.django_cpu + self.database_cpu
        return f"{total:.0f} ({self.django_cpu:.0f} + {self.database_cpu:.0f})"


def repeat(
    call: Callable[[], object], requests: int, *, in_process: bool, warmup: int = 5
) -> Timing:
    """`requests` calls after `warmup` unmeasured ones."""
    for _ in range(warmup):
        call()
    if in_process:
        pid, database_before = backend_cpu_seconds()
    django_before = time.process_time()
    latencies = []
    for _ in range(requests):
        start = time.perf_counter()
        call()
        latencies.append((time.perf_counter() - start) * 1000)
    timing = Timing(latencies)
    if in_process:
        timing.django_cpu = (time.process_time() - django_before) * 1000 / requests
        pid_after, database_after = backend_cpu_seconds()
        if pid_after == pid:  # the same connection throughout
            timing.database_cpu = (database_after - database_before) * 1000 / requests
    return timing


@dataclass(frozen=True)
class Variant:
    """One queue request: selector keyword arguments and the same as query parameters."""

    label: str
    selector: dict[str, Any]
    params: dict[str, str]


def queue_variants(seeded: Seeded) -> list[Variant]:
    coder = seeded.coder_ids[0]
    return [
        Variant("no filter", {}, {}),
        Variant("min_severity=4", {"min_severity": 4}, {"min_severity": "4"}),
        Variant("event_type=TRUCE", {"event_type": "TRUCE"}, {"event_type": "TRUCE"}),
        Variant(f"coder={coder}", {"coder": coder}, {"coder": str(coder)}),
        Variant("unanimous=true", {"unanimous": True}, {"unanimous": "true"}),
        Variant("status=open", {"status": "open"}, {"status": "open"}),
    ]


def selector_page(project: Any, variant: Variant) -> tuple[int, list[Any]]:
    """What DRF's page-number paginator does: COUNT, then the first page."""
    from coding.adjudication_selectors import adjudication_queue

    queryset = adjudication_queue(project, **variant.selector)
    return queryset.count(), list(queryset[:PAGE_SIZE])


class InProcess:
    """Requests through Django's test client with the supervisor's token."""

    def __init__(self, token: str) -> None:
        from django.test import Client

        self.client = Client(HTTP_AUTHORIZATION=f"Token {token}")

    def get(self, path: str, params: dict[str, str] | None = None) -> Any:
        response = self.client.get(path, params or {})
        if response.status_code != 200:
            raise RuntimeError(f"{path}: {response.status_code} {response.content[:300]!r}")
        return response

    def queries(self, path: str, params: dict[str, str] | None = None) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            self.get(path, params)
        return len(captured.captured_queries)


def _workers_launched(plan: Any) -> int:
    """Parallel workers PostgreSQL started anywhere in an EXPLAIN (FORMAT JSON) plan."""
    if isinstance(plan, dict):
        own = int(plan.get("Workers Launched", 0))
        return own + sum(_workers_launched(v) for v in plan.values())
    if isinstance(plan, list):
        return sum(_workers_launched(v) for v in plan)
    return 0


def parallel_workers(client: InProcess, path: str, params: dict[str, str]) -> int:
    """Parallel workers started by the statements of one request (EXPLAIN ANALYZE of each):
    their CPU is not in this connection's backend, so a row that starts any understates
    PostgreSQL's CPU, and says so."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(path, params)
    launched = 0
    for query in captured.captured_queries:
        if not (query["sql"] or "").lstrip().upper().startswith("SELECT"):  # None: prepared
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + query["sql"])
            (plan,) = cursor.fetchone()
        launched += _workers_launched(plan)
    return launched


def _access_paths(plan: Any, found: list[str]) -> None:
    """The scans of an EXPLAIN (FORMAT JSON) plan: "Index Scan reviewkey_keyset ×rows"."""
    if isinstance(plan, list):
        for item in plan:
            _access_paths(item, found)
    elif isinstance(plan, dict):
        node = plan.get("Node Type", "")
        if "Scan" in node:
            target = plan.get("Index Name") or plan.get("Relation Name") or ""
            loops = int(plan.get("Actual Loops", 1))
            rows = int(plan.get("Actual Rows", 0)) * loops
            found.append(
                f"{node} {target} ({rows:,} rows{f', {loops:,} loops' if loops > 1 else ''})"
            )
        for value in plan.values():
            if isinstance(value, list | dict):
                _access_paths(value, found)


def explained(client: InProcess, path: str, params: dict[str, str]) -> tuple[int, str]:
    """EXPLAIN ANALYZE of the SELECTs of one request: the parallel workers they start (their
    CPU is not in this connection's backend) and each statement's scans, "; "-separated
    (statements on the queue's tables only: auth and permission look-ups are left out)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(path, params)
    launched = 0
    paths: list[str] = []
    for query in captured.captured_queries:
        sql = query["sql"] or ""
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
            (plan,) = cursor.fetchone()
        launched += _workers_launched(plan)
        if "reviewqueue" in sql:
            found: list[str] = []
            _access_paths(plan, found)
            paths.append(", ".join(found))
    return launched, "; ".join(paths)


def explain_queue(project: Any, variant: Variant) -> None:
    """EXPLAIN ANALYZE of the two statements of a queue page (COUNT and the page)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        selector_page(project, variant)
    for query in captured.captured_queries:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
            plan = "\n".join(row[0] for row in cursor.fetchall())
        print(f"\n-- {variant.label}: {query['sql'][:160]}...\n{plan}")


def profile_side_by_side(seeded: Seeded, anonymize: bool) -> None:
    from coding.adjudication_selectors import side_by_side
    from coding.models import Article
    from coding.services.agreement import latest_article_run

    article = Article.objects.select_related("project").get(pk=seeded.focus_article_id)
    run = latest_article_run(article.pk)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(20):
        side_by_side(article, run, anonymize=anonymize)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


@dataclass
class Row:
    """One line of a result table."""

    label: str
    detail: str
    selector: Timing
    request: Timing
    queries: int
    server: Timing | None = None
    workers: int | None = None


class Server:
    """gunicorn (production settings, sync workers) and one HTTP client, one request at a
    time: the latency a browser on this machine would see. Disabled with --workers 0."""

    def __init__(self, url: str, workers: int, token: str) -> None:
        self.url, self.workers, self.token = url, workers, token
        self.stack = contextlib.ExitStack()
        self.http: Any = None

    def __enter__(self) -> Server:
        if self.workers:
            import httpx

            from bench._common import gunicorn  # the shared production-shaped launcher

            server = self.stack.enter_context(gunicorn(self.url, self.workers))
            self.http = self.stack.enter_context(
                httpx.Client(
                    base_url=server.base_url,
                    headers={"Authorization": f"Token {self.token}"},
                    timeout=30,
                )
            )
        return self

    def __exit__(self, *exc: object) -> None:
        self.stack.close()

    def get(self, path: str, params: dict[str, str]) -> None:
        response = self.http.get(path, params=params)
        if response.status_code != 200:
            raise RuntimeError(f"{path}: {response.status_code} {response.text[:300]}")

    def timing(self, path: str, params: dict[str, str], requests: int) -> Timing | None:
        if not self.http:
            return None
        return repeat(partial(self.get, path, params), requests, in_process=False)


def measure_queue(
    seeded: Seeded, args: argparse.Namespace, client: InProcess, server: Server
) -> list[Row]:
    from coding.models import Project

    project = Project.objects.select_related("codebook_version").get(pk=seeded.project_id)
    path = f"/api/v1/projects/{project.pk}/adjudication/queue/"
    rows = []
    for variant in queue_variants(seeded):
        total, page = selector_page(project, variant)
        assert len(page) == min(total, PAGE_SIZE), (variant, total, len(page))
        rows.append(
            Row(
                variant.label,
                f"{total:,}",
                repeat(partial(selector_page, project, variant), args.requests, in_process=True),
                repeat(partial(client.get, path, variant.params), args.requests, in_process=True),
                client.queries(path, variant.params),
                server.timing(path, variant.params, args.requests),
                parallel_workers(client, path, variant.params),
            )
        )
        if args.explain:
            explain_queue(project, variant)
    return rows


def measure_side_by_side(
    seeded: Seeded, args: argparse.Namespace, client: InProcess, server: Server
) -> tuple[str, list[Row]]:
    """The focus article before its adjudication is opened and after `args.decisions`
    clusters are decided (skipped with --reuse-db: it is open already)."""
    from coding.adjudication_selectors import side_by_side
    from coding.models import Adjudication, Article
    from coding.services.agreement import latest_article_run

    article = Article.objects.select_related("project").get(pk=seeded.focus_article_id)
    run = latest_article_run(article.pk)
    assert run is not None
    clusters = run.params["clusters"]
    path = f"/api/v1/projects/{article.project_id}/articles/{article.pk}/adjudication/"
    about = (
        f"an article of {len(article.text):,} characters, {len(clusters)} aligned events "
        f"({sum(1 for c in clusters if len(c['events']) < args.coders)} not found by every "
        f"coder), {run.disagreements.count()} disagreements"
    )
    rows = []
    for state, decisions in [("not opened", 0), (f"open, {args.decisions} decided", 1)]:
        opened = Adjudication.objects.filter(article=article).exists()
        if opened and not decisions:
            continue
        if decisions and not opened:
            open_focus_adjudication(seeded, args.decisions)
        for anonymize in (False, True):
            params = {"anonymize": "true"} if anonymize else {}
            call = partial(side_by_side, article, run, anonymize=anonymize)
            rows.append(
                Row(
                    f"{state}{', anonymized' if anonymize else ''}",
                    f"{len(client.get(path, params).content) / 1024:.0f} KiB",
                    repeat(call, args.requests, in_process=True),
                    repeat(partial(client.get, path, params), args.requests, in_process=True),
                    client.queries(path, params),
                    server.timing(path, params, args.requests),
                )
            )
    if args.profile:
        profile_side_by_side(seeded, anonymize=False)
    return about, rows


def table(first: str, detail: str, rows: Sequence[Row]) -> list[str]:
    lines = [
        f"| {first} | {detail} | selector p50 / p95 ms | request p50 / p95 ms | CPU ms per "
        "request (Django + PostgreSQL) | SQL statements | parallel workers | "
        "gunicorn p50 / p95 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        lines.append(
            f"| {row.label} | {row.detail} | {row.selector.wall()} | {row.request.wall()} | "
            f"{row.request.cpu()} | {row.queries} | "
            f"{'—' if row.workers is None else row.workers} | "
            f"{row.server.wall() if row.server else '—'} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--coders", type=int, default=3, help="coders, each codes every article")
    parser.add_argument("--requests", type=int, default=40, help="measured requests per row")
    parser.add_argument("--decisions", type=int, default=10, help="decided clusters (focus)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (0: skip)")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the queue SQL")
    parser.add_argument("--profile", action="store_true", help="cProfile side_by_side")
    parser.add_argument(
        "--agreement",
        choices=["equivalent", "service"],
        default="equivalent",
        help="equivalent: bulk-create runs shaped as the service's (fast); service: "
        "project_agreement_compute over every article (slow: ~0.1 s an article here)",
    )
    parser.add_argument(
        "--scale",
        help="comma-separated project sizes (e.g. 1000,10000,100000): grow one database to "
        "each and measure only the queue, over HTTP, with several supervisors "
        "(bench/_queue_scale.py)",
    )
    parser.add_argument("--rate", type=float, default=5, help="--scale: requests/s offered")
    parser.add_argument("--duration", type=float, default=5, help="--scale: seconds per row")
    parser.add_argument(
        "--service-queue-up-to",
        type=int,
        default=100_000,
        help="--scale: sizes above this get their queue rows in SQL (checked on a sample)",
    )
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database")
    parser.add_argument(
        "--reuse-db", action="store_true", help="measure the database a --keep-db run left"
    )
    args = parser.parse_args()
    if args.scale:
        run_scale_mode(args)
        return
    url = f"{SERVER}/{DB}" if args.reuse_db else recreate_database()
    try:
        setup_django(url)
        if args.reuse_db:
            seeded, data = reused(), [f"data: reused ({table_counts()})"]
        else:
            seeded, data = generate(args)
        load_before = load_average()
        client = InProcess(token_for(seeded.supervisor_id))
        with Server(url, args.workers, token_for(seeded.supervisor_id)) as server:
            queue = measure_queue(seeded, args, client, server)
            about, side = measure_side_by_side(seeded, args, client, server)
        load_after = load_average()
        command = ".venv/bin/python bench/bench_adjudication.py " + " ".join(sys.argv[1:])
        print("\n### Adjudication reads (issue 7)\n")
        print(f"Command: `{command.strip()}`  ")
        print(f"Machine: {machine_note()}  ")
        print(
            f"Load average (1 min): {load_before:.1f} before the reads, {load_after:.1f} "
            "after — other benchmarks and test suites share the 2 cores, so wall times are "
            "noisy; the CPU column is the work a request does, about its latency on a quiet "
            "machine."
        )
        print()
        for line in data:
            print(f"- {line}")
        print(
            f"- {args.requests} requests per row after 5 warm-up ones. selector: the "
            "function alone (queue: COUNT + first page, as the paginator does); request: "
            "GET through Django's test client in this process (token auth, permission "
            "checks, serialization, JSON); gunicorn: the same GET over HTTP to "
            f"{args.workers} sync workers with production settings, one request at a time."
        )
        print(
            f"\nQueue, first page of {PAGE_SIZE} (target ≤ 50 ms CPU, p95 ≤ 100 ms; "
            "parallel workers: started by the request's statements, their CPU not counted):\n"
        )
        print("\n".join(table("filter", "rows", queue)))
        print(f"\nSide by side, {about} (target ≤ 150 ms):\n")
        print("\n".join(table("state", "JSON", side)))
    finally:
        if not (args.keep_db or args.reuse_db):
            from django.db import connections

            connections.close_all()
            drop_database()


def run_scale_mode(args: argparse.Namespace) -> None:
    """The queue alone at growing sizes, over HTTP (bench/_queue_scale.py)."""
    from bench._queue_scale import run_scale

    url = f"{SERVER}/{DB}" if args.reuse_db else recreate_database()
    try:
        setup_django(url)
        # gunicorn inherits this: with the default 60 s a worker's backend is replaced inside
        # a measured window and its CPU drops out of the sum (negative readings).
        os.environ["CONN_MAX_AGE"] = "3600"
        from coding.models import User

        def client() -> InProcess:
            supervisor = User.objects.filter(username__startswith="qsupervisor").first()
            assert supervisor is not None
            return InProcess(token_for(supervisor.pk))

        def explain(path: str) -> tuple[int, str]:
            return explained(client(), path, {})

        def inprocess_cpu(path: str) -> tuple[float, float]:
            """Median over 5 batches of 10 GETs of (Django, backend) CPU ms per request."""
            caller = client()
            batches = [repeat(partial(caller.get, path), 10, in_process=True) for _ in range(5)]
            django = sorted(b.django_cpu or 0.0 for b in batches)[2]
            database = sorted(b.database_cpu or 0.0 for b in batches)[2]
            return django, database

        command = ".venv/bin/python bench/bench_adjudication.py " + " ".join(sys.argv[1:])
        print(f"Command: `ATHAR_BENCH_DB={DB} {command.strip()}`", flush=True)
        run_scale(args, DB, url, explain, inprocess_cpu)
    finally:
        if not (args.keep_db or args.reuse_db):
            from django.db import connections

            connections.close_all()
            drop_database()


def generate(args: argparse.Namespace) -> tuple[Seeded, list[str]]:
    """Seed the database; the summary lines describing the data."""
    from django.db import connection

    rng = random.Random(20_261_122)
    start = time.perf_counter()
    seeded = seed(args.articles, args.coders, args.agreement == "equivalent", rng)
    seed_seconds = time.perf_counter() - start
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    agreement = compute_agreement(seeded, args.agreement == "service", rng)
    adjudications = seed_adjudications(seeded, rng)
    # Runs and adjudications were bulk-created above, past the services that keep the queue's
    # rows: build them as the rebuild_review_queue command does after such a load.
    start = time.perf_counter()
    queue_rows = rebuild_queue(seeded)
    rebuild_note = (
        f"queue rows rebuilt in {time.perf_counter() - start:.1f} s"
        if queue_rows is not None
        else "no queue rows (code before migration 0020)"
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return seeded, [
        f"data: {seeded.n_articles:,} articles, {args.coders} coders each, "
        f"{seeded.n_events:,} coder events, {seeded.n_spans:,} evidence spans "
        f"(bulk_create in {seed_seconds:.0f} s)",
        agreement_note(args.agreement, seeded, agreement)
        + f"; {table_counts()}; adjudications {adjudications['open']:,} open, "
        f"{adjudications['validated']:,} validated; {rebuild_note}",
    ]


def rebuild_queue(seeded: Seeded) -> int | None:
    """Build the project's ReviewQueueEntry rows; None on code that predates them (so the
    same script measures the queue before and after)."""
    try:
        from coding.services.review_queue import review_queue_rebuild
    except ImportError:
        return None
    from coding.models import Project

    return review_queue_rebuild(project=Project.objects.get(pk=seeded.project_id))


def reused() -> Seeded:
    """What `seed` made, read back from a kept database."""
    from coding.models import Article, Membership, Project, User

    project = Project.objects.get(slug="adjudication")
    coders = Membership.objects.filter(project=project, role="coder").order_by("user_id")
    return Seeded(
        project_id=project.pk,
        supervisor_id=User.objects.get(username="supervisor").pk,
        coder_ids=list(coders.values_list("user_id", flat=True)),
        focus_article_id=Article.objects.filter(project=project).order_by("id")[0].pk,
    )


def agreement_note(mode: str, seeded: Seeded, timings: dict[str, float]) -> str:
    reruns = (
        f"then a coder edits an event in {timings['n_reruns']:,.0f} articles and "
        f"article_agreement_compute stores newer runs ({timings['reruns']:.0f} s)"
    )
    if mode == "service":
        return f"agreement: project_agreement_compute {timings['project']:.0f} s, {reruns}"
    return (
        "agreement: runs, results and disagreements bulk-created as the service stores them "
        f"({seeded.n_equivalent_disagreements:,} disagreements), the focus article's run by "
        f"article_agreement_compute, {reruns}"
    )


def table_counts() -> str:
    from coding.models import AgreementResult, AgreementRun, Disagreement

    return (
        f"{AgreementRun.objects.filter(scope='article').count():,} article runs, "
        f"{AgreementResult.objects.count():,} results, "
        f"{Disagreement.objects.count():,} disagreements"
    )


if __name__ == "__main__":
    main()
