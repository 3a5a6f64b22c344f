from __future__ import annotations

from typing import Any

from django import template

from listening.live.selectors import session_archive

register = template.Library()


@register.inclusion_tag("live/_archive.html")
def live_archive(session: Any) -> dict[str, Any]:
    """The session's closed live rooms: questions with upvotes and answers, poll results."""
    return {"archive": session_archive(session.pk)}
