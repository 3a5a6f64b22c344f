import pytest
from django.core.cache import cache
from django.test import Client


@pytest.fixture(autouse=True)
def _jobs(settings):
    settings.OPINION_JOBS = "sync"
    cache.clear()


class ApiClient:
    """JSON requests against /api/, with an optional participant token."""

    def __init__(self) -> None:
        self.client = Client()

    def _headers(self, token):
        return {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}

    def get(self, path, token=None, **extra):
        return self.client.get(f"/api/{path}", **self._headers(token), **extra)

    def post(self, path, data=None, token=None, **extra):
        import json

        body = data if isinstance(data, (str, bytes)) else json.dumps(data or {})
        return self.client.post(
            f"/api/{path}",
            body,
            content_type="application/json",
            **self._headers(token),
            **extra,
        )


@pytest.fixture
def api():
    return ApiClient()
