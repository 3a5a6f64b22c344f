import pytest

from tests.factories import ListeningSessionFactory, VoiceFactory

pytestmark = pytest.mark.django_db

LIST_PAGES = ["/", "/sessions/", "/voices/", "/cities/", "/people/", "/organisations/"]
BAD_QUERIES = [
    "theme=nope&axis=nope&status=nope&year=nope&session=nope&region=nope&country=ZZ",
    "speaker_kind=%3Cscript%3E&kind=nope",
    "year=99999999999999999999",
    "page=999",
    "page=-1",
    "page=abc",
    "page=1e9",
    "q=%22",
    "q=%22%22%22",
    "q=water%22%20OR%201%3D1%20--",
    "q=NEAR(water%20shade)",
    "q=water%20AND%20NOT%20shade*",
    "q=%27%3B%20DROP%20TABLE%20voices_voice%3B%20--",
    "q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "q=" + "x" * 5000,
    "q=%00",
    "q=text%3Awater%20%5E",
    "country=ZA&country=FR",
]


@pytest.fixture
def some_data():
    session = ListeningSessionFactory()
    VoiceFactory.create_batch(3, session=session, text="water and shade for all")


@pytest.mark.parametrize("path", LIST_PAGES)
@pytest.mark.parametrize("query", BAD_QUERIES)
def test_list_page_with_bad_input_renders_normally(client, some_data, path, query):
    response = client.get(f"{path}?{query}")
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_list_fragment_with_bad_input_renders_normally(client, some_data, query):
    response = client.get(f"/voices/?{query}", headers={"HX-Request": "true"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/sessions/unknown/",
        "/sessions/unknown.ics",
        "/voices/0/",
        "/voices/99999999999999999999/",
        "/voices/abc/",
        "/fr/sessions/unknown/",
    ],
)
def test_unknown_object_is_404(client, path):
    assert client.get(path).status_code == 404
