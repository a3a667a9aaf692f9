import pytest
from django.core.management import call_command

from sifa.audit.models import AuditEntry
from sifa.cases.models import Case, FollowUp
from sifa.core.demo import demo_load as core_demo
from sifa.notary.demo import demo_load
from sifa.notary.models import Application, Certificate

pytestmark = pytest.mark.django_db


def test_demo_covers_every_stage_and_channel_and_is_idempotent() -> None:
    call_command("load_divisions", verbosity=0)
    core_demo()
    demo_load()
    counts = (Case.objects.count(), Certificate.objects.count(), FollowUp.objects.count(), AuditEntry.objects.count())
    demo_load()
    assert (
        Case.objects.count(),
        Certificate.objects.count(),
        FollowUp.objects.count(),
        AuditEntry.objects.count(),
    ) == counts
    stages = set(Case.objects.filter(service_code="notarization").values_list("stage", flat=True))
    assert stages == {"submitted", "handling", "correction", "closed", "rejected", "refused"}
    assert set(Application.objects.values_list("channel", flat=True)) == {"web", "partner", "window"}
    assert Certificate.objects.get().number.endswith("鲁济泉证字第1号")
