from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from listening.live.models import RegistrationDesk
from listening.live.selectors import attendance_count, session_archive

register = template.Library()


@register.inclusion_tag("live/_session.html")
def live_session(session: Any) -> dict[str, Any]:
    """On a session's page: the way to register while registration is open, and, once the
    session's live rooms are closed, their questions (upvotes, answered) and poll results."""
    desk = RegistrationDesk.objects.filter(session_id=session.pk, is_open=True).first()
    return {
        "session": session,
        "registration_open": desk is not None and session.ends_at > timezone.now(),
        "archive": session_archive(session.pk),
    }


@register.simple_tag
def attended(programme: Any) -> int:
    """People recorded as present at the programme's sessions (the home page's counter)."""
    return attendance_count(programme.pk)
