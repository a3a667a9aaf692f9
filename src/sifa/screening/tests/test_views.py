"""Workbench pages: the review queue, evidence and ruling; import with errors per row; access rules."""

from datetime import date

import pytest

from sifa.accounts.choices import Role
from sifa.audit.models import AuditEntry
from sifa.screening import services
from sifa.screening.models import RegistryPerson, ScreeningWarning
from sifa.screening.tests.test_services import DEPARTED_CSV, JUDGE


@pytest.fixture
def raised(make_staff, monkeypatch):
    monkeypatch.setattr(services, "today", lambda: date(2026, 11, 25))
    officer = make_staff("370102", roles=(Role.INTEGRITY_OFFICER,), username="officer")
    clerk = make_staff("370102", roles=(Role.BUREAU_STAFF,), username="clerk")
    services.registry_import(
        actor=officer, registry="resigned", data=DEPARTED_CSV.encode(), filename="a.csv", division_code="370102"
    )
    application = services.licence_application_submit(
        actor=clerk, name="张丽", id_number=JUDGE, law_firm="山东丙律师事务所", division_code="370102"
    )
    (warning,) = services.licence_application_check(actor=clerk, application_id=application.pk)
    return warning


@pytest.mark.django_db
def test_officer_sees_evidence_and_dismisses_with_reason(raised, staff_client):
    client = staff_client("370102", roles=(Role.INTEGRITY_OFFICER,))
    listing = client.get("/screening/warnings/").content.decode()
    assert f'href="/screening/warnings/{raised.pk}/"' in listing
    page = client.get(f"/screening/warnings/{raised.pk}/").content.decode()
    assert "2027-06-30" in page
    assert "历下区人民法院" in page
    empty = client.post(f"/screening/warnings/{raised.pk}/", {"decision": "dismissed", "reason": ""})
    assert empty.status_code == 200
    assert ScreeningWarning.objects.get(pk=raised.pk).status == "open"
    done = client.post(f"/screening/warnings/{raised.pk}/", {"decision": "dismissed", "reason": "同名不同人"})
    assert done.status_code == 302
    raised.refresh_from_db()
    assert (raised.status, raised.ruling_reason) == ("dismissed", "同名不同人")
    assert AuditEntry.objects.filter(action="screening.warning_dismissed", target_id=str(raised.pk)).count() == 1


@pytest.mark.django_db
def test_review_pages_refuse_anonymous_wrong_role_and_wrong_region(raised, client, staff_client):
    url = f"/screening/warnings/{raised.pk}/"
    assert client.get(url).status_code == 302
    assert staff_client("370102", roles=(Role.BUREAU_STAFF,)).get(url).status_code == 403
    assert staff_client("370103", roles=(Role.INTEGRITY_OFFICER,)).get(url).status_code == 404
    other = staff_client("370103", roles=(Role.INTEGRITY_OFFICER,))
    assert other.post(url, {"decision": "confirmed", "reason": "x"}).status_code == 404
    assert ScreeningWarning.objects.get(pk=raised.pk).status == "open"


@pytest.mark.django_db
def test_import_page_lists_row_errors_and_imports_nothing(staff_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = staff_client("370102", roles=(Role.INTEGRITY_OFFICER,))
    bad = (DEPARTED_CSV + "王五,,,,,,退休,昨天,\n").encode("gbk")
    response = client.post(
        "/screening/registries/import/",
        {"registry": "retired", "division_code": "370102", "file": SimpleUploadedFile("r.csv", bad)},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<td>4</td><td>离任日期</td><td>日期无效：昨天</td>" in body
    assert RegistryPerson.objects.count() == 0
    good = client.post(
        "/screening/registries/import/",
        {
            "registry": "retired",
            "division_code": "370102",
            "file": SimpleUploadedFile("r.csv", DEPARTED_CSV.encode("gbk")),
        },
    )
    assert "已导入 2 人" in good.content.decode()
    listing = client.get("/screening/registries/").content.decode()
    assert JUDGE not in listing
    assert JUDGE[:4] + "**********" + JUDGE[-4:] in listing
