from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User

pytestmark = pytest.mark.django_db


def test_edit_synthesis_only_organisers():
    organiser = User.objects.create_user("o")
    organiser.groups.add(Group.objects.create(name="organisers"))
    someone = User.objects.create_user("s")
    assert organiser.has_perm("synthesis.edit_synthesis")
    assert not someone.has_perm("synthesis.edit_synthesis")
