import pytest

from tests.factories import ProgrammeFactory

pytestmark = pytest.mark.django_db

NOTICE = "fictional sample data"


@pytest.mark.parametrize("path", ["/", "/people/", "/organisations/", "/cities/", "/voices/"])
def test_every_page_says_when_the_site_shows_sample_data(client, path):
    ProgrammeFactory(is_sample=True)
    assert NOTICE in client.get(path).content.decode()


def test_no_sample_notice_for_real_programmes(client):
    ProgrammeFactory(is_sample=False)
    assert NOTICE not in client.get("/people/").content.decode()
