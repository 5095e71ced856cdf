"""Strings the import page's module (frontend/static/frontend/js/imports/page.js) shows,
translated by Django; merged into frontend.ui_strings.ui_strings."""

from __future__ import annotations

from django.utils.translation import gettext as _


def import_strings() -> dict[str, str]:
    """Every UI string of the import page module, in the active language."""
    return {
        "Already in the project or twice in the file: {n}": _(
            "Already in the project or twice in the file: {n}"
        ),
        "Assignments created: {n}": _("Assignments created: {n}"),
        "By": _("By"),
        "Could not read the import's state; trying again…": _(
            "Could not read the import's state; trying again…"
        ),
        "Done. New articles: {n}": _("Done. New articles: {n}"),
        "Failed: nothing was imported.": _("Failed: nothing was imported."),
        "Field": _("Field"),
        "File": _("File"),
        "Import of {file}": _("Import of {file}"),
        "Importing… Rows read: {rows}": _("Importing… Rows read: {rows}"),
        "New articles: {n}": _("New articles: {n}"),
        "No import yet.": _("No import yet."),
        "Problems listed here: the first {n}.": _("Problems listed here: the first {n}."),
        "Problem": _("Problem"),
        "Problems found": _("Problems found"),
        "Rows skipped for problems: {n}": _("Rows skipped for problems: {n}"),
        "State": _("State"),
        "The upload was refused: nothing was imported.": _(
            "The upload was refused: nothing was imported."
        ),
        "Uploaded": _("Uploaded"),
        "Uploading…": _("Uploading…"),
        "Waiting for a worker…": _("Waiting for a worker…"),
        "Where": _("Where"),
    }
