"""ACLED admin1 cells hold region names; the ISO 3166-2 code goes to athar_admin1_iso."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import pytest

from coding.exporting import csv_chunks
from coding.exporting.admin_units import admin1_codes, admin1_name
from tests.exporting.factories import GAO, acled_event, acled_spec


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("ML-5", "Mopti"),
        ("ML-6", "Tombouctou"),
        ("ml-7", "Gao"),
        ("ML-9", "Ménaka"),
        ("ML-BKO", "Bamako"),
        ("BF-12", "Sahel"),
        ("Gao", None),
        ("ML-99", None),
        ("", None),
    ],
)
def test_admin1_name_of_an_iso_code(code: str, name: str | None) -> None:
    assert admin1_name(code) == name


@pytest.mark.parametrize(
    ("value", "codes"),
    [
        ("ML-6", {"ML-6"}),
        ("ml-6", {"ML-6"}),
        ("Tombouctou", {"ML-6", "Tombouctou"}),
        ("tombouctou", {"ML-6", "tombouctou"}),
        ("Segou", {"ML-4", "Segou"}),  # accents do not matter
        ("Nowhere", {"Nowhere"}),  # never empty: a name stored by hand still matches
    ],
)
def test_an_admin1_filter_value_is_a_code_or_a_name(value: str, codes: set[str]) -> None:
    assert admin1_codes(value) == codes


def _row(location_admin1: str) -> dict[str, str]:
    event = replace(acled_event(), location=replace(GAO, admin1=location_admin1))
    text = "".join(csv_chunks([event], acled_spec()))
    return next(csv.DictReader(io.StringIO(text, newline="")))


def test_acled_admin1_is_the_region_name_and_the_code_is_provenance() -> None:
    row = _row("ML-7")
    assert (row["admin1"], row["admin2"], row["admin3"]) == ("Gao", "Gao", "")
    assert row["athar_admin1_iso"] == "ML-7"
    timbuktu = _row("ML-6")
    assert (timbuktu["admin1"], timbuktu["athar_admin1_iso"]) == ("Tombouctou", "ML-6")


def test_an_admin1_that_is_not_a_code_is_written_as_it_is() -> None:
    row = _row("Île-de-France")
    assert (row["admin1"], row["athar_admin1_iso"]) == ("Île-de-France", "")
