import factory

from listening.conversations.tokens import token_hash
from listening.live.models import LiveParticipant, LiveRoom, Poll, PollKind, Question
from tests.factories import ListeningSessionFactory


class LiveRoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LiveRoom

    session = factory.SubFactory(ListeningSessionFactory)
    code = factory.Sequence(lambda n: f"R{n:05d}")


class LiveParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LiveParticipant

    room = factory.SubFactory(LiveRoomFactory)
    token_hash = factory.Sequence(lambda n: token_hash(f"live-token-{n:030d}"))


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    room = factory.SubFactory(LiveRoomFactory)
    author = factory.SubFactory(LiveParticipantFactory, room=factory.SelfAttribute("..room"))
    text = factory.Sequence(lambda n: f"What will the city do about question {n}?")
    status = "approved"


class PollFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Poll

    room = factory.SubFactory(LiveRoomFactory)
    text = "Should the city close the centre to cars on Sundays?"
    kind = PollKind.AGREE_DISAGREE
