import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command


@pytest.fixture
def roles(db):
    call_command("setup_roles", stdout=io.StringIO())


@pytest.fixture
def login_as(client, django_user_model, roles):
    """Log the test client in as a staff member of `group` (or of none)."""

    def login(group: str | None = None, username: str = "", **fields):
        username = username or f"staff-{group or 'none'}"
        user = django_user_model.objects.create_user(username, password="pw", is_staff=True, **fields)
        if group:
            user.groups.add(Group.objects.get(name=group))
        client.force_login(user)
        return client

    return login
