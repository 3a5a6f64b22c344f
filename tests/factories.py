"""factory_boy factories for every model; tests build their data with these."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from listening.people.models import Organisation, OrganisationKind, Person, PersonKind
from listening.places.models import City
from listening.places.regions import WorldRegion
from listening.programmes.models import (
    AgendaItem,
    Axis,
    ListeningSession,
    Participation,
    Programme,
    Role,
    SessionFormat,
    SessionStatus,
    Theme,
)
from listening.voices.models import Voice, VoiceKind, VoiceStatus


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = City

    name = factory.Sequence(lambda n: f"Testville {n}")
    country = "ZA"
    region = WorldRegion.AFRICA
    latitude = factory.Sequence(lambda n: -30 + (n % 50))
    longitude = factory.Sequence(lambda n: 30 + (n % 50))
    population = 100_000
    geonames_id = factory.Sequence(lambda n: 90_000_000 + n)
    timezone = "Africa/Johannesburg"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Test Organisation {n}")
    slug = factory.Sequence(lambda n: f"test-organisation-{n}")
    kind = OrganisationKind.CIVIL_SOCIETY
    country = "ZA"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Test Person {n}")
    slug = factory.Sequence(lambda n: f"test-person-{n}")
    title = "Researcher"
    organisation = factory.SubFactory(OrganisationFactory)
    city = factory.SubFactory(CityFactory)
    kind = PersonKind.ACADEMIC_EXPERT
    consent_listed = True
    consent_quoted = True


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    name = factory.Sequence(lambda n: f"Programme {n}")
    slug = factory.Sequence(lambda n: f"programme-{n}")
    description = "A programme of listening sessions."
    axis_people = "For people."
    axis_planet = "For the planet."
    axis_government = "For government."


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Theme {n}")
    slug = factory.Sequence(lambda n: f"theme-{n}")
    axis = Axis.PEOPLE


class ListeningSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ListeningSession
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Listening session {n}")
    slug = factory.Sequence(lambda n: f"session-{n}")
    axis = Axis.PEOPLE
    starts_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=30))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=2))
    timezone = "Europe/Madrid"
    format = SessionFormat.ONLINE
    languages = factory.LazyFunction(lambda: ["en"])
    summary = "What was discussed."
    status = SessionStatus.PUBLISHED

    @factory.post_generation
    def themes(self, create: bool, extracted: list[Theme] | None, **kwargs: object) -> None:
        if create and extracted:
            self.themes.set(extracted)


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    session = factory.SubFactory(ListeningSessionFactory)
    title = factory.Sequence(lambda n: f"Agenda item {n}")
    starts_at = dt.time(14, 0)


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    session = factory.SubFactory(ListeningSessionFactory)
    person = factory.SubFactory(PersonFactory)
    organisation = None
    role = Role.SPEAKER


class VoiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Voice
        skip_postgeneration_save = True

    session = factory.SubFactory(ListeningSessionFactory)
    text = factory.Sequence(lambda n: f"We need shaded public space in every neighbourhood ({n}).")
    language = "en"
    kind = VoiceKind.QUOTE
    speaker = factory.SubFactory(PersonFactory)
    speaker_kind = PersonKind.ACADEMIC_EXPERT
    city = factory.LazyAttribute(lambda o: o.speaker.city if o.speaker else CityFactory())
    axis = Axis.PEOPLE
    status = VoiceStatus.PUBLISHED
    attribution_consent = True
    published_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def themes(self, create: bool, extracted: list[Theme] | None, **kwargs: object) -> None:
        if create and extracted:
            self.themes.set(extracted)


# -- conversations ------------------------------------------------------------------------

from listening.conversations.models import (  # noqa: E402
    Conversation,
    Participant,
    Statement,
    StatementStatus,
    Vote,
)
from listening.conversations.tokens import token_hash  # noqa: E402


class ConversationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conversation

    slug = factory.Sequence(lambda n: f"conversation-{n}")
    topic = factory.Sequence(lambda n: f"What should the Pact commit to? ({n})")
    description = "Add your statements and vote on others'."
    languages = factory.LazyFunction(lambda: ["en"])
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    moderation = "post"  # the model's default is "pre"; most tests want votes on new statements


class ParticipantFactory(factory.django.DjangoModelFactory):
    """``ParticipantFactory(token="...")`` sets a known token; the default one is random."""

    class Meta:
        model = Participant
        exclude = ("token",)

    conversation = factory.SubFactory(ConversationFactory)
    token = factory.Sequence(lambda n: f"test-token-{n:08d}-" + "x" * 24)
    token_hash = factory.LazyAttribute(lambda o: token_hash(o.token))


class StatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Statement

    conversation = factory.SubFactory(ConversationFactory)
    text = factory.Sequence(lambda n: f"Every neighbourhood needs statement number {n}.")
    status = StatementStatus.APPROVED


class VoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vote

    statement = factory.SubFactory(StatementFactory)
    participant = factory.SubFactory(
        ParticipantFactory, conversation=factory.SelfAttribute("..statement.conversation")
    )
    conversation = factory.SelfAttribute("statement.conversation")
    value = 1
