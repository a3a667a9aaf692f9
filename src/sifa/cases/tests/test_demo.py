import pytest
from django.core.management import call_command

from sifa.audit.models import AuditEntry
from sifa.cases.demo import demo_cases
from sifa.cases.models import Case, CaseDocument, FollowUp
from sifa.core.demo import demo_load


@pytest.mark.django_db
def test_demo_cases_are_created_once():
    call_command("load_divisions", verbosity=0)
    demo_load()  # accounts and organisations only; `sifa demo` also loads the other services' cases
    first = demo_cases()
    entries = AuditEntry.objects.count()
    again = demo_cases()
    assert [c.pk for c in first] == [c.pk for c in again]
    assert [c.stage for c in again] == ["review", "handling", "closed"]
    assert Case.objects.count() == 3
    assert CaseDocument.objects.count() == 5  # decision + assignment (case 2); decision + assignment + closure (case 3)
    assert FollowUp.objects.get().assignee.username == "demo_supervisor"
    assert AuditEntry.objects.count() == entries
