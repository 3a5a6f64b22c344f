from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    name = "listening.conversations"
    verbose_name = "Conversations"
