"""Conversations API: the open conversations, join, next statement, vote, add a statement,
the statements with their counts, one's own votes, the opinion map.

Participant endpoints take ``Authorization: Bearer <token>`` (the token from joining); they use
no cookies, so CSRF does not apply. Thin: every read goes through selectors, every write
through services.
"""

# No ``from __future__ import annotations`` here: ninja's ``@paginate`` rebuilds the signature
# of the view it wraps and cannot resolve annotations left as strings (``Query[...]``).
import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import Field

from listening.api.common import LANG_DESCRIPTION, Converted, Pages, bearer_token
from listening.api.schemas import Id, InputSchema
from listening.config.clients import client_address
from listening.conversations import selectors, services
from listening.conversations.models import (
    Constituency,
    Conversation,
    Participant,
    StatementStatus,
)
from listening.programmes.content_languages import reader_translation

router = Router(tags=["conversations"])


class Detail(Schema):
    detail: str


class ConversationOut(Schema):
    slug: str
    topic: str
    description: str
    languages: list[str]
    moderation: str
    is_open: bool
    allow_statements: bool
    invitation_required: bool
    opens_at: dt.datetime
    closes_at: dt.datetime | None


class JoinIn(InputSchema):
    xid: Annotated[str, Field(max_length=200)] = ""
    # The service checks the value, to answer an unknown one with the list to choose from.
    constituency: Annotated[
        str, Field(max_length=50, json_schema_extra={"enum": ["", *Constituency.values]})
    ] = ""
    invitation_code: Annotated[str, Field(max_length=64)] = ""
    # Hex HMAC-SHA256 of the xid under the conversation's secret, when it has one (docs/api.md).
    xid_signature: Annotated[str, Field(max_length=128)] = ""


class JoinOut(Schema):
    token: str
    participant: int


class NearDuplicate(Schema):
    id: int
    text: str


class StatementFields(Schema):
    id: int
    text: str
    language: str = Field(description="The language `text` was written in.")
    translation: str = Field(
        "", description="`text` in the reader's language (?lang= or Accept-Language), if any."
    )
    status: str
    is_seed: bool
    created_at: dt.datetime


class StatementOut(StatementFields):
    # A public statement the new one closely resembles (a warning; the statement was added).
    near_duplicate: NearDuplicate | None = None


class NextStatementOut(StatementOut):
    remaining: int = Field(
        description="Statements left for this participant to vote on, this one included."
    )


class StatementCountsOut(StatementFields):
    agree_count: int
    disagree_count: int
    pass_count: int


class StatementQuery(InputSchema):
    status: Literal["", "approved", "pending", "rejected"] = Field(
        "",
        description=(
            "Only statements with this status. The public sees approved statements, and pending "
            "ones when moderation comes after; rejected ones (and pending ones under "
            "pre-moderation) only moderators. Empty: every status the caller may see."
        ),
    )
    lang: Annotated[str, Field(max_length=20)] = ""


class MyVoteOut(Schema):
    statement: int
    vote: int
    created_at: dt.datetime
    updated_at: dt.datetime


class VoteIn(InputSchema):
    statement: Id
    # The service checks the value, to answer 2 or -3 with what a vote is.
    vote: Annotated[int, Field(json_schema_extra={"enum": [-1, 0, 1]})]


class VoteOut(Schema):
    statement: int
    vote: int
    created: bool


class StatementIn(InputSchema):
    text: str


def _participant(request: HttpRequest, slug: str) -> Participant:
    participant = selectors.participant_by_token(slug=slug, token=bearer_token(request))
    if participant is None:
        selectors.conversation_get(slug)  # 404 for an unknown conversation
        raise HttpError(401, "This participant token is malformed or unknown in this conversation.")
    return participant


def _statement(statement: Any) -> dict[str, Any]:
    return {
        "id": statement.pk,
        "text": statement.text,
        "language": statement.language,
        "translation": reader_translation(statement),
        "status": statement.status,
        "is_seed": statement.is_seed,
        "created_at": statement.created_at,
        "near_duplicate": (
            {"id": statement.near_duplicate.pk, "text": statement.near_duplicate.text}
            if statement.near_duplicate is not None
            else None
        ),
    }


def _conversation(conversation: Conversation) -> dict[str, Any]:
    return {
        "slug": conversation.slug,
        "topic": conversation.topic,
        "description": conversation.description,
        "languages": list(conversation.languages or []),
        "moderation": conversation.moderation,
        "is_open": conversation.is_open(),
        "allow_statements": conversation.allow_statements,
        "invitation_required": conversation.invitation_required,
        "opens_at": conversation.opens_at,
        "closes_at": conversation.closes_at,
    }


@router.get(
    "/",
    response={200: list[ConversationOut], 422: Detail},
    summary="The open conversations, newest first",
    description=LANG_DESCRIPTION,
)
@paginate(Pages)
def conversation_index(request: HttpRequest, lang: str = "") -> list[dict[str, Any]]:
    return Converted(selectors.conversation_open_list(), _conversation)  # type: ignore[return-value]


@router.get("/{slug}", response={200: ConversationOut, 404: Detail}, summary="A conversation")
def conversation_detail(request: HttpRequest, slug: str) -> dict[str, Any]:
    return _conversation(selectors.conversation_get(slug))


@router.post(
    "/{slug}/participants",
    response={
        201: JoinOut,
        403: Detail,
        404: Detail,
        409: Detail,
        413: Detail,
        422: Detail,
        429: Detail,
    },
    summary="Join a conversation: returns a participant token",
)
def participant_join(
    request: HttpRequest, slug: str, payload: JoinIn | None = None
) -> Status[dict[str, Any]]:
    conversation = selectors.conversation_get(slug)
    data = payload or JoinIn()
    participant, token = services.participant_create(
        conversation=conversation,
        xid=data.xid,
        constituency=data.constituency,
        invitation_code=data.invitation_code,
        xid_signature=data.xid_signature,
        ip=client_address(request),
    )
    return Status(201, {"token": token, "participant": participant.pk})


@router.get(
    "/{slug}/next",
    response={200: NextStatementOut, 204: None, 401: Detail, 404: Detail},
    summary="The next statement to vote on, with how many are left (204 when none is left)",
)
def statement_next(request: HttpRequest, slug: str) -> Status[Any]:
    participant = _participant(request, slug)
    statement, left = selectors.statement_next_and_left(participant=participant)
    if statement is None:
        return Status(204, None)
    return Status(200, {**_statement(statement), "remaining": left})


def _statement_counts(statement: Any) -> dict[str, Any]:
    return {
        "id": statement.pk,
        "text": statement.text,
        "language": statement.language,
        "translation": reader_translation(statement),
        "status": statement.status,
        "is_seed": statement.is_seed,
        "created_at": statement.created_at,
        "agree_count": statement.agree_count,
        "disagree_count": statement.disagree_count,
        "pass_count": statement.pass_count,
    }


@router.get(
    "/{slug}/statements",
    response={200: list[StatementCountsOut], 403: Detail, 404: Detail, 422: Detail},
    summary="The conversation's statements with their agree, disagree and pass counts",
    description=(
        "Oldest first. `?status=` filters; rejected statements (and pending ones under "
        "pre-moderation) are shown to moderators only (signed in). " + LANG_DESCRIPTION
    ),
)
@paginate(Pages)
def statement_index(
    request: HttpRequest, slug: str, filters: Query[StatementQuery]
) -> list[dict[str, Any]]:
    conversation = selectors.conversation_get(slug)
    if request.user.has_perm("conversations.moderate_conversation", conversation):
        allowed: tuple[str, ...] = tuple(StatementStatus.values)
    else:
        allowed = selectors.public_statuses(conversation)
    if filters.status and filters.status not in allowed:
        raise HttpError(
            403,
            _("Only moderators see the statements of this conversation with status “%(status)s”.")
            % {"status": filters.status},
        )
    statuses = (filters.status,) if filters.status else allowed
    found = selectors.statement_list(conversation=conversation, statuses=statuses)
    return Converted(found, _statement_counts)  # type: ignore[return-value]


def _my_vote(vote: Any) -> dict[str, Any]:
    return {
        "statement": vote.statement_id,
        "vote": vote.value,
        "created_at": vote.created_at,
        "updated_at": vote.updated_at,
    }


@router.get(
    "/{slug}/votes/mine",
    response={200: list[MyVoteOut], 401: Detail, 404: Detail, 422: Detail},
    summary="Your own votes in this conversation (participant token), oldest first",
)
@paginate(Pages)
def votes_mine(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    participant = _participant(request, slug)
    found = selectors.participant_vote_list(participant=participant)
    return Converted(found, _my_vote)  # type: ignore[return-value]


@router.post(
    "/{slug}/votes",
    response={
        200: VoteOut,
        201: VoteOut,
        401: Detail,
        404: Detail,
        409: Detail,
        413: Detail,
        422: Detail,
        429: Detail,
    },
    summary="Vote 1 (agree), -1 (disagree) or 0 (pass); 201 new, 200 changed",
)
def vote_cast(request: HttpRequest, slug: str, payload: VoteIn) -> Status[dict[str, Any]]:
    vote, created = services.vote_cast_by_token(
        slug=slug,
        token=bearer_token(request),
        statement_id=payload.statement,
        value=payload.vote,
        ip=client_address(request),
    )
    body = {"statement": vote.statement_id, "vote": vote.value, "created": created}
    return Status(201 if created else 200, body)


@router.post(
    "/{slug}/statements",
    response={
        201: StatementOut,
        401: Detail,
        403: Detail,
        404: Detail,
        409: Detail,
        413: Detail,
        422: Detail,
        429: Detail,
    },
    summary="Add a statement",
)
def statement_submit(
    request: HttpRequest, slug: str, payload: StatementIn
) -> Status[dict[str, Any]]:
    participant = _participant(request, slug)
    statement = services.statement_submit(
        participant=participant, text=payload.text, ip=client_address(request)
    )
    return Status(201, _statement(statement))


@router.get(
    "/{slug}/results",
    response={200: dict[str, Any], 404: Detail},
    summary="The latest opinion map, with when it was computed and on how many votes",
)
def results(request: HttpRequest, slug: str) -> Status[dict[str, Any]]:
    conversation: Conversation = selectors.conversation_get(slug)
    snapshot = selectors.opinion_latest(conversation)
    if snapshot is None:
        raise HttpError(404, "No opinion map has been computed for this conversation yet.")
    return Status(
        200,
        {
            **selectors.opinion_public(conversation=conversation, snapshot=snapshot),
            "computed_at": snapshot.computed_at.isoformat(),
            "vote_count": snapshot.vote_count,
            "participant_count": snapshot.participant_count,
        },
    )
