"""Django settings for Listening, read from the environment (see docs/operations.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import django_stubs_ext
from django.utils.translation import gettext_lazy as _

from listening.config.env import (
    database_from_url,
    env_bool,
    env_float,
    env_int,
    env_list,
    env_str,
)
from listening.config.security import DEFAULT_SECRET_KEY

django_stubs_ext.monkeypatch()  # lets admin/forms classes take type parameters at runtime

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("DATA_DIR", str(Path.cwd() / "data"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DEBUG", False)
# The default key is refused when serving with DEBUG off (config.security), so management
# commands such as `listening migrate` still run before a key is chosen.
SECRET_KEY = env_str("SECRET_KEY", DEFAULT_SECRET_KEY)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "listening.public",  # first: its runserver refuses an unsafe configuration
    "modeltranslation",  # before the admin, which its translated fields patch
    "listening.config.apps.ListeningAdminConfig",  # django.contrib.admin, our site (admin.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    "channels",
    "listening.places",
    "listening.people",
    "listening.programmes",
    "listening.voices",
    "listening.conversations",
    "listening.learning",
    "listening.live",
    "listening.demo",
    "listening.synthesis",
    "listening.dataio",  # no models: its ready() withdraws stale open data (dataio/withdrawals.py)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "listening.api.language.ApiLanguageMiddleware",  # ?lang= / Accept-Language for /api/
    "django.middleware.common.CommonMiddleware",
    "listening.config.middleware.HostileInputMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "csp.middleware.CSPMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out sign-in
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LOGIN_URL = "admin:login"
ROOT_URLCONF = "listening.config.urls"
WSGI_APPLICATION = "listening.config.wsgi.application"
ASGI_APPLICATION = "listening.config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "listening.public.context_processors.sample_data",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'listening.sqlite3'}")
DATABASES = {"default": database_from_url(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "listening",
    },
    # Drawn share cards (public/share_cards.py): files, shared by the machine's workers, kept
    # across restarts and apart from the rate-limit counters, which they would crowd out.
    "share_cards": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache" / "share-cards"),
        "OPTIONS": {"MAX_ENTRIES": env_int("SHARE_CARDS_CACHED", 5000)},
    },
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("es", _("Spanish"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# Content in several languages (django-modeltranslation, see docs/data.md): a text missing in
# the reader's language falls back to the default, then to whichever language it was written in.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = ("en", "fr", "es")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en", "fr", "es")

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise serves from here after collectstatic
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedStaticFilesStorage"
        )
    },
}
# Serve straight from the apps' static folders: `make run` needs no collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Secure by default; DEBUG is for a developer's own machine only.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# -- Conversations: background jobs, rate limits (docs/conversations.md) ----------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
REDIS_URL = env_str("REDIS_URL", CELERY_BROKER_URL if CELERY_BROKER_URL.startswith("redis") else "")
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# "thread": a debounced worker thread in each web process; "celery": Celery workers;
# "sync": right after the vote's transaction commits (tests).
OPINION_JOBS = env_str("OPINION_JOBS", "celery" if CELERY_BROKER_URL else "thread")
OPINION_DEBOUNCE_SECONDS = env_float("OPINION_DEBOUNCE_SECONDS", 2.0)
# Open data (docs/data-formats.md): who rebuilds a programme's files once its data changed:
# "thread", "celery", "sync" (in the caller) or "off" (only `listening export-data --publish`).
OPENDATA_JOBS = env_str("OPENDATA_JOBS", "celery" if CELERY_BROKER_URL else "thread")
OPENDATA_DEBOUNCE_SECONDS = env_float("OPENDATA_DEBOUNCE_SECONDS", 30.0)
OPENDATA_RETRY_SECONDS = env_int("OPENDATA_RETRY_SECONDS", 300)  # a build asked at most this often
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", 64 * 1024)  # larger API bodies get 413
OPINION_COST_FACTOR = env_float("OPINION_COST_FACTOR", 10.0)
OPINION_SNAPSHOTS_KEPT = env_int("OPINION_SNAPSHOTS_KEPT", 3)
STATEMENT_MAX_LENGTH = env_int("STATEMENT_MAX_LENGTH", 400)
# No breakdown by constituency (or any declared attribute) for fewer participants than this.
MIN_GROUP_SIZE = env_int("MIN_GROUP_SIZE", 5)
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", True)
RATELIMIT_VOTES_PER_MINUTE = env_int("RATELIMIT_VOTES_PER_MINUTE", 120)
RATELIMIT_VOTES_PER_MINUTE_IP = env_int("RATELIMIT_VOTES_PER_MINUTE_IP", 600)
RATELIMIT_STATEMENTS_PER_HOUR = env_int("RATELIMIT_STATEMENTS_PER_HOUR", 20)
RATELIMIT_STATEMENTS_PER_HOUR_IP = env_int("RATELIMIT_STATEMENTS_PER_HOUR_IP", 60)
RATELIMIT_PARTICIPANTS_PER_HOUR_IP = env_int("RATELIMIT_PARTICIPANTS_PER_HOUR_IP", 300)
# Reverse proxies in front of the app that append to X-Forwarded-For (config/clients.py).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if REDIS_URL:
    # Rate limits and the job debounce must hold across processes.
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "listening",
    }
# -- Sign-in: lockout after failed attempts (django-axes), TOTP for staff (django-otp) ---------
# docs/security.md. Failures are stored (AccessAttempt, AccessFailureLog) and logged.
INSTALLED_APPS += ["axes", "django_otp", "django_otp.plugins.otp_totp"]
AXES_ENABLED = env_bool("LOGIN_LOCKOUT_ENABLE", True)
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 30))
# "username+ip_address": one account from one address, so nobody can lock staff out from afar.
AXES_LOCKOUT_PARAMETERS = [
    item.split("+") for item in env_list("LOGIN_LOCKOUT_BY", ["username+ip_address"])
]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_CLIENT_IP_CALLABLE = "listening.config.clients.client_address"
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Listening")
# -- Content-Security-Policy on every response (django-csp, docs/security.md) ------------------
# Everything comes from this site: no inline script or style, no other host. data: images are
# the admin's and Swagger UI's icons drawn in their stylesheets.
_SELF, _NONE = "'self'", "'none'"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_SELF],
        "script-src": [_SELF],
        "style-src": [_SELF],
        "img-src": [_SELF, "data:"],
        "font-src": [_SELF],
        "connect-src": [_SELF],
        "object-src": [_NONE],
        "base-uri": [_SELF],
        "form-action": [_SELF],
        "frame-ancestors": [_NONE],
    }
}
# The API's docs page is served from ninja's own static files, never from a CDN.
INSTALLED_APPS += ["ninja"]
INSTALLED_APPS += ["import_export"]  # spreadsheet import and export in the admin (docs/data.md)
INSTALLED_APPS += ["listening.dashboard"]  # the organisers' dashboard as the admin's front page

# Threads per server process that run requests (listening serve; docs/operations.md).
WEB_THREADS = env_int("WEB_THREADS", 16)

# -- Live town halls (docs/live.md) ------------------------------------------------------------
LIVE_QUESTION_MAX_LENGTH = env_int("LIVE_QUESTION_MAX_LENGTH", 300)
RATELIMIT_LIVE_QUESTIONS_PER_HOUR = env_int("RATELIMIT_LIVE_QUESTIONS_PER_HOUR", 20)
RATELIMIT_LIVE_QUESTIONS_PER_HOUR_IP = env_int("RATELIMIT_LIVE_QUESTIONS_PER_HOUR_IP", 120)
# One process: events in memory. Several ASGI workers: the Redis channel layer (REDIS_URL).
CHANNEL_LAYERS = {
    "default": (
        {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # redis-py 8 reads with a 5 s timeout by default, the same as the layer's blocking
            # pop (idle consumers then fail with "Timeout reading"), and allows 100
            # connections per pool (hundreds of sockets joining at once exceed it).
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_timeout": 30, "max_connections": 4096}]
            },
        }
        if REDIS_URL
        else {"BACKEND": "channels.layers.InMemoryChannelLayer"}
    )
}

# Email (registration confirmations): printed to the console unless EMAIL_HOST is set.
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "listening@localhost")
# The site's public address, for links in emails sent outside a request.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
