"""The cache's Redis connections are one pool per process: Django makes a cache object per request context under
ASGI, and each used to open its own connection to Redis."""
import threading

import pytest
from django.conf import settings
from django.core.cache import caches

pytestmark = pytest.mark.skipif("redis" not in settings.CACHES["default"]["BACKEND"].lower(),
                                reason="the cache is Redis when REDIS_URL is set (the test command sets it)")


def pool_seen_in_a_new_thread():
    seen = []

    def look():
        cache = caches["default"]
        cache.set("pool-probe", 1, timeout=5)  # a command, so the client has made its pool
        seen.append(cache._cache.get_client(write=True).connection_pool)

    thread = threading.Thread(target=look)
    thread.start()
    thread.join()
    return seen[0]


def test_every_request_context_shares_one_connection_pool():
    first, second = pool_seen_in_a_new_thread(), pool_seen_in_a_new_thread()
    assert first is second
    assert caches["default"]._cache.get_client().connection_pool is first

