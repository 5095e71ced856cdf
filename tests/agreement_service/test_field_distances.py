"""Stored coder values reach α in the form their codebook distance compares, and the
results name the distance."""

from __future__ import annotations

import dataclasses
import math

import pytest

from coding.agreement import compute_article_agreement
from coding.codebook_runtime import version_spec
from coding.codebook_spec import load_codebook_text
from coding.models import AgreementResult, AgreementRun
from coding.services.agreement import project_agreement_compute
from coding.services.agreement_inputs import (
    agreement_fields,
    load_article_inputs,
    normalize_value,
)
from tests.factories import LocationFactory
from tests.world import DATA, World

pytestmark = pytest.mark.django_db

DISTANCES = {"event_date": "date_range", "location": "place_hierarchy", "notes_text": "identical"}


def _with_distances(world: World):  # type: ignore[no-untyped-def]
    spec = version_spec(world.project.codebook_version)
    fields = tuple(
        dataclasses.replace(f, distance=DISTANCES.get(f.key, f.distance)) for f in spec.fields
    )
    return dataclasses.replace(spec, fields=fields)


def test_date_values_become_ranges_and_places_their_hierarchy(coded: World) -> None:
    spec = _with_distances(coded)
    coded.location.admin1 = "Mopti"
    coded.location.admin2 = "Douentza"
    coded.location.save()
    [inputs] = load_article_inputs([coded.article.pk], spec, coded.project.codebook_version.pk)
    attack = next(e for e in inputs.events if e.values["fatalities"] == 7)
    day = 738318  # 2022-06-12
    assert attack.values["event_date"] == (day, day)
    assert attack.values["location"] == ("ML", "Mopti", "Douentza", coded.location.pk)
    result = compute_article_agreement(inputs.events, agreement_fields(spec), inputs.coders)
    assert result.fields["event_date"].alpha.distance == "date_range"
    assert result.fields["location"].alpha.distance == "place_hierarchy"


def test_normalize_value_per_distance() -> None:
    spec_fields = {f.key: f for f in _mini_fields()}
    date = spec_fields["event_date"]
    assert normalize_value(date, {"start": "2022-06-01", "end": "2022-06-30"}) == (
        738307,
        738336,
    )
    place = spec_fields["location"]
    other = LocationFactory(country="ML", admin1="", admin2="")
    # Without its hierarchy (not loaded) a dictionary place still compares as itself.
    assert normalize_value(place, {"id": other.pk}) == (None, None, None, other.pk)
    assert normalize_value(place, {"name": " Boulkessi "})[:3] == (None, None, None)
    assert normalize_value(place, None) is None


def _mini_fields():  # type: ignore[no-untyped-def]
    spec = load_codebook_text((DATA / "mini_codebook.yaml").read_text("utf-8"))
    return [dataclasses.replace(f, distance=DISTANCES.get(f.key)) for f in spec.fields]


def test_free_text_gets_no_alpha_in_the_project(coded: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    spec = _with_distances(coded)
    monkeypatch.setattr("coding.services.agreement.version_spec", lambda version: spec)
    run = project_agreement_compute(project_id=coded.project.pk)
    assert run.status == AgreementRun.Status.DONE
    rows = AgreementResult.objects.filter(
        run=run, metric="alpha", event_type_code="", coder_a__isnull=True
    )
    notes = rows.get(field_key="notes_text")
    assert notes.value is None
    assert notes.status == "not applicable: identity only"
    assert notes.details["distance"] == "identical"
    date = rows.get(field_key="event_date")
    assert date.details["distance"] == "date_range"
    assert date.level == "interval"
    fatalities = rows.get(field_key="fatalities")
    assert "distance" not in fatalities.details
    assert fatalities.level == "ratio"
    assert fatalities.value is None or not math.isnan(fatalities.value)
