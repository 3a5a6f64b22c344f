from __future__ import annotations

import pytest

from listening.demo.loader import load_demo
from listening.synthesis.models import Commitment, KeyMessage, KeyMessageStatus

pytestmark = pytest.mark.django_db


def test_demo_loads_sample_key_messages_and_commitments_once(client):
    load_demo()
    load_demo()
    assert KeyMessage.objects.filter(status=KeyMessageStatus.PUBLISHED).count() == 3
    assert Commitment.objects.count() == 3
    assert all("(sample)" in km.title for km in KeyMessage.objects.all())
    assert all(km.voices.exists() for km in KeyMessage.objects.all())
    page = client.get("/pact/").content.decode()
    assert "Publish a register of short-term rentals in every member city (sample)" in page
    assert "agree," in page  # vote figures of the demo conversation's statements
