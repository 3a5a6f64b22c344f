from django.apps import AppConfig


class VoicesConfig(AppConfig):
    name = "listening.voices"
    verbose_name = "Voices"
