"""The disagreement list carries what the coders stored and the words they marked, next to
the compared forms agreement used."""

from __future__ import annotations

import pytest

from tests.world import ARTICLE_TEXT, World

pytestmark = pytest.mark.django_db


def test_each_disagreement_shows_the_values_and_quotes_as_coded(disputed: World) -> None:
    world = disputed
    url = f"/api/v1/projects/{world.project.pk}/disagreements/"
    results = world.client(world.supervisor).get(url).json()["results"]
    by_kind = {(d["kind"], d["field"]): d for d in results}
    a, b = str(world.coder_a.pk), str(world.coder_b.pk)

    fatalities = by_kind[("other_field", "fatalities")]
    assert fatalities["text_direction"] == "rtl"
    assert {c: v["value"] for c, v in fatalities["as_coded"].items()} == {a: 5, b: 7}

    unmatched = by_kind[("unmatched_event", "")]
    assert unmatched["details"]["values"] == {a: True, b: False}
    assert unmatched["as_coded"] == {  # coder B has no event there: nothing coded to show
        a: {"value": None, "quotes": [{"role": "trigger", "quote": "أعلنت"}]},
    }
    for d in results:
        for coded in d["as_coded"].values():
            for quote in coded["quotes"]:
                assert quote["quote"] in ARTICLE_TEXT
