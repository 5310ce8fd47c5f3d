"""ASGI entry point: HTTP through Django (the catalogue's kept answers in front of it), WebSockets through Channels
with the session user."""
import os
import threading

from config.asgi_handler import sync_chain_asgi_application
from config.webserver import daphne_limit_request_bodies, startup_heap_freeze

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_asgi_app = sync_chain_asgi_application()

from customers.services import REQUEST_BODY_MAX_BYTES  # noqa: E402

daphne_limit_request_bodies(max_bytes=REQUEST_BODY_MAX_BYTES)  # uploads are parsed once, by Django, onto disk

from configurator.quote_child import warm as quote_child_warm  # noqa: E402

if quote_child_warm():  # with SARTORIA_QUOTE_CHILD: the child loads the geometry while the server starts,
    from configurator.services import product_models_warm  # noqa: E402

    # then builds the catalogue's models before any quote is queued behind them (a thread: the server starts now)
    threading.Thread(target=product_models_warm, name="catalogue-models-warm", daemon=True).start()

from channels.auth import AuthMiddlewareStack  # noqa: E402  (needs the app registry loaded above)
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from configurator.routing import websocket_urlpatterns  # noqa: E402
from platform_api.kept_answers import KeptAnswers  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": KeptAnswers(django_asgi_app),  # the catalogue's kept answers before Django
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)

startup_heap_freeze()  # last: everything the server holds from its start is loaded by now
