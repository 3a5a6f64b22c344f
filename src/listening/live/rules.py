"""Who may moderate live rooms (django-rules predicates): the conversations' moderators."""

from __future__ import annotations

from rules.permissions import add_perm
from rules.predicates import is_group_member, is_superuser

is_live_moderator = is_superuser | is_group_member("moderators")

add_perm("live.moderate_liveroom", is_live_moderator)
