"""Who may do what in conversations (django-rules predicates)."""

from __future__ import annotations

import rules

is_moderator = rules.is_superuser | rules.is_group_member("moderators")

rules.add_perm("conversations.moderate_conversation", is_moderator)
