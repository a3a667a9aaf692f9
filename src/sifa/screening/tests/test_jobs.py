"""Bulk screening as a task: officers and relatives against a business registry; hits become warnings."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sifa.accounts.choices import Role
from sifa.core import idnumber
from sifa.screening import jobs, services
from sifa.screening.models import ScreeningJob, ScreeningWarning

OFFICER_ID = "37010219750505123" + idnumber.check_char("37010219750505123")
WIFE_ID = "37010219780808224" + idnumber.check_char("37010219780808224")
STRANGER = "11010119800101001" + idnumber.check_char("11010119800101001")


@pytest.fixture
def officer(make_staff):
    user = make_staff("370102", roles=(Role.INTEGRITY_OFFICER,), username="officer")
    services.registry_import(
        actor=user,
        registry="officer",
        data=f"姓名,身份证号码,原单位,单位区划代码\n刘强,{OFFICER_ID},历下区人民法院,370102\n".encode(),
        filename="o.csv",
        division_code="370102",
    )
    services.registry_import(
        actor=user,
        registry="relative",
        data=(
            "姓名,身份证号码,亲属关系,在职亲属姓名,原单位,单位区划代码\n"
            f"陈静,{WIFE_ID},配偶,刘强,历下区人民法院,370102\n"
        ).encode(),
        filename="r.csv",
        division_code="370102",
    )
    return user


BUSINESS = (
    "record_id,name,id_number,birth_date,gender,role,entity\n"
    f"B1,陳靜,{WIFE_ID[:6]}{WIFE_ID[8:17]},,,法定代表人,济南某贸易有限公司\n"
    f"B2,王伟,{STRANGER},,,股东,济南某科技有限公司\n"
    f"B3,刘强,{OFFICER_ID[:12]}{OFFICER_ID[13]}{OFFICER_ID[12]}{OFFICER_ID[14:]},,,监事,济南某投资有限公司\n"
)


@pytest.mark.django_db
def test_job_runs_after_commit_and_turns_hits_into_warnings(officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.screening_job_start(
            actor=officer,
            kind="business",
            data=BUSINESS.encode("gbk"),
            source_label="市场监管登记",
            division_code="370102",
        )
    job.refresh_from_db()
    assert (job.status, job.progress, job.watch_rows, job.source_rows, job.hits) == ("done", 100, 2, 3, 2)
    assert job.source_text == ""
    warnings = {w.subject_ref: w for w in ScreeningWarning.objects.filter(source="bulk")}
    assert sorted(warnings) == ["B1", "B3"]
    assert warnings["B1"].evidence["role"] == "法定代表人"
    assert warnings["B1"].evidence["relation"] == "spouse"
    assert warnings["B3"].reasons.startswith("id=swap(+22.0)")


@pytest.mark.django_db
def test_a_bad_upload_starts_nothing(officer):
    with pytest.raises(Exception, match="比对数据第 3 行有 3 列"):
        jobs.screening_job_start(
            actor=officer,
            kind="business",
            data=b"record_id,name,id_number,birth_date,gender\nB1,a,,,\nB2,b,\n",
            source_label="x",
            division_code="370102",
        )
    assert ScreeningJob.objects.count() == 0


@pytest.mark.django_db
def test_job_pages_show_progress_and_refuse_other_regions(officer, staff_client, django_capture_on_commit_callbacks):
    client = staff_client("370102", roles=(Role.INTEGRITY_OFFICER,))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/screening/jobs/new/",
            {
                "kind": "business",
                "source_label": "税务登记",
                "division_code": "370102",
                "file": SimpleUploadedFile("b.csv", BUSINESS.encode("gbk")),
            },
        )
    job = ScreeningJob.objects.get()
    assert response.status_code == 302
    status = client.get(f"/screening/jobs/{job.pk}/status/").content.decode()
    assert "已完成" in status
    assert "命中 2 对" in status
    other = staff_client("370103", roles=(Role.INTEGRITY_OFFICER,))
    assert other.get(f"/screening/jobs/{job.pk}/").status_code == 404


@pytest.mark.django_db
def test_bulk_profile_counts_by_unit_region_and_role(officer, staff_client, django_capture_on_commit_callbacks):
    from sifa.screening import selectors

    with django_capture_on_commit_callbacks(execute=True):
        jobs.screening_job_start(
            actor=officer, kind="business", data=BUSINESS.encode(), source_label="s", division_code="370102"
        )
    b1 = ScreeningWarning.objects.get(subject_ref="B1")
    services.warning_rule(actor=officer, warning_id=b1.pk, decision="confirmed", reason="配偶任法定代表人")
    profile = selectors.bulk_profile(user=officer)
    assert profile["unit"] == [{"value": "历下区人民法院", "warnings": 2, "confirmed": 1}]
    assert profile["region"] == [{"value": "370102", "warnings": 2, "confirmed": 1}]
    assert profile["role"] == [
        {"value": "法定代表人", "warnings": 1, "confirmed": 1},
        {"value": "监事", "warnings": 1, "confirmed": 0},
    ]
    page = staff_client("370102", roles=(Role.INTEGRITY_OFFICER,)).get("/screening/jobs/").content.decode()
    assert "<td>法定代表人</td><td>1</td><td>1</td>" in page
