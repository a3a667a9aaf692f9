"""The demo: every stage of the mediation definition, idempotent."""

import pytest
from django.core.management import call_command

from sifa.audit.models import AuditEntry
from sifa.cases.models import Case
from sifa.core.demo import demo_load as core_demo_load
from sifa.mediation import demo
from sifa.mediation.models import ConfirmationApplication, MediationSession


@pytest.mark.django_db
def test_demo_has_every_stage_and_runs_twice(django_capture_on_commit_callbacks) -> None:
    call_command("load_divisions", verbosity=0)
    core_demo_load()
    with django_capture_on_commit_callbacks(execute=True):
        demo.demo_load()
    stages = set(Case.objects.filter(service_code="mediation").values_list("stage", flat=True))
    assert stages == set(demo.STAGES)
    counts = (
        Case.objects.count(),
        MediationSession.objects.count(),
        ConfirmationApplication.objects.count(),
        AuditEntry.objects.count(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        demo.demo_load()
    assert (
        Case.objects.count(),
        MediationSession.objects.count(),
        ConfirmationApplication.objects.count(),
        AuditEntry.objects.count(),
    ) == counts
    assert ConfirmationApplication.objects.get().outcome == "accepted"
