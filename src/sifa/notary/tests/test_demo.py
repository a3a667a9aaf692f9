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
    chosen = Application.objects.get(preferred_notary__isnull=False)  # A13: a notary chosen by the applicant
    assert (chosen.preferred_notary.username, chosen.case.stage) == ("demo_notary2", "submitted")


def test_every_demo_case_renders_for_the_notary_and_the_citizen() -> None:
    from django.test import Client

    from conftest import login_verified
    from sifa.accounts.models import User

    call_command("load_divisions", verbosity=0)
    core_demo()
    demo_load()
    notary = login_verified(Client(), User.objects.get(username="demo_notary"))
    citizen = Client()
    citizen.force_login(User.objects.get(kind="citizen"), backend="django.contrib.auth.backends.ModelBackend")
    index = notary.get("/notary/").content.decode()
    assert "济南市泉城公证处" in index  # the statistic row
    for case in Case.objects.filter(service_code="notarization"):
        assert notary.get(f"/notary/cases/{case.pk}/").status_code == 200
        assert citizen.get(f"/notary/my/{case.pk}/").status_code == 200
