"""The demo programme reads in French and Spanish: programme, axes, themes, sessions and the
conversation's question and statements."""

import pytest
from django.utils import translation

from listening.conversations.models import Conversation
from listening.programmes.models import ListeningSession, Programme
from tests.demo.test_loader import demo_loaded  # noqa: F401 (module fixture)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["fr", "es"])
def test_demo_content_is_translated(demo_loaded, language):  # noqa: F811
    programme = Programme.objects.get(slug="cities-are-listening")
    english = {
        "description": programme.description_en,
        "axes": [text for _v, _l, text in programme.axes()],
        "themes": sorted(t.name for t in programme.themes.all()),
        "sessions": sorted(s.title for s in ListeningSession.objects.all()),
    }
    conversation = Conversation.objects.get(slug="pact-healthy-cities")
    with translation.override(language):
        assert programme.description not in ("", english["description"])
        assert all(a not in english["axes"] for _v, _l, a in programme.axes())
        themes = sorted(t.name for t in programme.themes.all())
        assert not set(themes) & set(english["themes"])
        sessions = sorted(s.title for s in ListeningSession.objects.all())
        assert not set(sessions) & set(english["sessions"])
        assert conversation.topic != conversation.topic_en
        statements = list(conversation.statements.all())
        assert len(statements) == 16
        assert all(s.language == "en" and s.translation for s in statements)
