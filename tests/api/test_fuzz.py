"""Property-based fuzzing of the whole API against its own OpenAPI schema (schemathesis).

Every operation in ``/api/openapi.json`` gets schema-conforming (positive) and
schema-violating (negative) requests: random slugs, the slug of a real conversation (with and
without a participant's token, with real statement ids) and of one that needs signed xids.
Each answer must be no 5xx, a status the schema lists, the
content type and body shape the schema gives, and a 4xx for a request that breaks the schema.
The examples are derandomised so CI is repeatable; ``-m fuzz`` selects this module.
"""

from __future__ import annotations

import collections
import json
import os

import pytest
import schemathesis
from django.core import signals
from django.core.serializers.json import DjangoJSONEncoder
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from listening.api.api import api
from listening.config.wsgi import application
from listening.conversations import services
from tests.factories import (
    ConversationFactory,
    ParticipantFactory,
    StatementFactory,
    VoteFactory,
)

pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

SLUG = "fuzz"
SIGNED = "fuzz-signed"
TOKEN = "f" * 43
# About 600 cases in under a minute; FUZZ_EXAMPLES=500 for a deeper run (docs/security.md).
EXAMPLES_PER_OPERATION = int(os.environ.get("FUZZ_EXAMPLES", "100"))
TALLY: collections.Counter[str] = collections.Counter()


def _load_schema():
    # The schema /api/openapi.json serves, built without a request (pytest 9 breaks
    # schemathesis's lazy fixture loader); requests then go to the WSGI application.
    raw = json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/"), cls=DjangoJSONEncoder))
    loaded = schemathesis.openapi.from_dict(raw)
    loaded.app = application
    return loaded


schema = _load_schema()


def not_a_server_error(ctx, response, case):
    TALLY["cases"] += 1
    mode = case.meta.generation.mode.value if case.meta else "?"
    TALLY[f"{case.method} {case.path} {mode} {response.status_code}"] += 1
    if response.status_code >= 500:
        TALLY["5xx"] += 1
        raise AssertionError(f"{response.status_code} for {case.method} {case.formatted_path}")
    return True


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture(autouse=True)
def _keep_connection():
    """Requests go straight to the WSGI application, which closes the database connection when
    a request ends; the test's transaction needs it open (Django's test client does the same)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def world(settings):
    # Deep paths, not the rate limiter, are what the fuzz is for (limits have their own tests).
    settings.RATELIMIT_ENABLE = False
    settings.OPINION_JOBS = "sync"
    conversation = ConversationFactory(slug=SLUG)
    statements = StatementFactory.create_batch(3, conversation=conversation)
    ParticipantFactory(conversation=conversation, token=TOKEN)
    for i in range(6):
        voter = ParticipantFactory(conversation=conversation)
        for j, statement in enumerate(statements):
            VoteFactory(participant=voter, statement=statement, value=(i + j) % 3 - 1)
    assert services.opinion_refresh(conversation_id=conversation.pk) is not None
    ConversationFactory(slug=SIGNED, xid_secret="x" * 40)
    return [s.pk for s in statements]


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    print(f"\nfuzz: {TALLY['cases']} cases, {TALLY['5xx']} server errors")
    for key, count in sorted(TALLY.items()):
        print(f"  {key}: {count}")


@schema.parametrize()
@schema.given(
    target=st.sampled_from(["random", "real", "real-token", "signed"]), pick=st.integers(0, 2)
)
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_answers_every_request_as_its_schema_says(case, target, pick, world):
    if target != "random" and "slug" in (case.path_parameters or {}):
        case.path_parameters["slug"] = SIGNED if target == "signed" else SLUG
    if target == "real-token":
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {TOKEN}"}
        positive = case.meta is None or not case.meta.generation.mode.is_negative
        if positive and isinstance(case.body, dict) and isinstance(case.body.get("statement"), int):
            case.body["statement"] = world[pick]  # a statement that exists, to reach the vote
    case.call_and_validate(checks=CHECKS)
