"""Who may do what: every v1 endpoint × method × actor, with the exact status code, and proof
that a refused request (and every read) changed nothing.

The table below is the specification. Its vocabulary:

Actors
    anonymous    no credentials at all
    coder        coder_a; `{a}` is their assignment and `{e}` their coded event on it
    other_coder  coder_b, who codes the same article blind (their own assignment is another)
    supervisor   super1, supervisor of p1
    researcher   research1, researcher of p1 (reads validated data, never coder layers)
    admin        admin1, project admin of p1 (not a site admin)
    outsider     a coder of p2 only
    superuser    a site superuser (acts as admin of every project; manages user accounts)
    ex_coder     coder_a after their p1 membership was deactivated

Targets (path placeholders)
    {p} p1, {art} its article, {a} coder_a's assignment, {e} coder_a's event on {a};
    {q} p2 (the other project), {art_q} its article, {a_q} the outsider's assignment on it,
    {e_q} the outsider's event on {a_q}; {imp} an import job of p1, {imp_q} one of p2.

Conventions the table encodes: anonymous callers get 401 (TokenAuthentication is listed first,
so DRF answers with `WWW-Authenticate: Token`); what a caller may not *see* is 404, exactly as
if it did not exist (blind coding: another coder's assignment or event, another project);
what a caller may see but not *do* is 403.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from api.throttling import LoginRateThrottle, account_throttle_key
from coding.models import (
    Adjudication,
    AdjudicationDecision,
    AgreementResult,
    AgreementRun,
    Article,
    Assignment,
    AuditEntry,
    Codebook,
    CodebookVersion,
    CodedEvent,
    Comment,
    DatasetRelease,
    Disagreement,
    EvidenceSpan,
    GoldRetraction,
    ImportJob,
    ImportUploadChunk,
    Membership,
    Project,
    ReleaseFile,
    TimeLedger,
    TimeTab,
    User,
)
from coding.services.articles import articles_create
from coding.services.assignment import assignments_balance
from coding.services.events import EventInput, SpanInput, event_create
from coding.services.projects import membership_set, project_create
from coding.services.workflow import assignment_submit
from tests.factories import ActorFactory, LocationFactory, UserFactory
from tests.factories_ops import ImportJobFactory
from tests.world import ARTICLE_TEXT, Item, World, complete_event, mini_version

PASSWORD = "pw-for-tests"  # UserFactory's password
CODER_TOKEN_KEY = "c0de" * 10  # coder_a's API token in the me/tokens/{tok}/ rows

ACTORS = (
    "anonymous",
    "coder",
    "other_coder",
    "supervisor",
    "researcher",
    "admin",
    "outsider",
    "superuser",
    "ex_coder",
)

# fmt: off
MATRIX: list[tuple[str, str, str, int]] = [
    # method   endpoint                           actor          expected
    ("POST",   "auth/token/",                      "anonymous",   200),
    ("POST",   "auth/token/",                      "coder",       200),
    ("POST",   "auth/token/",                      "other_coder", 200),
    ("POST",   "auth/token/",                      "supervisor",  200),
    ("POST",   "auth/token/",                      "researcher",  200),
    ("POST",   "auth/token/",                      "admin",       200),
    ("POST",   "auth/token/",                      "outsider",    200),
    ("POST",   "auth/token/",                      "superuser",   200),
    ("POST",   "auth/token/",                      "ex_coder",    200),

    ("GET",    "users/",                           "anonymous",   401),
    ("GET",    "users/",                           "coder",       403),
    ("GET",    "users/",                           "other_coder", 403),
    ("GET",    "users/",                           "supervisor",  403),
    ("GET",    "users/",                           "researcher",  403),
    ("GET",    "users/",                           "admin",       403),
    ("GET",    "users/",                           "outsider",    403),
    ("GET",    "users/",                           "superuser",   200),
    ("GET",    "users/",                           "ex_coder",    403),
    ("POST",   "users/",                           "anonymous",   401),
    ("POST",   "users/",                           "coder",       403),
    ("POST",   "users/",                           "other_coder", 403),
    ("POST",   "users/",                           "supervisor",  403),
    ("POST",   "users/",                           "researcher",  403),
    ("POST",   "users/",                           "admin",       403),
    ("POST",   "users/",                           "outsider",    403),
    ("POST",   "users/",                           "superuser",   201),
    ("POST",   "users/",                           "ex_coder",    403),

    ("GET",    "projects/",                        "anonymous",   401),
    ("GET",    "projects/",                        "coder",       200),
    ("GET",    "projects/",                        "other_coder", 200),
    ("GET",    "projects/",                        "supervisor",  200),
    ("GET",    "projects/",                        "researcher",  200),
    ("GET",    "projects/",                        "admin",       200),
    ("GET",    "projects/",                        "outsider",    200),
    ("GET",    "projects/",                        "superuser",   200),
    ("GET",    "projects/",                        "ex_coder",    200),
    ("POST",   "projects/",                        "anonymous",   401),
    ("POST",   "projects/",                        "coder",       403),
    ("POST",   "projects/",                        "other_coder", 403),
    ("POST",   "projects/",                        "supervisor",  403),
    ("POST",   "projects/",                        "researcher",  403),
    ("POST",   "projects/",                        "admin",       403),
    ("POST",   "projects/",                        "outsider",    403),
    ("POST",   "projects/",                        "superuser",   201),
    ("POST",   "projects/",                        "ex_coder",    403),

    ("GET",    "projects/{p}/",                    "anonymous",   401),
    ("GET",    "projects/{p}/",                    "coder",       200),
    ("GET",    "projects/{p}/",                    "other_coder", 200),
    ("GET",    "projects/{p}/",                    "supervisor",  200),
    ("GET",    "projects/{p}/",                    "researcher",  200),
    ("GET",    "projects/{p}/",                    "admin",       200),
    ("GET",    "projects/{p}/",                    "outsider",    404),
    ("GET",    "projects/{p}/",                    "superuser",   200),
    ("GET",    "projects/{p}/",                    "ex_coder",    404),
    ("GET",    "projects/{q}/",                    "coder",       404),
    ("GET",    "projects/{q}/",                    "supervisor",  404),
    ("GET",    "projects/{q}/",                    "admin",       404),
    ("GET",    "projects/{q}/",                    "outsider",    200),
    ("GET",    "projects/{q}/",                    "superuser",   200),

    ("GET",    "projects/{p}/members/",            "anonymous",   401),
    ("GET",    "projects/{p}/members/",            "coder",       403),
    ("GET",    "projects/{p}/members/",            "other_coder", 403),
    ("GET",    "projects/{p}/members/",            "supervisor",  200),
    ("GET",    "projects/{p}/members/",            "researcher",  403),
    ("GET",    "projects/{p}/members/",            "admin",       200),
    ("GET",    "projects/{p}/members/",            "outsider",    404),
    ("GET",    "projects/{p}/members/",            "superuser",   200),
    ("GET",    "projects/{p}/members/",            "ex_coder",    404),
    ("GET",    "projects/{q}/members/",            "supervisor",  404),
    ("GET",    "projects/{q}/members/",            "admin",       404),
    ("POST",   "projects/{p}/members/",            "anonymous",   401),
    ("POST",   "projects/{p}/members/",            "coder",       403),
    ("POST",   "projects/{p}/members/",            "other_coder", 403),
    ("POST",   "projects/{p}/members/",            "supervisor",  201),
    ("POST",   "projects/{p}/members/",            "researcher",  403),
    ("POST",   "projects/{p}/members/",            "admin",       201),
    ("POST",   "projects/{p}/members/",            "outsider",    404),
    ("POST",   "projects/{p}/members/",            "superuser",   201),
    ("POST",   "projects/{p}/members/",            "ex_coder",    404),
    ("POST",   "projects/{q}/members/",            "supervisor",  404),
    ("POST",   "projects/{q}/members/",            "admin",       404),

    ("GET",    "projects/{p}/articles/",           "anonymous",   401),
    ("GET",    "projects/{p}/articles/",           "coder",       403),
    ("GET",    "projects/{p}/articles/",           "other_coder", 403),
    ("GET",    "projects/{p}/articles/",           "supervisor",  200),
    ("GET",    "projects/{p}/articles/",           "researcher",  403),
    ("GET",    "projects/{p}/articles/",           "admin",       200),
    ("GET",    "projects/{p}/articles/",           "outsider",    404),
    ("GET",    "projects/{p}/articles/",           "superuser",   200),
    ("GET",    "projects/{p}/articles/",           "ex_coder",    404),
    ("GET",    "projects/{q}/articles/",           "supervisor",  404),

    # A small file is imported in the request: 201 with the finished job (a large one: 202).
    ("POST",   "projects/{p}/articles/import/",    "anonymous",   401),
    ("POST",   "projects/{p}/articles/import/",    "coder",       403),
    ("POST",   "projects/{p}/articles/import/",    "other_coder", 403),
    ("POST",   "projects/{p}/articles/import/",    "supervisor",  201),
    ("POST",   "projects/{p}/articles/import/",    "researcher",  403),
    ("POST",   "projects/{p}/articles/import/",    "admin",       201),
    ("POST",   "projects/{p}/articles/import/",    "outsider",    404),
    ("POST",   "projects/{p}/articles/import/",    "superuser",   201),
    ("POST",   "projects/{p}/articles/import/",    "ex_coder",    404),
    ("POST",   "projects/{q}/articles/import/",    "supervisor",  404),
    ("GET",    "projects/{p}/imports/", "anonymous", 401),
    ("GET",    "projects/{p}/imports/", "coder", 403),
    ("GET",    "projects/{p}/imports/", "other_coder", 403),
    ("GET",    "projects/{p}/imports/", "supervisor", 200),
    ("GET",    "projects/{p}/imports/", "researcher", 403),
    ("GET",    "projects/{p}/imports/", "admin", 200),
    ("GET",    "projects/{p}/imports/", "outsider", 404),
    ("GET",    "projects/{p}/imports/", "superuser", 200),
    ("GET",    "projects/{p}/imports/", "ex_coder", 404),
    ("GET",    "projects/{p}/imports/{imp}/", "anonymous", 401),
    ("GET",    "projects/{p}/imports/{imp}/", "coder", 403),
    ("GET",    "projects/{p}/imports/{imp}/", "other_coder", 403),
    ("GET",    "projects/{p}/imports/{imp}/", "supervisor", 200),
    ("GET",    "projects/{p}/imports/{imp}/", "researcher", 403),
    ("GET",    "projects/{p}/imports/{imp}/", "admin", 200),
    ("GET",    "projects/{p}/imports/{imp}/", "outsider", 404),
    ("GET",    "projects/{p}/imports/{imp}/", "superuser", 200),
    ("GET",    "projects/{p}/imports/{imp}/", "ex_coder", 404),
    ("GET",    "projects/{q}/imports/", "supervisor", 404),
    ("GET",    "projects/{p}/imports/{imp_q}/", "supervisor", 404),
    ("GET",    "projects/{q}/imports/{imp_q}/", "supervisor", 404),

    ("GET",    "projects/{p}/articles/{art}/",     "anonymous",   401),
    ("GET",    "projects/{p}/articles/{art}/",     "coder",       403),
    ("GET",    "projects/{p}/articles/{art}/",     "other_coder", 403),
    ("GET",    "projects/{p}/articles/{art}/",     "supervisor",  200),
    ("GET",    "projects/{p}/articles/{art}/",     "researcher",  403),
    ("GET",    "projects/{p}/articles/{art}/",     "admin",       200),
    ("GET",    "projects/{p}/articles/{art}/",     "outsider",    404),
    ("GET",    "projects/{p}/articles/{art}/",     "superuser",   200),
    ("GET",    "projects/{p}/articles/{art}/",     "ex_coder",    404),
    ("GET",    "projects/{p}/articles/{art_q}/",   "supervisor",  404),
    ("GET",    "projects/{q}/articles/{art_q}/",   "supervisor",  404),
    ("GET",    "projects/{q}/articles/{art_q}/",   "superuser",   200),

    ("GET",    "projects/{p}/assignments/",        "anonymous",   401),
    ("GET",    "projects/{p}/assignments/",        "coder",       200),
    ("GET",    "projects/{p}/assignments/",        "other_coder", 200),
    ("GET",    "projects/{p}/assignments/",        "supervisor",  200),
    ("GET",    "projects/{p}/assignments/",        "researcher",  403),
    ("GET",    "projects/{p}/assignments/",        "admin",       200),
    ("GET",    "projects/{p}/assignments/",        "outsider",    404),
    ("GET",    "projects/{p}/assignments/",        "superuser",   200),
    ("GET",    "projects/{p}/assignments/",        "ex_coder",    404),
    ("GET",    "projects/{q}/assignments/",        "coder",       404),
    ("GET",    "projects/{q}/assignments/",        "supervisor",  404),

    ("POST",   "projects/{p}/assignments/balance/","anonymous",   401),
    ("POST",   "projects/{p}/assignments/balance/","coder",       403),
    ("POST",   "projects/{p}/assignments/balance/","other_coder", 403),
    ("POST",   "projects/{p}/assignments/balance/","supervisor",  200),
    ("POST",   "projects/{p}/assignments/balance/","researcher",  403),
    ("POST",   "projects/{p}/assignments/balance/","admin",       200),
    ("POST",   "projects/{p}/assignments/balance/","outsider",    404),
    ("POST",   "projects/{p}/assignments/balance/","superuser",   200),
    ("POST",   "projects/{p}/assignments/balance/","ex_coder",    404),
    ("POST",   "projects/{q}/assignments/balance/","supervisor",  404),

    ("GET",    "projects/{p}/audit/",              "anonymous",   401),
    ("GET",    "projects/{p}/audit/",              "coder",       403),
    ("GET",    "projects/{p}/audit/",              "other_coder", 403),
    ("GET",    "projects/{p}/audit/",              "supervisor",  200),
    ("GET",    "projects/{p}/audit/",              "researcher",  403),
    ("GET",    "projects/{p}/audit/",              "admin",       200),
    ("GET",    "projects/{p}/audit/",              "outsider",    404),
    ("GET",    "projects/{p}/audit/",              "superuser",   200),
    ("GET",    "projects/{p}/audit/",              "ex_coder",    404),
    ("GET",    "projects/{q}/audit/",              "supervisor",  404),
    ("GET",    "projects/{p}/proposed-names/",     "anonymous",   401),
    ("GET",    "projects/{p}/proposed-names/",     "coder",       403),
    ("GET",    "projects/{p}/proposed-names/",     "other_coder", 403),
    ("GET",    "projects/{p}/proposed-names/",     "supervisor",  200),
    ("GET",    "projects/{p}/proposed-names/",     "researcher",  403),
    ("GET",    "projects/{p}/proposed-names/",     "admin",       200),
    ("GET",    "projects/{p}/proposed-names/",     "outsider",    404),
    ("GET",    "projects/{p}/proposed-names/",     "superuser",   200),
    ("GET",    "projects/{p}/proposed-names/",     "ex_coder",    404),
    ("GET",    "projects/{q}/proposed-names/",     "supervisor",  404),
    # An empty body: managers get past the role check and are refused the body (422).
    ("POST",   "projects/{p}/proposed-names/resolve/", "anonymous",   401),
    ("POST",   "projects/{p}/proposed-names/resolve/", "coder",       403),
    ("POST",   "projects/{p}/proposed-names/resolve/", "other_coder", 403),
    ("POST",   "projects/{p}/proposed-names/resolve/", "supervisor",  422),
    ("POST",   "projects/{p}/proposed-names/resolve/", "researcher",  403),
    ("POST",   "projects/{p}/proposed-names/resolve/", "admin",       422),
    ("POST",   "projects/{p}/proposed-names/resolve/", "outsider",    404),
    ("POST",   "projects/{p}/proposed-names/resolve/", "superuser",   422),
    ("POST",   "projects/{p}/proposed-names/resolve/", "ex_coder",    404),
    ("POST",   "projects/{q}/proposed-names/resolve/", "supervisor",  404),
    ("GET",    "projects/{q}/audit/",              "outsider",    403),

    # Each caller sees their own tokens; {tok} is coder_a's (another's answers as missing).
    ("GET",    "me/tokens/",                       "anonymous",   401),
    ("GET",    "me/tokens/",                       "coder",       200),
    ("GET",    "me/tokens/",                       "other_coder", 200),
    ("GET",    "me/tokens/",                       "supervisor",  200),
    ("GET",    "me/tokens/",                       "researcher",  200),
    ("GET",    "me/tokens/",                       "admin",       200),
    ("GET",    "me/tokens/",                       "outsider",    200),
    ("GET",    "me/tokens/",                       "superuser",   200),
    ("GET",    "me/tokens/",                       "ex_coder",    200),
    ("DELETE", "me/tokens/{tok}/",                 "anonymous",   401),
    ("DELETE", "me/tokens/{tok}/",                 "coder",       204),
    ("DELETE", "me/tokens/{tok}/",                 "other_coder", 404),
    ("DELETE", "me/tokens/{tok}/",                 "supervisor",  404),
    ("DELETE", "me/tokens/{tok}/",                 "researcher",  404),
    ("DELETE", "me/tokens/{tok}/",                 "admin",       404),
    ("DELETE", "me/tokens/{tok}/",                 "outsider",    404),
    ("DELETE", "me/tokens/{tok}/",                 "superuser",   404),
    ("DELETE", "me/tokens/{tok}/",                 "ex_coder",    204),
    ("GET",    "me/assignments/",                  "anonymous",   401),
    ("GET",    "me/assignments/",                  "coder",       200),
    ("GET",    "me/assignments/",                  "other_coder", 200),
    ("GET",    "me/assignments/",                  "supervisor",  200),
    ("GET",    "me/assignments/",                  "researcher",  200),
    ("GET",    "me/assignments/",                  "admin",       200),
    ("GET",    "me/assignments/",                  "outsider",    200),
    ("GET",    "me/assignments/",                  "superuser",   200),
    ("GET",    "me/assignments/",                  "ex_coder",    200),

    ("GET",    "assignments/{a}/",                 "anonymous",   401),
    ("GET",    "assignments/{a}/",                 "coder",       200),
    ("GET",    "assignments/{a}/",                 "other_coder", 404),
    ("GET",    "assignments/{a}/",                 "supervisor",  200),
    ("GET",    "assignments/{a}/",                 "researcher",  404),
    ("GET",    "assignments/{a}/",                 "admin",       200),
    ("GET",    "assignments/{a}/",                 "outsider",    404),
    ("GET",    "assignments/{a}/",                 "superuser",   200),
    ("GET",    "assignments/{a}/",                 "ex_coder",    404),
    ("GET",    "assignments/{a_q}/",               "coder",       404),
    ("GET",    "assignments/{a_q}/",               "supervisor",  404),
    ("GET",    "assignments/{a_q}/",               "admin",       404),
    ("GET",    "assignments/{a_q}/",               "outsider",    200),
    ("GET",    "assignments/{a_q}/",               "superuser",   200),

    ("POST",   "assignments/{a}/submit/",          "anonymous",   401),
    ("POST",   "assignments/{a}/submit/",          "coder",       200),
    ("POST",   "assignments/{a}/submit/",          "other_coder", 404),
    ("POST",   "assignments/{a}/submit/",          "supervisor",  403),
    ("POST",   "assignments/{a}/submit/",          "researcher",  404),
    ("POST",   "assignments/{a}/submit/",          "admin",       403),
    ("POST",   "assignments/{a}/submit/",          "outsider",    404),
    ("POST",   "assignments/{a}/submit/",          "superuser",   403),
    ("POST",   "assignments/{a}/submit/",          "ex_coder",    404),
    ("POST",   "assignments/{a_q}/submit/",        "supervisor",  404),

    ("POST",   "assignments/{a}/reopen/",          "anonymous",   401),
    ("POST",   "assignments/{a}/reopen/",          "coder",       403),
    ("POST",   "assignments/{a}/reopen/",          "other_coder", 404),
    ("POST",   "assignments/{a}/reopen/",          "supervisor",  200),
    ("POST",   "assignments/{a}/reopen/",          "researcher",  404),
    ("POST",   "assignments/{a}/reopen/",          "admin",       200),
    ("POST",   "assignments/{a}/reopen/",          "outsider",    404),
    ("POST",   "assignments/{a}/reopen/",          "superuser",   200),
    ("POST",   "assignments/{a}/reopen/",          "ex_coder",    404),
    ("POST",   "assignments/{a_q}/reopen/",        "supervisor",  404),

    ("POST",   "assignments/{a}/reassign/",        "anonymous",   401),
    ("POST",   "assignments/{a}/reassign/",        "coder",       403),
    ("POST",   "assignments/{a}/reassign/",        "other_coder", 404),
    ("POST",   "assignments/{a}/reassign/",        "supervisor",  200),
    ("POST",   "assignments/{a}/reassign/",        "researcher",  404),
    ("POST",   "assignments/{a}/reassign/",        "admin",       200),
    ("POST",   "assignments/{a}/reassign/",        "outsider",    404),
    ("POST",   "assignments/{a}/reassign/",        "superuser",   200),
    ("POST",   "assignments/{a}/reassign/",        "ex_coder",    404),
    ("POST",   "assignments/{a_q}/reassign/",      "supervisor",  404),

    ("GET",    "assignments/{a}/events/page/",     "anonymous",   401),
    ("GET",    "assignments/{a}/events/page/",     "coder",       200),
    ("GET",    "assignments/{a}/events/page/",     "other_coder", 404),
    ("GET",    "assignments/{a}/events/page/",     "supervisor",  200),
    ("GET",    "assignments/{a}/events/page/",     "researcher",  404),
    ("GET",    "assignments/{a}/events/page/",     "admin",       200),
    ("GET",    "assignments/{a}/events/page/",     "outsider",    404),
    ("GET",    "assignments/{a}/events/page/",     "superuser",   200),
    ("GET",    "assignments/{a}/events/page/",     "ex_coder",    404),

    ("GET",    "assignments/{a}/events/",          "anonymous",   401),
    ("GET",    "assignments/{a}/events/",          "coder",       200),
    ("GET",    "assignments/{a}/events/",          "other_coder", 404),
    ("GET",    "assignments/{a}/events/",          "supervisor",  200),
    ("GET",    "assignments/{a}/events/",          "researcher",  404),
    ("GET",    "assignments/{a}/events/",          "admin",       200),
    ("GET",    "assignments/{a}/events/",          "outsider",    404),
    ("GET",    "assignments/{a}/events/",          "superuser",   200),
    ("GET",    "assignments/{a}/events/",          "ex_coder",    404),
    ("GET",    "assignments/{a_q}/events/",        "supervisor",  404),
    ("POST",   "assignments/{a}/events/",          "anonymous",   401),
    ("POST",   "assignments/{a}/events/",          "coder",       201),
    ("POST",   "assignments/{a}/events/",          "other_coder", 404),
    ("POST",   "assignments/{a}/events/",          "supervisor",  403),
    ("POST",   "assignments/{a}/events/",          "researcher",  404),
    ("POST",   "assignments/{a}/events/",          "admin",       403),
    ("POST",   "assignments/{a}/events/",          "outsider",    404),
    ("POST",   "assignments/{a}/events/",          "superuser",   403),
    ("POST",   "assignments/{a}/events/",          "ex_coder",    404),
    ("POST",   "assignments/{a_q}/events/",        "coder",       404),
    ("POST",   "assignments/{a_q}/events/",        "supervisor",  404),

    ("GET",    "events/{e}/",                      "anonymous",   401),
    ("GET",    "events/{e}/",                      "coder",       200),
    ("GET",    "events/{e}/",                      "other_coder", 404),
    ("GET",    "events/{e}/",                      "supervisor",  200),
    ("GET",    "events/{e}/",                      "researcher",  404),
    ("GET",    "events/{e}/",                      "admin",       200),
    ("GET",    "events/{e}/",                      "outsider",    404),
    ("GET",    "events/{e}/",                      "superuser",   200),
    ("GET",    "events/{e}/",                      "ex_coder",    404),
    ("GET",    "events/{e_q}/",                    "coder",       404),
    ("GET",    "events/{e_q}/",                    "supervisor",  404),
    ("GET",    "events/{e_q}/",                    "outsider",    200),
    ("PUT",    "events/{e}/",                      "anonymous",   401),
    ("PUT",    "events/{e}/",                      "coder",       200),
    ("PUT",    "events/{e}/",                      "other_coder", 404),
    ("PUT",    "events/{e}/",                      "supervisor",  403),
    ("PUT",    "events/{e}/",                      "researcher",  404),
    ("PUT",    "events/{e}/",                      "admin",       403),
    ("PUT",    "events/{e}/",                      "outsider",    404),
    ("PUT",    "events/{e}/",                      "superuser",   403),
    ("PUT",    "events/{e}/",                      "ex_coder",    404),
    ("PUT",    "events/{e_q}/",                    "coder",       404),
    ("PUT",    "events/{e_q}/",                    "supervisor",  404),
    ("DELETE", "events/{e}/",                      "anonymous",   401),
    ("DELETE", "events/{e}/",                      "coder",       204),
    ("DELETE", "events/{e}/",                      "other_coder", 404),
    ("DELETE", "events/{e}/",                      "supervisor",  403),
    ("DELETE", "events/{e}/",                      "researcher",  404),
    ("DELETE", "events/{e}/",                      "admin",       403),
    ("DELETE", "events/{e}/",                      "outsider",    404),
    ("DELETE", "events/{e}/",                      "superuser",   403),
    ("DELETE", "events/{e}/",                      "ex_coder",    404),
    ("DELETE", "events/{e_q}/",                    "coder",       404),
    ("DELETE", "events/{e_q}/",                    "supervisor",  404),

    # Active time on task and the throughput dashboard (issue #17).
    ("GET",   "me/time/",                                "anonymous",   401),
    ("GET",   "me/time/",                                "coder",       200),
    ("GET",   "me/time/",                                "other_coder", 200),
    ("GET",   "me/time/",                                "supervisor",  200),
    ("GET",   "me/time/",                                "researcher",  200),
    ("GET",   "me/time/",                                "admin",       200),
    ("GET",   "me/time/",                                "outsider",    200),
    ("GET",   "me/time/",                                "superuser",   200),
    ("GET",   "me/time/",                                "ex_coder",    200),

    ("GET",   "assignments/{a}/time/",                   "anonymous",   401),
    ("GET",   "assignments/{a}/time/",                   "coder",       200),
    ("GET",   "assignments/{a}/time/",                   "other_coder", 404),
    ("GET",   "assignments/{a}/time/",                   "supervisor",  200),
    ("GET",   "assignments/{a}/time/",                   "researcher",  404),
    ("GET",   "assignments/{a}/time/",                   "admin",       200),
    ("GET",   "assignments/{a}/time/",                   "outsider",    404),
    ("GET",   "assignments/{a}/time/",                   "superuser",   200),
    ("GET",   "assignments/{a}/time/",                   "ex_coder",    404),

    ("POST",  "assignments/{a}/time/",                   "anonymous",   401),
    ("POST",  "assignments/{a}/time/",                   "coder",       200),
    ("POST",  "assignments/{a}/time/",                   "other_coder", 404),
    ("POST",  "assignments/{a}/time/",                   "supervisor",  403),
    ("POST",  "assignments/{a}/time/",                   "researcher",  404),
    ("POST",  "assignments/{a}/time/",                   "admin",       403),
    ("POST",  "assignments/{a}/time/",                   "outsider",    404),
    ("POST",  "assignments/{a}/time/",                   "superuser",   403),
    ("POST",  "assignments/{a}/time/",                   "ex_coder",    404),

    ("GET",   "projects/{p}/articles/{art}/review-time/", "anonymous",   401),
    ("GET",   "projects/{p}/articles/{art}/review-time/", "coder",       403),
    ("GET",   "projects/{p}/articles/{art}/review-time/", "other_coder", 403),
    ("GET",   "projects/{p}/articles/{art}/review-time/", "supervisor",  200),
    ("GET",   "projects/{p}/articles/{art}/review-time/", "researcher",  403),
    ("GET",   "projects/{p}/articles/{art}/review-time/", "admin",       200),
    ("GET",   "projects/{p}/articles/{art}/review-time/", "outsider",    404),
    ("GET",   "projects/{p}/articles/{art}/review-time/", "superuser",   200),
    ("GET",   "projects/{p}/articles/{art}/review-time/", "ex_coder",    404),

    ("POST",  "projects/{p}/articles/{art}/review-time/", "anonymous",   401),
    ("POST",  "projects/{p}/articles/{art}/review-time/", "coder",       403),
    ("POST",  "projects/{p}/articles/{art}/review-time/", "other_coder", 403),
    ("POST",  "projects/{p}/articles/{art}/review-time/", "supervisor",  200),
    ("POST",  "projects/{p}/articles/{art}/review-time/", "researcher",  403),
    ("POST",  "projects/{p}/articles/{art}/review-time/", "admin",       200),
    ("POST",  "projects/{p}/articles/{art}/review-time/", "outsider",    404),
    ("POST",  "projects/{p}/articles/{art}/review-time/", "superuser",   200),
    ("POST",  "projects/{p}/articles/{art}/review-time/", "ex_coder",    404),

    ("GET",   "projects/{p}/throughput/",                "anonymous",   401),
    ("GET",   "projects/{p}/throughput/",                "coder",       403),
    ("GET",   "projects/{p}/throughput/",                "other_coder", 403),
    ("GET",   "projects/{p}/throughput/",                "supervisor",  200),
    ("GET",   "projects/{p}/throughput/",                "researcher",  403),
    ("GET",   "projects/{p}/throughput/",                "admin",       200),
    ("GET",   "projects/{p}/throughput/",                "outsider",    404),
    ("GET",   "projects/{p}/throughput/",                "superuser",   200),
    ("GET",   "projects/{p}/throughput/",                "ex_coder",    404),

    ("GET",   "projects/{p}/throughput/csv/",            "anonymous",   401),
    ("GET",   "projects/{p}/throughput/csv/",            "coder",       403),
    ("GET",   "projects/{p}/throughput/csv/",            "other_coder", 403),
    ("GET",   "projects/{p}/throughput/csv/",            "supervisor",  200),
    ("GET",   "projects/{p}/throughput/csv/",            "researcher",  403),
    ("GET",   "projects/{p}/throughput/csv/",            "admin",       200),
    ("GET",   "projects/{p}/throughput/csv/",            "outsider",    404),
    ("GET",   "projects/{p}/throughput/csv/",            "superuser",   200),
    ("GET",   "projects/{p}/throughput/csv/",            "ex_coder",    404),
]
# fmt: on

# Routes added to api/urls.py while this table was being written, not in it yet. To cover
# one, add its rows (every method × every actor above) and take it off this list; a route
# that is in neither fails test_the_table_covers_every_route_method_and_actor. The routes
# that act on coded, adjudicated and released work have their own table, on their own
# scene: tests/api/test_permission_matrix_review.py.
PENDING_ROUTES: set[str] = set()


@dataclass
class Scene:
    """The world the table's rows act on."""

    world: World
    superuser: User
    coder_c: User  # a third coder of p1, free to take over {a}
    newcomer: User  # in none of p1, p2; a coder of p3, which admin1 and super1 also run
    event: CodedEvent  # {e}
    assignment_q: Assignment  # {a_q}
    event_q: CodedEvent  # {e_q}
    import_job: ImportJob  # {imp}
    import_job_q: ImportJob  # {imp_q}
    baseline: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)

    def ids(self) -> dict[str, int | str]:
        world = self.world
        return {
            "tok": CODER_TOKEN_KEY[:8],
            "p": world.project.pk,
            "q": world.other_project.pk,
            "art": world.article.pk,
            "art_q": self.assignment_q.article_id,
            "a": world.assignment_a.pk,
            "a_q": self.assignment_q.pk,
            "e": self.event.pk,
            "e_q": self.event_q.pk,
            "imp": self.import_job.pk,
            "imp_q": self.import_job_q.pk,
        }

    def user(self, actor: str) -> User | None:
        world = self.world
        return {
            "anonymous": None,
            "coder": world.coder_a,
            "other_coder": world.coder_b,
            "supervisor": world.supervisor,
            "researcher": world.researcher,
            "admin": world.admin,
            "outsider": world.outsider,
            "superuser": self.superuser,
            "ex_coder": world.coder_a,
        }[actor]


def _newcomer(admin: User, supervisor: User, version: Any) -> User:
    """A user in none of the scene's projects whom p1's admin and supervisor may add: a coder
    of a third project they also run (managers add only accounts they can already see)."""
    newcomer = UserFactory(username="newcomer")
    third = project_create(slug="p-elsewhere", name="Elsewhere", codebook_version=version)
    membership_set(project=third, user=admin, role="admin")
    membership_set(project=third, user=supervisor, role="supervisor")
    membership_set(project=third, user=newcomer, role="coder")
    return newcomer


def build_scene() -> Scene:
    """The same people and articles as tests.world's `world`, plus what the rows act on."""
    version = mini_version()
    project = project_create(slug="p1", name="P1", codebook_version=version, overlap=2)
    other = project_create(slug="p2", name="P2", codebook_version=version, overlap=1)
    names = ["admin1", "super1", "research1", "coder_a", "coder_b", "outsider", "coder_c"]
    users = {name: UserFactory(username=name) for name in names}
    for name, role in [
        ("admin1", "admin"),
        ("super1", "supervisor"),
        ("research1", "researcher"),
        ("coder_a", "coder"),
        ("coder_b", "coder"),
    ]:
        membership_set(project=project, user=users[name], role=role)
    membership_set(project=other, user=users["outsider"], role="coder")
    articles_create(project=project, items=[Item("Attack", ARTICLE_TEXT)], actor=None)
    articles_create(project=other, items=[Item("Other", "Another article.", "en")], actor=None)
    assignments_balance(project=project)
    assignments_balance(project=other)
    # coder_c joins after balancing, and a new article arrives: balancing has work to do and
    # coder_c is free to take over coder_a's assignment.
    membership_set(project=project, user=users["coder_c"], role="coder")
    articles_create(project=project, items=[Item("New", "A new article.", "en")], actor=None)
    world = World(
        project=project,
        other_project=other,
        admin=users["admin1"],
        supervisor=users["super1"],
        researcher=users["research1"],
        coder_a=users["coder_a"],
        coder_b=users["coder_b"],
        outsider=users["outsider"],
        article=Article.objects.get(project=project, title="Attack"),
        assignment_a=Assignment.objects.get(project=project, coder=users["coder_a"]),
        assignment_b=Assignment.objects.get(project=project, coder=users["coder_b"]),
        actor=ActorFactory(name="JNIM"),
        location=LocationFactory(name="Boulkessi"),
    )
    complete = complete_event(world)
    event = event_create(
        assignment=world.assignment_a,
        actor=world.coder_a,
        data=EventInput(
            event_type="ATTACK",
            event_subtype="ARMED_ASSAULT",
            values=complete["values"],  # type: ignore[arg-type]
            spans=[SpanInput(**s) for s in complete["spans"]],  # type: ignore[arg-type,attr-defined]
        ),
    )
    assignment_q = Assignment.objects.get(project=other)
    event_q = event_create(
        assignment=assignment_q, actor=world.outsider, data=EventInput(event_type="TRUCE")
    )
    return Scene(
        world=world,
        superuser=UserFactory(username="root", is_superuser=True, is_staff=True),
        coder_c=users["coder_c"],
        newcomer=_newcomer(users["admin1"], users["super1"], version),
        event=event,
        assignment_q=assignment_q,
        event_q=event_q,
        import_job=ImportJobFactory(project=world.project, created_by=world.supervisor),
        import_job_q=ImportJobFactory(project=other, created_by=world.outsider),
    )


@pytest.fixture(scope="module")
def shared_scene(django_db_setup: None, django_db_blocker: Any) -> Iterator[Scene]:
    """Built once for the module (there are hundreds of rows); each test runs in a savepoint
    of this transaction (pytest-django's `db`), so what one row writes the next never sees."""
    with django_db_blocker.unblock(), transaction.atomic():
        scene = build_scene()
        scene.baseline = snapshot()
        yield scene
        transaction.set_rollback(True)


def reset_login_throttle(client_address: str | None, usernames: Iterable[str] = ()) -> None:
    """Forget the token endpoint's counts for this address and these accounts (only those
    keys: the test Redis database is shared with the Celery broker of other tests)."""
    ident = {"scope": LoginRateThrottle.scope, "ident": client_address}
    cache.delete(LoginRateThrottle.cache_format % ident)
    cache.delete_many([key for key in map(account_throttle_key, usernames) if key is not None])


@pytest.fixture
def scene(shared_scene: Scene, db: None) -> Scene:
    # Django's test client's address, and every account the table signs in as.
    reset_login_throttle(
        "127.0.0.1", [u.username for u in map(shared_scene.user, ACTORS) if u is not None]
    )
    assert snapshot() == shared_scene.baseline, "a previous test's writes leaked"
    return shared_scene


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row the API can change, in a comparable form."""
    return {
        "project": list(
            Project.objects.order_by("pk").values_list(
                "pk", "slug", "name", "overlap", "codebook_version_id", "settings"
            )
        ),
        "membership": list(
            Membership.objects.order_by("pk").values_list(
                "pk", "project_id", "user_id", "role", "is_active"
            )
        ),
        "article": list(
            Article.objects.order_by("pk").values_list("pk", "project_id", "title", "text_sha256")
        ),
        "assignment": list(
            Assignment.objects.order_by("pk").values_list(
                "pk", "article_id", "coder_id", "status", "version", "reopen_count"
            )
        ),
        "event": list(
            CodedEvent.objects.order_by("pk").values_list(
                "pk", "assignment_id", "event_type_id", "values", "memo", "version"
            )
        ),
        "span": list(
            EvidenceSpan.objects.order_by("pk").values_list(
                "pk", "event_id", "role", "start", "end"
            )
        ),
        "audit": list(AuditEntry.objects.order_by("pk").values_list("pk", "action", "target_id")),
        "user": list(
            User.objects.order_by("pk").values_list(
                "pk", "username", "is_active", "is_staff", "is_superuser", "password"
            )
        ),
        "token": list(Token.objects.order_by("user_id").values_list("user_id", "key")),
        "time": list(
            TimeLedger.objects.order_by("pk").values_list("pk", "user_id", "activity", "seconds")
        ),
        "time_tab": list(TimeTab.objects.order_by("pk").values_list("pk", "tab", "last_report_at")),
        "import_job": list(
            ImportJob.objects.order_by("pk").values_list("pk", "project_id", "status", "sha256")
        ),
        "import_chunk": list(ImportUploadChunk.objects.order_by("pk").values_list("pk", "job_id")),
        **_review_snapshot(),
    }


def _review_snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """What agreement, adjudication, comments, releases and codebook management change."""
    return {
        "gold": list(
            CodedEvent.objects.order_by("pk").values_list("pk", "layer", "adjudication_id")
        ),
        "agreement_run": list(
            AgreementRun.objects.order_by("pk").values_list(
                "pk", "project_id", "article_id", "scope", "status", "input_digest", "finished_at"
            )
        ),
        "agreement_result": list(
            AgreementResult.objects.order_by("pk").values_list("pk", "run_id", "field_key", "value")
        ),
        "disagreement": list(
            Disagreement.objects.order_by("pk").values_list("pk", "run_id", "kind", "cluster_key")
        ),
        "adjudication": list(
            Adjudication.objects.order_by("pk").values_list(
                "pk", "article_id", "status", "revision", "version", "validated_at"
            )
        ),
        "decision": list(
            AdjudicationDecision.objects.order_by("pk").values_list(
                "pk", "adjudication_id", "kind", "cluster_key", "gold_event_id", "active", "version"
            )
        ),
        "comment": list(
            Comment.objects.order_by("pk").values_list(
                "pk", "article_id", "event_id", "parent_id", "author_id", "body"
            )
        ),
        "release": list(
            DatasetRelease.objects.order_by("pk").values_list(
                "pk", "project_id", "tag", "status", "row_count", "finished_at"
            )
        ),
        "release_file": list(
            ReleaseFile.objects.order_by("pk").values_list("pk", "release_id", "format", "sha256")
        ),
        "retraction": list(
            GoldRetraction.objects.order_by("pk").values_list("pk", "event_id", "revision")
        ),
        "codebook": list(Codebook.objects.order_by("pk").values_list("pk", "slug", "name")),
        "codebook_version": list(
            CodebookVersion.objects.order_by("pk").values_list(
                "pk", "codebook_id", "number", "status", "published_at"
            )
        ),
    }


def _jsonl_upload() -> io.BytesIO:
    file = io.BytesIO(b'{"title": "Imported", "text": "An imported article."}\n')
    file.name = "batch.jsonl"
    return file


# What each (method, endpoint) sends: a body that succeeds for an allowed actor, so a refusal
# can only come from the permission rules.
REQUESTS: dict[tuple[str, str], Callable[[Scene, str], dict[str, Any]]] = {
    ("POST", "auth/token/"): lambda s, actor: {
        "data": {"username": (s.user(actor) or s.world.coder_a).username, "password": PASSWORD}
    },
    ("POST", "users/"): lambda s, actor: {
        "data": {"username": "new_user", "password": "a-long-password"}
    },
    ("POST", "projects/"): lambda s, actor: {
        "data": {
            "slug": "p3",
            "name": "P3",
            "codebook_version": s.world.project.codebook_version_id,
        }
    },
    ("POST", "projects/#/members/"): lambda s, actor: {
        "data": {"user": s.newcomer.pk, "role": "coder"}
    },
    ("POST", "projects/#/articles/import/"): lambda s, actor: {
        "data": {"file": _jsonl_upload()},
        "format": "multipart",
    },
    ("POST", "assignments/#/reopen/"): lambda s, actor: {"data": {"reason": "The date is wrong"}},
    ("POST", "assignments/#/reassign/"): lambda s, actor: {
        "data": {"coder": s.coder_c.pk, "discard_drafts": True}
    },
    ("POST", "assignments/#/events/"): lambda s, actor: {"data": complete_event(s.world)},
    ("PUT", "events/#/"): lambda s, actor: {"data": {**complete_event(s.world), "version": 1}},
    ("DELETE", "events/#/"): lambda s, actor: {"headers": {"If-Match": '"v1"'}},
    ("POST", "assignments/#/time/"): lambda s, actor: {
        "data": {"tab": "matrix-tab", "intervals": [[-1, 0]]}
    },
    ("POST", "projects/#/articles/#/review-time/"): lambda s, actor: {
        "data": {"tab": "matrix-tab", "intervals": [[-1, 0]]}
    },
}


def route_key(endpoint: str) -> str:
    """`projects/{p}/members/` and `projects/<int:project_id>/members/` → `projects/#/members/`
    (a query string is not part of the route: `me/feedback/?project={p}` → `me/feedback/`)."""
    parts = endpoint.split("?")[0].split("/")
    return "/".join("#" if part.startswith(("{", "<")) else part for part in parts)


def prepare(scene: Scene, method: str, endpoint: str, actor: str) -> None:
    """Put the target in the state the action needs (reopen needs a submitted assignment)."""
    if actor == "ex_coder":
        membership_set(
            project=scene.world.project, user=scene.world.coder_a, role="coder", is_active=False
        )
    if route_key(endpoint) == "me/tokens/#/":
        Token.objects.create(user=scene.world.coder_a, key=CODER_TOKEN_KEY)
    if route_key(endpoint) == "assignments/#/reopen/":
        assignment_submit(assignment=scene.world.assignment_a, actor=scene.world.coder_a)


def call(scene: Scene, method: str, endpoint: str, actor: str) -> Any:
    user = scene.user(actor)
    client = APIClient()
    if user is not None and route_key(endpoint) != "auth/token/":
        client.force_authenticate(user)
    build = REQUESTS.get((method, route_key(endpoint)))
    request = build(scene, actor) if build else {}
    if method != "GET":
        request.setdefault("format", "json")
    url = "/api/v1/" + endpoint.format(**scene.ids())
    return getattr(client, method.lower())(url, **request)


def _row_id(row: tuple[str, str, str, int]) -> str:
    method, endpoint, actor, expected = row
    return f"{method} {endpoint} as {actor} -> {expected}"


@pytest.mark.parametrize(
    ("method", "endpoint", "actor", "expected"), MATRIX, ids=map(_row_id, MATRIX)
)
def test_permission_matrix(
    scene: Scene, method: str, endpoint: str, actor: str, expected: int
) -> None:
    prepare(scene, method, endpoint, actor)
    before = snapshot()
    response = call(scene, method, endpoint, actor)
    assert response.status_code == expected, response.content[:500]
    after = snapshot()
    if method == "GET" or expected >= 400:
        assert after == before
    else:
        assert after != before, "an allowed write changed nothing"
    if expected == 401:
        assert response["WWW-Authenticate"] == "Token"
    if expected >= 400:
        body = response.json()
        assert set(body) >= {"detail"}


def test_the_table_covers_every_route_method_and_actor() -> None:
    """A new endpoint or method fails here until it has a row for every actor."""
    from api.urls import v1

    routes: dict[str, set[str]] = {}
    for pattern in v1:
        view = pattern.callback.view_class  # type: ignore[attr-defined]
        methods = {m.upper() for m in ("get", "post", "put", "patch", "delete") if hasattr(view, m)}
        routes[route_key(str(pattern.pattern))] = methods
    from tests.api.test_permission_matrix_calibration import CALIBRATION_MATRIX
    from tests.api.test_permission_matrix_dataset import DATASET_MATRIX
    from tests.api.test_permission_matrix_recommender import RECOMMENDER_MATRIX
    from tests.api.test_permission_matrix_review import REVIEW_MATRIX

    assert set(routes) >= PENDING_ROUTES
    rows = MATRIX + REVIEW_MATRIX + DATASET_MATRIX + CALIBRATION_MATRIX + RECOMMENDER_MATRIX
    covered = {(method, route_key(endpoint), actor) for method, endpoint, actor, _ in rows}
    wanted = {
        (method, route, actor)
        for route, methods in routes.items()
        if route not in PENDING_ROUTES
        for method in methods
        for actor in ACTORS
    }
    assert wanted - covered == set()
    assert {(m, r) for m, r, _ in covered} - {(m, r) for m, r, _ in wanted} == set()
    assert len(rows) == len({(m, e, a) for m, e, a, _ in rows}), "duplicate rows"
    # Each route is in one table only: the two tables act on different scenes.
    routes_of = [
        {route_key(endpoint) for _, endpoint, _, _ in table}
        for table in (MATRIX, REVIEW_MATRIX, DATASET_MATRIX, RECOMMENDER_MATRIX)
    ]
    assert routes_of[0] & routes_of[1] == set()
    assert (routes_of[0] | routes_of[1]) & routes_of[2] == set()
    calibration_routes = {route_key(endpoint) for _, endpoint, _, _ in CALIBRATION_MATRIX}
    assert (routes_of[0] | routes_of[1] | routes_of[2]) & calibration_routes == set()
    recommender_routes = {route_key(endpoint) for _, endpoint, _, _ in RECOMMENDER_MATRIX}
    assert (routes_of[0] | routes_of[1] | routes_of[2]) & recommender_routes == set()
    assert calibration_routes & recommender_routes == set()


# Who may change whose membership (POST projects/{p}/members/): supervisors add coders and
# researchers, but only project admins appoint, demote or deactivate supervisors and admins.
# fmt: off
ROLE_CHANGES: list[tuple[str, str, str, bool, int]] = [
    # actor        member        new role      active  expected
    ("supervisor", "newcomer",   "coder",      True,   201),
    ("supervisor", "newcomer",   "researcher", True,   201),
    ("supervisor", "newcomer",   "supervisor", True,   403),
    ("supervisor", "newcomer",   "admin",      True,   403),
    ("supervisor", "coder",      "researcher", True,   201),
    ("supervisor", "coder",      "coder",      False,  201),
    ("supervisor", "admin",      "coder",      True,   403),
    ("supervisor", "admin",      "admin",      False,  403),
    ("supervisor", "supervisor", "coder",      True,   403),
    ("admin",      "newcomer",   "supervisor", True,   201),
    ("admin",      "supervisor", "coder",      True,   201),
    ("admin",      "supervisor", "supervisor", False,  201),
    ("superuser",  "newcomer",   "admin",      True,   201),
    # An account outside every project the manager runs looks like no account at all.
    ("supervisor", "stranger",   "coder",      True,   422),
    ("admin",      "stranger",   "coder",      True,   422),
    ("superuser",  "stranger",   "coder",      True,   201),
]
# fmt: on


@pytest.mark.parametrize(("actor", "member", "role", "active", "expected"), ROLE_CHANGES)
def test_role_changes(
    scene: Scene, actor: str, member: str, role: str, active: bool, expected: int
) -> None:
    others = {"newcomer": scene.newcomer}
    if member == "stranger":
        others["stranger"] = UserFactory(username="stranger")  # in no project
    target = others[member] if member in others else scene.user(member)
    assert target is not None
    before = snapshot()
    response = scene.world.client(scene.user(actor)).post(
        f"/api/v1/projects/{scene.world.project.pk}/members/",
        {"user": target.pk, "role": role, "is_active": active},
        format="json",
    )
    assert response.status_code == expected, response.json()
    if expected >= 400:
        assert snapshot() == before
    else:
        membership = Membership.objects.get(project=scene.world.project, user=target)
        assert (membership.role, membership.is_active) == (role, active)


# --- CSRF: a browser session must prove the request came from our pages --------------------

WRITES = sorted(
    {
        (method, endpoint, actor)
        for method, endpoint, actor, expected in MATRIX
        if method != "GET" and 200 <= expected < 300 and actor not in ("anonymous", "ex_coder")
    }
)


def _session_client(scene: Scene, actor: str) -> APIClient:
    user = scene.user(actor)
    assert user is not None
    client = APIClient(enforce_csrf_checks=True)
    # A real session; force_login, as Client.login() passes django-axes no request.
    client.force_login(user)
    return client


@pytest.mark.parametrize(("method", "endpoint", "actor"), WRITES, ids=[" ".join(w) for w in WRITES])
def test_session_write_without_csrf_token_is_refused(
    scene: Scene, method: str, endpoint: str, actor: str
) -> None:
    prepare(scene, method, endpoint, actor)
    client = _session_client(scene, actor)
    build = REQUESTS.get((method, route_key(endpoint)))
    request = {"format": "json", **(build(scene, actor) if build else {})}
    before = snapshot()
    url = "/api/v1/" + endpoint.format(**scene.ids())
    response = getattr(client, method.lower())(url, **request)
    assert response.status_code == 403
    assert response.json()["detail"].startswith("CSRF Failed")
    assert snapshot() == before


def test_session_write_with_csrf_token_and_token_write_without_one_succeed(scene: Scene) -> None:
    url = f"/api/v1/assignments/{scene.world.assignment_a.pk}/events/"
    body = complete_event(scene.world)
    session = _session_client(scene, "coder")
    assert session.get(url).status_code == 200  # the session itself is good
    csrf = "a" * 32
    session.cookies["csrftoken"] = csrf
    assert session.post(url, body, format="json", headers={"X-CSRFToken": csrf}).status_code == 201
    token = Token.objects.create(user=scene.world.coder_a)
    by_token = APIClient(enforce_csrf_checks=True)
    by_token.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert by_token.post(url, body, format="json").status_code == 201
    assert CodedEvent.objects.filter(assignment=scene.world.assignment_a).count() == 3


# --- Blind coding: nothing about another coder's work reaches a coder ------------------------

NOT_THERE = 2_000_000_000  # an id that exists nowhere


@pytest.mark.parametrize(
    ("method", "endpoint"),
    [
        ("GET", "assignments/{}/"),
        ("GET", "assignments/{}/events/"),
        ("POST", "assignments/{}/events/"),
        ("POST", "assignments/{}/submit/"),
        ("POST", "assignments/{}/reopen/"),
        ("POST", "assignments/{}/reassign/"),
        ("GET", "events/{}/"),
        ("PUT", "events/{}/"),
        ("DELETE", "events/{}/"),
    ],
)
def test_another_coders_object_answers_exactly_like_a_missing_one(
    scene: Scene, method: str, endpoint: str
) -> None:
    client = scene.world.client(scene.world.coder_b)
    target = scene.event.pk if endpoint.startswith("events/") else scene.world.assignment_a.pk
    body = {**complete_event(scene.world), "version": 1, "reason": "x", "coder": 1}

    def answer(object_id: int) -> tuple[int, bytes, list[tuple[str, str]]]:
        response = getattr(client, method.lower())(
            "/api/v1/" + endpoint.format(object_id), body, format="json"
        )
        headers = sorted((k, v) for k, v in response.items() if k not in ("Content-Length",))
        return response.status_code, response.content, headers

    assert answer(target) == answer(NOT_THERE)
    assert answer(target)[0] == 404


def test_lists_and_counts_show_a_coder_only_their_own_work(scene: Scene) -> None:
    world = scene.world
    client = world.client(world.coder_b)
    project_url = f"/api/v1/projects/{world.project.pk}/assignments/"
    mine = [world.assignment_b.pk]
    for query in [
        "",
        f"?coder={world.coder_a.pk}",
        f"?article={world.article.pk}",
        f"?coder={world.coder_a.pk}&article={world.article.pk}&status=in_progress",
        "?search=Attack",
    ]:
        results = client.get(project_url + query).json()["results"]
        assert [r["id"] for r in results] == (mine if "status" not in query else [])
        assert all(r["n_events"] == 0 for r in results)
    queue = client.get("/api/v1/me/assignments/").json()
    assert (queue["count"], [r["id"] for r in queue["results"]]) == (1, mine)
    assert queue["results"][0]["n_events"] == 0
    assert client.get(f"/api/v1/assignments/{world.assignment_b.pk}/events/").json() == []
    detail = client.get(f"/api/v1/assignments/{world.assignment_b.pk}/").json()
    assert (detail["assignment"]["n_events"], detail["events"]) == (0, [])
    # coder_a's own view counts their event; the supervisor sees both layers.
    assert world.client(world.coder_a).get(project_url).json()["results"][0]["n_events"] == 1
    overview = world.client(world.supervisor).get(project_url + f"?article={world.article.pk}")
    assert sorted((r["coder"]["username"], r["n_events"]) for r in overview.json()["results"]) == [
        ("coder_a", 1),
        ("coder_b", 0),
    ]


def test_project_list_shows_each_actor_their_projects_and_role(scene: Scene) -> None:
    seen = {}
    for actor in ACTORS:
        if actor in ("anonymous", "ex_coder"):  # 401; see the deactivation test
            continue
        response = scene.world.client(scene.user(actor)).get("/api/v1/projects/")
        seen[actor] = [(p["slug"], p["my_role"]) for p in response.json()["results"]]
    assert seen == {
        "coder": [("p1", "coder")],
        "other_coder": [("p1", "coder")],
        "supervisor": [("p-elsewhere", "supervisor"), ("p1", "supervisor")],
        "researcher": [("p1", "researcher")],
        "admin": [("p-elsewhere", "admin"), ("p1", "admin")],
        "outsider": [("p2", "coder")],
        "superuser": [("p-elsewhere", "admin"), ("p1", "admin"), ("p2", "admin")],
    }


def test_a_deactivated_coder_loses_their_queue_and_projects(scene: Scene) -> None:
    world = scene.world
    prepare(scene, "GET", "me/assignments/", "ex_coder")
    client = world.client(world.coder_a)
    assert client.get("/api/v1/me/assignments/").json()["results"] == []
    assert client.get("/api/v1/projects/").json()["results"] == []
