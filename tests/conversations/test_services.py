import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.cache import cache
from django.utils import timezone

from listening.conversations import services
from listening.conversations.models import (
    Conversation,
    InvitationCode,
    ModerationLog,
    OpinionSnapshot,
    Participant,
    Statement,
    Vote,
)
from listening.conversations.selectors import participant_for_token
from listening.conversations.services import (
    ConversationClosed,
    ConversationError,
    InvalidConstituency,
    InvalidVote,
    InvitationInvalid,
    RateLimited,
    StatementNotVotable,
    StatementRejected,
)
from tests.factories import ConversationFactory, ParticipantFactory, StatementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _jobs(settings):
    settings.OPINION_JOBS = "sync"
    cache.clear()


@pytest.fixture
def conversation():
    return ConversationFactory(slug="healthy-cities")


@pytest.fixture
def participant(conversation):
    return ParticipantFactory(conversation=conversation)


# -- participants ---------------------------------------------------------------------------


def test_participant_create_stores_only_the_token_hash(conversation):
    participant, token = services.participant_create(conversation=conversation)
    assert len(token) >= 40
    assert token not in participant.token_hash
    assert participant_for_token(conversation=conversation, token=token) == participant


def test_participant_create_for_a_user_twice_returns_the_same_participant(conversation):
    user = User.objects.create_user("ana")
    first, token1 = services.participant_create(conversation=conversation, user=user)
    again, token2 = services.participant_create(conversation=conversation, user=user)
    assert first.pk == again.pk
    assert token1 != token2
    assert participant_for_token(conversation=conversation, token=token1) is None
    assert participant_for_token(conversation=conversation, token=token2) == first


def test_participant_create_anonymous_user_is_anonymous(conversation):
    participant, _ = services.participant_create(conversation=conversation, user=AnonymousUser())
    assert participant.user is None


def test_participant_create_known_xid_returns_the_same_participant(conversation):
    first, _ = services.participant_create(conversation=conversation, xid="city-42")
    again, _ = services.participant_create(conversation=conversation, xid="city-42")
    assert first.pk == again.pk
    assert Participant.objects.count() == 1


def test_participant_create_bad_constituency_is_refused(conversation):
    with pytest.raises(InvalidConstituency, match="not a constituency"):
        services.participant_create(conversation=conversation, constituency="wizards")


def test_participant_create_closed_conversation_is_refused():
    closed = ConversationFactory(is_closed=True)
    with pytest.raises(ConversationClosed, match="closed"):
        services.participant_create(conversation=closed)


def test_participant_create_invitation_code_is_used_up():
    conversation = ConversationFactory(invitation_required=True)
    InvitationCode.objects.create(conversation=conversation, code="PACT-1", uses_left=1)
    with pytest.raises(InvitationInvalid, match="needs an invitation code"):
        services.participant_create(conversation=conversation)
    services.participant_create(conversation=conversation, invitation_code=" PACT-1 ")
    with pytest.raises(InvitationInvalid, match="used up"):
        services.participant_create(conversation=conversation, invitation_code="PACT-1")
    assert Participant.objects.count() == 1


def test_participant_claim_without_earlier_participant_keeps_votes(conversation, participant):
    statement = StatementFactory(conversation=conversation)
    services.vote_cast(participant=participant, statement_id=statement.pk, value=1)
    user = User.objects.create_user("ana")
    claimed = services.participant_claim(participant=participant, user=user)
    assert claimed.pk == participant.pk
    assert claimed.user == user
    assert Vote.objects.get().participant_id == participant.pk


def test_participant_claim_merges_into_the_users_participant_latest_vote_stands(conversation):
    user = User.objects.create_user("ana")
    mine, _ = services.participant_create(conversation=conversation, user=user)
    anonymous = ParticipantFactory(conversation=conversation, constituency="academia")
    old, both, only_anon = StatementFactory.create_batch(3, conversation=conversation)
    services.vote_cast(participant=mine, statement_id=old.pk, value=1)
    services.vote_cast(participant=mine, statement_id=both.pk, value=1)
    services.vote_cast(participant=anonymous, statement_id=both.pk, value=-1)
    services.vote_cast(participant=anonymous, statement_id=only_anon.pk, value=0)
    Vote.objects.filter(participant=mine, statement=old).update(
        updated_at=timezone.now() + dt.timedelta(minutes=1)
    )
    services.vote_cast(participant=anonymous, statement_id=old.pk, value=-1)

    merged = services.participant_claim(participant=anonymous, user=user)

    assert merged.pk == mine.pk
    assert not Participant.objects.filter(pk=anonymous.pk).exists()
    votes = dict(Vote.objects.filter(participant=mine).values_list("statement_id", "value"))
    assert votes == {old.pk: 1, both.pk: -1, only_anon.pk: 0}
    assert Vote.objects.count() == 3
    merged.refresh_from_db()
    assert merged.constituency == "academia"


def test_participant_claim_of_another_users_participant_is_refused(conversation):
    owner = User.objects.create_user("owner")
    participant, _ = services.participant_create(conversation=conversation, user=owner)
    with pytest.raises(ConversationError, match="another account"):
        services.participant_claim(participant=participant, user=User.objects.create_user("x"))


def test_participant_set_constituency_valid_and_invalid(participant):
    services.participant_set_constituency(participant=participant, constituency="resident")
    participant.refresh_from_db()
    assert participant.constituency == "resident"
    with pytest.raises(InvalidConstituency):
        services.participant_set_constituency(participant=participant, constituency="nobody")


# -- votes ----------------------------------------------------------------------------------


def test_vote_cast_new_then_changed_keeps_one_vote(conversation, participant):
    statement = StatementFactory(conversation=conversation)
    vote, created = services.vote_cast(participant=participant, statement_id=statement.pk, value=1)
    assert created
    assert vote.value == 1
    again, created = services.vote_cast(
        participant=participant, statement_id=statement.pk, value=-1
    )
    assert not created
    assert again.pk == vote.pk
    stored = Vote.objects.get()
    assert stored.value == -1
    assert stored.updated_at >= stored.created_at
    assert again.created_at == stored.created_at


@pytest.mark.parametrize("value", [2, -2, "agree", None, True, 1.5])
def test_vote_cast_malformed_value_is_invalid(conversation, participant, value):
    statement = StatementFactory(conversation=conversation)
    with pytest.raises(InvalidVote, match="1 \\(agree\\), -1 \\(disagree\\) or 0 \\(pass\\)"):
        services.vote_cast(participant=participant, statement_id=statement.pk, value=value)
    assert not Vote.objects.exists()


def test_vote_cast_unknown_statement_is_not_votable(participant):
    with pytest.raises(StatementNotVotable, match="no such statement") as info:
        services.vote_cast(participant=participant, statement_id=999_999, value=1)
    assert info.value.status_code == 404


def test_vote_cast_statement_of_another_conversation_is_not_votable(participant):
    elsewhere = StatementFactory()
    with pytest.raises(StatementNotVotable, match="no such statement"):
        services.vote_cast(participant=participant, statement_id=elsewhere.pk, value=1)


def test_vote_cast_rejected_statement_is_not_votable(conversation, participant):
    statement = StatementFactory(conversation=conversation, status="rejected")
    with pytest.raises(StatementNotVotable, match="rejected") as info:
        services.vote_cast(participant=participant, statement_id=statement.pk, value=1)
    assert info.value.status_code == 409


def test_vote_cast_pending_statement_in_pre_moderation_is_not_votable():
    conversation = ConversationFactory(moderation="pre")
    participant = ParticipantFactory(conversation=conversation)
    statement = StatementFactory(conversation=conversation, status="pending")
    with pytest.raises(StatementNotVotable, match="awaiting moderation"):
        services.vote_cast(participant=participant, statement_id=statement.pk, value=1)


def test_vote_cast_pending_statement_in_post_moderation_is_votable(conversation, participant):
    statement = StatementFactory(conversation=conversation, status="pending")
    _, created = services.vote_cast(participant=participant, statement_id=statement.pk, value=0)
    assert created


def test_vote_cast_closed_conversation_is_refused(participant):
    statement = StatementFactory(conversation=participant.conversation)
    services.conversation_close(conversation=participant.conversation, actor=None)
    with pytest.raises(ConversationClosed):
        services.vote_cast(participant=participant, statement_id=statement.pk, value=1)


def test_vote_cast_after_closing_date_is_refused():
    conversation = ConversationFactory(
        opens_at=timezone.now() - dt.timedelta(days=2),
        closes_at=timezone.now() - dt.timedelta(days=1),
    )
    participant = ParticipantFactory(conversation=conversation)
    statement = StatementFactory(conversation=conversation)
    with pytest.raises(ConversationClosed):
        services.vote_cast(participant=participant, statement_id=statement.pk, value=1)


def _token_vote(conversation, token, statement, value=1):
    return services.vote_cast_by_token(
        slug=conversation.slug, token=token, statement_id=statement.pk, value=value
    )


def test_vote_cast_by_token_new_then_changed(conversation):
    participant, token = services.participant_create(conversation=conversation)
    statement = StatementFactory(conversation=conversation)
    vote, created = _token_vote(conversation, token, statement, 1)
    assert created
    assert (vote.participant_id, vote.conversation_id) == (participant.pk, conversation.pk)
    _, created = _token_vote(conversation, token, statement, -1)
    assert not created
    assert list(Vote.objects.values_list("value", flat=True)) == [-1]


@pytest.mark.parametrize(
    ("moderation", "status", "votable"),
    [
        ("post", "pending", True),
        ("pre", "pending", False),
        ("post", "rejected", False),
        ("pre", "approved", True),
    ],
)
def test_vote_cast_by_token_follows_the_same_rules(moderation, status, votable):
    conversation = ConversationFactory(moderation=moderation)
    _, token = services.participant_create(conversation=conversation)
    statement = StatementFactory(conversation=conversation, status=status)
    if votable:
        assert _token_vote(conversation, token, statement)[1]
    else:
        with pytest.raises(StatementNotVotable):
            _token_vote(conversation, token, statement)
        assert not Vote.objects.exists()


def test_vote_cast_by_token_closed_unknown_and_foreign_tokens(conversation):
    _, token = services.participant_create(conversation=conversation)
    other = ConversationFactory()
    _, other_token = services.participant_create(conversation=other)
    statement = StatementFactory(conversation=conversation)
    with pytest.raises(services.ParticipantUnknown):
        _token_vote(conversation, other_token, statement)
    with pytest.raises(services.ParticipantUnknown):
        _token_vote(conversation, "not a token", statement)
    services.conversation_close(conversation=conversation, actor=None)
    with pytest.raises(ConversationClosed):
        _token_vote(conversation, token, statement)
    assert not Vote.objects.exists()


def test_vote_cast_schedules_an_opinion_map(
    conversation, participant, django_capture_on_commit_callbacks
):
    statement = StatementFactory(conversation=conversation)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.vote_cast(participant=participant, statement_id=statement.pk, value=1)
    assert len(callbacks) == 1
    assert OpinionSnapshot.objects.filter(conversation=conversation).count() == 1


def test_vote_cast_over_the_participant_limit_is_rate_limited(settings, conversation, participant):
    settings.RATELIMIT_VOTES_PER_MINUTE = 2
    statements = StatementFactory.create_batch(3, conversation=conversation)
    for s in statements[:2]:
        services.vote_cast(participant=participant, statement_id=s.pk, value=1)
    with pytest.raises(RateLimited, match="Too many votes") as info:
        services.vote_cast(participant=participant, statement_id=statements[2].pk, value=1)
    assert 1 <= info.value.retry_after <= 60
    assert Vote.objects.count() == 2


def test_vote_cast_over_the_ip_limit_is_rate_limited(settings, conversation):
    settings.RATELIMIT_VOTES_PER_MINUTE_IP = 2
    statement = StatementFactory(conversation=conversation)
    people = ParticipantFactory.create_batch(3, conversation=conversation)
    for p in people[:2]:
        services.vote_cast(participant=p, statement_id=statement.pk, value=1, ip="10.0.0.1")
    with pytest.raises(RateLimited):
        services.vote_cast(participant=people[2], statement_id=statement.pk, value=1, ip="10.0.0.1")
    services.vote_cast(participant=people[2], statement_id=statement.pk, value=1, ip="10.0.0.2")


def test_vote_cast_limits_switched_off(settings, conversation, participant):
    settings.RATELIMIT_ENABLE = False
    settings.RATELIMIT_VOTES_PER_MINUTE = 1
    for s in StatementFactory.create_batch(3, conversation=conversation):
        services.vote_cast(participant=participant, statement_id=s.pk, value=1)
    assert Vote.objects.count() == 3


# -- statements -----------------------------------------------------------------------------


def test_statement_submit_post_moderation_is_approved(participant):
    statement = services.statement_submit(participant=participant, text="  Shade in streets.  ")
    assert statement.text == "Shade in streets."
    assert statement.status == "approved"
    assert statement.author == participant


def test_statement_submit_pre_moderation_is_pending():
    participant = ParticipantFactory(conversation=ConversationFactory(moderation="pre"))
    statement = services.statement_submit(participant=participant, text="Shade in streets.")
    assert statement.status == "pending"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   ", "cannot be empty"),
        ("x" * 401, "at most 400 characters long; this one has 401"),
        ("?! ... ?! ... ?!", "needs words"),
    ],
)
def test_statement_submit_bad_text_is_rejected(participant, text, message):
    with pytest.raises(StatementRejected, match=message):
        services.statement_submit(participant=participant, text=text)
    assert not Statement.objects.exists()


def test_statement_submit_length_limits_per_conversation(settings):
    settings.STATEMENT_MAX_LENGTH = 12  # the default of a new conversation's longest statement
    conversation = ConversationFactory()
    participant = ParticipantFactory(conversation=conversation)
    with pytest.raises(StatementRejected, match="at most 12"):
        services.statement_submit(participant=participant, text="Thirteen char")
    with pytest.raises(StatementRejected, match="at least 10 characters; this one has 2"):
        services.statement_submit(participant=participant, text=" ok ")
    conversation.statement_min_length = 2
    conversation.save()
    participant.conversation.refresh_from_db()
    assert services.statement_submit(participant=participant, text="ok").text == "ok"


def test_conversation_new_is_pre_moderated():
    conversation = Conversation.objects.create(slug="new", topic="What next?")
    assert conversation.moderation == "pre"
    assert conversation.statement_min_length == 10


@pytest.mark.parametrize(
    "variant",
    [
        "Ban\u200b cars from the centre",  # zero width space
        "Ban c\u00adars from the centre",  # soft hyphen
        "\u202aBan cars from the centre",  # left-to-right embedding
        "\u202eBan cars from the centre\u202c",  # right-to-left override
        "\u2067Ban cars from the centre\u2069",  # isolates
        "\uff22\uff41\uff4e cars from the centre",  # fullwidth letters
        "Ban cars from the\ufeff centre",  # byte order mark
    ],
)
def test_statement_submit_duplicate_with_invisible_or_folded_characters(participant, variant):
    services.statement_submit(participant=participant, text="Ban cars from the centre")
    with pytest.raises(StatementRejected, match="already in the conversation"):
        services.statement_submit(participant=participant, text=variant)


def test_statement_submit_stores_no_bidi_or_invisible_characters(participant):
    statement = services.statement_submit(
        participant=participant, text="\u202eSnoitces\u200b lla ni sesub eerF\x00"
    )
    assert statement.text == "Snoitces lla ni sesub eerF"
    # A joiner stays: emoji and scripts need it.
    family = services.statement_submit(
        participant=participant, text="Parks for every \U0001f468\u200d\U0001f467 family"
    )
    assert "\u200d" in family.text


def test_statement_submit_near_duplicate_warns_without_blocking(participant):
    first = services.statement_submit(participant=participant, text="More shade trees in streets.")
    similar = services.statement_submit(
        participant=participant, text="More shade trees in our streets!"
    )
    assert similar.pk and similar.near_duplicate == first
    unlike = services.statement_submit(participant=participant, text="Free buses on Sundays.")
    assert unlike.near_duplicate is None


def test_statement_submit_near_duplicate_never_shows_a_pending_statement():
    conversation = ConversationFactory(moderation="pre")
    participant = ParticipantFactory(conversation=conversation)
    services.statement_submit(participant=participant, text="More shade trees in streets.")
    similar = services.statement_submit(
        participant=participant, text="More shade trees in our streets!"
    )
    assert similar.near_duplicate is None


def test_statement_submit_duplicate_after_normalising_is_rejected(participant):
    services.statement_submit(participant=participant, text="More shade in streets!")
    with pytest.raises(StatementRejected, match="already in the conversation") as info:
        services.statement_submit(participant=participant, text="  more SHADE, in   streets ")
    assert info.value.status_code == 409
    assert Statement.objects.count() == 1


def test_statement_submit_finds_a_duplicate_edited_in_or_imported(participant):
    edited = StatementFactory(conversation=participant.conversation, text="Old words")
    edited.text = "Free buses on Sundays"
    edited.save(update_fields=["text"])
    with pytest.raises(StatementRejected, match="already in the conversation"):
        services.statement_submit(participant=participant, text="free buses on sundays!")
    # Another conversation's identical statement is not a duplicate.
    other = ParticipantFactory()
    assert services.statement_submit(participant=other, text="Free buses on Sundays").pk


def test_statement_submit_closed_or_not_allowed_is_refused():
    closed = ParticipantFactory(conversation=ConversationFactory(is_closed=True))
    with pytest.raises(ConversationClosed):
        services.statement_submit(participant=closed, text="Hello there.")
    no_statements = ParticipantFactory(conversation=ConversationFactory(allow_statements=False))
    with pytest.raises(StatementRejected, match="does not take new statements"):
        services.statement_submit(participant=no_statements, text="Hello there.")


def test_statement_submit_over_the_limit_is_rate_limited(settings, participant):
    settings.RATELIMIT_STATEMENTS_PER_HOUR = 1
    services.statement_submit(participant=participant, text="First statement.")
    with pytest.raises(RateLimited, match="Too many statements"):
        services.statement_submit(participant=participant, text="Second statement.")


def test_statement_seed_is_approved_and_logged(conversation):
    organiser = User.objects.create_user("organiser")
    statement = services.statement_seed(
        conversation=conversation, text="Seed statement.", actor=organiser
    )
    assert statement.is_seed
    assert statement.status == "approved"
    entry = ModerationLog.objects.get()
    assert (entry.action, entry.actor, entry.statement) == ("seed", organiser, statement)


# -- moderation -----------------------------------------------------------------------------


def test_statements_moderate_bulk_logs_each_statement(conversation):
    organiser = User.objects.create_user("organiser")
    mine = StatementFactory.create_batch(3, conversation=conversation, status="pending")
    other = StatementFactory(status="pending")
    count = services.statements_moderate(
        conversation=conversation,
        statement_ids=[s.pk for s in mine] + [other.pk],
        action="reject",
        actor=organiser,
        note="off topic",
    )
    assert count == 3
    assert set(
        Statement.objects.filter(pk__in=[s.pk for s in mine]).values_list("status", flat=True)
    ) == {"rejected"}
    other.refresh_from_db()
    assert other.status == "pending"
    log = ModerationLog.objects.filter(conversation=conversation)
    assert log.count() == 3
    assert {(e.action, e.actor_id, e.note) for e in log} == {("reject", organiser.pk, "off topic")}


def test_statements_moderate_unknown_action_is_refused(conversation):
    with pytest.raises(ConversationError, match="not a moderation action"):
        services.statements_moderate(
            conversation=conversation, statement_ids=[1], action="delete", actor=None
        )


def test_conversation_close_and_reopen_are_logged():
    conversation = ConversationFactory(closes_at=timezone.now() + dt.timedelta(days=1))
    organiser = User.objects.create_user("organiser")
    services.conversation_close(conversation=conversation, actor=organiser)
    assert not conversation.is_open()
    conversation.closes_at = timezone.now() - dt.timedelta(minutes=1)
    conversation.save()
    services.conversation_reopen(conversation=conversation, actor=organiser)
    conversation.refresh_from_db()
    assert conversation.is_open()
    assert conversation.closes_at is None
    assert list(ModerationLog.objects.values_list("action", flat=True)) == ["reopen", "close"]


# -- opinion maps ---------------------------------------------------------------------------


def _polarised(conversation, people=12, statements=6):
    items = StatementFactory.create_batch(statements, conversation=conversation)
    voters = ParticipantFactory.create_batch(people, conversation=conversation)
    for i, p in enumerate(voters):
        side = 1 if i % 2 else -1
        if i < 6:  # 6 residents and 6 others: both at least MIN_GROUP_SIZE (5), so shown
            p.constituency = "resident"
            p.save()
        for j, s in enumerate(items):
            value = side if j < statements // 2 else -side
            Vote.objects.create(conversation=conversation, participant=p, statement=s, value=value)
    return items, voters


def test_opinion_refresh_stores_the_map_with_counts_and_priorities(conversation):
    items, _ = _polarised(conversation)
    snapshot = services.opinion_refresh(conversation_id=conversation.pk)
    assert snapshot is not None
    assert snapshot.vote_count == 72
    assert snapshot.participant_count == 12
    assert set(snapshot.result["statements"]) == {str(s.pk) for s in items}
    assert len(snapshot.result["groups"]) >= 2
    assert "resident" in snapshot.result["attributes"]["constituency"]
    assert set(snapshot.priorities) == {str(s.pk) for s in items}
    assert snapshot.state["runs"] == 1


def test_opinion_refresh_carries_state_and_keeps_only_the_last_few(settings, conversation):
    settings.OPINION_SNAPSHOTS_KEPT = 2
    _polarised(conversation)
    for _ in range(4):
        latest = services.opinion_refresh(conversation_id=conversation.pk)
    assert latest is not None
    assert latest.state["runs"] == 4
    assert OpinionSnapshot.objects.filter(conversation=conversation).count() == 2


def test_opinion_refresh_leaves_rejected_statements_out(conversation):
    items, _ = _polarised(conversation)
    items[0].status = "rejected"
    items[0].save()
    snapshot = services.opinion_refresh(conversation_id=conversation.pk)
    assert str(items[0].pk) not in snapshot.result["statements"]
    assert str(items[0].pk) not in snapshot.priorities
    assert snapshot.vote_count == 60


def test_opinion_refresh_without_votes_stores_nothing(conversation):
    StatementFactory(conversation=conversation)
    assert services.opinion_refresh(conversation_id=conversation.pk) is None
    assert services.opinion_refresh(conversation_id=0) is None
    assert not OpinionSnapshot.objects.exists()


def test_opinion_schedule_off_does_nothing(
    settings, conversation, django_capture_on_commit_callbacks
):
    settings.OPINION_JOBS = "off"
    with django_capture_on_commit_callbacks() as callbacks:
        services.opinion_schedule(conversation_id=conversation.pk)
    assert callbacks == []


def test_opinion_refresh_wait_spaces_costly_maps(settings, conversation):
    settings.OPINION_DEBOUNCE_SECONDS = 2
    settings.OPINION_COST_FACTOR = 10
    assert services.opinion_refresh_wait(conversation.pk) == 0
    snapshot = OpinionSnapshot.objects.create(conversation=conversation, seconds=1.5)
    assert 14 < services.opinion_refresh_wait(conversation.pk) <= 15
    snapshot.seconds = 0.01
    snapshot.save(update_fields=["seconds"])
    assert 1 < services.opinion_refresh_wait(conversation.pk) <= 2
    snapshot.computed_at = timezone.now() - dt.timedelta(minutes=1)
    snapshot.save(update_fields=["computed_at"])
    assert services.opinion_refresh_wait(conversation.pk) == 0


def test_participant_create_imported_xid_cannot_be_taken_over(conversation):
    imported = ParticipantFactory(conversation=conversation, xid="polis-7")
    with pytest.raises(services.ConversationError, match="reserved for imported participants"):
        services.participant_create(conversation=conversation, xid="polis-7")
    before = imported.token_hash
    imported.refresh_from_db()
    assert imported.token_hash == before


def test_participant_create_is_rate_limited_per_ip(settings, conversation):
    settings.RATELIMIT_PARTICIPANTS_PER_HOUR_IP = 2
    for _ in range(2):
        services.participant_create(conversation=conversation, ip="203.0.113.9")
    with pytest.raises(RateLimited) as excinfo:
        services.participant_create(conversation=conversation, ip="203.0.113.9")
    assert excinfo.value.retry_after > 0
    services.participant_create(conversation=conversation, ip="203.0.113.10")
    assert Participant.objects.filter(conversation=conversation).count() == 3
