from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User

from listening.conversations.models import OpinionSnapshot
from listening.synthesis.models import Commitment, KeyMessage, KeyMessageStatus, Revision
from listening.synthesis.services import (
    SplitPart,
    SynthesisError,
    commitment_add_progress,
    commitment_create,
    key_message_create,
    key_message_publish,
    key_message_split,
    key_message_update,
    key_messages_merge,
    key_messages_suggest,
    theme_accept,
    themes_suggest,
)
from tests.factories import (
    ConversationFactory,
    ListeningSessionFactory,
    ProgrammeFactory,
    StatementFactory,
    VoiceFactory,
)

from .factories import CommitmentFactory, KeyMessageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser() -> User:
    return User.objects.create_user("organiser", password="x")


def _voice(programme, **kw):
    return VoiceFactory(session=ListeningSessionFactory(programme=programme), **kw)


def test_key_message_publish_without_evidence_is_refused(organiser):
    km = KeyMessageFactory(title="Shade in every street")
    with pytest.raises(SynthesisError, match=r"Shade in every street.*no evidence"):
        key_message_publish(key_message=km, author=organiser)
    km.refresh_from_db()
    assert km.status == KeyMessageStatus.DRAFT
    assert not Revision.objects.filter(key_message=km, action="published").exists()


def test_key_message_publish_with_a_voice_records_who_and_why(organiser):
    programme = ProgrammeFactory()
    km = key_message_create(programme=programme, title="Shade", voices=[_voice(programme)])
    key_message_publish(key_message=km, author=organiser, reason="agreed at the meeting")
    km.refresh_from_db()
    assert km.status == KeyMessageStatus.PUBLISHED
    last = km.revisions.last()
    assert (last.version, last.action, last.author, last.reason) == (
        2,
        "published",
        organiser,
        "agreed at the meeting",
    )


def test_key_message_create_with_a_voice_of_another_programme_is_refused():
    programme = ProgrammeFactory()
    other_voice = _voice(ProgrammeFactory())
    with pytest.raises(SynthesisError, match="another programme"):
        key_message_create(programme=programme, title="Shade", voices=[other_voice])
    assert not KeyMessage.objects.exists()


def test_key_message_update_with_a_statement_of_another_programme_leaves_it_as_it_was(organiser):
    programme = ProgrammeFactory()
    voice = _voice(programme)
    km = key_message_create(programme=programme, title="Shade", voices=[voice])
    foreign = StatementFactory(conversation=ConversationFactory(programme=ProgrammeFactory()))
    with pytest.raises(SynthesisError, match="another programme"):
        key_message_update(
            key_message=km, author=organiser, reason="x", title="New", statements=[foreign]
        )
    km.refresh_from_db()
    assert km.title == "Shade"
    assert list(km.statements.all()) == []


def test_key_message_update_removing_all_evidence_of_a_published_message_is_refused(organiser):
    programme = ProgrammeFactory()
    km = key_message_create(programme=programme, title="Shade", voices=[_voice(programme)])
    key_message_publish(key_message=km, author=organiser)
    with pytest.raises(SynthesisError, match="needs at least one"):
        key_message_update(key_message=km, author=organiser, reason="x", voices=[])
    assert km.voices.count() == 1


def test_key_messages_merge_keeps_evidence_lineage_and_commitments(organiser):
    programme = ProgrammeFactory()
    v1, v2 = _voice(programme), _voice(programme)
    statement = StatementFactory(conversation=ConversationFactory(programme=programme))
    a = key_message_create(programme=programme, title="Shade", voices=[v1])
    b = key_message_create(programme=programme, title="Trees", voices=[v2], statements=[statement])
    key_message_publish(key_message=a, author=organiser)
    commitment = commitment_create(
        programme=programme, axis="planet", title="Trees", key_messages=[a]
    )
    merged = key_messages_merge(
        key_messages=[a, b], title="Shade and trees", author=organiser, reason="same idea"
    )
    assert set(merged.voices.all()) == {v1, v2}
    assert list(merged.statements.all()) == [statement]
    assert set(merged.sources.all()) == {a, b}
    assert merged.status == KeyMessageStatus.PUBLISHED
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.status == b.status == KeyMessageStatus.RETIRED
    assert list(a.successors.all()) == [merged]
    assert list(commitment.key_messages.all()) == [merged]
    assert commitment.revisions.last().action == "key messages merged"


def test_key_messages_merge_across_programmes_is_refused(organiser):
    a, b = KeyMessageFactory(), KeyMessageFactory()
    with pytest.raises(SynthesisError, match="same programme"):
        key_messages_merge(key_messages=[a, b], title="x", author=organiser, reason="")
    assert KeyMessage.objects.count() == 2


def test_key_message_split_divides_evidence_and_keeps_the_source(organiser):
    programme = ProgrammeFactory()
    v1, v2 = _voice(programme), _voice(programme)
    km = key_message_create(programme=programme, title="Shade and water", voices=[v1, v2])
    commitment = commitment_create(programme=programme, axis="planet", title="C", key_messages=[km])
    parts = key_message_split(
        key_message=km,
        parts=[SplitPart("Shade", voices=[v1]), SplitPart("Water", voices=[v2])],
        author=organiser,
        reason="two ideas",
    )
    assert [list(p.voices.all()) for p in parts] == [[v1], [v2]]
    assert all(list(p.sources.all()) == [km] for p in parts)
    km.refresh_from_db()
    assert km.status == KeyMessageStatus.RETIRED
    assert set(commitment.key_messages.all()) == set(parts)


def test_key_message_split_with_evidence_from_elsewhere_is_refused(organiser):
    programme = ProgrammeFactory()
    v1, stranger = _voice(programme), _voice(programme)
    km = key_message_create(programme=programme, title="Shade", voices=[v1])
    with pytest.raises(SynthesisError, match="not in the key message"):
        key_message_split(
            key_message=km,
            parts=[SplitPart("A", voices=[v1]), SplitPart("B", voices=[stranger])],
            author=organiser,
            reason="",
        )
    assert KeyMessage.objects.count() == 1


def test_commitment_create_with_key_message_of_another_programme_is_refused():
    with pytest.raises(SynthesisError, match="another programme"):
        commitment_create(
            programme=ProgrammeFactory(),
            axis="people",
            title="C",
            key_messages=[KeyMessageFactory()],
        )
    assert not Commitment.objects.exists()


def test_commitment_add_progress_moves_status_and_keeps_dated_history(organiser):
    commitment = CommitmentFactory()
    commitment_add_progress(
        commitment=commitment, date=dt.date(2026, 3, 1), text="Adopted by council",
        author=organiser, status="adopted",
    )  # fmt: skip
    commitment_add_progress(
        commitment=commitment, date=dt.date(2026, 6, 1), text="500 trees planted",
        author=organiser, status="in_progress",
    )  # fmt: skip
    commitment.refresh_from_db()
    assert commitment.status == "in_progress"
    assert [u.text for u in commitment.updates.all()] == ["500 trees planted", "Adopted by council"]
    assert [(r.version, r.action) for r in commitment.revisions.all()] == [
        (1, "progress"),
        (2, "progress"),
    ]


def test_themes_suggest_groups_the_programme_voices():
    programme = ProgrammeFactory()
    texts = [
        "More buses and bus lanes on the main road",
        "The bus is always late on the main road",
        "Cheaper bus tickets for students",
        "Rents are too high for families",
        "Cap the rents and build social housing",
        "Housing for families is too expensive, rents rise",
    ]
    voices = [_voice(programme, text=t) for t in texts]
    _voice(ProgrammeFactory(), text="Bus lanes for another programme")
    suggestions = themes_suggest(programme=programme, k=2)
    groups = sorted(sorted(v.pk for v in s.voices) for s in suggestions)
    assert groups == sorted([sorted(v.pk for v in voices[:3]), sorted(v.pk for v in voices[3:])])
    labels = " ".join(s.label for s in suggestions)
    assert "bus" in labels
    assert "rents" in labels or "housing" in labels


def test_theme_accept_renames_and_tags_the_voices():
    programme = ProgrammeFactory()
    voices = [_voice(programme) for _ in range(2)]
    theme = theme_accept(programme=programme, name="Public transport", axis="planet", voices=voices)
    assert theme.slug == "public-transport"
    assert all(theme in v.themes.all() for v in voices)


def test_key_messages_suggest_offers_consensus_and_bridging_statements_with_figures():
    conversation = ConversationFactory()
    consensual, bridging, other = (StatementFactory(conversation=conversation) for _ in range(3))
    OpinionSnapshot.objects.create(
        conversation=conversation,
        result={
            "consensus": {"agree": [{"statement": consensual.pk, "p_success": 0.9}]},
            "statements": {
                str(consensual.pk): {
                    "agree": 9,
                    "disagree": 0,
                    "pass": 1,
                    "seen": 10,
                    "bridging": 0.1,
                },
                str(bridging.pk): {
                    "agree": 6,
                    "disagree": 2,
                    "pass": 0,
                    "seen": 8,
                    "bridging": 0.7,
                },
                str(other.pk): {"agree": 1, "disagree": 5, "pass": 0, "seen": 6, "bridging": 0.0},
            },
        },
    )
    suggestions = key_messages_suggest(conversation=conversation)
    assert [(s.statement, s.kind) for s in suggestions] == [
        (consensual, "consensus"),
        (bridging, "bridging"),
    ]
    assert (suggestions[0].agree, suggestions[0].seen) == (9, 10)
    assert suggestions[1].bridging == pytest.approx(0.7)


def test_key_messages_suggest_without_opinion_map_is_empty():
    assert key_messages_suggest(conversation=ConversationFactory()) == []
