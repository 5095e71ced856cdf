"""Counted strings the JavaScript modules show, in every plural form of the active language.

gettext picks a plural form with the catalog's own formula (Arabic has six forms: zero, one,
two, few, many, other), which a page cannot evaluate (the Content-Security-Policy forbids
eval). The browser already knows the same CLDR categories (`Intl.PluralRules`), so each string
is handed over once per category, computed here with a number of that category; the module
picks the form with `tn(singular, plural, n)` (frontend/static/frontend/js/i18n.js).

Keys are the English singulars of the `tn("…", "…", n)` calls (a test checks both lists agree).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import ngettext

from frontend.ui_strings import ui_strings

# One number of each CLDR plural category (Arabic has all six; English and French use "one"
# and "other", French also "many" for millions, which gettext's French formula calls plural).
CATEGORY_SAMPLES = {"zero": 0, "one": 1, "two": 2, "few": 3, "many": 11, "other": 100}

# Written out call by call so that `makemessages` extracts each pair.
PLURALS: dict[str, Callable[[int], str]] = {
    "{n} type shown": lambda n: ngettext("{n} type shown", "{n} types shown", n),
    "{n} article": lambda n: ngettext("{n} article", "{n} articles", n),
    "{n} event": lambda n: ngettext("{n} event", "{n} events", n),
    "{n} place": lambda n: ngettext("{n} place", "{n} places", n),
    "{n} byte": lambda n: ngettext("{n} byte", "{n} bytes", n),
    "({n} character)": lambda n: ngettext("({n} character)", "({n} characters)", n),
    "{done} of {n} article ({state})": lambda n: ngettext(
        "{done} of {n} article ({state})", "{done} of {n} articles ({state})", n
    ),
    "The first {shown} of {n} event": lambda n: ngettext(
        "The first {shown} of {n} event", "The first {shown} of {n} events", n
    ),
    "{n} validated event matches; the table shows it.": lambda n: ngettext(
        "{n} validated event matches; the table shows it.",
        "{n} validated events match; the table shows the first {shown}.",
        n,
    ),
    "{month}: {n} event": lambda n: ngettext("{month}: {n} event", "{month}: {n} events", n),
    "{place}: {n} event": lambda n: ngettext("{place}: {n} event", "{place}: {n} events", n),
    "{n} event is not on the map: its place has no coordinates in the dictionary ({places}).": (
        lambda n: ngettext(
            "{n} event is not on the map: its place has no coordinates in the dictionary "
            "({places}).",
            "{n} events are not on the map: their places have no coordinates in the "
            "dictionary ({places}).",
            n,
        )
    ),
    "{n} event has no place coded.": lambda n: ngettext(
        "{n} event has no place coded.", "{n} events have no place coded.", n
    ),
    "{n} event here: click again for the next one.": lambda n: ngettext(
        "{n} event here: click again for the next one.",
        "{n} events here: click again for the next one.",
        n,
    ),
}

PLURALS_KEY = "__plurals__"


def ui_plurals() -> dict[str, dict[str, str]]:
    """Singular → {CLDR category → the form gettext gives for a number of that category}."""
    return {
        key: {category: form(n) for category, n in CATEGORY_SAMPLES.items()}
        for key, form in PLURALS.items()
    }


def ui_catalog() -> dict[str, Any]:
    """What a page hands its modules: the strings, and the counted strings under PLURALS_KEY."""
    return {**ui_strings(), PLURALS_KEY: ui_plurals()}
