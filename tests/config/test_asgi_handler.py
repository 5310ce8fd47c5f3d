"""Served through config/asgi.py, a request's middleware chain and its view run in one thread, so the thread that
used a database connection is the one that gives it back (config/connections.py)."""
import threading

import pytest
from django.db import connection, connections
from django.http import HttpResponse
from django.urls import path

from tests.served import served

pytestmark = pytest.mark.django_db(transaction=True)  # the view runs in a thread of its own, as a served request
SEEN: dict = {}


def view_that_queries(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    SEEN.update(thread=threading.get_ident(), connection=connections["default"],  # this thread's own
                open_during=connection.connection is not None)
    return HttpResponse("ok")


def view_that_fails(request):
    view_that_queries(request)
    raise RuntimeError("the view failed")


urlpatterns = [path("queries/", view_that_queries), path("fails/", view_that_fails)]


@pytest.mark.parametrize(("address", "status"), [("/queries/", 200), ("/fails/", 500)])
def test_the_view_s_thread_gives_its_connection_back_however_the_request_ends(settings, address, status):
    settings.ROOT_URLCONF = __name__
    SEEN.clear()
    assert served(address).status == status
    assert SEEN["open_during"] and SEEN["thread"] != threading.get_ident()
    assert SEEN["connection"].connection is None  # closed by the middleware, which ran in the view's thread


def test_one_thread_serves_the_chain_and_the_view(settings):
    settings.ROOT_URLCONF = __name__
    threads = []
    from config.connections import ConnectionsReturnedMiddleware

    original = ConnectionsReturnedMiddleware.__call__

    def recording(self, request):
        threads.append(threading.get_ident())
        return original(self, request)

    ConnectionsReturnedMiddleware.__call__ = recording
    try:
        served("/queries/")
    finally:
        ConnectionsReturnedMiddleware.__call__ = original
    assert threads == [SEEN["thread"]]
