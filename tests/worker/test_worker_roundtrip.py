import pytest

from coding.tasks import ping

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


def test_a_real_worker_runs_a_task_through_redis_against_the_test_database(
    celery_worker_process,  # type: ignore[no-untyped-def]
) -> None:
    result = ping.delay("hello")
    assert result.get(timeout=60) == {"pong": "hello", "vendor": "postgresql"}
