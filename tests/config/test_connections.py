"""A request's thread gives its database connections back when the request ends, however it ends: under ASGI the
thread that ran the view ends with the request, and a connection left open in it was lost to the pool."""
import threading

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory

from config.connections import ConnectionsReturnedMiddleware

pytestmark = pytest.mark.django_db(transaction=True)  # outside a test transaction, as a served request is


def in_a_thread_of_its_own(view) -> dict:
    """Run the middleware around ``view`` in a new thread (as ASGI runs a request); what that thread saw."""
    seen = {}

    def request():
        def answer(request):
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            seen["open_during"] = connection.connection is not None
            return view(request)

        try:
            seen["response"] = ConnectionsReturnedMiddleware(answer)(RequestFactory().get("/"))
        except RuntimeError as error:
            seen["error"] = error
        seen["open_after"] = connection.connection is not None

    thread = threading.Thread(target=request)
    thread.start()
    thread.join()
    return seen


def test_an_answered_request_leaves_no_connection_open():
    seen = in_a_thread_of_its_own(lambda request: HttpResponse("ok"))
    assert seen["open_during"] and seen["response"].status_code == 200 and not seen["open_after"]


def test_a_failed_request_leaves_no_connection_open_either():
    def failing(request):
        raise RuntimeError("the view failed")

    seen = in_a_thread_of_its_own(failing)
    assert seen["open_during"] and str(seen["error"]) == "the view failed" and not seen["open_after"]


def test_a_connection_inside_a_transaction_is_left_to_it():
    # the test client's requests run inside the test's transaction: closing there would break it
    from django.db import transaction

    with transaction.atomic():
        ConnectionsReturnedMiddleware(lambda request: HttpResponse("ok"))(RequestFactory().get("/"))
        assert connection.connection is not None and connection.in_atomic_block
