"""Record types: script derivation and alias equality."""

from __future__ import annotations

import dataclasses

import pytest

from coding.dictionary_files import Alias, PlaceRecord, derive_script


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("تمبكتو", "Arab"),
        ("Tombouctou", "Latn"),
        ("لـJNIM", "Arab"),  # mixed: Arabic wins, the form only occurs in Arabic prose
        ("٢٠٢٣", "Arab"),  # Arabic-Indic digits belong to the Arabic block
        ("G5", "Latn"),
        ("2023", None),
        ("Бамако", None),  # neither Arabic nor Latin: left undetermined
    ],
)
def test_derive_script(text: str, script: str | None) -> None:
    assert derive_script(text) == script


def test_alias_script_is_derived_when_missing() -> None:
    assert Alias("Gao", "fr") == Alias("Gao", "fr", "Latn")
    assert Alias("غاو", "ar").script == "Arab"
    assert Alias("غاو", "ar").script_is_derived is True


def test_alias_keeps_an_explicit_script() -> None:
    romanised = Alias("Ghao", "ar", "Latn")
    assert romanised.script == "Latn"
    assert romanised.script_is_derived is True
    odd = Alias("Gao", "fr", "Arab")
    assert odd.script == "Arab"
    assert odd.script_is_derived is False


def test_records_are_frozen() -> None:
    place = PlaceRecord("gao", "Gao", country="ML", feature_kind="town")
    with pytest.raises(dataclasses.FrozenInstanceError):
        place.name = "Kidal"  # type: ignore[misc]
