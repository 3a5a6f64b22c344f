"""The embed's frame (``/embed/<slug>/``), outside the language prefixes: the host page's
language comes as ``?lang=`` (docs/embedding.md)."""

from django.urls import path

from listening.conversations import embed_views

app_name = "embed"
urlpatterns = [
    path("<slug:slug>/", embed_views.embed_page, name="page"),
    path("<slug:slug>/vote/", embed_views.embed_vote, name="vote"),
    path("<slug:slug>/statements/", embed_views.embed_statement, name="statement"),
]
