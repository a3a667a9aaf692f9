import pytest
from django.core.management import call_command

from sifa.arbitration.choices import ArbitratorStatus
from sifa.arbitration.models import Arbitrator, Delivery
from sifa.audit.models import AuditEntry
from sifa.cases.models import Case

pytestmark = pytest.mark.django_db


def test_demo_has_every_stage_and_state_and_runs_twice(db) -> None:
    from sifa.arbitration.demo import demo_load

    call_command("demo", verbosity=0)  # runs this app's demo_load() too
    counts = (Arbitrator.objects.count(), Case.objects.count(), Delivery.objects.count(), AuditEntry.objects.count())
    assert set(Arbitrator.objects.values_list("status", flat=True)) == set(ArbitratorStatus.values)
    stages = set(Case.objects.filter(service_code="arbitration").values_list("stage", flat=True))
    assert stages == {"review", "forming", "preparing", "hearing", "closed", "rejected"}
    demo_load()
    assert (
        Arbitrator.objects.count(),
        Case.objects.count(),
        Delivery.objects.count(),
        AuditEntry.objects.count(),
    ) == counts
