import pytest
from django.core.management import call_command

from sifa.appraisal.demo import demo_load
from sifa.appraisal.models import Commission, Extension, Report
from sifa.audit.models import AuditEntry
from sifa.cases.models import Case
from sifa.core.demo import demo_load as core_demo

pytestmark = pytest.mark.django_db


def test_demo_covers_every_stage_and_is_idempotent() -> None:
    call_command("load_divisions", verbosity=0)
    core_demo()
    demo_load()
    counts = (Case.objects.count(), Commission.objects.count(), Report.objects.count(), AuditEntry.objects.count())
    demo_load()
    assert (
        Case.objects.count(),
        Commission.objects.count(),
        Report.objects.count(),
        AuditEntry.objects.count(),
    ) == counts
    stages = set(Case.objects.filter(service_code="appraisal").values_list("stage", flat=True))
    assert stages == {
        "assigning",
        "institution_review",
        "appraising",
        "supplement",
        "extended",
        "closed",
        "refused",
        "terminated",
    }
    assert Extension.objects.get().days == 15


def test_every_demo_case_renders_for_the_bureau_and_the_appraiser() -> None:
    from django.test import Client

    from conftest import login_verified
    from sifa.accounts.models import User

    call_command("load_divisions", verbosity=0)
    core_demo()
    demo_load()
    bureau = login_verified(Client(), User.objects.get(username="demo_bureau_shizhong"))
    appraiser = login_verified(Client(), User.objects.get(username="demo_appraiser"))
    assert bureau.get("/appraisal/").status_code == 200
    for case in Case.objects.filter(service_code="appraisal"):
        assert bureau.get(f"/appraisal/cases/{case.pk}/").status_code == 200
        visible = case.handler is not None and case.handler.username == "demo_appraiser"
        assert appraiser.get(f"/appraisal/cases/{case.pk}/").status_code == (200 if visible else 404)
