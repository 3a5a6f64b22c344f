import pytest
from django.urls import reverse

from listening.programmes.models import ListeningSession, Role
from tests import factories

pytestmark = pytest.mark.django_db

ADD = reverse("admin:programmes_listeningsession_add")


def _inline(prefix, rows):
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0"}
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    return data


def test_session_add_with_venue_city_speakers_and_partners(admin_client):
    programme = factories.ProgrammeFactory()
    theme = factories.ThemeFactory(programme=programme)
    city = factories.CityFactory(name="Durban")
    speaker = factories.PersonFactory()
    partner = factories.OrganisationFactory()
    data = {
        "programme": programme.pk,
        "title_en": "Water in Durban",
        "slug": "water-in-durban",
        "themes": [theme.pk],
        "axis": "planet",
        "starts_at_0": "2026-03-02",
        "starts_at_1": "09:00:00",
        "ends_at_0": "2026-03-02",
        "ends_at_1": "11:00:00",
        "timezone": "Africa/Johannesburg",
        "format": "hybrid",
        "languages": ["en", "fr"],
        "status": "planned",
        "venue_city": city.pk,
        "venue_address": "City Hall, Anton Lembede Street",
        "online_url": "https://meet.jit.si/water-in-durban",
        **_inline("agenda_items", []),
        **_inline("outcome_documents", []),
        **_inline(
            "participations",
            [
                {"person": speaker.pk, "role": Role.SPEAKER, "position": 0},
                {"organisation": partner.pk, "role": Role.PARTNER, "position": 1},
            ],
        ),
    }
    response = admin_client.post(ADD, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    session = ListeningSession.objects.get(slug="water-in-durban")
    assert session.languages == ["en", "fr"]
    assert (session.venue_city, session.venue_address) == (city, data["venue_address"])
    assert {(p.person, p.organisation, p.role) for p in session.participations.all()} == {
        (speaker, None, Role.SPEAKER),
        (None, partner, Role.PARTNER),
    }
    page = admin_client.get(reverse("public:session", args=[session.slug])).content.decode()
    assert "City Hall, Anton Lembede Street" in page
    assert f"?city={city.pk}" in page and "https://meet.jit.si/water-in-durban" in page


def test_session_languages_are_checkboxes(admin_client):
    html = admin_client.get(ADD).content.decode()
    assert 'type="checkbox" name="languages" value="es"' in html
    assert "Spanish (español)" in html


def test_programme_languages_are_checkboxes(admin_client):
    programme = factories.ProgrammeFactory()
    url = reverse("admin:programmes_programme_change", args=[programme.pk])
    html = admin_client.get(url).content.decode()
    assert 'type="checkbox" name="languages" value="fr"' in html


def _zip_texts(content):
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {
            name.split("/", 1)[1]: archive.read(name).decode("utf-8", "replace")
            for name in archive.namelist()
        }


def test_programme_data_zip_holds_the_whole_open_data_export(admin_client):
    session = factories.ListeningSessionFactory(slug="water")
    hidden = factories.PersonFactory(
        name="Zoë Secretname", consent_listed=False, consent_quoted=False
    )
    factories.ParticipationFactory(session=session, person=hidden)
    url = reverse("admin:programmes_programme_data", args=[session.programme.pk])

    public = _zip_texts(admin_client.get(url, {"audience": "public"}).content)
    assert {"datapackage.json", "cities.geojson", "popolo.json", "sessions.ics"} <= set(public)
    assert not any("Zoë Secretname" in text for text in public.values())

    organisers = _zip_texts(admin_client.get(url).content)
    assert "datapackage.json" in organisers
    assert any("Zoë Secretname" in text for text in organisers.values())
