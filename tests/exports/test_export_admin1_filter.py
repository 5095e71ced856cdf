"""The export's admin1 filter accepts a region's name or its ISO 3166-2 code."""

from __future__ import annotations

import csv
import io

import pytest
from django.utils import timezone

from coding.export_selectors import ExportFilters, iter_export_events
from coding.models import Location
from tests.api.conftest import World
from tests.exports.test_export_csv_rows import _stored_export, _validated_articles

pytestmark = pytest.mark.django_db


def _locations(world: World, admin1: str) -> list[int]:
    events = iter_export_events(world.project, ExportFilters(admin1=admin1), timezone.now())
    return [e.location.id for e in events if e.location is not None]


def test_admin1_filter_takes_the_name_or_the_code(world: World) -> None:
    _validated_articles(world, count=3)
    Location.objects.filter(pk=world.location.pk).update(admin1="ML-6")
    by_code = _locations(world, "ML-6")
    assert by_code
    assert set(by_code) == {world.location.pk}
    assert _locations(world, "ml-6") == by_code
    assert _locations(world, "Tombouctou") == by_code
    assert _locations(world, "tombouctou") == by_code
    assert _locations(world, "Gao") == []
    assert _locations(world, "Nowhere") == []


def test_the_csv_carries_the_code_in_athar_admin1_iso(world: World) -> None:
    _validated_articles(world, count=3)
    Location.objects.filter(pk=world.location.pk).update(admin1="ML-6")
    rows = list(csv.DictReader(io.StringIO(_stored_export(world.project), newline="")))
    codes = {row["athar_admin1_iso"] for row in rows}
    assert codes == {"ML-6", ""}
    assert len(rows) == 6
