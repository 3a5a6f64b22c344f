"""Content in several languages: per-language columns, fallback, validation, the admin."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from listening.programmes.models import Theme
from listening.programmes.services import translations_set
from tests.factories import (
    ConversationFactory,
    ListeningSessionFactory,
    ProgrammeFactory,
    StatementFactory,
    ThemeFactory,
    VoiceFactory,
)

pytestmark = pytest.mark.django_db


def test_theme_name_in_the_reader_language_with_fallback_to_the_original():
    theme = ThemeFactory(name="Local democracy")
    translations_set(obj=theme, translations={"fr": {"name": "Démocratie locale"}})
    theme = Theme.objects.get(pk=theme.pk)
    with translation.override("fr"):
        assert theme.name == "Démocratie locale"
    with translation.override("es"):
        assert theme.name == "Local democracy"  # no Spanish: the original
    with translation.override("en"):
        assert theme.name == "Local democracy"


def test_text_written_first_in_french_falls_back_to_french():
    programme = ProgrammeFactory()
    with translation.override("fr"):
        theme = ThemeFactory(programme=programme, name="Culture et développement")
    assert theme.name_en is None
    theme = Theme.objects.get(pk=theme.pk)
    with translation.override("es"):
        assert theme.name == "Culture et développement"


def test_translation_in_a_language_the_programme_does_not_use_is_refused():
    programme = ProgrammeFactory(languages=["en", "fr"])
    session = ListeningSessionFactory(programme=programme, title="Healthy cities")
    with pytest.raises(ValidationError) as error:
        translations_set(obj=session, translations={"es": {"title": "Ciudades saludables"}})
    assert "The programme does not use Spanish" in str(error.value.message_dict["title_es"])
    session.refresh_from_db()
    assert session.title_es is None


def test_translation_of_an_untranslated_field_is_refused():
    with pytest.raises(ValidationError) as error:
        translations_set(obj=ThemeFactory(), translations={"fr": {"slug": "x"}})
    assert "slug cannot be given in French" in str(error.value)


def test_statement_keeps_its_original_text_and_one_vote_target():
    statement = StatementFactory(text="Shade on every street.", language="en")
    translations_set(obj=statement, translations={"fr": {"translation": "De l’ombre partout."}})
    statement.refresh_from_db()
    with translation.override("fr"):
        assert statement.text == "Shade on every street."
        assert statement.translation == "De l’ombre partout."
    with translation.override("es"):
        assert statement.translation == ""  # no fallback: the reader sees the original


def test_statement_language_is_the_language_it_was_written_in():
    conversation = ConversationFactory()
    with translation.override("es"):
        statement = StatementFactory(conversation=conversation, text="Más sombra.")
    assert statement.language == "es"


def test_voice_translation_refused_outside_the_programme_languages():
    voice = VoiceFactory(
        session=ListeningSessionFactory(programme=ProgrammeFactory(languages=["en"]))
    )
    with pytest.raises(ValidationError) as error:
        translations_set(
            obj=voice, translations={"fr": {"translation": "Il nous faut de l’ombre."}}
        )
    assert "translation_fr" in error.value.message_dict


def test_admin_saves_translations_side_by_side(admin_client):
    theme = ThemeFactory(name="Local democracy", slug="local-democracy")
    url = reverse("admin:programmes_theme_change", args=[theme.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="name_en"' in page and 'name="name_fr"' in page and 'name="name_es"' in page
    response = admin_client.post(
        url,
        {
            "programme": theme.programme_id,
            "name_en": "Local democracy",
            "name_fr": "Démocratie locale",
            "name_es": "Democracia local",
            "slug": "local-democracy",
            "description_en": "",
            "axis": "government",
            "position": 0,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    theme.refresh_from_db()
    assert (theme.name_fr, theme.name_es) == ("Démocratie locale", "Democracia local")


def test_admin_refuses_a_translation_the_programme_does_not_use(admin_client):
    theme = ThemeFactory(
        name="Local democracy", slug="local-democracy", programme=ProgrammeFactory(languages=["en"])
    )
    url = reverse("admin:programmes_theme_change", args=[theme.pk])
    response = admin_client.post(
        url,
        {
            "programme": theme.programme_id,
            "name_en": "Local democracy",
            "name_fr": "Démocratie locale",
            "slug": "local-democracy",
            "axis": "government",
            "position": 0,
        },
    )
    assert response.status_code == 200
    assert "The programme does not use French" in str(response.context["adminform"].form.errors)
    theme.refresh_from_db()
    assert theme.name_fr is None


def test_admin_saves_a_statement_translation_beside_its_original(admin_client):
    statement = StatementFactory(text="Shade on every street.", language="en")
    url = reverse("admin:conversations_statement_change", args=[statement.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="translation_fr"' in page and 'name="translation_es"' in page
    response = admin_client.post(
        url,
        {
            "text": "Shade on every street.",
            "language": "en",
            "translation_en": "",
            "translation_fr": "De l’ombre dans chaque rue.",
            "translation_es": "Sombra en cada calle.",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    statement.refresh_from_db()
    assert statement.text == "Shade on every street."
    assert statement.translation_es == "Sombra en cada calle."
