import pytest
from django.core.management import call_command


@pytest.fixture(scope="session", autouse=True)
def _compiled_catalogs(django_db_blocker):
    with django_db_blocker.unblock():
        call_command("compile_catalogs", verbosity=0)
