import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_throttles() -> None:
    """Throttle counts live in this run's own Redis database (REDIS_URL_TEST); lockouts live
    in PostgreSQL and roll back with each test."""
    cache.clear()
