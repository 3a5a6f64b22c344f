import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.OPINION_CACHE_DIR = tmp_path / "opinion-votes"


@pytest.fixture(autouse=True)
def _default_language():
    """A request to /fr/ or /es/ leaves that language active in the thread; start each test
    in English so messages compared in tests do not depend on the order they run in."""
    translation.activate("en")
    yield
    translation.activate("en")
