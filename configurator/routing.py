from django.urls import path

from configurator.consumers import DesignProgressConsumer

websocket_urlpatterns = [
    path("ws/designs/<int:design_id>/progress/", DesignProgressConsumer.as_asgi()),
]
