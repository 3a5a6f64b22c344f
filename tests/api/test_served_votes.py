"""Many participants joining and voting at once on the server `make run` starts.

`listening serve` (uvicorn, one process, SQLite, the default rate limits) as `make run`
starts it: 40 participants join and vote at the same moment, each on every statement, plus a
vote on a rejected statement and a malformed vote. No connection may break, nothing may answer
5xx, every accepted vote must be stored, every refused one must be a clear 4xx and stored
nowhere, and each participant must read back exactly their own votes. The default limits
(600 votes a minute from one address, 300 joins an hour) hold the 480 votes and 40 joins sent
here, so no limit is raised.
"""

from __future__ import annotations

import http.client
import json
import threading
from collections import Counter
from urllib.parse import urlsplit

import pytest

from tests.served import served

PARTICIPANTS = 40
STATEMENTS = 10

SETUP_SCRIPT = f"""
from listening.conversations.models import Conversation, Statement
c = Conversation.objects.create(slug="crowd", topic="A crowded conversation")
ids = [
    Statement.objects.create(conversation=c, text=f"Statement number {{i}}", status="approved").pk
    for i in range({STATEMENTS})
]
rejected = Statement.objects.create(conversation=c, text="Rejected one", status="rejected").pk
print(ids, rejected)
"""

COUNT_SCRIPT = """
from listening.conversations.models import Vote
print(Vote.objects.filter(conversation__slug="crowd").count(),
      Vote.objects.filter(conversation__slug="crowd", statement__status="rejected").count())
"""


class Answer:
    def __init__(self, status: int, body: dict[str, object]) -> None:
        self.status, self.body = status, body


def _request(host: str, port: int, method: str, path: str, data: object, token: str = "") -> Answer:
    conn = http.client.HTTPConnection(host, port, timeout=30)
    try:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        conn.request(method, path, None if data is None else json.dumps(data), headers)
        response = conn.getresponse()
        raw = response.read()
        return Answer(response.status, json.loads(raw) if raw else {})
    finally:
        conn.close()


@pytest.mark.served
def test_served_participants_voting_at_once_lose_no_accepted_vote(tmp_path):
    with served(tmp_path) as server:
        out = server.manage("shell", "-c", SETUP_SCRIPT).strip().splitlines()[-1]
        listed, rejected_text = out.rsplit(" ", 1)
        statements = json.loads(listed)
        rejected = int(rejected_text)
        parts = urlsplit(server.url)
        host, port = parts.hostname or "127.0.0.1", parts.port or 80

        start = threading.Barrier(PARTICIPANTS)
        lock = threading.Lock()
        answers: list[tuple[str, int, dict[str, object]]] = []
        errors: list[BaseException] = []

        def participant(n: int) -> None:
            def record(kind: str, answer: Answer) -> None:
                with lock:
                    answers.append((kind, answer.status, answer.body))

            try:
                start.wait(30)
                joined = _request(host, port, "POST", "/api/conversations/crowd/participants", {})
                record("join", joined)
                token = str(joined.body["token"])
                for i, sid in enumerate(statements):
                    vote = {"statement": sid, "vote": (n + i) % 3 - 1}
                    record(
                        "vote",
                        _request(host, port, "POST", "/api/conversations/crowd/votes", vote, token),
                    )
                bad = {"statement": rejected, "vote": 1}
                record(
                    "rejected",
                    _request(host, port, "POST", "/api/conversations/crowd/votes", bad, token),
                )
                malformed = {"statement": statements[0], "vote": 2}
                record(
                    "malformed",
                    _request(
                        host, port, "POST", "/api/conversations/crowd/votes", malformed, token
                    ),
                )
                # Each participant reads back exactly their own votes, and nothing is left.
                mine = _request(
                    host,
                    port,
                    "GET",
                    "/api/conversations/crowd/votes/mine?page_size=100",
                    None,
                    token,
                )
                cast = {sid: (n + i) % 3 - 1 for i, sid in enumerate(statements)}
                items = mine.body.get("items", [])
                read = {v["statement"]: v["vote"] for v in items}  # type: ignore[union-attr]
                record("mine", Answer(mine.status, {"same": read == cast}))
                record(
                    "next",
                    _request(host, port, "GET", "/api/conversations/crowd/next", None, token),
                )
            except BaseException as exc:  # a broken connection: reported below
                with lock:
                    errors.append(exc)

        threads = [threading.Thread(target=participant, args=(n,)) for n in range(PARTICIPANTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)

        assert errors == []
        statuses = Counter((kind, status) for kind, status, _ in answers)
        assert all(status < 500 for _, status, _ in answers), statuses
        assert statuses[("join", 201)] == PARTICIPANTS
        accepted = statuses[("vote", 201)] + statuses[("vote", 200)]
        # Every vote of this test is a first vote on its pair: accepted means created.
        assert accepted == statuses[("vote", 201)] == PARTICIPANTS * STATEMENTS, statuses
        # Refused votes are a 4xx that says why.
        assert statuses[("rejected", 409)] == PARTICIPANTS, statuses
        assert statuses[("malformed", 422)] == PARTICIPANTS, statuses
        assert statuses[("mine", 200)] == PARTICIPANTS, statuses
        assert all(body["same"] for kind, _, body in answers if kind == "mine")
        assert statuses[("next", 204)] == PARTICIPANTS, statuses
        for kind, _status, body in answers:
            if kind == "rejected":
                assert "rejected" in str(body["detail"])
            if kind == "malformed":
                assert "vote" in str(body["detail"])

        counted = server.manage("shell", "-c", COUNT_SCRIPT).strip().splitlines()[-1]
        stored, stored_rejected = map(int, counted.split())
        assert stored == accepted
        assert stored_rejected == 0
