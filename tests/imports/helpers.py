"""Upload a file to the import endpoint and follow its job to the end (tasks in-process).

`finished_import` answers as the import answered before it became a job: 201 with the job's
`result` when it is done, 422 with its `error` when it failed, or the upload's own refusal.
A small upload is imported in the request (201 with the finished job); a larger one (or any,
with ATHAR["IMPORT_IN_REQUEST_MAX_BYTES"] = 0) answers 202 and its job is followed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.test import TestCase


@dataclass
class ImportAnswer:
    status_code: int
    body: Any
    job: dict[str, Any] | None

    def json(self) -> Any:
        return self.body


def finished_import(client: Any, url: str, data: dict[str, Any]) -> ImportAnswer:
    with TestCase.captureOnCommitCallbacks(execute=True):  # the outbox kick, then the task
        response = client.post(url, data, format="multipart")
    if response.status_code not in (201, 202):
        return ImportAnswer(response.status_code, response.json(), None)
    assert response["Location"] == response.json()["url"]
    job = client.get(response.json()["url"]).json()
    if response.status_code == 201:  # imported in the request: the answer is the finished job
        assert response.json() == job
    if job["status"] == "done":
        return ImportAnswer(201, job["result"], job)
    assert job["status"] == "failed", job
    return ImportAnswer(422, job["error"], job)
