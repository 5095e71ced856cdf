"""Strings the "Proposed names" module (frontend/static/frontend/js/proposals/) shows,
translated by Django; merged into frontend.ui_strings.ui_strings (kept apart so that module
stays small)."""

from __future__ import annotations

from django.utils.translation import gettext as _

_DONE = (
    "{name} now points at entry #{id}: {rewritten} open events changed, {frozen} submitted "
    "or validated events keep the typed name."
)


def proposal_strings() -> dict[str, str]:
    """Every UI string of the proposed-names page module, in the active language."""
    return {
        "Actor": _("Actor"),
        "Place": _("Place"),
        "(unknown)": _("(unknown)"),
        "ACLED actor type (inter code)": _("ACLED actor type (inter code)"),
        "Choose an entry to merge into.": _("Choose an entry to merge into."),
        "Country (ISO code, like ML)": _("Country (ISO code, like ML)"),
        "Create a new entry": _("Create a new entry"),
        "Create the entry": _("Create the entry"),
        "Events: {events} (still open: {open}); fields: {fields}": _(
            "Events: {events} (still open: {open}); fields: {fields}"
        ),
        "Kind of place (town, village, region…)": _("Kind of place (town, village, region…)"),
        "Latitude": _("Latitude"),
        "Longitude": _("Longitude"),
        "Merge as an alias": _("Merge as an alias"),
        "Merge into an existing entry (its spellings become aliases)": _(
            "Merge into an existing entry (its spellings become aliases)"
        ),
        "Name": _("Name"),
        "No proposed names: every coded actor and place is in the dictionary.": _(
            "No proposed names: every coded actor and place is in the dictionary."
        ),
        "No similar entry: search the dictionary.": _("No similar entry: search the dictionary."),
        "Proposed names: {count}": _("Proposed names: {count}"),
        "Resolved names: {count}": _("Resolved names: {count}"),
        "No resolved names yet.": _("No resolved names yet."),
        "Resolved into:": _("Resolved into:"),
        "Could not load the names.": _("Could not load the names."),
        "Search the dictionary": _("Search the dictionary"),
        "Similar entries:": _("Similar entries:"),
        "Spellings:": _("Spellings:"),
        "The change was refused.": _("The change was refused."),
        "a name is required": _("a name is required"),
        "a number of degrees": _("a number of degrees"),
        "an ACLED inter code from 1 to 8": _("an ACLED inter code from 1 to 8"),
        "an ISO 3166-1 alpha-2 code, like ML": _("an ISO 3166-1 alpha-2 code, like ML"),
        "give both latitude and longitude, or neither": _(
            "give both latitude and longitude, or neither"
        ),
        "outside -90..90 / -180..180": _("outside -90..90 / -180..180"),
        _DONE: _(_DONE),
    }
