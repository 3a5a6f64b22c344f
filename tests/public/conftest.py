import pytest
from django.core.management import call_command


@pytest.fixture(scope="session", autouse=True)
def _compiled_catalogs(django_db_blocker):
    """The French and Spanish pages need the .mo files (`make test` builds them too)."""
    with django_db_blocker.unblock():
        call_command("compile_catalogs", verbosity=0)


@pytest.fixture(autouse=True)
def _share_cards_drawn_afresh():
    """Each test starts with no share card cached."""
    from django.core.cache import caches

    caches["share_cards"].clear()
