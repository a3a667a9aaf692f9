"""Data scope, masking, logged reveal, and bad input that changes nothing (#2 parts 4, 6)."""

import io
import json

import pytest
from django.db import connection
from django.test import Client
from openpyxl import load_workbook

from conftest import login_verified
from sifa.accounts.choices import Role
from sifa.core.demo import demo_id_number
from sifa.people.models import Person
from sifa.people.services import PersonData, person_create

pytestmark = pytest.mark.django_db

LIXIA_ID = demo_id_number("370102", "19650312", "137")
LIXIA_PHONE = "13805310001"


@pytest.fixture
def lixia_person(make_staff):
    clerk = make_staff("370102")
    return person_create(
        actor=clerk, data=PersonData(name="张建国", id_number=LIXIA_ID, phone=LIXIA_PHONE, division_code="370102")
    )


def person_pages(person_id):
    return [f"/people/{person_id}/", f"/api/v1/people/{person_id}"]


def test_staff_of_another_county_gets_404_on_every_page_and_endpoint(lixia_person, staff_client):
    client = staff_client("370103")
    for url in person_pages(lixia_person.pk):
        assert client.get(url).status_code == 404, url
    response = client.post(
        f"/api/v1/people/{lixia_person.pk}/reveal", {"purpose": "核对身份信息"}, content_type="application/json"
    )
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert client.post(f"/people/{lixia_person.pk}/reveal/", {"purpose": "核对身份信息"}).status_code == 404
    assert client.get("/api/v1/people/").json()["count"] == 0
    assert "张建国" not in client.get("/people/").content.decode()
    assert "张建国" not in client.get("/people/?q=zhangjianguo").content.decode()


@pytest.mark.parametrize("division", ["370102", "370100", "370000"])
def test_staff_of_the_county_or_above_see_the_record(lixia_person, staff_client, division):
    client = staff_client(division)
    assert client.get(f"/api/v1/people/{lixia_person.pk}").json()["name"] == "张建国"
    assert client.get(f"/people/{lixia_person.pk}/").status_code == 200


def test_another_province_sees_nothing(lixia_person, staff_client):
    client = staff_client("520000")
    assert client.get(f"/api/v1/people/{lixia_person.pk}").status_code == 404


def test_anonymous_and_citizens_get_no_records(lixia_person):
    anonymous = Client()
    assert anonymous.get(f"/api/v1/people/{lixia_person.pk}").status_code == 401
    assert anonymous.get(f"/people/{lixia_person.pk}/").status_code == 302


def test_role_without_need_cannot_reveal(lixia_person, staff_client):
    client = staff_client("370102", roles=(Role.ANALYST,))
    assert client.get(f"/api/v1/people/{lixia_person.pk}").status_code == 200
    response = client.post(
        f"/api/v1/people/{lixia_person.pk}/reveal", {"purpose": "核对身份信息"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_records_are_masked_and_reveal_needs_a_purpose(lixia_person, staff_client):
    client = staff_client("370102")
    data = client.get(f"/api/v1/people/{lixia_person.pk}").json()
    assert data["id_number_masked"] == LIXIA_ID[:4] + "*" * 10 + LIXIA_ID[-4:]
    assert data["phone_masked"] == "138****0001"
    refused = client.post(f"/api/v1/people/{lixia_person.pk}/reveal", {"purpose": " "}, content_type="application/json")
    assert refused.status_code == 422
    revealed = client.post(
        f"/api/v1/people/{lixia_person.pk}/reveal", {"purpose": "办理法律援助核对身份"}, content_type="application/json"
    )
    assert revealed.json() == {"id_number": LIXIA_ID, "phone": LIXIA_PHONE}


def test_search_by_pinyin_traditional_name_and_exact_id(lixia_person, staff_client):
    client = staff_client("370102")
    for q in ["zhangjianguo", "zjg", "張建國", LIXIA_ID, LIXIA_PHONE]:
        assert client.get("/api/v1/people/", {"q": q}).json()["count"] == 1, q
    assert client.get("/api/v1/people/", {"q": "lixiuying"}).json()["count"] == 0


def count_state():
    from sifa.audit.models import AuditEntry

    return Person.objects.count(), AuditEntry.objects.count()


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"name": "李四", "id_number": "370102196503121370", "division_code": "370102"}, 422, "invalid_id_number"),
        ({"name": "李四", "id_number": LIXIA_ID[:-1] + "0", "division_code": "370102"}, 422, "invalid_id_number"),
        ({"name": "李四", "division_code": "379999"}, 422, "invalid_division"),
        ({"name": "李四", "division_code": "37010"}, 422, "invalid_division"),
        ({"name": "李四", "division_code": "370103"}, 422, "invalid_division"),
        ({"name": "李四", "phone": "12345", "division_code": "370102"}, 422, "invalid_phone"),
        ({"division_code": "370102"}, 422, "invalid_input"),
    ],
)
def test_bad_input_gets_a_clear_error_and_changes_nothing(staff_client, payload, status, code):
    client = staff_client("370102")
    before = count_state()
    response = client.post("/api/v1/people/", payload, content_type="application/json")
    assert response.status_code == status
    body = response.json()
    assert body["code"] == code
    assert body["message"]
    assert "details" in body
    assert count_state() == before


def test_malformed_json_gets_a_clear_error_and_changes_nothing(staff_client):
    client = staff_client("370102")
    before = count_state()
    response = client.post("/api/v1/people/", '{"name": "李四", ', content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_body"
    assert count_state() == before


def test_oversized_upload_is_refused_and_changes_nothing(staff_client, settings):
    settings.SIFA_MAX_UPLOAD_BYTES = 1024
    client = staff_client("370102")
    before = count_state()
    big = io.BytesIO(("姓名,身份证号码,联系电话,区划代码,住址\n" + "王五,,,370102,济南\n" * 200).encode())
    big.name = "people.csv"
    response = client.post("/api/v1/people/import", {"file": big})
    assert response.status_code == 413
    assert response.json()["code"] == "file_too_large"
    assert response.json()["details"]["limit"] == 1024
    assert count_state() == before


def test_upload_type_is_checked_by_content_not_name(staff_client):
    client = staff_client("370102")
    fake = io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    fake.name = "people.xlsx"
    response = client.post("/api/v1/people/import", {"file": fake})
    assert response.status_code == 415
    assert response.json()["details"]["detected"] == "png"


def test_import_reports_each_bad_row_and_imports_nothing_unless_partial(staff_client):
    client = staff_client("370102")
    rows = [
        "姓名,身份证号码,联系电话,区划代码,住址",
        f"张建国,{LIXIA_ID},{LIXIA_PHONE},370102,历下区",
        "李四,370102196503121370,,370102,",
        "王五,,12345,370102,",
        "赵六,,,370102001,解放路",
    ]
    upload = io.BytesIO("\n".join(rows).encode())
    upload.name = "ledger.csv"
    response = client.post("/api/v1/people/import", {"file": upload})
    assert response.status_code == 422
    report = response.json()
    assert report["committed"] is False
    assert [(e["row"], e["code"]) for e in report["errors"]] == [(3, "invalid_id_number"), (4, "invalid_phone")]
    assert Person.objects.count() == 0
    upload.seek(0)
    response = client.post("/api/v1/people/import?partial=true", {"file": upload})
    assert response.json()["created"] == 2
    assert set(Person.objects.values_list("name", flat=True)) == {"张建国", "赵六"}


def test_export_is_masked_excel(lixia_person, staff_client):
    client = staff_client("370102")
    response = client.get("/api/v1/people/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "张建国"
    assert rows[1][3] == LIXIA_ID[:4] + "*" * 10 + LIXIA_ID[-4:]
    assert LIXIA_ID not in json.dumps(rows, ensure_ascii=False)


def test_raw_database_dump_holds_no_plaintext_identifiers(lixia_person):
    dump = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - table names from introspection
            dump.extend(str(value) for row in cursor.fetchall() for value in row)
    text = "\n".join(dump)
    assert "张建国" in text  # the dump is real
    assert LIXIA_ID not in text
    assert LIXIA_PHONE not in text
    assert LIXIA_ID[:14] not in text


def test_reveal_and_opening_a_record_are_traced_with_who_whom_and_why(lixia_person, make_staff):
    from sifa.audit.models import AuditEntry

    clerk = make_staff("370102", username="clerk_reveal")
    client = login_verified(Client(), clerk)
    client.get(f"/people/{lixia_person.pk}/")
    client.post(f"/people/{lixia_person.pk}/reveal/", {"purpose": "办理法律援助核对身份"})
    entries = list(
        AuditEntry.objects.filter(actor_id=clerk.pk, action__startswith="people.").values_list(
            "action", "target_id", "purpose"
        )
    )
    assert entries == [
        ("people.view", str(lixia_person.pk), ""),
        ("people.reveal", str(lixia_person.pk), "办理法律援助核对身份"),
    ]


def test_a_refused_reveal_writes_no_entry(lixia_person, make_staff):
    from sifa.audit.models import AuditEntry

    analyst = make_staff("370102", roles=(Role.ANALYST,), username="analyst_reveal")
    client = login_verified(Client(), analyst)
    client.post(f"/api/v1/people/{lixia_person.pk}/reveal", {"purpose": "好奇看看"}, content_type="application/json")
    assert not AuditEntry.objects.filter(actor_id=analyst.pk, action="people.reveal").exists()
