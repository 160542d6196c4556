"""The default cache on Redis, answering as an empty cache while Redis cannot be reached.

Everything the portal keeps in the cache can be rebuilt or done without: public pages are rendered
for each visitor, the dashboard counts are queried, the rate limits let requests through
(``RATELIMIT_FAIL_OPEN``). So a Redis that is down or restarting costs speed, never a page or a form.
A connection error is logged as one warning per ``WARNING_INTERVAL`` seconds and process, not one per
call; connecting gives up after the ``socket_connect_timeout`` of ``CACHES["default"]["OPTIONS"]``.
"""

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
WARNING_INTERVAL = 60
_last_warning = {"at": None}


def _warn(error: Exception) -> None:
    now = time.monotonic()
    if _last_warning["at"] is None or now - _last_warning["at"] >= WARNING_INTERVAL:
        _last_warning["at"] = now
        logger.warning("Redis cannot be reached, the cache is bypassed: %s", error)


def _tolerant(fallback):
    """Runs the cache call; on a connection error returns ``fallback(*args, **kwargs)`` instead."""

    def decorator(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNREACHABLE as error:
                _warn(error)
                return fallback(*args, **kwargs)

        return wrapper

    return decorator


def _nothing(*args, **kwargs):
    return None


def _false(*args, **kwargs):
    return False


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's Redis cache client, keeping one ``redis.Redis`` per connection pool instead of making one
    per cache call (a ``Redis`` object is thread-safe: each command borrows a connection of the pool)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def incr(self, key, delta):
        """As Django's ``incr`` (a missing key raises ValueError), in one round trip instead of two."""
        value = self.get_client(key, write=True).eval(_INCR_EXISTING, 1, key, delta)
        if value is None:
            raise ValueError(f"Key '{key}' not found.")
        return value


# Adds to a counter that exists, or answers nil: the rate limits' counters are created with their expiry.
_INCR_EXISTING = "if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('INCRBY', KEYS[1], ARGV[1]) end"


class TolerantRedisCache(RedisCache):
    """Django's Redis cache, behaving as a cache that holds nothing while Redis is unreachable."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    get = _tolerant(lambda key, default=None, version=None: default)(RedisCache.get)
    set = _tolerant(_nothing)(RedisCache.set)
    add = _tolerant(_false)(RedisCache.add)
    touch = _tolerant(_false)(RedisCache.touch)
    delete = _tolerant(_false)(RedisCache.delete)
    has_key = _tolerant(_false)(RedisCache.has_key)
    incr = _tolerant(_nothing)(RedisCache.incr)  # None: django-ratelimit then fails open
    get_many = _tolerant(lambda keys, version=None: {})(RedisCache.get_many)
    set_many = _tolerant(lambda data, timeout=None, version=None: list(data))(RedisCache.set_many)
    delete_many = _tolerant(_nothing)(RedisCache.delete_many)
    clear = _tolerant(_false)(RedisCache.clear)
