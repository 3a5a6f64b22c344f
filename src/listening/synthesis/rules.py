"""Who may do what in the synthesis (django-rules predicates)."""

from __future__ import annotations

from rules.permissions import add_perm
from rules.predicates import always_allow, is_group_member, is_superuser

is_organiser = is_superuser | is_group_member("organisers")

add_perm("synthesis.edit_synthesis", is_organiser)
add_perm("synthesis.publish_key_message", is_organiser)
add_perm("synthesis.view_pact", always_allow)
add_perm("synthesis.download_report", is_organiser)
