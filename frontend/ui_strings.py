"""Strings the JavaScript modules show, translated by Django and handed to them as JSON.

Keys are the English texts of the `t("…")` calls in frontend/static/frontend/js (a test checks
that every call has an entry here). `{name}` placeholders are filled in by the module.
"""

from __future__ import annotations

from django.utils.translation import gettext as _


def ui_strings() -> dict[str, str]:
    """Every UI string of the modules, in the active language."""
    return {
        "(untitled)": _("(untitled)"),
        "({n} characters)": _("({n} characters)"),
        "A change was refused: see the event": _("A change was refused: see the event"),
        "All changes saved": _("All changes saved"),
        "Articles shown: {n} of {total}": _("Articles shown: {n} of {total}"),
        "Attach selection": _("Attach selection"),
        "Attach the selection as {role}": _("Attach the selection as {role}"),
        "Before you can submit": _("Before you can submit"),
        "Change type": _("Change type"),
        "Chosen": _("Chosen"),
        "Conflict: choose a version": _("Conflict: choose a version"),
        "Continue": _("Continue"),
        "Continue where you left off:": _("Continue where you left off:"),
        "Could not load your queue.": _("Could not load your queue."),
        "Could not submit.": _("Could not submit."),
        "Delete event": _("Delete event"),
        "Delete event {n} ({type}) and its spans?": _("Delete event {n} ({type}) and its spans?"),
        "Event deleted.": _("Event deleted."),
        "Event {n}": _("Event {n}"),
        "Event {n} was changed elsewhere": _("Event {n} was changed elsewhere"),
        "Evidence": _("Evidence"),
        "Evidence: {role}": _("Evidence: {role}"),
        "Fields": _("Fields"),
        "Found in the text:": _("Found in the text:"),
        "Highlights would land on the wrong words, so coding is disabled here.": _(
            "Highlights would land on the wrong words, so coding is disabled here."
        ),
        "In progress": _("In progress"),
        "Missing: {n}": _("Missing: {n}"),
        "No": _("No"),
        "No assigned articles match.": _("No assigned articles match."),
        "No events yet.": _("No events yet."),
        "No span yet": _("No span yet"),
        "Not found.": _("Not found."),
        "Not saved: retrying": _("Not saved: retrying"),
        "Not started": _("Not started"),
        "Notes": _("Notes"),
        "Nothing selected. Drag or double-click in the text, or press J for the first word.": _(
            "Nothing selected. Drag or double-click in the text, or press J for the first word."
        ),
        "Please report this article.": _("Please report this article."),
        "Propose a new entry: “{name}”": _("Propose a new entry: “{name}”"),
        "Remove span “{quote}”": _("Remove span “{quote}”"),
        "Remove {name}": _("Remove {name}"),
        "Saved version": _("Saved version"),
        "Saved version {v}": _("Saved version {v}"),
        "Saving…": _("Saving…"),
        "Search the dictionary…": _("Search the dictionary…"),
        "Select an event in the list or in the text, or create one from a selection (N).": _(
            "Select an event in the list or in the text, or create one from a selection (N)."
        ),
        "Select or create an event first.": _("Select or create an event first."),
        "Select some text first.": _("Select some text first."),
        "Selected:": _("Selected:"),
        "Show in the text": _("Show in the text"),
        "Some changes are not saved yet: resolve them before submitting.": _(
            "Some changes are not saved yet: resolve them before submitting."
        ),
        "Spans": _("Spans"),
        "Spans for {role}": _("Spans for {role}"),
        "Spans: {n}": _("Spans: {n}"),
        "Start": _("Start"),
        "Sub-type": _("Sub-type"),
        "Submitted": _("Submitted"),
        "Submitted. Thank you!": _("Submitted. Thank you!"),
        "The codebook of this project could not be loaded: coding is disabled.": _(
            "The codebook of this project could not be loaded: coding is disabled."
        ),
        "The text shown is not the stored text ({shown} vs {stored} UTF-16 units).": _(
            "The text shown is not the stored text ({shown} vs {stored} UTF-16 units)."
        ),
        "This assignment is submitted: it is read-only.": _(
            "This assignment is submitted: it is read-only."
        ),
        "This browser cannot draw highlights; use the event list to see spans.": _(
            "This browser cannot draw highlights; use the event list to see spans."
        ),
        "This event no longer exists on the server.": _(
            "This event no longer exists on the server."
        ),
        "This type needs a sub-type: use Change type (T).": _(
            "This type needs a sub-type: use Change type (T)."
        ),
        "Type": _("Type"),
        "Type of event {n}": _("Type of event {n}"),
        "Type of the new event": _("Type of the new event"),
        "Unsaved changes from your last visit were restored and are being saved.": _(
            "Unsaved changes from your last visit were restored and are being saved."
        ),
        "Unsaved changes…": _("Unsaved changes…"),
        "Use it and attach “{alias}” as evidence": _("Use it and attach “{alias}” as evidence"),
        "View": _("View"),
        "Yes": _("Yes"),
        "You are viewing another coder's assignment: it is read-only.": _(
            "You are viewing another coder's assignment: it is read-only."
        ),
        "Your version (not saved)": _("Your version (not saved)"),
        "a sub-type is needed": _("a sub-type is needed"),
        "conflict": _("conflict"),
        "entry #{id}": _("entry #{id}"),
        "not saved": _("not saved"),
        "refused": _("refused"),
        "required": _("required"),
        "saving…": _("saving…"),
        "to (optional)": _("to (optional)"),
        "unsaved": _("unsaved"),
        "{done} of {total} submitted": _("{done} of {total} submitted"),
        "{name} (proposed)": _("{name} (proposed)"),
        "{n} events here: click again for the next one.": _(
            "{n} events here: click again for the next one."
        ),
        "{n} types shown": _("{n} types shown"),
        "— none —": _("— none —"),
        "“{quote}” attached as {role}.": _("“{quote}” attached as {role}."),
    }
