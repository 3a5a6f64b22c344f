import json
from pathlib import Path

import pytest

from listening.demo.loader import DATA_DIR
from listening.live.demo import load_live_rooms
from listening.live.models import LiveRoom, Question
from listening.live.selectors import room_state, session_archive
from tests.factories import ListeningSessionFactory

pytestmark = pytest.mark.django_db


def test_demo_live_rooms_archive_one_session_and_open_another_once():
    data = json.loads((Path(DATA_DIR) / "live.json").read_text())
    sessions = {entry["session"]: ListeningSessionFactory() for entry in data["rooms"]}
    load_live_rooms(data, sessions)
    load_live_rooms(data, sessions)  # twice: nothing more
    assert LiveRoom.objects.count() == len(data["rooms"])
    archived = next(e for e in data["rooms"] if e["closed"])
    archive = session_archive(sessions[archived["session"]].pk)
    upvotes = [q["upvotes"] for q in archive[0]["questions"]]
    assert upvotes == sorted((q["upvotes"] for q in archived["questions"]), reverse=True)
    assert [p["total"] for p in archive[0]["polls"]] == [
        sum(p["answers"]) for p in archived["polls"]
    ]
    live = LiveRoom.objects.get(is_open=True)
    assert room_state(live)["poll"]["status"] == "open"
    assert Question.objects.filter(room=live).count() == 1
