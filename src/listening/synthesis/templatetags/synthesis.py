from __future__ import annotations

from django import template

from listening.synthesis.selectors import VoiceDestination, voice_destinations
from listening.voices.models import Voice

register = template.Library()


@register.inclusion_tag("synthesis/_voice_destinations.html")
def where_did_this_voice_go(voice: Voice) -> dict[str, list[VoiceDestination]]:
    return {"destinations": voice_destinations(voice)}
