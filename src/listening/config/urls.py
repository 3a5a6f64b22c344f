from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.urls.resolvers import URLPattern, URLResolver

from listening.api.api import api
from listening.conversations import embed_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("embed.js", embed_views.embed_script, name="embed-script"),  # docs/embedding.md
    path("embed/", include("listening.conversations.embed_urls")),
]
urlpatterns += i18n_patterns(
    path("conversations/", include("listening.conversations.urls")),
    path("conversations/", include("listening.synthesis.urls_conversations")),
    path("live/", include("listening.live.urls")),
    path("pact/", include("listening.synthesis.urls")),
    path("open-data/", include("listening.dataio.urls")),
    path("", include("listening.learning.urls")),
    path("", include("listening.public.urls")),
    prefix_default_language=False,
)
