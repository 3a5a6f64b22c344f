import pytest
from django.core.cache import cache
from django.utils import translation


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.OPINION_CACHE_DIR = tmp_path / "opinion-votes"
    settings.DATA_DIR = tmp_path / "data"  # stored open data, one folder per test


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached figures and job keys are keyed by ids, which the next test's rows reuse."""
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """A request to /fr/ or /es/ leaves that language active in the thread; start each test
    in English so messages compared in tests do not depend on the order they run in."""
    translation.activate("en")
    yield
    translation.activate("en")
