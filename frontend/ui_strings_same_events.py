"""Strings the "Same event?" modules (frontend/static/frontend/js/same-events/) show, translated
by Django; merged into frontend.ui_strings.ui_strings (kept apart so that module stays small)."""

from __future__ import annotations

from django.utils.translation import gettext as _


def same_event_strings() -> dict[str, str]:
    """Every UI string of the same-event modules, in the active language."""
    return {
        "A report of this pair is no longer validated: its article was reopened.": _(
            "A report of this pair is no longer validated: its article was reopened."
        ),
        "Both reports become one dataset event; the differing fields take the values chosen "
        "in the table.": _(
            "Both reports become one dataset event; the differing fields take the values "
            "chosen in the table."
        ),
        "Compare pair {id}": _("Compare pair {id}"),
        "Conservative (lowest)": _("Conservative (lowest)"),
        "Could not load the dataset event.": _("Could not load the dataset event."),
        "Could not load the pair.": _("Could not load the pair."),
        "Could not load the pairs.": _("Could not load the pairs."),
        "Evidence:": _("Evidence:"),
        "Fields of the two reports": _("Fields of the two reports"),
        "Intersection of the ranges": _("Intersection of the ranges"),
        "Link": _("Link"),
        "Link: the same event": _("Link: the same event"),
        "Linked event takes": _("Linked event takes"),
        "Linked: the two reports are one dataset event.": _(
            "Linked: the two reports are one dataset event."
        ),
        "Low / best / high": _("Low / best / high"),
        "Marked: not the same event.": _("Marked: not the same event."),
        "No pairs match.": _("No pairs match."),
        "Not the same": _("Not the same"),
        "Not the same event": _("Not the same event"),
        "Nothing of yours was saved; the page shows the current state.": _(
            "Nothing of yours was saved; the page shows the current state."
        ),
        "Report A": _("Report A"),
        "Report B": _("Report B"),
        "Someone else changed this first.": _("Someone else changed this first."),
        "Split": _("Split"),
        "Split a report out": _("Split a report out"),
        "Split this report out": _("Split this report out"),
        "Split: the report is a dataset event of its own again.": _(
            "Split: the report is a dataset event of its own again."
        ),
        "Take A": _("Take A"),
        "Take B": _("Take B"),
        "The pair is remembered and never proposed again.": _(
            "The pair is remembered and never proposed again."
        ),
        "This report becomes a dataset event of its own, with a new id.": _(
            "This report becomes a dataset event of its own, with a new id."
        ),
        "Union of the ranges": _("Union of the ranges"),
        "User #{id}": _("User #{id}"),
        "Value of {field}": _("Value of {field}"),
        "a typed value": _("a typed value"),
        "gold event #{id}": _("gold event #{id}"),
        "linked (same event)": _("linked (same event)"),
        "no evidence spans": _("no evidence spans"),
        "not the same event": _("not the same event"),
        "to decide": _("to decide"),
        "Pairs: {count}": _("Pairs: {count}"),
        "{field}: {choice}": _("{field}: {choice}"),
        "{who} acted first ({what}, {when}). Nothing of yours was saved; the page shows the "
        "current state.": _(
            "{who} acted first ({what}, {when}). Nothing of yours was saved; the page shows "
            "the current state."
        ),
    }
