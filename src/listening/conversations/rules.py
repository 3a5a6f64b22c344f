"""Who may do what in conversations (django-rules predicates)."""

from __future__ import annotations

from rules.permissions import add_perm
from rules.predicates import is_group_member, is_superuser

is_moderator = is_superuser | is_group_member("moderators")

add_perm("conversations.moderate_conversation", is_moderator)
