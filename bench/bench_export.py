"""Dataset export at scale: 1,000,000 validated events, CSV streamed over HTTP and a release.

Targets (issue 8):

1. CSV export ≥ 50,000 rows/s streamed through the real endpoint
   ``GET /api/v1/projects/{id}/export/?format=csv`` (gunicorn in the production shape, one sync
   worker, a researcher's token, the stream read with httpx), peak worker memory ≤ 300 MB
   (VmHWM of the gunicorn worker), compared with a bare PostgreSQL
   ``COPY (SELECT <the same rows' main columns>) TO STDOUT`` of the same rows in the same run.
2. A release of 1,000,000 events (CSV, JSONL, GeoJSON, Data Package) via
   ``coding.services.releases.release_build`` (what the Celery task runs) in ≤ 3 minutes.

The data set is generated with COPY into a database of its own (``athar_bench_export``,
dropped at the start and at the end): a project on the ACLED preset, 100,000 articles with
short canonical texts (Arabic, French, English, emoji), each validated with 10 gold events
whose values are valid for the ACLED codebook (checked with ``validate_event``) and refer to
200 actors and 100 places, 3 evidence spans per event with ``quote == text[start:end]``, one
active decision per gold event citing 1–2 of a small set of coder events, and an agreement run
per article. Generating 1,000,000 events takes about 4 minutes.

    .venv/bin/python bench/bench_export.py                  # the full benchmark
    .venv/bin/python bench/bench_export.py --events 100000  # a quicker look
    .venv/bin/python bench/bench_export.py --keep           # keep the database for --reuse
    .venv/bin/python bench/bench_export.py --linked 1000    # 1,000 pairs linked (rendered rows)

Every gold event is its own dataset event (as validation makes it); ``--linked`` links pairs
of reports of neighbouring articles, whose rows are then combined as they are exported.
"""

from __future__ import annotations

import argparse
import codecs
import csv
import hashlib
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _common
from _common import (
    CpuSnapshot,
    cpu_snapshot,
    database_url,
    drop_database,
    gunicorn,
    print_summary,
    recreate_database,
    setup_django,
    token_for,
)

# gunicorn's start (Django, the app) took over 30 s on the shared machine at load 20: wait
# longer for /healthz than _common's default before giving up.
_common._wait_ready.__defaults__ = (180.0,)

# Overridable so that two worktrees can run it at once without dropping each other's database.
DB = os.environ.get("ATHAR_BENCH_EXPORT_DB", "athar_bench_export")
SLUG = "bench-export"
COMMAND = ".venv/bin/python bench/bench_export.py"
EVENTS_PER_ARTICLE = 10
N_ACTORS = 200
N_PLACES = 100
N_CODER_EVENTS = 2000
BASE_TIME = datetime(2024, 1, 1, tzinfo=UTC)

TARGET_ROWS_PER_S = 50_000
TARGET_RSS_MB = 300
TARGET_RELEASE_S = 180

# --- Generated content --------------------------------------------------------------------

SENTENCES = [
    "هاجم مسلحون مجهولون قرية بولكيسي في وسط مالي فجر الثلاثاء",
    "قالت مصادر أمنية إن الجيش المالي رد على الهجوم بعد ساعات",
    "أعلنت جماعة نصرة الإسلام والمسلمين مسؤوليتها عن الكمين قرب غوسي",
    "Des hommes armés ont attaqué le poste de Boulkessi mardi à l'aube",
    "Selon une source locale, une dizaine de civils ont été tués à Ménaka",
    "Gunmen attacked a military post near Boulkessi early on Tuesday",
    'JNIM claimed responsibility for the "ambush" in a statement 🔥',
    "Witnesses described explosions near the Timbuktu camp overnight 🇲🇱",
]
TITLES = ["اشتباكات في غاو", 'Attaque à Boulkessi, "bilan lourd"', "Ambush near Gossi, army says"]
SOURCES = ["Al Jazeera", "RFI", "Reuters", "Studio Tamani", "Sahel Wire, Bamako", "Le Républicain"]
SCALES = ["National", "International", "Subnational", "Regional", ""]
NOTES = [
    "On {day}, JNIM militants attacked FAMa positions near {place}. {n} fatalities.",
    'قال الجيش: "اشتباك عنيف" قرب {place} 🔥\nسطر ثانٍ ({n})',
    "Le {day}, des hommes armés ont attaqué {place}; bilan: {n} morts, selon des sources.",
    "-{n} killed at {place}, per local sources",
]
TAGS = ["", "", "women targeted: girls", "=cmd|' /C calc'!A0", "local administrators"]
COUNTRIES = ["ML", "BF", "NE", "MR", "TD", "NG", "DZ", "FR"]  # FR: unlisted, empty ISO cells
ADMIN1 = ["Gao", "Mopti", "Tombouctou", "Kidal", "Ménaka", "Sahel", "Tillabéri", "Est"]
WORD = re.compile(r"\w{3,}")


def article_text(index: int) -> tuple[str, str, str, list[tuple[int, int]]]:
    """(language, title, canonical text, word spans in code points) of article ``index``:
    three sentences on two lines after a reference unique to the article."""
    a, b, c = (SENTENCES[(index * k + k) % len(SENTENCES)] for k in (1, 3, 5))
    text = unicodedata.normalize("NFC", f"Réf. {index:07d} — {a}.\n{b}. {c}.")
    language = ("ar", "fr", "en", "ar")[index % 4]
    title = f"{TITLES[index % len(TITLES)]} ({index})"
    return language, title, text, [(m.start(), m.end()) for m in WORD.finditer(text)]


@dataclass(frozen=True)
class World:
    project_id: int
    supervisor_id: int
    researcher_token: str
    total_events: int
    rows: int = 0  # dataset events: the export's rows (total_events less the linked pairs)

    @property
    def dataset_rows(self) -> int:
        return self.rows or self.total_events


# --- Seeding ----------------------------------------------------------------------------------


class Seeder:
    """The project, users and dictionaries through the services; the bulk through COPY with
    explicit ids (sequences are moved past them at the end)."""

    def __init__(self, total_events: int, linked: int = 0, *, triggers: bool = True) -> None:
        self.linked = linked
        self.triggers = triggers
        from django.db import connection

        from coding.codebook_spec import load_preset
        from coding.models import EventType, User
        from coding.services.codebooks import codebook_version_create
        from coding.services.projects import membership_set, project_create

        self.total = total_events
        self.articles = -(-total_events // EVENTS_PER_ARTICLE)
        self.spec = load_preset("acled")
        self.version = codebook_version_create(spec=self.spec, publish=True)
        self.project = project_create(
            slug=SLUG, name="Export bench", codebook_version=self.version, overlap=2
        )
        self.supervisor = User.objects.create(username="bench-supervisor")
        self.researcher = User.objects.create(username="bench-researcher")
        self.coders = [User.objects.create(username=f"bench-coder{i}") for i in range(2)]
        membership_set(project=self.project, user=self.supervisor, role="supervisor")
        membership_set(project=self.project, user=self.researcher, role="researcher")
        for coder in self.coders:
            membership_set(project=self.project, user=coder, role="coder")
        self.actors, self.places = self._dictionaries()
        self.subtypes = [
            (sub.pk, sub.code, sub.parent_id, sub.parent.code)  # type: ignore[union-attr]
            for sub in EventType.objects.filter(version=self.version, depth=1).select_related(
                "parent"
            )
        ]
        self.cursor = connection.cursor().cursor  # the psycopg cursor under Django's wrapper
        self.cursor.execute("SET synchronous_commit = off")
        if not triggers:
            # --seed-without-triggers: the bulk rows skip every trigger (the throughput facts'
            # per-row adjudication trigger made the 1M seed run for hours, 2026-12-08); none
            # maintains anything an export reads.
            self.cursor.execute("SET session_replication_role = replica")
        self.now = datetime.now(UTC)
        self.texts: list[str] = []
        self.words: list[list[tuple[int, int]]] = []

    def _dictionaries(self) -> tuple[list[Any], list[Any]]:
        from coding.models import Actor, Location

        actors = Actor.objects.bulk_create(
            Actor(
                key=f"actor-{i}",
                name=f"Actor {i}: {('JNIM', 'FAMa', 'Wagner, PMC', 'Dozo militia')[i % 4]}",
                actor_type=1 + i % 8,
                country=COUNTRIES[i % len(COUNTRIES)],
                external_id=f"wikidata:Q{1000 + i}" if i % 2 else "",
            )
            for i in range(N_ACTORS)
        )
        places = Location.objects.bulk_create(
            Location(
                key=f"place-{i}",
                name=f"{('Gao', 'Boulkessi', 'غاو', 'Ménaka')[i % 4]} {i}",
                country=COUNTRIES[i % len(COUNTRIES)],
                admin1=ADMIN1[i % len(ADMIN1)],
                admin2=f"Cercle {i % 13}",
                latitude=None if i % 50 == 49 else 10 + (i * 0.137) % 12,
                longitude=None if i % 50 == 49 else -12 + (i * 0.291) % 20,
                coord_source="" if i % 50 == 49 else "bench",
                external_id=f"geonames:{2450000 + i}",
            )
            for i in range(N_PLACES)
        )
        return actors, places

    def values(self, i: int) -> tuple[dict[str, Any], tuple[Any, ...]]:
        """The stored values of event ``i`` and its typed columns (type, sub-type, start,
        end, date precision, location, geo precision, fatalities)."""
        sub_id, _sub_code, type_id, type_code = self.subtypes[(i * 7) % len(self.subtypes)]
        start = date(2022, 1, 1) + timedelta(days=i % 900)
        precision = 1 + i % 3
        end = start + timedelta(days=(0, 2, 12)[precision - 1])
        actor1 = self.actors[i % N_ACTORS]
        place = self.places[(i * 3) % N_PLACES]
        fatalities = i % 17
        geo = 1 + (i // 3) % 3
        values: dict[str, Any] = {
            "event_date": {"start": start.isoformat(), "end": end.isoformat()},
            "time_precision": str(precision),
            "actor1": {"id": actor1.pk},
            "inter1": str(actor1.actor_type),
            "location": {"id": place.pk},
            "geo_precision": str(geo),
            "notes": NOTES[i % len(NOTES)].format(day=start, place=place.name, n=fatalities),
            "fatalities": fatalities,
        }
        if i % 3:
            values["assoc_actor_1"] = [{"id": self.actors[(i * 7 + 1) % N_ACTORS].pk}]
            if i % 9 == 1:
                values["assoc_actor_1"].append({"name": "Dozo hunters"})
        if type_code in ("BATTLES", "VIOLENCE_AGAINST_CIVILIANS") or i % 2:
            actor2 = self.actors[(i * 13 + 5) % N_ACTORS]
            values["actor2"] = {"id": actor2.pk}
            values["inter2"] = str(actor2.actor_type)
            if i % 5 == 0:
                values["assoc_actor_2"] = [{"id": self.actors[(i * 11 + 3) % N_ACTORS].pk}]
        if type_code == "VIOLENCE_AGAINST_CIVILIANS":
            values["civilian_targeting"] = bool(i % 2)
        if TAGS[i % len(TAGS)]:
            values["tags"] = TAGS[i % len(TAGS)]
        return values, (type_id, sub_id, start, end, precision, place.pk, geo, fatalities)

    def check_values(self) -> None:
        """Every shape of values the generator makes is valid for the ACLED codebook."""
        from coding.codebook_spec import validate_event

        @dataclass
        class Span:
            role: str

        spans = [Span("trigger"), Span("actor1"), Span("location")]
        codes = {sub_id: (code, parent) for sub_id, code, _, parent in self.subtypes}
        for i in range(90 * len(self.subtypes)):  # every combination of the i % n choices
            values, typed = self.values(i)
            sub_code, type_code = codes[typed[1]]
            errors = validate_event(
                self.spec,
                event_type=type_code,
                event_subtype=sub_code,
                values=values,
                spans=spans,
                complete=True,
            )
            assert not errors, (i, errors)

    def copy(self, table: str, columns: list[str], rows: Iterator[tuple[Any, ...]]) -> None:
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
        )
        with self.cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)

    def next_id(self, table: str) -> int:
        statement = sql.SQL("SELECT COALESCE(MAX(id), 0) + 1 FROM {}").format(sql.Identifier(table))
        row = self.cursor.execute(statement).fetchone()
        assert row is not None
        return int(row[0])

    def run(self) -> World:
        self.check_values()
        started = time.perf_counter()
        article0 = self.next_id("coding_article")
        self.copy(
            "coding_article",
            [
                "id",
                "project_id",
                "title",
                "text",
                "text_sha256",
                "len_cp",
                "len_u16",
                "language",
                "direction",
                "paragraphs",
                "source",
                "url",
                "published_at",
                "external_id",
                "metadata",
                "imported_at",
            ],
            self._articles(article0),
        )
        adjudication0 = self.next_id("coding_adjudication")
        self.copy(
            "coding_adjudication",
            [
                "id",
                "project_id",
                "article_id",
                "status",
                "revision",
                "version",
                "validated_at",
                "validated_by_id",
                "created_at",
            ],
            (
                (
                    adjudication0 + a,
                    self.project.pk,
                    article0 + a,
                    "open",  # validated below, once its gold layer is written
                    1,
                    2,
                    BASE_TIME + timedelta(days=30, seconds=a),
                    self.supervisor.pk,
                    self.now,
                )
                for a in range(self.articles)
            ),
        )
        # A small set of coder events (two coders on the first articles) that decisions cite.
        assignment0 = self.next_id("coding_assignment")
        self.copy(
            "coding_assignment",
            [
                "id",
                "project_id",
                "article_id",
                "coder_id",
                "status",
                "version",
                "created_at",
                "submitted_at",
                "reopen_count",
            ],
            (
                (
                    assignment0 + k,
                    self.project.pk,
                    article0 + k // 2,
                    self.coders[k % 2].pk,
                    "submitted",
                    1,
                    self.now,
                    self.now,
                    0,
                )
                for k in range(N_CODER_EVENTS)
            ),
        )
        coder0 = self.next_id("coding_codedevent")
        self.copy(
            "coding_codedevent",
            EVENT_COLUMNS,
            (
                self._event(coder0 + k, k, article0 + k // 2, assignment0 + k, None)
                for k in range(N_CODER_EVENTS)
            ),
        )
        gold0 = coder0 + N_CODER_EVENTS
        self.copy(
            "coding_codedevent",
            EVENT_COLUMNS,
            (
                self._event(
                    gold0 + i,
                    i,
                    article0 + i // EVENTS_PER_ARTICLE,
                    None,
                    adjudication0 + i // EVENTS_PER_ARTICLE,
                )
                for i in range(self.total)
            ),
        )
        print(f"  articles and events: {time.perf_counter() - started:.0f} s", flush=True)
        self.copy(
            "coding_evidencespan", ["event_id", "role", "start", "end", "quote"], self._spans(gold0)
        )
        # The database refuses gold events and spans in a validated adjudication
        # (coding/migrations/0010_integrity_triggers.py): validate after writing them.
        self.cursor.execute(
            "UPDATE coding_adjudication SET status = 'validated' "
            "WHERE id >= %s AND project_id = %s",
            [adjudication0, self.project.pk],
        )
        self._dataset_events(gold0)
        decision0 = self.next_id("coding_adjudicationdecision")
        self.copy(
            "coding_adjudicationdecision",
            [
                "id",
                "adjudication_id",
                "revision",
                "kind",
                "cluster_key",
                "gold_event_id",
                "field_sources",
                "reason",
                "reason_code",
                "decided_by_id",
                "decided_at",
                "version",
                "active",
            ],
            (
                (
                    decision0 + i,
                    adjudication0 + i // EVENTS_PER_ARTICLE,
                    1,
                    "merge" if i % 2 else "accept",
                    f"k{i % EVENTS_PER_ARTICLE}",
                    gold0 + i,
                    "{}",
                    "",
                    "coder_disagreement" if i % 2 else "",
                    self.supervisor.pk,
                    BASE_TIME + timedelta(days=29, seconds=i),
                    1,
                    True,
                )
                for i in range(self.total)
            ),
        )
        self.copy(
            "coding_adjudicationdecision_source_events",
            ["adjudicationdecision_id", "codedevent_id"],
            (
                (decision0 + i, coder0 + (i + k) % N_CODER_EVENTS)
                for i in range(self.total)
                for k in range(1 + i % 2)  # merges cite two coder events, accepts one
            ),
        )
        self._agreement(article0)
        self.cursor.execute("RESET session_replication_role")
        self.cursor.execute("VACUUM ANALYZE")  # Django's connection is in autocommit mode
        print(f"  all rows: {time.perf_counter() - started:.0f} s", flush=True)
        return World(
            self.project.pk,
            self.supervisor.pk,
            token_for(self.researcher),
            self.total,
            self.total - min(self.linked, self.total // (2 * EVENTS_PER_ARTICLE)),
        )

    def _dataset_events(self, gold0: int) -> None:
        """Every gold event its own dataset event (as validation makes it); with
        ``linked`` > 0, that many pairs of reports of neighbouring articles linked into one
        (the older id survives, the newer is a tombstone merged into it)."""
        self.cursor.execute(
            "INSERT INTO coding_datasetevent (id, project_id, resolution, version, created_at, "
            "changed_at) SELECT e.id, %s, '{}', 1, now(), a.validated_at "
            "FROM coding_codedevent e JOIN coding_adjudication a ON a.id = e.adjudication_id "
            "WHERE e.id >= %s",
            [self.project.pk, gold0],
        )
        self.cursor.execute(
            "INSERT INTO coding_dataseteventreport (dataset_event_id, gold_event_id, article_id, "
            "added_at) SELECT id, id, article_id, now() FROM coding_codedevent WHERE id >= %s",
            [gold0],
        )
        pairs = [
            (gold0 + 2 * k * EVENTS_PER_ARTICLE, gold0 + (2 * k + 1) * EVENTS_PER_ARTICLE)
            for k in range(min(self.linked, self.total // (2 * EVENTS_PER_ARTICLE)))
        ]
        for survivor, absorbed in pairs:
            self.cursor.execute(
                "UPDATE coding_dataseteventreport SET dataset_event_id = %s "
                "WHERE dataset_event_id = %s",
                [survivor, absorbed],
            )
        if pairs:
            self.cursor.execute(
                "UPDATE coding_datasetevent d SET merged_into_id = p.survivor, "
                "retired_at = now(), changed_at = now() FROM unnest(%s::bigint[], "
                "%s::bigint[]) AS p(survivor, absorbed) WHERE d.id = p.absorbed",
                [[a for a, _ in pairs], [b for _, b in pairs]],
            )

    def _articles(self, article0: int) -> Iterator[tuple[Any, ...]]:
        for a in range(self.articles):
            language, title, text, words = article_text(a)
            self.texts.append(text)
            self.words.append(words)
            direction = "rtl" if language == "ar" else "ltr"
            lines, offset = [], 0
            for line in text.split("\n"):
                lines.append([offset, offset + len(line), direction])
                offset += len(line) + 1
            scale = SCALES[a % len(SCALES)]
            yield (
                article0 + a,
                self.project.pk,
                title,
                text,
                hashlib.sha256(text.encode()).hexdigest(),
                len(text),
                len(text.encode("utf-16-le")) // 2,
                language,
                direction,
                json.dumps(lines),
                SOURCES[a % len(SOURCES)],
                f"https://news.example.org/{a}",
                BASE_TIME + timedelta(minutes=a),
                f"ext-{a}",
                json.dumps({"source_scale": scale} if scale else {}),
                self.now,
            )

    def _event(
        self, event_id: int, i: int, article: int, assignment: int | None, adjudication: int | None
    ) -> tuple[Any, ...]:
        values, (type_id, sub_id, start, end, precision, place, geo, dead) = self.values(i)
        gold = adjudication is not None
        return (
            event_id,
            article,
            self.version.pk,
            "gold" if gold else "coder",
            assignment,
            adjudication,
            type_id,
            sub_id,
            json.dumps(values, ensure_ascii=False),
            start,
            end,
            precision,
            place,
            geo,
            dead,
            "",
            1,
            (self.supervisor if gold else self.coders[0]).pk,
            self.now,
            self.now,
            "",  # suggestion_key: not from a machine suggestion
        )

    def _spans(self, gold0: int) -> Iterator[tuple[Any, ...]]:
        """Three spans per gold event on words of its article: quote == text[start:end]."""
        for i in range(self.total):
            text, words = self.texts[i // EVENTS_PER_ARTICLE], self.words[i // EVENTS_PER_ARTICLE]
            for k, role in enumerate(("trigger", "actor1", "location")):
                start, end = words[(i + 5 * k) % len(words)]
                yield (gold0 + i, role, start, end, text[start:end])

    def _agreement(self, article0: int) -> None:
        run0 = self.next_id("coding_agreementrun")
        self.copy(
            "coding_agreementrun",
            [
                "id",
                "project_id",
                "article_id",
                "scope",
                "status",
                "input_digest",
                "params",
                "progress_done",
                "progress_total",
                "error",
                "created_at",
                "finished_at",
            ],
            (
                (
                    run0 + a,
                    self.project.pk,
                    article0 + a,
                    "article",
                    "done",
                    f"d{a}",
                    "{}",
                    1,
                    1,
                    "",
                    self.now,
                    self.now,
                )
                for a in range(self.articles)
            ),
        )
        self.copy(
            "coding_agreementresult",
            [
                "run_id",
                "metric",
                "field_key",
                "event_type_code",
                "level",
                "value",
                "status",
                "n_units",
                "n_pairable",
                "n_coders",
                "details",
            ],
            (
                (run0 + a, "alpha", key, "", "nominal", value, "ok", 10, 10, 2, "{}")
                for a in range(self.articles)
                for key, value in (("", 0.8), ("fatalities", 0.5 + a % 5 / 10), ("actor1", None))
            ),
        )


EVENT_COLUMNS = [
    "id",
    "article_id",
    "codebook_version_id",
    "layer",
    "assignment_id",
    "adjudication_id",
    "event_type_id",
    "event_subtype_id",
    "values",
    "date_start",
    "date_end",
    "date_precision",
    "location_id",
    "geo_precision",
    "fatalities",
    "memo",
    "version",
    "created_by_id",
    "created_at",
    "updated_at",
    "suggestion_key",
]


def existing_world() -> World:
    from coding.models import CodedEvent, DatasetEvent, Project, User

    project = Project.objects.get(slug=SLUG)
    return World(
        project.pk,
        User.objects.get(username="bench-supervisor").pk,
        token_for(User.objects.get(username="bench-researcher")),
        CodedEvent.objects.filter(article__project=project, layer="gold").count(),
        DatasetEvent.objects.filter(project=project, retired_at__isnull=True).count(),
    )


# --- Measurements -----------------------------------------------------------------------------

COPY_SQL = """
COPY (
    SELECT e.id, e.article_id, e.event_type_id, e.event_subtype_id, e.values, e.date_start,
           e.date_end, e.date_precision, e.geo_precision, e.fatalities, e.location_id,
           j.validated_at, j.revision, a.title, a.source, a.url, a.published_at,
           a.external_id, a.language, a.metadata
    FROM coding_codedevent e
    JOIN coding_adjudication j ON j.id = e.adjudication_id
    JOIN coding_article a ON a.id = e.article_id
    WHERE a.project_id = %s AND e.layer = 'gold' AND j.status = 'validated'
      AND j.validated_at <= now()
    ORDER BY e.id
) TO STDOUT
"""


def copy_rows_per_s(project_id: int) -> tuple[float, int]:
    """Rows/s of a bare COPY of the exported rows' main columns (text format, one line a row)."""
    with psycopg.connect(database_url(DB)) as conn, conn.cursor() as cur:
        started = time.perf_counter()
        rows = 0
        with cur.copy(COPY_SQL, (project_id,)) as copy:
            for data in copy:
                rows += bytes(data).count(b"\n")
        return rows / (time.perf_counter() - started), rows


@dataclass
class StreamRun:
    rows: int
    seconds: float
    megabytes: float
    cpu: CpuSnapshot | None = None
    database_cpu: float = 0.0

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.seconds


def _lines(chunks: Iterator[bytes]) -> Iterator[str]:
    """Decoded lines (with their ends) of a UTF-8 byte stream, for csv.reader."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    rest = ""
    for data in chunks:
        *complete, rest = (rest + decoder.decode(data)).split("\n")
        for line in complete:
            yield line + "\n"
    assert not rest + decoder.decode(b"", final=True), "the export ends without a line break"


FORMATS = ("csv", "jsonl", "jsonl-sync", "geojson")
"""What the HTTP part streams: jsonl-sync is JSONL with ``validated_since`` (incremental sync,
the events validated after 2000-01-01 plus tombstones: every row)."""
_QUERIES = {
    "csv": "format=csv",
    "jsonl": "format=jsonl",
    "jsonl-sync": "format=jsonl&validated_since=2000-01-01T00:00:00Z",
    "geojson": "format=geojson",
}
_FEATURE = b'{"type":"Feature","id":'


class _Rows:
    """Passes a byte stream through, counting its bytes and rows: CRLFs for CSV (rows end with
    CRLF and generated cells hold at most LF; the header is one), LFs for JSONL, features for
    GeoJSON (a pattern that only starts a feature), across chunk boundaries."""

    def __init__(self, chunks: Iterator[bytes], fmt: str) -> None:
        self.chunks = chunks
        self.mark = {"csv": b"\r\n", "geojson": _FEATURE}.get(fmt, b"\n")
        self.size = self.count = 0

    def __iter__(self) -> Iterator[bytes]:
        tail = b""
        keep = len(self.mark) - 1
        for data in self.chunks:
            self.count += (tail + data[:keep]).count(self.mark) + data.count(self.mark)
            self.size += len(data)
            tail = data[-keep:] if keep else b""
            yield data


def stream_export(
    base_url: str, project_id: int, token: str, fmt: str = "csv", *, parse: bool = False
) -> StreamRun:
    """GET the export in ``fmt`` (one of ``FORMATS``) and count its rows; ``parse`` also
    reads it (csv.reader: every row has the header's number of cells; JSONL: every line is
    JSON; GeoJSON: the whole document is JSON with that many features)."""
    import httpx

    url = f"{base_url}/api/v1/projects/{project_id}/export/?{_QUERIES[fmt]}"
    started = time.perf_counter()
    with httpx.stream(
        "GET", url, headers={"Authorization": f"Token {token}"}, timeout=600
    ) as response:
        response.raise_for_status()
        stream = _Rows(response.iter_raw(1 << 20), fmt)
        if parse and fmt == "csv":
            widths: set[int] = set()
            records = 0
            for row in csv.reader(_lines(iter(stream))):
                widths.add(len(row))
                records += 1
            assert len(widths) == 1, f"rows of {sorted(widths)} cells"
            assert records == stream.count, (records, stream.count)
        elif parse and fmt == "geojson":
            document = json.loads(b"".join(stream))
            assert len(document["features"]) == stream.count
        elif parse:
            for line in _lines(iter(stream)):
                json.loads(line)
        else:
            for _data in stream:
                pass
    rows = stream.count - 1 if fmt == "csv" else stream.count
    return StreamRun(rows, time.perf_counter() - started, stream.size / 1e6)


def stream_csv(base_url: str, project_id: int, token: str, *, parse: bool = False) -> StreamRun:
    return stream_export(base_url, project_id, token, "csv", parse=parse)


def cpu_line(run: StreamRun) -> str:
    """CPU time per row of gunicorn, PostgreSQL, the reading client, and the whole machine."""
    cpu = run.cpu
    if cpu is None:
        return "?"
    per = 1e6 / run.rows
    return (
        f"gunicorn {cpu.app * per:.1f}, PostgreSQL {run.database_cpu * per:.1f}, "
        f"client {cpu.driver * per:.1f}, machine busy {cpu.machine * per:.1f}"
    )


def _backend_cpu() -> dict[int, float]:
    """CPU seconds of each PostgreSQL backend connected to the bench database, by pid (a
    backend that starts during a run counts from zero; one that ends takes its time away,
    so runs are compared per backend rather than by totals)."""
    ticks = os.sysconf("SC_CLK_TCK")
    cpu: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if not (entry / "cmdline").read_text().startswith("postgres: "):
                continue
            if f" {DB} " not in (entry / "cmdline").read_text():
                continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended
            continue
        cpu[int(entry.name)] = (int(fields[11]) + int(fields[12])) / ticks
    return cpu


class BackendSampler:
    """CPU seconds of the bench database's PostgreSQL backends over a block, sampled every
    0.2 s: a backend that connects and exits within the block (the web worker's connection
    lives one request) is counted up to its last sample, where a before/after difference
    missed it (the PostgreSQL figures that read 0.0)."""

    def __init__(self) -> None:
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self, *, new_from_zero: bool) -> None:
        for pid, seconds in _backend_cpu().items():
            self.first.setdefault(pid, 0.0 if new_from_zero else seconds)
            self.last[pid] = seconds

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            self._sample(new_from_zero=True)

    def __enter__(self) -> BackendSampler:
        self._sample(new_from_zero=False)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample(new_from_zero=True)

    def total(self) -> float:
        return sum(self.last[pid] - self.first[pid] for pid in self.last)


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def _status_kib(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise KeyError(key)


@dataclass
class HttpFigures:
    runs: list[StreamRun]
    copy_rates: list[float]
    peak_kib: int
    cold: StreamRun | None = None  # no stored renderings: every row rendered
    store_seconds: float = 0.0
    stored: int = 0
    store_cpu: float = 0.0  # the refresh's process and its PostgreSQL backend
    fmt: str = "csv"


def store_lines(world: World) -> tuple[float, int, float]:
    """Seconds to render and store every event's renderings (what the refresh task does after
    validations or dictionary changes), how many were stored, and the CPU seconds of this
    process and the bench database's PostgreSQL backends meanwhile."""
    from coding.models import Project
    from coding.services.export_rows import csv_rows_refresh

    project = Project.objects.select_related("codebook_version__codebook").get(pk=world.project_id)
    cpu, backends = time.process_time(), _backend_cpu()
    started = time.perf_counter()
    written = csv_rows_refresh(project=project)
    seconds = time.perf_counter() - started
    cpu = (
        time.process_time()
        - cpu
        + sum(value - backends.get(pid, 0.0) for pid, value in _backend_cpu().items())
    )
    return seconds, written, cpu


def _drop_stored_lines() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE coding_exportcsvrow")


def _reset_peak(pid: int) -> None:
    """Start the worker's VmHWM again from its current RSS (Linux: clear_refs 5), so each
    format's peak is its own."""
    Path(f"/proc/{pid}/clear_refs").write_text("5")


STORE_WORKERS = 2
"""Worker processes that store the renderings (0: this process, serially)."""
BROKER = os.environ.get("REDIS_BENCH", "redis://127.0.0.1:6379/4")


def _set_store_workers(processes: int) -> None:
    global STORE_WORKERS
    STORE_WORKERS = processes


def store(world: World) -> tuple[float, int, float]:
    if not STORE_WORKERS:
        return store_lines(world)
    from _export_store import store_with_workers

    return store_with_workers(
        db=DB,
        database_url=database_url(DB),
        project_id=world.project_id,
        processes=STORE_WORKERS,
        broker=BROKER,
    )


def http_runs(
    world: World, runs: int, timeout: int, *, cold: bool, formats: tuple[str, ...] = FORMATS
) -> list[HttpFigures]:
    """Stores every missing rendering first (timed: the refresh task's work), except that
    with ``cold`` each format is first exported with nothing stored (every row rendered).
    Then for each format a warm-up (parsed) and ``runs`` timed exports through gunicorn (one
    sync worker), each followed by a bare COPY of the same rows; the worker's peak RSS over
    each format's runs."""
    out = []
    with gunicorn(database_url(DB), workers=1, extra_args=["--timeout", str(timeout)]) as server:
        (worker,) = _children(server.process.pid)
        colds: dict[str, StreamRun] = {}
        if cold:
            _drop_stored_lines()
            for fmt in formats:
                colds[fmt] = run = stream_export(
                    server.base_url, world.project_id, world.researcher_token, fmt
                )
                print(f"  {fmt}, nothing stored: {run.rows_per_s:8,.0f} rows/s", flush=True)
        stored = store(world)
        print(f"  stored {stored[1]:,} events' renderings in {stored[0]:.1f} s", flush=True)
        for fmt in formats:
            figures = HttpFigures([], [], 0, colds.get(fmt), *stored, fmt=fmt)
            _reset_peak(worker)
            # A parsed warm-up up to 100,000 events (json.loads of 2 GB of JSONL would take
            # longer than the runs); above, the first timed run is the warm-up's only check.
            warm = None
            if world.total_events <= 100_000:
                warm = stream_export(
                    server.base_url, world.project_id, world.researcher_token, fmt, parse=True
                )
                if fmt != "geojson":  # events without coordinates have no feature
                    assert warm.rows == world.dataset_rows, (fmt, warm.rows, world.dataset_rows)
                print(f"  {fmt} warm-up: {warm.rows:,} rows, {warm.megabytes:.0f} MB", flush=True)
            for run in range(runs):
                before = cpu_snapshot(server.process.pid, DB)
                with BackendSampler() as backends:
                    result = stream_export(
                        server.base_url, world.project_id, world.researcher_token, fmt
                    )
                result.cpu = cpu_snapshot(server.process.pid, DB) - before
                result.database_cpu = backends.total()
                if warm is not None:
                    assert result.rows == warm.rows
                elif fmt != "geojson":
                    assert result.rows == world.dataset_rows, (fmt, result.rows)
                copy_rate, copy_rows = copy_rows_per_s(world.project_id)
                assert copy_rows == world.total_events
                figures.runs.append(result)
                figures.copy_rates.append(copy_rate)
                print(
                    f"  {fmt} run {run + 1}: {result.rows_per_s:8,.0f} rows/s "
                    f"({result.seconds:.1f} s)  COPY {copy_rate:8,.0f} rows/s  "
                    f"CPU µs/row: {cpu_line(result)}  load {_load()}",
                    flush=True,
                )
            figures.peak_kib = _status_kib(worker, "VmHWM")
            out.append(figures)
    return out


def release_run(world: World) -> tuple[float, int, dict[str, int]]:
    """Seconds to build a release of every event, its row count and its file sizes."""
    from django.conf import settings

    from coding.models import Project, User
    from coding.services.releases import release_build, release_request

    media = Path(tempfile.mkdtemp(prefix="athar-bench-export-"))
    settings.MEDIA_ROOT = str(media)
    try:
        project = Project.objects.get(pk=world.project_id)
        supervisor = User.objects.get(pk=world.supervisor_id)
        # Timed from the request: with no broker configured the outbox drain runs on commit
        # and builds the release inside release_request, so timing release_build alone
        # measured a no-op (0 s) on a ready release.
        started = time.perf_counter()
        release = release_request(project=project, actor=supervisor, tag=f"b{time.time_ns()}")
        built = release_build(release_id=release.pk)
        assert built.status == "ready", built.error
        seconds = time.perf_counter() - started
        return seconds, built.row_count, {f.format: f.size for f in built.files.all()}
    finally:
        shutil.rmtree(media, ignore_errors=True)


def report_ms(world: World, repeats: int = 5) -> float | None:
    """Median milliseconds to gather and render a release's reliability report (its share of
    the build); None on a tree without the report."""
    try:
        from coding.services.release_reliability import reliability_figures, reliability_files
    except ImportError:
        return None
    from coding.codebook_runtime import version_spec
    from coding.models import DatasetRelease
    from coding.services.releases import agreement_report

    release = DatasetRelease.objects.filter(project_id=world.project_id, status="ready").first()
    assert release is not None
    spec = version_spec(release.codebook_version)
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        report = agreement_report(release.project)
        reliability_files(reliability_figures(release=release, spec=spec, report=report))
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n", 1)[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3, help="timed HTTP runs (median)")
    parser.add_argument("--timeout", type=int, default=300, help="gunicorn worker timeout, s")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", action="store_true", help="use the kept database as it is")
    parser.add_argument("--no-http", action="store_true", help="skip the HTTP export")
    parser.add_argument("--no-release", action="store_true", help="skip the release")
    parser.add_argument(
        "--cold",
        action="store_true",
        help="first export every format with nothing stored (every row rendered)",
    )
    parser.add_argument(
        "--formats", default=",".join(FORMATS), help=f"comma-separated, of {', '.join(FORMATS)}"
    )
    parser.add_argument(
        "--store-workers",
        type=int,
        default=STORE_WORKERS,
        help="Celery worker processes storing the renderings (0: in this process)",
    )
    parser.add_argument(
        "--linked",
        type=int,
        default=0,
        help="link this many pairs of reports into one dataset event (rendered, not stored)",
    )
    parser.add_argument(
        "--seed-without-triggers",
        action="store_true",
        help="write the generated rows with triggers off (session_replication_role = replica)",
    )
    args = parser.parse_args()
    _set_store_workers(args.store_workers)

    if not args.reuse:
        recreate_database(DB)
    try:
        setup_django(database_url(DB))
        if args.reuse:
            world = existing_world()
        else:
            print(f"Generating {args.events:,} validated events ...", flush=True)
            world = Seeder(args.events, args.linked, triggers=not args.seed_without_triggers).run()
        loads = [_load()]
        lines: list[str] = []
        if not args.no_http:
            print("Every format over HTTP (gunicorn, one sync worker), bare COPY:", flush=True)
            formats = tuple(args.formats.split(","))
            measured = http_runs(world, args.runs, args.timeout, cold=args.cold, formats=formats)
            lines.append(store_line(measured[0]))
            for figures in measured:
                lines += http_lines(world, figures)
            loads.append(_load())
        if not args.no_release:
            print("Release (release_build, every format) ...", flush=True)
            seconds, rows, sizes = release_run(world)
            assert rows == world.dataset_rows, (rows, world.dataset_rows)
            verdict = "met" if seconds <= TARGET_RELEASE_S else "MISSED"
            files = ", ".join(f"{fmt} {size / 1e6:,.0f} MB" for fmt, size in sorted(sizes.items()))
            lines.append(
                f"Release of {rows:,} events (one pass: CSV, JSONL, GeoJSON, Data Package): "
                f"**{seconds:.1f} s** (target ≤ {TARGET_RELEASE_S} s: {verdict}); {files}"
            )
            report = report_ms(world)
            if report is not None:
                lines.append(f"Of which the reliability report (median of 5): {report:.0f} ms")
            loads.append(_load())
        lines.append(
            "The load generator (httpx reading the stream, the COPY client) shares the 2-core "
            "machine with gunicorn and PostgreSQL; load averages (1, 5, 15 min) at the start "
            f"and after each part: {' | '.join(loads)}"
        )
        command = COMMAND if args.events == 1_000_000 else f"{COMMAND} --events {args.events}"
        print_summary("Dataset export, every format (issues 8, 19.2)", command, lines)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            drop_database(DB)


def http_lines(world: World, figures: HttpFigures) -> list[str]:
    runs = figures.runs
    fmt = figures.fmt
    rate = statistics.median(run.rows_per_s for run in runs)
    copy_rate = statistics.median(figures.copy_rates)
    peak_mib = figures.peak_kib / 1024
    middle = sorted(runs, key=lambda run: run.rows_per_s)[len(runs) // 2]
    cold = []
    if figures.cold is not None:
        cold = [
            f"{fmt}, nothing stored (every row rendered): {figures.cold.rows_per_s:,.0f} rows/s"
        ]
    return [
        f"{fmt} over HTTP from stored renderings, {runs[0].rows:,} rows of "
        f"{world.total_events:,} events ({runs[0].megabytes:.0f} MB): "
        f"**{rate:,.0f} rows/s**, median of {len(runs)} runs "
        f"({', '.join(f'{run.rows_per_s:,.0f}' for run in runs)}; target ≥ "
        f"{TARGET_ROWS_PER_S:,}: {'met' if rate >= TARGET_ROWS_PER_S else 'MISSED'}); "
        f"{rate / copy_rate:.2f}× a bare COPY ({copy_rate:,.0f} rows/s)",
        f"  CPU per row in the median run (µs): {cpu_line(middle)}; peak RSS of the gunicorn "
        f"worker (VmHWM) **{peak_mib:.0f} MiB** (target ≤ {TARGET_RSS_MB} MB: "
        f"{'met' if peak_mib * 1.048576 <= TARGET_RSS_MB else 'MISSED'})",
        *cold,
    ]


def store_line(figures: HttpFigures) -> str:
    where = (
        f"{STORE_WORKERS} Celery worker process(es) taking its chunks"
        if STORE_WORKERS
        else "in this process"
    )
    per = ""
    if figures.stored:
        per = f", {1e6 * figures.store_cpu / figures.stored:.0f} µs CPU per event"
    return (
        f"Storing {figures.stored:,} events' renderings in every format (a whole-project "
        f"refresh, {where}): {figures.store_seconds:.1f} s, CPU {figures.store_cpu:.1f} s "
        f"(Celery or this process + PostgreSQL){per}"
    )


if __name__ == "__main__":
    main()
