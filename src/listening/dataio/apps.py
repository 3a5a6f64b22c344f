from django.apps import AppConfig


class DataioConfig(AppConfig):
    """Spreadsheets in and out and the open data. An app only so that ``ready`` connects the
    withdrawal of stored open data (``withdrawals``); it has no models."""

    name = "listening.dataio"
    label = "dataio"

    def ready(self) -> None:
        from listening.dataio import withdrawals

        withdrawals.connect()
