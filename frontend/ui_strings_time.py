"""Strings the throughput dashboard's modules (frontend/static/frontend/js/throughput/) show,
translated by Django; merged into frontend.ui_strings.ui_strings (kept apart so that module
stays small)."""

from __future__ import annotations

from django.utils.translation import gettext as _


def time_strings() -> dict[str, str]:
    """Every UI string of the throughput page modules, in the active language."""
    return {
        "Active hours (coding and review)": _("Active hours (coding and review)"),
        "Active minutes": _("Active minutes"),
        "Articles coded": _("Articles coded"),
        "Articles coded: {n}": _("Articles coded: {n}"),
        "Could not load the figures.": _("Could not load the figures."),
        "Events coded": _("Events coded"),
        "Idle after {n} s without input.": _("Idle after {n} s without input."),
        "In adjudication": _("In adjudication"),
        "Median minutes per article": _("Median minutes per article"),
        "Median minutes per event": _("Median minutes per event"),
        "Per person and week": _("Per person and week"),
        "Per week": _("Per week"),
        "Person": _("Person"),
        "Project progress": _("Project progress"),
        "Review minutes": _("Review minutes"),
        "Rows shown: {n}": _("Rows shown: {n}"),
        "Share adjudicated": _("Share adjudicated"),
        "Share submitted": _("Share submitted"),
        "To code": _("To code"),
        "Week of": _("Week of"),
        "Your active time today: {today}; this week: {week}": _(
            "Your active time today: {today}; this week: {week}"
        ),
    }
