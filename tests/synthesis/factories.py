from __future__ import annotations

import factory

from listening.programmes.models import Axis
from listening.synthesis.models import Commitment, KeyMessage
from tests.factories import ProgrammeFactory


class KeyMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyMessage

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Cities need shade and water ({n})")
    axis = Axis.PLANET


class CommitmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commitment

    programme = factory.SubFactory(ProgrammeFactory)
    axis = Axis.PLANET
    title = factory.Sequence(lambda n: f"Plant a tree for every resident ({n})")
    is_published = True
