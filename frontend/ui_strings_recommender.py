"""Strings the machine-coder modules (frontend/static/frontend/js/coding/ghosts.js and
agreement/machine.js) show, translated by Django; merged into frontend.ui_strings.ui_strings."""

from __future__ import annotations

from django.utils.translation import gettext as _

_LONG_1 = "Suggestion accepted: it is your event now, edit it like any other."
_LONG_2 = (
    "{share} of the coders' events began from a machine suggestion "
    "({events} events in {articles} articles)."
)
_LONG_3 = (
    "Matched by a gold event: {suggested} of the events that began from a "
    "suggestion, {own} of the others."
)
_LONG_4 = (
    "Control group (no suggestions): detection F1 against gold {hidden}; "
    "coders with suggestions {shown}."
)
_LONG_5 = (
    "Not measured yet: the machine is measured on articles validated after its model was trained."
)
_LONG_6 = "Model {number}, measured on {articles} articles validated after it was trained."


def recommender_strings() -> dict[str, str]:
    """Every UI string of the machine-coder modules, in the active language."""
    return {
        "No machine suggestions for this article.": _("No machine suggestions for this article."),
        "Machine suggestion": _("Machine suggestion"),
        "machine · {percent}": _("machine · {percent}"),
        "Accept": _("Accept"),
        "Dismiss": _("Dismiss"),
        "Suggestion dismissed.": _("Suggestion dismissed."),
        "Could not accept the suggestion: {detail}": _("Could not accept the suggestion: {detail}"),
        _LONG_1: _(_LONG_1),
        _LONG_2: _(_LONG_2),
        _LONG_3: _(_LONG_3),
        _LONG_4: _(_LONG_4),
        "The machine coder is turned off for this project.": _(
            "The machine coder is turned off for this project."
        ),
        _LONG_5: _(_LONG_5),
        _LONG_6: _(_LONG_6),
        "The machine coder measured like a coder": _("The machine coder measured like a coder"),
        "Compared": _("Compared"),
        "Detection F1": _("Detection F1"),
        "α {field}": _("α {field}"),
        "Machine vs gold": _("Machine vs gold"),
        "Machine vs coder #{id}": _("Machine vs coder #{id}"),
        "Articles": _("Articles"),
    }
