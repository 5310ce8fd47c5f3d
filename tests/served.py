"""Requests through the ASGI application the web processes serve (config/asgi.py), without a server."""
from typing import NamedTuple

from asgiref.sync import async_to_sync
from asgiref.testing import ApplicationCommunicator
from django.core.signals import request_started

from platform_api import kept_answers


class Answer(NamedTuple):
    status: int
    headers: dict[str, str]
    body: bytes
    through_django: bool  # Django's handler ran (its request_started signal was sent)


def served(path: str, **headers: str) -> Answer:
    """One GET through the ASGI application the web processes serve (config/asgi.py), kept answers in front. Its
    view runs in a thread of its own, on a connection of its own: the tests that use it commit their data."""
    from config.asgi import application

    path, _, query = path.partition("?")
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": query.encode(), "root_path": "",
             "headers": [(name.replace("_", "-").encode(), value.encode())
                         for name, value in {"host": "testserver", **headers}.items()],
             "client": ("127.0.0.1", 50000), "server": ("testserver", 80)}

    async def exchange():
        communicator = ApplicationCommunicator(application, scope)
        await communicator.send_input({"type": "http.request", "body": b""})
        start = await communicator.receive_output(30)
        body = b""
        while True:
            message = await communicator.receive_output(30)
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        await communicator.wait(30)  # the answer is kept after it is sent
        await kept_answers.loop_connections_close()  # this exchange's event loop ends here
        return start["status"], {name.decode().lower(): value.decode() for name, value in start["headers"]}, body

    started = []

    def count(**kwargs):
        started.append(1)

    request_started.connect(count, weak=False)
    try:
        return Answer(*async_to_sync(exchange)(), through_django=bool(started))
    finally:
        request_started.disconnect(count)
