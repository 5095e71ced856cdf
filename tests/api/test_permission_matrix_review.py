"""Who may do what after coding: agreement, adjudication, comments, feedback, exports and
releases, plus the site-wide reads (codebooks, dictionaries) and the coder's helpers
(suggestions, the adjudicated version). Same form and rules as test_permission_matrix.py
(every route × method × actor with the exact status; reads and refusals change nothing), on
the scene of tests/api/review_scene.py.

Targets (path placeholders)
    {p}, {q}     p1, p2
    {art}        the disputed article (adjudication open, one decision {d} with gold event {g})
    {art_v}      the settled article (validated; comments on it)
    {art_r}      the ready article (all submitted, adjudication not opened)
    {art_q}      p2's article
    {a}, {a_v}   coder_a's assignments on {art} and {art_v}; {a_q} the outsider's
    {run}        p1's project agreement run; {r}, {r_q} the releases of p1 and p2; {fmt} csv
    {v}          the codebook version both projects use; {v_draft} a draft no project uses

Roles, as docs/api.md has them: coders read their own work and, once their article is
validated, its gold version, their own figures and the comments they may see; supervisors
and admins run agreement, adjudication and releases; researchers read agreement figures,
exports and releases of their projects (never coder layers: not disagreements, the
adjudication views or comments); only site admins manage codebooks. What a caller may not
see is 404 (another project, another coder's assignment); what they may see but not do, 403.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from rest_framework.test import APIClient

from coding.models import Adjudication
from coding.services import adjudication as adjudicating
from coding.services.projects import membership_set
from tests.api.review_scene import ReviewScene, clusters, scene_in_transaction
from tests.api.test_permission_matrix import route_key, snapshot
from tests.world import DATA, complete_event

# fmt: off
REVIEW_MATRIX: list[tuple[str, str, str, int]] = [
    # method   endpoint                                              actor          expected
    ("GET",    "assignments/{a}/suggestions/",                       "anonymous",   401),
    ("GET",    "assignments/{a}/suggestions/",                       "coder",       200),
    ("GET",    "assignments/{a}/suggestions/",                       "other_coder", 404),
    ("GET",    "assignments/{a}/suggestions/",                       "supervisor",  200),
    ("GET",    "assignments/{a}/suggestions/",                       "researcher",  404),
    ("GET",    "assignments/{a}/suggestions/",                       "admin",       200),
    ("GET",    "assignments/{a}/suggestions/",                       "outsider",    404),
    ("GET",    "assignments/{a}/suggestions/",                       "superuser",   200),
    ("GET",    "assignments/{a}/suggestions/",                       "ex_coder",    404),
    ("GET",    "assignments/{a_q}/suggestions/",                     "coder",       404),
    ("GET",    "assignments/{a_q}/suggestions/",                     "supervisor",  404),
    ("GET",    "assignments/{a_q}/suggestions/",                     "outsider",    200),

    ("GET",    "assignments/{a_v}/adjudicated/",                     "anonymous",   401),
    ("GET",    "assignments/{a_v}/adjudicated/",                     "coder",       200),
    ("GET",    "assignments/{a_v}/adjudicated/",                     "other_coder", 404),
    ("GET",    "assignments/{a_v}/adjudicated/",                     "supervisor",  200),
    ("GET",    "assignments/{a_v}/adjudicated/",                     "researcher",  404),
    ("GET",    "assignments/{a_v}/adjudicated/",                     "admin",       200),
    ("GET",    "assignments/{a_v}/adjudicated/",                     "outsider",    404),
    ("GET",    "assignments/{a_v}/adjudicated/",                     "superuser",   200),
    ("GET",    "assignments/{a_v}/adjudicated/",                     "ex_coder",    404),
    ("GET",    "assignments/{a}/adjudicated/",                       "coder",       409),
    ("GET",    "assignments/{a}/adjudicated/",                       "other_coder", 404),
    ("GET",    "assignments/{a_q}/adjudicated/",                     "coder",       404),
    ("GET",    "assignments/{a_q}/adjudicated/",                     "outsider",    409),

    ("GET",    "codebook-presets/",                                  "anonymous",   401),
    ("GET",    "codebook-presets/",                                  "coder",       200),
    ("GET",    "codebook-presets/",                                  "other_coder", 200),
    ("GET",    "codebook-presets/",                                  "supervisor",  200),
    ("GET",    "codebook-presets/",                                  "researcher",  200),
    ("GET",    "codebook-presets/",                                  "admin",       200),
    ("GET",    "codebook-presets/",                                  "outsider",    200),
    ("GET",    "codebook-presets/",                                  "superuser",   200),
    ("GET",    "codebook-presets/",                                  "ex_coder",    200),

    ("GET",    "codebook-versions/",                                 "anonymous",   401),
    ("GET",    "codebook-versions/",                                 "coder",       200),
    ("GET",    "codebook-versions/",                                 "other_coder", 200),
    ("GET",    "codebook-versions/",                                 "supervisor",  200),
    ("GET",    "codebook-versions/",                                 "researcher",  200),
    ("GET",    "codebook-versions/",                                 "admin",       200),
    ("GET",    "codebook-versions/",                                 "outsider",    200),
    ("GET",    "codebook-versions/",                                 "superuser",   200),
    ("GET",    "codebook-versions/",                                 "ex_coder",    200),
    ("POST",   "codebook-versions/",                                 "anonymous",   401),
    ("POST",   "codebook-versions/",                                 "coder",       403),
    ("POST",   "codebook-versions/",                                 "other_coder", 403),
    ("POST",   "codebook-versions/",                                 "supervisor",  403),
    ("POST",   "codebook-versions/",                                 "researcher",  403),
    ("POST",   "codebook-versions/",                                 "admin",       403),
    ("POST",   "codebook-versions/",                                 "outsider",    403),
    ("POST",   "codebook-versions/",                                 "superuser",   201),
    ("POST",   "codebook-versions/",                                 "ex_coder",    403),

    ("GET",    "codebook-versions/{v}/",                             "anonymous",   401),
    ("GET",    "codebook-versions/{v}/",                             "coder",       200),
    ("GET",    "codebook-versions/{v}/",                             "other_coder", 200),
    ("GET",    "codebook-versions/{v}/",                             "supervisor",  200),
    ("GET",    "codebook-versions/{v}/",                             "researcher",  200),
    ("GET",    "codebook-versions/{v}/",                             "admin",       200),
    ("GET",    "codebook-versions/{v}/",                             "outsider",    200),
    ("GET",    "codebook-versions/{v}/",                             "superuser",   200),
    ("GET",    "codebook-versions/{v}/",                             "ex_coder",    404),
    ("GET",    "codebook-versions/{v_draft}/",                       "coder",       404),
    ("GET",    "codebook-versions/{v_draft}/",                       "admin",       404),
    ("GET",    "codebook-versions/{v_draft}/",                       "superuser",   200),

    ("GET",    "codebook-versions/{v}/export/",                      "anonymous",   401),
    ("GET",    "codebook-versions/{v}/export/",                      "coder",       200),
    ("GET",    "codebook-versions/{v}/export/",                      "other_coder", 200),
    ("GET",    "codebook-versions/{v}/export/",                      "supervisor",  200),
    ("GET",    "codebook-versions/{v}/export/",                      "researcher",  200),
    ("GET",    "codebook-versions/{v}/export/",                      "admin",       200),
    ("GET",    "codebook-versions/{v}/export/",                      "outsider",    200),
    ("GET",    "codebook-versions/{v}/export/",                      "superuser",   200),
    ("GET",    "codebook-versions/{v}/export/",                      "ex_coder",    404),
    ("GET",    "codebook-versions/{v_draft}/export/",                "supervisor",  404),
    ("GET",    "codebook-versions/{v_draft}/export/",                "superuser",   200),

    ("POST",   "codebook-versions/{v_draft}/publish/",               "anonymous",   401),
    ("POST",   "codebook-versions/{v_draft}/publish/",               "coder",       403),
    ("POST",   "codebook-versions/{v_draft}/publish/",               "other_coder", 403),
    ("POST",   "codebook-versions/{v_draft}/publish/",               "supervisor",  403),
    ("POST",   "codebook-versions/{v_draft}/publish/",               "researcher",  403),
    ("POST",   "codebook-versions/{v_draft}/publish/",               "admin",       403),
    ("POST",   "codebook-versions/{v_draft}/publish/",               "outsider",    403),
    ("POST",   "codebook-versions/{v_draft}/publish/",               "superuser",   200),
    ("POST",   "codebook-versions/{v_draft}/publish/",               "ex_coder",    403),
    ("POST",   "codebook-versions/{v}/publish/",                     "superuser",   409),

    ("POST",   "codebook-versions/{v}/new-draft/",                   "anonymous",   401),
    ("POST",   "codebook-versions/{v}/new-draft/",                   "coder",       403),
    ("POST",   "codebook-versions/{v}/new-draft/",                   "other_coder", 403),
    ("POST",   "codebook-versions/{v}/new-draft/",                   "supervisor",  403),
    ("POST",   "codebook-versions/{v}/new-draft/",                   "researcher",  403),
    ("POST",   "codebook-versions/{v}/new-draft/",                   "admin",       403),
    ("POST",   "codebook-versions/{v}/new-draft/",                   "outsider",    403),
    ("POST",   "codebook-versions/{v}/new-draft/",                   "superuser",   201),
    ("POST",   "codebook-versions/{v}/new-draft/",                   "ex_coder",    403),

    ("GET",    "dictionary/actors/?q=JNIM",                          "anonymous",   401),
    ("GET",    "dictionary/actors/?q=JNIM",                          "coder",       200),
    ("GET",    "dictionary/actors/?q=JNIM",                          "other_coder", 200),
    ("GET",    "dictionary/actors/?q=JNIM",                          "supervisor",  200),
    ("GET",    "dictionary/actors/?q=JNIM",                          "researcher",  200),
    ("GET",    "dictionary/actors/?q=JNIM",                          "admin",       200),
    ("GET",    "dictionary/actors/?q=JNIM",                          "outsider",    200),
    ("GET",    "dictionary/actors/?q=JNIM",                          "superuser",   200),
    ("GET",    "dictionary/actors/?q=JNIM",                          "ex_coder",    200),

    ("GET",    "dictionary/locations/?q=Boulkessi",                  "anonymous",   401),
    ("GET",    "dictionary/locations/?q=Boulkessi",                  "coder",       200),
    ("GET",    "dictionary/locations/?q=Boulkessi",                  "other_coder", 200),
    ("GET",    "dictionary/locations/?q=Boulkessi",                  "supervisor",  200),
    ("GET",    "dictionary/locations/?q=Boulkessi",                  "researcher",  200),
    ("GET",    "dictionary/locations/?q=Boulkessi",                  "admin",       200),
    ("GET",    "dictionary/locations/?q=Boulkessi",                  "outsider",    200),
    ("GET",    "dictionary/locations/?q=Boulkessi",                  "superuser",   200),
    ("GET",    "dictionary/locations/?q=Boulkessi",                  "ex_coder",    200),

    ("GET",    "me/feedback/?project={p}",                           "anonymous",   401),
    ("GET",    "me/feedback/?project={p}",                           "coder",       200),
    ("GET",    "me/feedback/?project={p}",                           "other_coder", 200),
    ("GET",    "me/feedback/?project={p}",                           "supervisor",  403),
    ("GET",    "me/feedback/?project={p}",                           "researcher",  403),
    ("GET",    "me/feedback/?project={p}",                           "admin",       403),
    ("GET",    "me/feedback/?project={p}",                           "outsider",    404),
    ("GET",    "me/feedback/?project={p}",                           "superuser",   403),
    ("GET",    "me/feedback/?project={p}",                           "ex_coder",    404),
    ("GET",    "me/feedback/?project={q}",                           "coder",       404),
    ("GET",    "me/feedback/?project={q}",                           "outsider",    200),

    ("GET",    "projects/{p}/feedback/",                             "anonymous",   401),
    ("GET",    "projects/{p}/feedback/",                             "coder",       403),
    ("GET",    "projects/{p}/feedback/",                             "other_coder", 403),
    ("GET",    "projects/{p}/feedback/",                             "supervisor",  200),
    ("GET",    "projects/{p}/feedback/",                             "researcher",  403),
    ("GET",    "projects/{p}/feedback/",                             "admin",       200),
    ("GET",    "projects/{p}/feedback/",                             "outsider",    404),
    ("GET",    "projects/{p}/feedback/",                             "superuser",   200),
    ("GET",    "projects/{p}/feedback/",                             "ex_coder",    404),
    ("GET",    "projects/{q}/feedback/",                             "supervisor",  404),

    ("GET",    "projects/{p}/agreement/",                            "anonymous",   401),
    ("GET",    "projects/{p}/agreement/",                            "coder",       403),
    ("GET",    "projects/{p}/agreement/",                            "other_coder", 403),
    ("GET",    "projects/{p}/agreement/",                            "supervisor",  200),
    ("GET",    "projects/{p}/agreement/",                            "researcher",  200),
    ("GET",    "projects/{p}/agreement/",                            "admin",       200),
    ("GET",    "projects/{p}/agreement/",                            "outsider",    404),
    ("GET",    "projects/{p}/agreement/",                            "superuser",   200),
    ("GET",    "projects/{p}/agreement/",                            "ex_coder",    404),
    ("GET",    "projects/{q}/agreement/",                            "supervisor",  404),
    ("GET",    "projects/{q}/agreement/",                            "researcher",  404),
    ("GET",    "projects/{q}/agreement/",                            "outsider",    403),

    ("POST",   "projects/{p}/agreement/recompute/",                  "anonymous",   401),
    ("POST",   "projects/{p}/agreement/recompute/",                  "coder",       403),
    ("POST",   "projects/{p}/agreement/recompute/",                  "other_coder", 403),
    ("POST",   "projects/{p}/agreement/recompute/",                  "supervisor",  202),
    ("POST",   "projects/{p}/agreement/recompute/",                  "researcher",  403),
    ("POST",   "projects/{p}/agreement/recompute/",                  "admin",       202),
    ("POST",   "projects/{p}/agreement/recompute/",                  "outsider",    404),
    ("POST",   "projects/{p}/agreement/recompute/",                  "superuser",   202),
    ("POST",   "projects/{p}/agreement/recompute/",                  "ex_coder",    404),
    ("POST",   "projects/{q}/agreement/recompute/",                  "supervisor",  404),

    ("GET",    "projects/{p}/agreement/runs/{run}/",                 "anonymous",   401),
    ("GET",    "projects/{p}/agreement/runs/{run}/",                 "coder",       403),
    ("GET",    "projects/{p}/agreement/runs/{run}/",                 "other_coder", 403),
    ("GET",    "projects/{p}/agreement/runs/{run}/",                 "supervisor",  200),
    ("GET",    "projects/{p}/agreement/runs/{run}/",                 "researcher",  200),
    ("GET",    "projects/{p}/agreement/runs/{run}/",                 "admin",       200),
    ("GET",    "projects/{p}/agreement/runs/{run}/",                 "outsider",    404),
    ("GET",    "projects/{p}/agreement/runs/{run}/",                 "superuser",   200),
    ("GET",    "projects/{p}/agreement/runs/{run}/",                 "ex_coder",    404),
    ("GET",    "projects/{q}/agreement/runs/{run}/",                 "superuser",   404),
    ("GET",    "projects/{q}/agreement/runs/{run}/",                 "researcher",  404),

    ("GET",    "projects/{p}/articles/{art}/agreement/",             "anonymous",   401),
    ("GET",    "projects/{p}/articles/{art}/agreement/",             "coder",       403),
    ("GET",    "projects/{p}/articles/{art}/agreement/",             "other_coder", 403),
    ("GET",    "projects/{p}/articles/{art}/agreement/",             "supervisor",  200),
    ("GET",    "projects/{p}/articles/{art}/agreement/",             "researcher",  403),
    ("GET",    "projects/{p}/articles/{art}/agreement/",             "admin",       200),
    ("GET",    "projects/{p}/articles/{art}/agreement/",             "outsider",    404),
    ("GET",    "projects/{p}/articles/{art}/agreement/",             "superuser",   200),
    ("GET",    "projects/{p}/articles/{art}/agreement/",             "ex_coder",    404),
    ("GET",    "projects/{p}/articles/{art_q}/agreement/",           "supervisor",  404),
    ("GET",    "projects/{q}/articles/{art}/agreement/",             "superuser",   404),

    ("GET",    "projects/{p}/disagreements/",                        "anonymous",   401),
    ("GET",    "projects/{p}/disagreements/",                        "coder",       403),
    ("GET",    "projects/{p}/disagreements/",                        "other_coder", 403),
    ("GET",    "projects/{p}/disagreements/",                        "supervisor",  200),
    ("GET",    "projects/{p}/disagreements/",                        "researcher",  403),
    ("GET",    "projects/{p}/disagreements/",                        "admin",       200),
    ("GET",    "projects/{p}/disagreements/",                        "outsider",    404),
    ("GET",    "projects/{p}/disagreements/",                        "superuser",   200),
    ("GET",    "projects/{p}/disagreements/",                        "ex_coder",    404),
    ("GET",    "projects/{q}/disagreements/",                        "supervisor",  404),

    ("GET",    "projects/{p}/adjudication/queue/",                   "anonymous",   401),
    ("GET",    "projects/{p}/adjudication/queue/",                   "coder",       403),
    ("GET",    "projects/{p}/adjudication/queue/",                   "other_coder", 403),
    ("GET",    "projects/{p}/adjudication/queue/",                   "supervisor",  200),
    ("GET",    "projects/{p}/adjudication/queue/",                   "researcher",  403),
    ("GET",    "projects/{p}/adjudication/queue/",                   "admin",       200),
    ("GET",    "projects/{p}/adjudication/queue/",                   "outsider",    404),
    ("GET",    "projects/{p}/adjudication/queue/",                   "superuser",   200),
    ("GET",    "projects/{p}/adjudication/queue/",                   "ex_coder",    404),
    ("GET",    "projects/{q}/adjudication/queue/",                   "supervisor",  404),
    ("GET",    "projects/{q}/adjudication/queue/",                   "outsider",    403),

    ("GET",    "projects/{p}/articles/{art}/adjudication/",          "anonymous",   401),
    ("GET",    "projects/{p}/articles/{art}/adjudication/",          "coder",       403),
    ("GET",    "projects/{p}/articles/{art}/adjudication/",          "other_coder", 403),
    ("GET",    "projects/{p}/articles/{art}/adjudication/",          "supervisor",  200),
    ("GET",    "projects/{p}/articles/{art}/adjudication/",          "researcher",  403),
    ("GET",    "projects/{p}/articles/{art}/adjudication/",          "admin",       200),
    ("GET",    "projects/{p}/articles/{art}/adjudication/",          "outsider",    404),
    ("GET",    "projects/{p}/articles/{art}/adjudication/",          "superuser",   200),
    ("GET",    "projects/{p}/articles/{art}/adjudication/",          "ex_coder",    404),
    ("GET",    "projects/{p}/articles/{art_q}/adjudication/",        "supervisor",  404),
    ("GET",    "projects/{q}/articles/{art_q}/adjudication/",        "outsider",    403),
    ("POST",   "projects/{p}/articles/{art_r}/adjudication/",        "anonymous",   401),
    ("POST",   "projects/{p}/articles/{art_r}/adjudication/",        "coder",       403),
    ("POST",   "projects/{p}/articles/{art_r}/adjudication/",        "other_coder", 403),
    ("POST",   "projects/{p}/articles/{art_r}/adjudication/",        "supervisor",  201),
    ("POST",   "projects/{p}/articles/{art_r}/adjudication/",        "researcher",  403),
    ("POST",   "projects/{p}/articles/{art_r}/adjudication/",        "admin",       201),
    ("POST",   "projects/{p}/articles/{art_r}/adjudication/",        "outsider",    404),
    ("POST",   "projects/{p}/articles/{art_r}/adjudication/",        "superuser",   201),
    ("POST",   "projects/{p}/articles/{art_r}/adjudication/",        "ex_coder",    404),
    ("POST",   "projects/{p}/articles/{art_q}/adjudication/",        "supervisor",  404),

    ("POST",   "projects/{p}/articles/{art}/adjudication/decisions/", "anonymous",  401),
    ("POST",   "projects/{p}/articles/{art}/adjudication/decisions/", "coder",      403),
    ("POST",   "projects/{p}/articles/{art}/adjudication/decisions/", "other_coder", 403),
    ("POST",   "projects/{p}/articles/{art}/adjudication/decisions/", "supervisor", 201),
    ("POST",   "projects/{p}/articles/{art}/adjudication/decisions/", "researcher", 403),
    ("POST",   "projects/{p}/articles/{art}/adjudication/decisions/", "admin",      201),
    ("POST",   "projects/{p}/articles/{art}/adjudication/decisions/", "outsider",   404),
    ("POST",   "projects/{p}/articles/{art}/adjudication/decisions/", "superuser",  201),
    ("POST",   "projects/{p}/articles/{art}/adjudication/decisions/", "ex_coder",   404),
    ("POST",   "projects/{p}/articles/{art_v}/adjudication/decisions/", "supervisor", 409),
    ("POST",   "projects/{p}/articles/{art_r}/adjudication/decisions/", "supervisor", 404),

    ("POST",   "projects/{p}/articles/{art}/adjudication/decisions/{d}/undo/", "anonymous",   401),
    ("POST",   "projects/{p}/articles/{art}/adjudication/decisions/{d}/undo/", "coder",       403),
    ("POST",   "projects/{p}/articles/{art}/adjudication/decisions/{d}/undo/", "other_coder", 403),
    ("POST",   "projects/{p}/articles/{art}/adjudication/decisions/{d}/undo/", "supervisor",  200),
    ("POST",   "projects/{p}/articles/{art}/adjudication/decisions/{d}/undo/", "researcher",  403),
    ("POST",   "projects/{p}/articles/{art}/adjudication/decisions/{d}/undo/", "admin",       200),
    ("POST",   "projects/{p}/articles/{art}/adjudication/decisions/{d}/undo/", "outsider",    404),
    ("POST",   "projects/{p}/articles/{art}/adjudication/decisions/{d}/undo/", "superuser",   200),
    ("POST",   "projects/{p}/articles/{art}/adjudication/decisions/{d}/undo/", "ex_coder",    404),
    ("POST",   "projects/{p}/articles/{art_r}/adjudication/decisions/{d}/undo/", "supervisor", 404),

    ("PUT",    "projects/{p}/articles/{art}/adjudication/gold-events/{g}/", "anonymous",   401),
    ("PUT",    "projects/{p}/articles/{art}/adjudication/gold-events/{g}/", "coder",       403),
    ("PUT",    "projects/{p}/articles/{art}/adjudication/gold-events/{g}/", "other_coder", 403),
    ("PUT",    "projects/{p}/articles/{art}/adjudication/gold-events/{g}/", "supervisor",  200),
    ("PUT",    "projects/{p}/articles/{art}/adjudication/gold-events/{g}/", "researcher",  403),
    ("PUT",    "projects/{p}/articles/{art}/adjudication/gold-events/{g}/", "admin",       200),
    ("PUT",    "projects/{p}/articles/{art}/adjudication/gold-events/{g}/", "outsider",    404),
    ("PUT",    "projects/{p}/articles/{art}/adjudication/gold-events/{g}/", "superuser",   200),
    ("PUT",    "projects/{p}/articles/{art}/adjudication/gold-events/{g}/", "ex_coder",    404),

    ("POST",   "projects/{p}/articles/{art}/adjudication/validate/",  "anonymous",  401),
    ("POST",   "projects/{p}/articles/{art}/adjudication/validate/",  "coder",      403),
    ("POST",   "projects/{p}/articles/{art}/adjudication/validate/",  "other_coder", 403),
    ("POST",   "projects/{p}/articles/{art}/adjudication/validate/",  "supervisor", 200),
    ("POST",   "projects/{p}/articles/{art}/adjudication/validate/",  "researcher", 403),
    ("POST",   "projects/{p}/articles/{art}/adjudication/validate/",  "admin",      200),
    ("POST",   "projects/{p}/articles/{art}/adjudication/validate/",  "outsider",   404),
    ("POST",   "projects/{p}/articles/{art}/adjudication/validate/",  "superuser",  200),
    ("POST",   "projects/{p}/articles/{art}/adjudication/validate/",  "ex_coder",   404),
    ("POST",   "projects/{p}/articles/{art_v}/adjudication/validate/", "supervisor", 409),

    ("POST",   "projects/{p}/articles/{art_v}/adjudication/reopen/",  "anonymous",  401),
    ("POST",   "projects/{p}/articles/{art_v}/adjudication/reopen/",  "coder",      403),
    ("POST",   "projects/{p}/articles/{art_v}/adjudication/reopen/",  "other_coder", 403),
    ("POST",   "projects/{p}/articles/{art_v}/adjudication/reopen/",  "supervisor", 200),
    ("POST",   "projects/{p}/articles/{art_v}/adjudication/reopen/",  "researcher", 403),
    ("POST",   "projects/{p}/articles/{art_v}/adjudication/reopen/",  "admin",      200),
    ("POST",   "projects/{p}/articles/{art_v}/adjudication/reopen/",  "outsider",   404),
    ("POST",   "projects/{p}/articles/{art_v}/adjudication/reopen/",  "superuser",  200),
    ("POST",   "projects/{p}/articles/{art_v}/adjudication/reopen/",  "ex_coder",   404),
    ("POST",   "projects/{p}/articles/{art}/adjudication/reopen/",    "supervisor", 409),

    ("GET",    "projects/{p}/articles/{art_v}/comments/",            "anonymous",   401),
    ("GET",    "projects/{p}/articles/{art_v}/comments/",            "coder",       200),
    ("GET",    "projects/{p}/articles/{art_v}/comments/",            "other_coder", 200),
    ("GET",    "projects/{p}/articles/{art_v}/comments/",            "supervisor",  200),
    ("GET",    "projects/{p}/articles/{art_v}/comments/",            "researcher",  403),
    ("GET",    "projects/{p}/articles/{art_v}/comments/",            "admin",       200),
    ("GET",    "projects/{p}/articles/{art_v}/comments/",            "outsider",    404),
    ("GET",    "projects/{p}/articles/{art_v}/comments/",            "superuser",   200),
    ("GET",    "projects/{p}/articles/{art_v}/comments/",            "ex_coder",    404),
    ("GET",    "projects/{p}/articles/{art}/comments/",              "coder",       403),
    ("GET",    "projects/{p}/articles/{art}/comments/",              "other_coder", 403),
    ("GET",    "projects/{p}/articles/{art}/comments/",              "supervisor",  200),
    ("GET",    "projects/{p}/articles/{art_q}/comments/",            "supervisor",  404),
    ("GET",    "projects/{q}/articles/{art_q}/comments/",            "coder",       404),
    ("POST",   "projects/{p}/articles/{art_v}/comments/",            "anonymous",   401),
    ("POST",   "projects/{p}/articles/{art_v}/comments/",            "coder",       201),
    ("POST",   "projects/{p}/articles/{art_v}/comments/",            "other_coder", 201),
    ("POST",   "projects/{p}/articles/{art_v}/comments/",            "supervisor",  201),
    ("POST",   "projects/{p}/articles/{art_v}/comments/",            "researcher",  403),
    ("POST",   "projects/{p}/articles/{art_v}/comments/",            "admin",       201),
    ("POST",   "projects/{p}/articles/{art_v}/comments/",            "outsider",    404),
    ("POST",   "projects/{p}/articles/{art_v}/comments/",            "superuser",   201),
    ("POST",   "projects/{p}/articles/{art_v}/comments/",            "ex_coder",    404),
    ("POST",   "projects/{p}/articles/{art}/comments/",              "coder",       403),
    ("POST",   "projects/{p}/articles/{art}/comments/",              "other_coder", 403),
    ("POST",   "projects/{p}/articles/{art}/comments/",              "supervisor",  201),

    ("GET",    "projects/{p}/export/",                               "anonymous",   401),
    ("GET",    "projects/{p}/export/",                               "coder",       403),
    ("GET",    "projects/{p}/export/",                               "other_coder", 403),
    ("GET",    "projects/{p}/export/",                               "supervisor",  200),
    ("GET",    "projects/{p}/export/",                               "researcher",  200),
    ("GET",    "projects/{p}/export/",                               "admin",       200),
    ("GET",    "projects/{p}/export/",                               "outsider",    404),
    ("GET",    "projects/{p}/export/",                               "superuser",   200),
    ("GET",    "projects/{p}/export/",                               "ex_coder",    404),
    ("GET",    "projects/{q}/export/",                               "researcher",  404),
    ("GET",    "projects/{q}/export/",                               "supervisor",  404),
    ("GET",    "projects/{q}/export/",                               "outsider",    403),

    ("GET",    "projects/{p}/releases/",                             "anonymous",   401),
    ("GET",    "projects/{p}/releases/",                             "coder",       403),
    ("GET",    "projects/{p}/releases/",                             "other_coder", 403),
    ("GET",    "projects/{p}/releases/",                             "supervisor",  200),
    ("GET",    "projects/{p}/releases/",                             "researcher",  200),
    ("GET",    "projects/{p}/releases/",                             "admin",       200),
    ("GET",    "projects/{p}/releases/",                             "outsider",    404),
    ("GET",    "projects/{p}/releases/",                             "superuser",   200),
    ("GET",    "projects/{p}/releases/",                             "ex_coder",    404),
    ("GET",    "projects/{q}/releases/",                             "researcher",  404),
    ("GET",    "projects/{q}/releases/",                             "outsider",    403),
    ("POST",   "projects/{p}/releases/",                             "anonymous",   401),
    ("POST",   "projects/{p}/releases/",                             "coder",       403),
    ("POST",   "projects/{p}/releases/",                             "other_coder", 403),
    ("POST",   "projects/{p}/releases/",                             "supervisor",  202),
    ("POST",   "projects/{p}/releases/",                             "researcher",  403),
    ("POST",   "projects/{p}/releases/",                             "admin",       202),
    ("POST",   "projects/{p}/releases/",                             "outsider",    404),
    ("POST",   "projects/{p}/releases/",                             "superuser",   202),
    ("POST",   "projects/{p}/releases/",                             "ex_coder",    404),
    ("POST",   "projects/{q}/releases/",                             "supervisor",  404),
    ("POST",   "projects/{q}/releases/",                             "researcher",  404),

    ("GET",    "projects/{p}/releases/{r}/",                         "anonymous",   401),
    ("GET",    "projects/{p}/releases/{r}/",                         "coder",       403),
    ("GET",    "projects/{p}/releases/{r}/",                         "other_coder", 403),
    ("GET",    "projects/{p}/releases/{r}/",                         "supervisor",  200),
    ("GET",    "projects/{p}/releases/{r}/",                         "researcher",  200),
    ("GET",    "projects/{p}/releases/{r}/",                         "admin",       200),
    ("GET",    "projects/{p}/releases/{r}/",                         "outsider",    404),
    ("GET",    "projects/{p}/releases/{r}/",                         "superuser",   200),
    ("GET",    "projects/{p}/releases/{r}/",                         "ex_coder",    404),
    ("GET",    "projects/{q}/releases/{r_q}/",                       "researcher",  404),
    ("GET",    "projects/{p}/releases/{r_q}/",                       "researcher",  404),
    ("GET",    "projects/{q}/releases/{r_q}/",                       "superuser",   200),

    ("GET",    "projects/{p}/releases/{r}/files/{fmt}/",             "anonymous",   401),
    ("GET",    "projects/{p}/releases/{r}/files/{fmt}/",             "coder",       403),
    ("GET",    "projects/{p}/releases/{r}/files/{fmt}/",             "other_coder", 403),
    ("GET",    "projects/{p}/releases/{r}/files/{fmt}/",             "supervisor",  200),
    ("GET",    "projects/{p}/releases/{r}/files/{fmt}/",             "researcher",  200),
    ("GET",    "projects/{p}/releases/{r}/files/{fmt}/",             "admin",       200),
    ("GET",    "projects/{p}/releases/{r}/files/{fmt}/",             "outsider",    404),
    ("GET",    "projects/{p}/releases/{r}/files/{fmt}/",             "superuser",   200),
    ("GET",    "projects/{p}/releases/{r}/files/{fmt}/",             "ex_coder",    404),
    ("GET",    "projects/{q}/releases/{r_q}/files/{fmt}/",           "researcher",  404),
    ("GET",    "projects/{p}/releases/{r_q}/files/{fmt}/",           "researcher",  404),
    ("GET",    "projects/{q}/releases/{r_q}/files/{fmt}/",           "superuser",   200),
]
# fmt: on


def _disputed_truce(scene: ReviewScene) -> str:
    return clusters(scene.disputed.article)[1]


def _adjudication_version(scene: ReviewScene) -> int:
    return Adjudication.objects.get(article=scene.disputed.article).version


# What each (method, route) sends: a body that succeeds for an allowed actor, so a refusal
# can only come from the permission rules.
REQUESTS: dict[tuple[str, str], Callable[[ReviewScene], dict[str, Any]]] = {
    ("POST", "codebook-versions/"): lambda s: {
        "data": {"document": (DATA / "mini_codebook.yaml").read_text("utf-8")}
    },
    ("POST", "projects/#/articles/#/adjudication/decisions/"): lambda s: {
        "data": {"kind": "reject", "cluster": _disputed_truce(s), "reason": "Not a truce"}
    },
    ("POST", "projects/#/articles/#/adjudication/decisions/#/undo/"): lambda s: {
        "data": {"version": 1}
    },
    ("PUT", "projects/#/articles/#/adjudication/gold-events/#/"): lambda s: {
        "data": {**complete_event(s.world), "version": 1}
    },
    ("POST", "projects/#/articles/#/adjudication/validate/"): lambda s: {
        "data": {"version": _adjudication_version(s)}
    },
    ("POST", "projects/#/articles/#/adjudication/reopen/"): lambda s: {
        "data": {"reason": "A second source"}
    },
    ("POST", "projects/#/articles/#/comments/"): lambda s: {"data": {"body": "Thanks"}},
    ("POST", "projects/#/releases/"): lambda s: {
        "data": {"tag": "v2.0.0", "notes": "Second", "confirm_empty": True}
    },
}


def prepare(scene: ReviewScene, method: str, endpoint: str, actor: str) -> None:
    """Put the target in the state the action needs: validating the disputed article needs
    its truce decided."""
    world = scene.world
    if actor == "ex_coder":
        membership_set(project=world.project, user=world.coder_a, role="coder", is_active=False)
    if endpoint == "projects/{p}/articles/{art}/adjudication/validate/":
        adjudicating.decision_reject(
            adjudication=Adjudication.objects.get(article=scene.disputed.article),
            actor=world.supervisor,
            cluster_key=_disputed_truce(scene),
            reason="Not a truce",
        )


def client_for(scene: ReviewScene, actor: str) -> APIClient:
    client = APIClient()
    user = scene.user(actor)
    if user is not None:
        client.force_authenticate(user)
    return client


def call(scene: ReviewScene, method: str, endpoint: str, actor: str) -> Any:
    build = REQUESTS.get((method, route_key(endpoint)))
    request = build(scene) if build else {}
    if method != "GET":
        request.setdefault("format", "json")
    url = "/api/v1/" + endpoint.format(**scene.ids())
    response = getattr(client_for(scene, actor), method.lower())(url, **request)
    if response.streaming:  # exports and release files: reading them whole closes them
        response.content_bytes = b"".join(response.streaming_content)
    return response


@pytest.fixture(scope="module")
def shared_scene(django_db_setup: None, django_db_blocker: Any) -> Iterator[ReviewScene]:
    yield from scene_in_transaction(django_db_blocker, snapshot)


@pytest.fixture
def scene(shared_scene: ReviewScene, db: None) -> ReviewScene:
    assert snapshot() == shared_scene.baseline, "a previous test's writes leaked"
    return shared_scene


def _row_id(row: tuple[str, str, str, int]) -> str:
    method, endpoint, actor, expected = row
    return f"{method} {endpoint} as {actor} -> {expected}"


@pytest.mark.parametrize(
    ("method", "endpoint", "actor", "expected"), REVIEW_MATRIX, ids=map(_row_id, REVIEW_MATRIX)
)
def test_review_permission_matrix(
    scene: ReviewScene, method: str, endpoint: str, actor: str, expected: int
) -> None:
    prepare(scene, method, endpoint, actor)
    before = snapshot()
    response = call(scene, method, endpoint, actor)
    content = getattr(response, "content_bytes", None) or response.content
    assert response.status_code == expected, content[:500]
    after = snapshot()
    if method == "GET" or expected >= 400:
        assert after == before
    else:
        assert after != before, "an allowed write changed nothing"
    if expected == 401:
        assert response["WWW-Authenticate"] == "Token"
    if expected >= 400:
        assert set(response.json()) >= {"detail"}


# --- CSRF: a browser session must prove the request came from our pages --------------------

WRITES = sorted(
    {
        (method, endpoint, actor)
        for method, endpoint, actor, expected in REVIEW_MATRIX
        if method != "GET" and 200 <= expected < 300
    }
)


@pytest.mark.parametrize(("method", "endpoint", "actor"), WRITES, ids=[" ".join(w) for w in WRITES])
def test_session_write_without_csrf_token_is_refused(
    scene: ReviewScene, method: str, endpoint: str, actor: str
) -> None:
    prepare(scene, method, endpoint, actor)
    user = scene.user(actor)
    assert user is not None
    client = APIClient(enforce_csrf_checks=True)
    # A real session; force_login, as Client.login() passes django-axes no request.
    client.force_login(user)
    build = REQUESTS.get((method, route_key(endpoint)))
    request = {"format": "json", **(build(scene) if build else {})}
    before = snapshot()
    url = "/api/v1/" + endpoint.format(**scene.ids())
    response = getattr(client, method.lower())(url, **request)
    assert response.status_code == 403
    assert response.json()["detail"].startswith("CSRF Failed")
    assert snapshot() == before
