"""The Redis cache: one client object per pool, counters incremented in one round trip."""

import pytest
from django.core.cache import cache
from django.db import transaction

from disnaker import dashboard

pytestmark = pytest.mark.services


@pytest.fixture
def redis_cache(redis_url):
    if not hasattr(cache, "_cache") or not hasattr(cache._cache, "get_client"):
        pytest.fail("the default cache is not Redis although REDIS_URL is set")
    return cache


def test_one_client_serves_every_call(redis_cache):
    assert redis_cache._cache.get_client(write=True) is redis_cache._cache.get_client(write=True)
    assert redis_cache._cache.get_client("key") is redis_cache._cache.get_client("other")


def test_a_counter_is_incremented_only_when_it_exists(redis_cache):
    with pytest.raises(ValueError, match="not found"):
        redis_cache.incr("test-counter-missing")
    assert redis_cache.get("test-counter-missing") is None  # not created by the failed increment

    redis_cache.set("test-counter", 1, timeout=60)
    assert redis_cache.incr("test-counter") == 2
    assert redis_cache.incr("test-counter", 5) == 7
    assert redis_cache.get("test-counter") == 7
    client = redis_cache._cache.get_client(write=True)
    assert 0 < client.ttl(redis_cache.make_key("test-counter")) <= 60  # the expiry set with it is kept


@pytest.mark.django_db
def test_the_dashboard_counts_are_forgotten_once_per_atomic_block(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        dashboard.forget_counts()
        dashboard.forget_counts()
        with transaction.atomic():  # a savepoint: its own, in case the block is rolled back alone
            dashboard.forget_counts()
            dashboard.forget_counts()
    assert len(callbacks) == 2
