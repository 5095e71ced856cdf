"""Strings the JavaScript modules show, translated by Django and handed to them as JSON.

Keys are the English texts of the `t("…")` calls in frontend/static/frontend/js (a test checks
that every call has an entry here). `{name}` placeholders are filled in by the module.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from frontend.ui_strings_imports import import_strings
from frontend.ui_strings_proposals import proposal_strings
from frontend.ui_strings_recommender import recommender_strings
from frontend.ui_strings_same_events import same_event_strings
from frontend.ui_strings_time import time_strings

_PREVALENCE_NOTE = (
    "Coders agree on {percent} of pairs, but {share} of the values are the same one: "
    "α counts most of that agreement as chance (the prevalence effect); AC1 = {ac1}. "
    "Check the disagreements before calling the field unreliable."
)

_UNITIZING_HEADLINE = (
    "Evidence spans: α_U = {alpha} (the words marked for each role, compared between "
    "coders; 1 = the same words; articles: {articles})."
)

_DETECTION_HEADLINE = (
    "Event detection: F1 between coders = {f1} ({matched} of {events} coded events "
    "were found by the other coder too)."
)


def ui_strings() -> dict[str, str]:
    """Every UI string of the modules, in the active language."""
    return {
        "% agreement": _("% agreement"),
        "(does not apply)": _("(does not apply)"),
        "(untitled)": _("(untitled)"),
        "95% interval": _("95% interval"),
        "A change was refused: see the event": _("A change was refused: see the event"),
        "A filter is not valid: {detail}": _("A filter is not valid: {detail}"),
        "Accept {coder}": _("Accept {coder}"),
        "Accepted": _("Accepted"),
        "Accepted automatically (unanimous)": _("Accepted automatically (unanimous)"),
        "Add an event no coder found": _("Add an event no coder found"),
        "Add the event": _("Add the event"),
        "Added": _("Added"),
        "Adjudication started.": _("Adjudication started."),
        "All changes saved": _("All changes saved"),
        "Already decided: {kind} at {when} (decision #{id}). Nothing of yours was saved.": _(
            "Already decided: {kind} at {when} (decision #{id}). Nothing of yours was saved."
        ),
        "An event found by some coders only": _("An event found by some coders only"),
        "Article #{id}": _("Article #{id}"),
        "Articles on which the coders agree": _("Articles on which the coders agree"),
        "Articles {first}–{last}": _("Articles {first}–{last}"),
        "Articles shown: {n} of {total}": _("Articles shown: {n} of {total}"),
        "Articles with disagreements, most severe first": _(
            "Articles with disagreements, most severe first"
        ),
        "Attach selection": _("Attach selection"),
        "Attach the selection as {role}": _("Attach the selection as {role}"),
        "Band": _("Band"),
        "Before you can submit": _("Before you can submit"),
        "Cancel": _("Cancel"),
        "Change type": _("Change type"),
        "Choose an entry of the dictionary.": _("Choose an entry of the dictionary."),
        "Chosen": _("Chosen"),
        "Chosen: {name}": _("Chosen: {name}"),
        "Codebook: {codebook}": _("Codebook: {codebook}"),
        "Coder #{id}": _("Coder #{id}"),
        "Coders": _("Coders"),
        "Coders are shown as Coder A, B, C…": _("Coders are shown as Coder A, B, C…"),
        "Coders are shown by name.": _("Coders are shown by name."),
        "Comment added.": _("Comment added."),
        "Conflict: choose a version": _("Conflict: choose a version"),
        "Continue": _("Continue"),
        "Continue where you left off:": _("Continue where you left off:"),
        "Could not create the release.": _("Could not create the release."),
        "Could not load the article.": _("Could not load the article."),
        "Could not load the disagreements.": _("Could not load the disagreements."),
        "Could not load the events.": _("Could not load the events."),
        "Could not load the queue.": _("Could not load the queue."),
        "Could not load your queue.": _("Could not load your queue."),
        "Could not start the computation.": _("Could not start the computation."),
        "Could not submit.": _("Could not submit."),
        "Data as of {when}": _("Data as of {when}"),
        "Decided: {done} of {total}": _("Decided: {done} of {total}"),
        "Decision undone.": _("Decision undone."),
        "Delete event": _("Delete event"),
        "Delete event {n} ({type}) and its spans?": _("Delete event {n} ({type}) and its spans?"),
        "Different actors or location": _("Different actors or location"),
        "Different event type": _("Different event type"),
        "Different evidence spans only": _("Different evidence spans only"),
        "Different values": _("Different values"),
        "Disagreements shown: {n} of {total}": _("Disagreements shown: {n} of {total}"),
        "Download {name}": _("Download {name}"),
        "Edited": _("Edited"),
        "Event deleted.": _("Event deleted."),
        "Event detection (presence)": _("Event detection (presence)"),
        "Event type": _("Event type"),
        "Event {n}": _("Event {n}"),
        "Event {n} was changed elsewhere": _("Event {n} was changed elsewhere"),
        "Events": _("Events"),
        "Events per month, {first} to {last} (the table below has the counts)": _(
            "Events per month, {first} to {last} (the table below has the counts)"
        ),
        "Events: {n}": _("Events: {n}"),
        "Evidence": _("Evidence"),
        "Evidence of:": _("Evidence of:"),
        "Evidence: {role}": _("Evidence: {role}"),
        "Field": _("Field"),
        "Fields": _("Fields"),
        "Figures of {when}.": _("Figures of {when}."),
        "Found by every coder": _("Found by every coder"),
        "Found by {coders} only": _("Found by {coders} only"),
        "Found in the text:": _("Found in the text:"),
        "Gold (decided)": _("Gold (decided)"),
        "Highlights would land on the wrong words, so coding is disabled here.": _(
            "Highlights would land on the wrong words, so coding is disabled here."
        ),
        "In progress": _("In progress"),
        "Loading…": _("Loading…"),
        "Map: {events} at {places} (listed below the map)": _(
            "Map: {events} at {places} (listed below the map)"
        ),
        "Memo": _("Memo"),
        "Merge field by field": _("Merge field by field"),
        "Merged": _("Merged"),
        "Missing: {fields}": _("Missing: {fields}"),
        "Month": _("Month"),
        "More than {n} articles": _("More than {n} articles"),
        "New value": _("New value"),
        "New value of {field}": _("New value of {field}"),
        "No": _("No"),
        "No aligned events: no agreement has been computed for this article yet.": _(
            "No aligned events: no agreement has been computed for this article yet."
        ),
        "No articles with disagreements match.": _("No articles with disagreements match."),
        "No assigned articles match.": _("No assigned articles match."),
        "No comments yet.": _("No comments yet."),
        "No date": _("No date"),
        "No dated events.": _("No dated events."),
        "No disagreements.": _("No disagreements."),
        "No event with coordinates.": _("No event with coordinates."),
        "No events yet.": _("No events yet."),
        "No figures yet.": _("No figures yet."),
        "No figures yet: they appear once two coders have submitted the same articles.": _(
            "No figures yet: they appear once two coders have submitted the same articles."
        ),
        "No release yet.": _("No release yet."),
        "No span yet": _("No span yet"),
        "No unanimous articles.": _("No unanimous articles."),
        "No validated event matches these filters.": _("No validated event matches these filters."),
        "None: the coders agree": _("None: the coders agree"),
        "Not found.": _("Not found."),
        "Not saved: retrying": _("Not saved: retrying"),
        "Not started": _("Not started"),
        "Not yet decided: {n}": _("Not yet decided: {n}"),
        "Nothing selected. Drag or double-click in the text, or press J for the first word.": _(
            "Nothing selected. Drag or double-click in the text, or press J for the first word."
        ),
        "Nothing was created: tick the box to create an empty release.": _(
            "Nothing was created: tick the box to create an empty release."
        ),
        "Open": _("Open"),
        "P(α < .667)": _("P(α < .667)"),
        "P(α < .800)": _("P(α < .800)"),
        "Page {page} of {pages}": _("Page {page} of {pages}"),
        "Pair of coders": _("Pair of coders"),
        "Pick a coder's value or type one per row; unchanged rows come from {coder}.": _(
            "Pick a coder's value or type one per row; unchanged rows come from {coder}."
        ),
        "Please report this article.": _("Please report this article."),
        "Propose a new entry: “{name}”": _("Propose a new entry: “{name}”"),
        "Reason (optional)": _("Reason (optional)"),
        "Reason code (optional)": _("Reason code (optional)"),
        "Refused by the server": _("Refused by the server"),
        "Reject event {n}": _("Reject event {n}"),
        "Rejected": _("Rejected"),
        "Reject…": _("Reject…"),
        "Release {tag}: {status}": _("Release {tag}: {status}"),
        "Remove span “{quote}”": _("Remove span “{quote}”"),
        "Remove {name}": _("Remove {name}"),
        "Rows that differ: {n}": _("Rows that differ: {n}"),
        "Save the merged event": _("Save the merged event"),
        "Saved version": _("Saved version"),
        "Saved version {v}": _("Saved version {v}"),
        "Saved: {what}.": _("Saved: {what}."),
        "Saving…": _("Saving…"),
        "Search the dictionary…": _("Search the dictionary…"),
        "Select an event in the list or in the text, or create one from a selection (N).": _(
            "Select an event in the list or in the text, or create one from a selection (N)."
        ),
        "Select or create an event first.": _("Select or create an event first."),
        "Select some text first.": _("Select some text first."),
        "Select words in the article, then attach them to a role.": _(
            "Select words in the article, then attach them to a role."
        ),
        "Selected:": _("Selected:"),
        "Show in the text": _("Show in the text"),
        "Some changes are not saved yet: resolve them before submitting.": _(
            "Some changes are not saved yet: resolve them before submitting."
        ),
        "Spans": _("Spans"),
        "Spans for {role}": _("Spans for {role}"),
        "Spans: {n}": _("Spans: {n}"),
        "Start": _("Start"),
        "Status": _("Status"),
        "Sub-type": _("Sub-type"),
        "Submitted": _("Submitted"),
        "The article is open again (revision {n}).": _("The article is open again (revision {n})."),
        "The article is validated: its gold events are now in the exports.": _(
            "The article is validated: its gold events are now in the exports."
        ),
        "Not every event of this assignment could be loaded: coding is disabled. Reload the page.": _(  # noqa: E501
            "Not every event of this assignment could be loaded: coding is disabled. "
            "Reload the page."
        ),
        "The codebook of this project could not be loaded: coding is disabled.": _(
            "The codebook of this project could not be loaded: coding is disabled."
        ),
        "The coders' versions of this event, field by field": _(
            "The coders' versions of this event, field by field"
        ),
        "The new value of {field} is not valid.": _("The new value of {field} is not valid."),
        "The same figures are in the table below.": _("The same figures are in the table below."),
        "The server refused this.": _("The server refused this."),
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
        "Type:": _("Type:"),
        "Undecided": _("Undecided"),
        "Undo this decision": _("Undo this decision"),
        "Units": _("Units"),
        "Unsaved changes from your last visit were restored and are being saved.": _(
            "Unsaved changes from your last visit were restored and are being saved."
        ),
        "Unsaved changes…": _("Unsaved changes…"),
        "Use it and attach “{alias}” as evidence": _("Use it and attach “{alias}” as evidence"),
        "Use {coder}": _("Use {coder}"),
        "Validated": _("Validated"),
        "View": _("View"),
        "Yes": _("Yes"),
        "You are viewing another coder's assignment: it is read-only.": _(
            "You are viewing another coder's assignment: it is read-only."
        ),
        "Your own remark on this event; not a codebook field and never exported.": _(
            "Your own remark on this event; not a codebook field and never exported."
        ),
        "Your version (not saved)": _("Your version (not saved)"),
        "a sub-type is needed": _("a sub-type is needed"),
        "actors or location": _("actors or location"),
        "another field": _("another field"),
        "being built": _("being built"),
        "computed": _("computed"),
        "conflict": _("conflict"),
        "did not find it": _("did not find it"),
        "differs": _("differs"),
        "done": _("done"),
        "entry #{id}": _("entry #{id}"),
        "event found by some coders only": _("event found by some coders only"),
        "event type": _("event type"),
        "evidence spans": _("evidence spans"),
        "failed": _("failed"),
        "found it": _("found it"),
        "longer than {max} characters": _("longer than {max} characters"),
        "not a valid date": _("not a valid date"),
        "not a value of this kind": _("not a value of this kind"),
        "not one of the choices": _("not one of the choices"),
        "not saved": _("not saved"),
        "not started": _("not started"),
        "open (revision {n})": _("open (revision {n})"),
        "ready": _("ready"),
        "refused": _("refused"),
        "reliable": _("reliable"),
        "reliable from .800": _("reliable from .800"),
        "required": _("required"),
        "running": _("running"),
        "saving…": _("saving…"),
        "tentative": _("tentative"),
        "tentative from .667": _("tentative from .667"),
        "the current row": _("the current row"),
        "the end date is before the start date": _("the end date is before the start date"),
        "to (optional)": _("to (optional)"),
        "undefined": _("undefined"),
        "undefined: every coder gave the same value": _(
            "undefined: every coder gave the same value"
        ),
        "undefined: no unit coded by two coders": _("undefined: no unit coded by two coders"),
        "unreliable": _("unreliable"),
        "unsaved": _("unsaved"),
        "validated (revision {n})": _("validated (revision {n})"),
        "{done} of {total} submitted": _("{done} of {total} submitted"),
        "{name} (proposed)": _("{name} (proposed)"),
        "{n} KB": _("{n} KB"),
        "{n} coded by two coders or more": _("{n} coded by two coders or more"),
        "{value} is above the maximum {max}": _("{value} is above the maximum {max}"),
        "{value} is below the minimum {min}": _("{value} is below the minimum {min}"),
        "α": _("α"),
        "α per field": _("α per field"),
        "α per field for {type}": _("α per field for {type}"),
        "α per field with its 95% interval": _("α per field with its 95% interval"),
        "α per pair of coders for {field}": _("α per pair of coders for {field}"),
        "α per week for {field}": _("α per week for {field}"),
        "Week": _("Week"),
        "Open the reliability report": _("Open the reliability report"),
        "ISO week the articles' coding ended": _("ISO week the articles' coding ended"),
        "— choose a type —": _("— choose a type —"),
        "— no event —": _("— no event —"),
        "— none —": _("— none —"),
        "“{quote}” attached as {role}.": _("“{quote}” attached as {role}."),
        "AC1": _("AC1"),
        "Pairable units": _("Pairable units"),
        _PREVALENCE_NOTE: _(
            "Coders agree on {percent} of pairs, but {share} of the values are the same one: "
            "α counts most of that agreement as chance (the prevalence effect); AC1 = {ac1}. "
            "Check the disagreements before calling the field unreliable."
        ),
        _DETECTION_HEADLINE: _(
            "Event detection: F1 between coders = {f1} ({matched} of {events} coded events "
            "were found by the other coder too)."
        ),
        _UNITIZING_HEADLINE: _(
            "Evidence spans: α_U = {alpha} (the words marked for each role, compared between "
            "coders; 1 = the same words; articles: {articles})."
        ),
        "no α for free text: % identical only": _("no α for free text: % identical only"),
    } | {
        **same_event_strings(),
        **proposal_strings(),
        **time_strings(),
        **recommender_strings(),
        **import_strings(),
    }
