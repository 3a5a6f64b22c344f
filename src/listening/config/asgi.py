"""The ASGI application: WebSockets (live rooms) through Channels, HTTP through Django's WSGI
handler in a pool of threads (a2wsgi).

Every view is synchronous, so HTTP gains nothing from Django's ASGI handler and pays for it: it
hops between the event loop and a new thread several times per request, which measured 320–530
requests/s per process here against about 1,400 for the same views through a WSGI thread pool
(docs/live.md). Events published from those threads are handed to the server's event loop,
where the consumers wait (``listening.live.events``).
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "listening.config.settings")
django_wsgi = get_wsgi_application()  # sets Django up before the consumers are imported

from a2wsgi import WSGIMiddleware  # noqa: E402
from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402

from listening.config.security import ensure_safe_to_serve  # noqa: E402
from listening.live.events import remember_server_loop  # noqa: E402
from listening.live.routing import websocket_urlpatterns  # noqa: E402

ensure_safe_to_serve()

application = ProtocolTypeRouter(
    {
        "http": remember_server_loop(
            WSGIMiddleware(django_wsgi, workers=settings.WEB_THREADS)  # type: ignore[arg-type]
        ),
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
