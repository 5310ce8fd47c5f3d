"""
Django's ASGI handler with the middleware chain and the view run as one sync call in the request's thread.

Django builds an async chain under ASGI. With our middleware all sync (config.ratelimits.TooManyAttemptsMiddleware,
the innermost, is sync only: config/connections.py explains why the chain must run in the view's thread), Django
still enters that chain from the event loop, and inside it hands back to the loop for its async core, which sends the
view to the thread again: four crossings between the loop and the thread per request, where one pair would do. This
handler builds the sync chain Django builds for WSGI and calls it once through ``sync_to_async``; everything else
(reading the body, request_started and request_finished, a client that goes away, streaming answers) is Django's.
"""
import django
from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler


class SyncChainASGIHandler(ASGIHandler):
    def load_middleware(self, is_async=False):
        super().load_middleware(is_async=False)

    async def get_response_async(self, request):
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)


def sync_chain_asgi_application() -> SyncChainASGIHandler:
    """As django.core.asgi.get_asgi_application(), with the handler above."""
    django.setup(set_prefix=False)
    return SyncChainASGIHandler()
