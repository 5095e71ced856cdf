"""``relink_values``: proposed names read through resolved links (pure, no database)."""

from __future__ import annotations

from coding.exporting.proposal_links import relink_values
from coding.text.matching import alias_key

FIELDS = {"actor1": "actor", "assoc": "actor", "location": "location", "notes": "text"}
LINKS = {("actor", alias_key("كتيبة ماسينا")): 7, ("location", alias_key("Diallassagou")): 9}


def test_nothing_linked_returns_the_same_object() -> None:
    values = {"actor1": {"name": "Unknown band"}, "location": {"id": 3}, "notes": "كتيبة ماسينا"}
    assert relink_values(values, FIELDS, LINKS, alias_key) is values


def test_spellings_that_fold_alike_are_linked_and_lists_keep_one_reference() -> None:
    values = {
        "actor1": {"name": "كَتِيبَة ماسينا"},  # harakat
        "assoc": [{"name": "كتيبه ماسينا"}, {"id": 7}, {"name": "Other"}],  # taa marbuta
        "location": {"name": "DIALLASSAGOU"},
        "notes": "كتيبة ماسينا",  # text fields are never references
    }
    out = relink_values(values, FIELDS, LINKS, alias_key)
    assert out == {
        "actor1": {"id": 7},
        "assoc": [{"id": 7}, {"name": "Other"}],
        "location": {"id": 9},
        "notes": "كتيبة ماسينا",
    }
    assert values["actor1"] == {"name": "كَتِيبَة ماسينا"}  # the input is not changed


def test_a_name_is_linked_only_for_its_own_kind() -> None:
    values = {"actor1": {"name": "Diallassagou"}, "location": {"name": "كتيبة ماسينا"}}
    assert relink_values(values, FIELDS, LINKS, alias_key) is values


def test_an_entry_reference_is_never_relinked() -> None:
    values = {"actor1": {"id": 3, "name": "كتيبة ماسينا"}}
    assert relink_values(values, FIELDS, LINKS, alias_key) is values
