"""Errors a conversation answers with; each carries the HTTP status the API gives it."""

from __future__ import annotations

from django.utils.translation import gettext as _


class ConversationError(Exception):
    """A request the conversation cannot accept; the message is shown to the person as is."""

    status_code = 400

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status_code is not None:
            self.status_code = status_code


class ConversationClosed(ConversationError):
    status_code = 409

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message or _("This conversation is closed: it takes no new votes or statements.")
        )


class StatementNotVotable(ConversationError):
    status_code = 404


class InvalidVote(ConversationError):
    status_code = 422


class StatementRejected(ConversationError):
    status_code = 422


class InvitationInvalid(ConversationError):
    status_code = 403


class InvalidConstituency(ConversationError):
    status_code = 422


class ParticipantUnknown(ConversationError):
    status_code = 401

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message or _("This participant token is malformed or unknown in this conversation.")
        )


class RateLimited(ConversationError):
    status_code = 429

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after
