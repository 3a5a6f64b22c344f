from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LiveConfig(AppConfig):
    name = "listening.live"
    verbose_name = _("Live town halls")
