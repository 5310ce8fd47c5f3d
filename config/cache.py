"""One Redis connection pool per process for the cache (settings.CACHES' ``pool_class``).

Django keeps a cache object per request context under ASGI, and each one made a connection pool of its own: every
request opened a new connection to Redis (measured with py-spy under bench/bench_request_cost.py: connect, its
health check and a client's set-up were a quarter of a kept catalogue answer's CPU) and left it to the garbage
collector. The pool is thread-safe and resets itself in a forked child (redis-py checks the process id), so one per
address and options serves the whole process.
"""
import threading

import redis


class ProcessConnectionPool(redis.ConnectionPool):
    _shared: dict = {}
    _lock = threading.Lock()

    @classmethod
    def from_url(cls, url: str, **options) -> "ProcessConnectionPool":
        key = (url, repr(sorted(options.items())))
        with cls._lock:
            if key not in cls._shared:
                cls._shared[key] = super().from_url(url, **options)
            return cls._shared[key]
