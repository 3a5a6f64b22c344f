"""Every write to a conversation, one module per concern (docs/conversations.md):

- ``participants``: joining, claiming a participant on sign-in, constituency;
- ``votes``: the vote path (one upsert statement per vote);
- ``statements``: submitted and seed statements;
- ``moderation``: approve, reject, close, reopen, and the audit log;
- ``opinion_maps``: computing and scheduling opinion-map snapshots;
- ``polis_import``: importing a Polis export;
- ``limits`` and ``errors``: rate limits and the errors every service raises.

Callers import from ``listening.conversations.services``; the names below are its interface.
"""

from listening.conversations.services.errors import (
    ConversationClosed,
    ConversationError,
    InvalidConstituency,
    InvalidVote,
    InvitationInvalid,
    ParticipantUnknown,
    RateLimited,
    StatementNotVotable,
    StatementRejected,
)
from listening.conversations.services.moderation import (
    conversation_close,
    conversation_reopen,
    statements_moderate,
)
from listening.conversations.services.opinion_maps import (
    opinion_refresh,
    opinion_refresh_scheduled,
    opinion_refresh_wait,
    opinion_schedule,
)
from listening.conversations.services.participants import (
    participant_claim,
    participant_create,
    participant_set_constituency,
)
from listening.conversations.services.polis_import import conversation_import_polis
from listening.conversations.services.statements import statement_seed, statement_submit
from listening.conversations.services.votes import vote_cast, vote_cast_by_token

__all__ = [
    "ConversationClosed",
    "ConversationError",
    "InvalidConstituency",
    "InvalidVote",
    "InvitationInvalid",
    "ParticipantUnknown",
    "RateLimited",
    "StatementNotVotable",
    "StatementRejected",
    "conversation_close",
    "conversation_import_polis",
    "conversation_reopen",
    "opinion_refresh",
    "opinion_refresh_scheduled",
    "opinion_refresh_wait",
    "opinion_schedule",
    "participant_claim",
    "participant_create",
    "participant_set_constituency",
    "statement_seed",
    "statement_submit",
    "statements_moderate",
    "vote_cast",
    "vote_cast_by_token",
]
