"""`sifa demo`: one account per role, two provinces' organisations, idempotent (#2 part 11)."""

import pytest
from django.core.management import call_command

from sifa.accounts.choices import Role
from sifa.accounts.models import RoleGrant, User
from sifa.audit.models import AuditEntry
from sifa.people.models import Person
from sifa.regions.models import Division, Organisation

pytestmark = pytest.mark.django_db


def state():
    return (
        Division.objects.count(),
        Organisation.objects.count(),
        User.objects.count(),
        RoleGrant.objects.count(),
        Person.objects.count(),
        AuditEntry.objects.count(),
    )


def test_demo_covers_every_role_and_runs_again_without_changes():
    call_command("demo", verbosity=0)
    first = state()
    call_command("demo", verbosity=0)
    assert state() == first
    roles = set(RoleGrant.objects.values_list("role", flat=True))
    assert roles == {r.value for r in Role}
    provinces = {code[:2] for code in Organisation.objects.values_list("division_id", flat=True)}
    assert provinces == {"37", "52"}
    assert Person.objects.count() == 6
    assert all(u.totpdevice_set.exists() for u in User.objects.filter(username__startswith="demo_"))
