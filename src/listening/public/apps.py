from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "listening.public"
    verbose_name = "Public"
