import pytest
from django.core.management import call_command

from listening.conversations.models import Conversation, Statement, Vote
from listening.demo.loader import load_demo
from listening.people.models import Organisation, Person
from listening.places.models import City
from listening.programmes.models import ListeningSession, Programme, Theme
from listening.voices.models import Voice
from tests import factories

pytestmark = pytest.mark.django_db


def test_demo_remove_deletes_the_sample_and_keeps_the_rest(capsys):
    load_demo()
    demo_city = City.objects.get(name="Bogotá")
    kept_demo_city = City.objects.get(name="Nairobi")
    lone_demo_city = City.objects.get(name="Durban")
    # An organiser's own programme, next to the demo, using one demo city and one demo person.
    real_session = factories.ListeningSessionFactory()
    real_person = factories.PersonFactory(city=kept_demo_city, is_sample=False)
    borrowed = (
        Person.objects.filter(is_sample=True).exclude(city__in=[demo_city, lone_demo_city]).first()
    )
    factories.ParticipationFactory(session=real_session, person=borrowed, role="speaker")
    real_voice = factories.VoiceFactory(session=real_session, speaker=real_person)
    real_conversation = factories.ConversationFactory(programme=real_session.programme)
    factories.StatementFactory(conversation=real_conversation)
    unrelated_city = factories.CityFactory()

    call_command("demo", "--remove")

    out = capsys.readouterr().out
    assert out.startswith("Demo programme removed:") and "programmes" in out
    assert not Programme.objects.filter(is_sample=True).exists()
    assert not Conversation.objects.filter(slug="pact-healthy-cities").exists()
    assert list(Voice.objects.all()) == [real_voice]
    assert list(ListeningSession.objects.all()) == [real_session]
    assert Theme.objects.filter(programme__is_sample=True).count() == 0
    assert set(Person.objects.all()) == {real_person, borrowed, real_voice.speaker}
    assert Person.objects.filter(is_sample=True).count() == 1  # the one a real session uses
    assert set(Organisation.objects.filter(is_sample=True)) <= {borrowed.organisation}
    assert list(Conversation.objects.all()) == [real_conversation]
    assert Statement.objects.filter(conversation=real_conversation).count() == 1
    assert not Vote.objects.exclude(statement__conversation=real_conversation).exists()
    assert City.objects.filter(pk=kept_demo_city.pk).exists()  # a real person lives there
    assert City.objects.filter(pk=unrelated_city.pk).exists()  # not a demo city
    assert not City.objects.filter(pk__in=[demo_city.pk, lone_demo_city.pk]).exists()


def test_demo_remove_without_demo_changes_nothing(capsys):
    # Another module's demo fixture may leave sample organisations behind: none here.
    Organisation.objects.filter(is_sample=True).delete()
    session = factories.ListeningSessionFactory()
    call_command("demo", "--remove")
    assert "nothing removed" in capsys.readouterr().out
    assert ListeningSession.objects.get() == session
