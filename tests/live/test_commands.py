import io

import pytest
from django.core.management import CommandError, call_command

from listening.live.models import LiveRoom
from tests.factories import ListeningSessionFactory

pytestmark = pytest.mark.django_db


def test_live_open_prints_the_code():
    session = ListeningSessionFactory()
    out = io.StringIO()
    call_command("live-open", session.slug, "--premoderate", stdout=out, stderr=io.StringIO())
    room = LiveRoom.objects.get(session=session)
    assert out.getvalue().strip() == room.code
    assert room.premoderate


def test_live_open_unknown_session_names_it():
    with pytest.raises(CommandError, match="no-such-session"):
        call_command("live-open", "no-such-session")
