from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "listening.learning"
    verbose_name = "Learning"
