from django.contrib.admin.apps import AdminConfig


class ListeningAdminConfig(AdminConfig):
    """Django's admin with Listening's site (config/admin.py) as ``admin.site``."""

    default_site = "listening.config.admin.ListeningAdminSite"
