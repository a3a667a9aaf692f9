import pytest
from django.core.management import call_command

from sifa.arbitration.choices import ArbitratorStatus
from sifa.arbitration.models import Arbitrator, Delivery, LitigationCheck
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
    # Applications awaiting acceptance are checked (E1): one high (relative, shared phone and address,
    # loan claimed ten days after it was made), one medium (again after a lost award).
    pending = LitigationCheck.objects.filter(case__stage="review")
    assert sorted((c.level, sorted(w["type"] for w in c.warnings)) for c in pending) == [
        ("high", ["collusion", "quick_loan_suit"]),
        ("low", []),
        ("medium", ["repeat_after_loss"]),
    ]
    collusion = next(w for c in pending for w in c.warnings if w["type"] == "collusion")
    assert collusion["evidence"].startswith("申请人张大爷与被申请人张小明：共用电话 138****")
    checks = LitigationCheck.objects.count()
    demo_load()
    assert (
        Arbitrator.objects.count(),
        Case.objects.count(),
        Delivery.objects.count(),
        AuditEntry.objects.count(),
    ) == counts
    assert LitigationCheck.objects.count() == checks
