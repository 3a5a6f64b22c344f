from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "listening.dashboard"
    verbose_name = "Dashboard"

    def ready(self) -> None:
        from django.contrib import admin

        # The admin's front page is the organisers' dashboard (docs/operations.md).
        admin.site.index_template = "dashboard/index.html"
