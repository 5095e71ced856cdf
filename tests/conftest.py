from __future__ import annotations

import pytest

pytest_plugins = ["tests.world"]


@pytest.hookimpl(trylast=True)  # after `-m smoke` has deselected the rest
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The full suite runs on PostgreSQL; only tests marked `smoke` may run on SQLite.

    A database test that is not smoke and finds SQLite fails loudly instead of skipping, so
    the embedded default can never quietly stand in for the real database.
    """
    needs_pg = [
        item
        for item in items
        if item.get_closest_marker("django_db") and not item.get_closest_marker("smoke")
    ]
    if not needs_pg:
        return
    from django.db import connection

    if connection.vendor != "postgresql":
        raise pytest.UsageError(
            f"{len(needs_pg)} database tests need PostgreSQL: set DATABASE_URL (`make test` "
            "does), or select the SQLite subset with `-m smoke`."
        )


@pytest.fixture(autouse=True)
def _joins_allowed_outside_tasks() -> None:
    """The test process is never a Celery task, yet Celery's "inside a task" flag can be left
    set in it: eager tasks run under ``denied_join_result()``, which saves and restores one
    process-wide flag, so two threads running eager tasks at once (the concurrency tests)
    can restore each other's True. A later ``result.get()`` on a real worker's answer would
    then refuse to wait. Each test starts with the flag as a plain process has it."""
    from celery._state import _set_task_join_will_block

    _set_task_join_will_block(False)
