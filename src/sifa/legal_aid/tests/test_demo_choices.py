"""The A13 demo of legal aid: the centre's roster and applications naming a lawyer, idempotent."""

import pytest
from django.core.management import call_command

from sifa.audit.models import AuditEntry
from sifa.cases.models import Case
from sifa.core.demo import demo_load as core_demo
from sifa.legal_aid.demo import demo_load
from sifa.legal_aid.models import AidLawyer, LawyerChoice

pytestmark = pytest.mark.django_db


def test_demo_roster_and_chosen_lawyers_are_created_once() -> None:
    call_command("load_divisions", verbosity=0)
    core_demo()
    demo_load()
    counts = (Case.objects.count(), LawyerChoice.objects.count(), AidLawyer.objects.count(), AuditEntry.objects.count())
    demo_load()
    assert (
        Case.objects.count(),
        LawyerChoice.objects.count(),
        AidLawyer.objects.count(),
        AuditEntry.objects.count(),
    ) == counts
    rows = LawyerChoice.objects.select_related("case", "case__handler", "lawyer").order_by("case__title")
    assert [(c.lawyer.username, c.case.stage, c.case.handler_id is not None) for c in rows] == [
        ("demo_lawyer2", "assigning", False),
        ("demo_lawyer2", "handling", True),
    ]
    assert {r.lawyer.username for r in AidLawyer.objects.select_related("lawyer")} == {"demo_lawyer", "demo_lawyer2"}
