import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from listening.conversations.models import StatementStatus
from listening.programmes.models import OutcomeDocument
from listening.voices.models import VoiceStatus
from tests import factories

pytestmark = pytest.mark.django_db

INDEX = reverse("admin:index")


def _programme_with(n):
    programme = factories.ProgrammeFactory()
    theme = factories.ThemeFactory(programme=programme)
    for _ in range(n):
        session = factories.ListeningSessionFactory(programme=programme, themes=[theme])
        factories.VoiceFactory(session=session, themes=[theme])
        factories.VoiceFactory(
            session=session, status=VoiceStatus.DRAFT, published_at=None, attribution_consent=False
        )
        factories.ParticipationFactory(session=session)
        conversation = factories.ConversationFactory(session=session, programme=programme)
        factories.StatementFactory(conversation=conversation, status=StatementStatus.PENDING)
    return programme


def test_dashboard_shows_what_needs_attention_with_links(admin_client):
    programme = _programme_with(1)
    pending = factories.StatementFactory(status=StatementStatus.PENDING)
    factories.StatementFactory(conversation=pending.conversation, status=StatementStatus.PENDING)
    reported = factories.ListeningSessionFactory(programme=programme, title="Has its report")
    OutcomeDocument.objects.create(session=reported, title="Report", url="https://uclg.org/r")
    factories.ListeningSessionFactory(
        programme=programme,
        title="Still to come",
        starts_at=timezone.now() + dt.timedelta(days=3),
        ends_at=timezone.now() + dt.timedelta(days=3, hours=2),
    )
    page = admin_client.get(INDEX).content.decode()
    assert "2 statements await moderation in" in page
    assert reverse("conversations:moderate", args=[pending.conversation.slug]) in page
    assert "1 voice is not published yet" in page
    assert "has ended without an outcome document" in page
    assert "“Has its report” has ended" not in page and "“Still to come” has ended" not in page
    assert reverse("admin:programmes_programme_data", args=[programme.pk]) in page
    assert "1 / 2" in page  # voices published / recorded for the session and the theme


def test_dashboard_says_when_nothing_needs_attention(admin_client):
    assert "Nothing needs attention." in admin_client.get(INDEX).content.decode()


def test_dashboard_query_count_does_not_grow_with_data(admin_client):
    _programme_with(1)
    admin_client.get(INDEX)  # warm the session and content types
    with CaptureQueriesContext(connection) as few:
        admin_client.get(INDEX)
    _programme_with(8)
    with CaptureQueriesContext(connection) as many:
        admin_client.get(INDEX)
    assert len(many) == len(few)


def test_dashboard_is_for_staff_only(client):
    assert client.get(INDEX).status_code == 302
