import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "listening.config.settings")
application = get_wsgi_application()

from listening.config.security import ensure_safe_to_serve  # noqa: E402

ensure_safe_to_serve()
