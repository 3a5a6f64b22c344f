"""Synthesis pages under /conversations/ (mounted next to the conversations app's URLs)."""

from django.urls import path

from listening.synthesis import views

app_name = "synthesis_conversations"
urlpatterns = [
    path("<slug:slug>/my-statements/", views.my_statements, name="my_statements"),
]
