from __future__ import annotations

from typing import Any

from django import template

from listening.dashboard.selectors import attention, programme_counts, recent_activity

register = template.Library()


@register.inclusion_tag("dashboard/_dashboard.html", takes_context=True)
def organiser_dashboard(context: template.Context) -> dict[str, Any]:
    return {
        "attention": attention(),
        "activity": recent_activity(),
        "programmes": programme_counts(),
        "request": context.get("request"),
    }
