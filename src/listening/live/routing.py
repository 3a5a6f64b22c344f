from django.urls import path

from listening.live.consumers import LiveRoomConsumer

websocket_urlpatterns = [
    path("ws/live/<str:code>/", LiveRoomConsumer.as_asgi()),
]
