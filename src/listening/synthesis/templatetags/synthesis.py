from __future__ import annotations

from typing import Any

from django import template

from listening.conversations.models import Conversation, Participant
from listening.synthesis.selectors import (
    VoiceDestination,
    participant_destinations,
    voice_destinations,
)
from listening.voices.models import Voice

register = template.Library()


@register.inclusion_tag("synthesis/_voice_destinations.html")
def where_did_this_voice_go(voice: Voice) -> dict[str, list[VoiceDestination]]:
    return {"destinations": voice_destinations(voice)}


@register.inclusion_tag("synthesis/_my_statements.html")
def where_did_my_statements_go(
    conversation: Conversation, participant: Participant | None
) -> dict[str, Any]:
    """The statements this participant (and only this one) wrote or voted on, and where they
    went; for a visitor who has not taken part, an explanation."""
    mine = participant_destinations(participant) if participant is not None else None
    return {"conversation": conversation, "participant": participant, "mine": mine}
