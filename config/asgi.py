"""ASGI entry point: HTTP through Django, WebSockets through Channels with the session user."""
import os

from django.core.asgi import get_asgi_application

from config.webserver import daphne_leave_form_bodies_to_django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
daphne_leave_form_bodies_to_django()  # uploads are parsed once, by Django, onto disk
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402  (needs the app registry loaded above)
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from configurator.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
