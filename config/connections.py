"""Every request gives its database connections back to the pool in the thread that used them, whatever happens
to the request.

Django returns them from the request_finished signal, sent as the answer is closed. Under ASGI a request whose
client goes away (a timeout, a closed tab) is cancelled on the event loop before that, while its view runs on in a
thread of the request's own: the connection stayed checked out of the pool when that thread ended, and after a
dozen such the pool (DJANGO_DB_POOL_MAX per process) had none left: every request and socket waited
DJANGO_DB_POOL_TIMEOUT and answered 500 (bench/bench_load.py at 200 shoppers, whose quotes queue for up to a
minute). The middleware chain runs in the view's thread (config.ratelimits.TooManyAttemptsMiddleware is sync only),
so this ``finally`` runs there even when the request was cancelled.
"""
from django.db import connections


class ConnectionsReturnedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        finally:
            connections_return()


def connections_return(*, before_wait: bool = False) -> None:
    """What request_finished does (close_old_connections), but not inside a transaction: a test's, which the test
    client keeps open across its requests (it unhooks close_old_connections for that reason). ``before_wait``: give
    them back whatever their age, as a thread about to wait long does (configurator.quote_child), so that others
    may use them meanwhile."""
    for connection in connections.all(initialized_only=True):
        if connection.in_atomic_block:
            continue
        if before_wait:
            connection.close()
        else:
            connection.close_if_unusable_or_obsolete()
