import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "listening.config.settings")
application = get_asgi_application()

from listening.config.security import ensure_safe_to_serve  # noqa: E402

ensure_safe_to_serve()
