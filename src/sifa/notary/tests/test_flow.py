"""Notarization end to end through the services: apply with checklist files, accept, review, identity
check, fee, certificate (number, seal, verify code, readable Chinese), visits and the statistic."""

import io
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from pypdf import PdfReader

from sifa.audit.models import AuditEntry
from sifa.cases.models import Case, FollowUp
from sifa.cases.services import case_rate
from sifa.cases.supervision import deadline_scan
from sifa.core.errors import SifaError
from sifa.documents.models import Document
from sifa.documents.selectors import document_verify_facts
from sifa.notary import services
from sifa.notary.choices import Channel, MaterialStatus
from sifa.notary.models import Application, Certificate, CertificateCounter, FeeRecord, IdentityCheck, Material, Visit
from sifa.notary.selectors import visit_stats
from sifa.notary.tests.conftest import PNG, form, pdf, valid_id

pytestmark = pytest.mark.django_db


def apply(office: dict[str, Any], **overrides: Any) -> Case:
    return services.notary_apply(
        actor=office["citizen"],
        channel=Channel.WEB,
        data=form(**overrides),
        files={"id_card": pdf("身份证.pdf"), "hukou": pdf("户口簿.pdf"), "birth_certificate": pdf("出生证.pdf")},
    )


def ready(office: dict[str, Any], case: Case) -> Case:
    """Accept, accept every item, check identity and record the fee."""
    notary = office["notary"]
    services.notary_assign(actor=notary, case_id=case.pk, handler_id=notary.pk)
    for m in Material.objects.filter(case=case):
        services.material_review(actor=notary, case_id=case.pk, item=m.item, decision="accepted")
    services.identity_verify(actor=notary, case_id=case.pk)
    services.fee_record(actor=notary, case_id=case.pk, payment_method="wechat", receipt_number=f"R{case.pk}")
    return Case.objects.get(pk=case.pk)


def test_citizen_application_records_channel_office_and_checklist(office: dict[str, Any]) -> None:
    case = apply(office)
    assert case.organisation == office["org"]
    assert case.stage == "submitted"
    app = Application.objects.get(case=case)
    assert (app.channel, app.matter_code, app.office) == ("web", "birth", office["org"])
    assert sorted(Material.objects.filter(case=case).values_list("item", flat=True)) == [
        "birth_certificate",
        "hukou",
        "id_card",
    ]
    assert AuditEntry.objects.filter(action="notary.apply").count() == 1


def test_a_material_of_the_wrong_type_refuses_the_whole_application(office: dict[str, Any]) -> None:
    fake = pdf("假的.pdf", b"just text pretending to be a pdf")
    with pytest.raises(SifaError) as exc:
        services.notary_apply(actor=office["citizen"], channel=Channel.WEB, data=form(), files={"id_card": fake})
    assert exc.value.details["id_card"] == "不接受此类型的文件。"
    assert Case.objects.count() == 0
    assert Material.objects.count() == 0


def test_an_item_not_on_the_checklist_is_refused(office: dict[str, Any]) -> None:
    with pytest.raises(SifaError) as exc:
        services.notary_apply(actor=office["citizen"], channel=Channel.WEB, data=form(), files={"diploma": pdf()})
    assert "diploma" in exc.value.details
    assert Case.objects.count() == 0


def test_full_flow_issues_a_sealed_certificate_with_readable_chinese(office: dict[str, Any]) -> None:
    case = ready(office, apply(office))
    cert = services.certificate_issue(actor=office["notary"], case_id=case.pk)
    year = timezone.localdate().year
    assert cert.number == f"（{year}）鲁济泉证字第1号"
    case.refresh_from_db()
    assert (case.stage, case.status) == ("closed", "closed")
    document = Document.objects.get(case_ref=case.reference, kind="notarial_certificate")
    assert cert.document_code == document.code
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(document.pdf.read())).pages)
    text = text.replace(" ", "").replace("\n", "")
    assert "张三" in text
    assert "公证事项：出生" in text
    assert "兹证明张三于1990年1月1日出生。" in text
    assert cert.number in text
    assert valid_id() in text  # a certificate prints the full number (only inside the file)
    facts = document_verify_facts(code=document.code)
    assert facts is not None
    assert facts.issuer == "济南市泉城公证处"
    assert facts.signature_valid
    assert AuditEntry.objects.filter(action="notary.certificate_issue").count() == 1


def test_certificate_numbers_run_per_office_and_year_without_gaps(office: dict[str, Any]) -> None:
    first = ready(office, apply(office))
    second = ready(office, apply(office, details="另一件"))
    blocked = apply(office, details="第三件")
    services.notary_assign(actor=office["notary"], case_id=blocked.pk, handler_id=office["notary"].pk)
    services.certificate_issue(actor=office["notary"], case_id=first.pk)
    with pytest.raises(SifaError):  # refused: nothing consumed
        services.certificate_issue(actor=office["notary"], case_id=blocked.pk)
    cert = services.certificate_issue(actor=office["notary"], case_id=second.pk)
    assert cert.serial == 2
    assert cert.number.endswith("第2号")
    assert CertificateCounter.objects.get(office=office["org"]).last == 2


def test_no_certificate_before_the_fee_is_paid(office: dict[str, Any]) -> None:
    case = apply(office)
    notary = office["notary"]
    services.notary_assign(actor=notary, case_id=case.pk, handler_id=notary.pk)
    for m in Material.objects.filter(case=case):
        services.material_review(actor=notary, case_id=case.pk, item=m.item, decision="accepted")
    services.identity_verify(actor=notary, case_id=case.pk)
    with pytest.raises(SifaError) as exc:
        services.certificate_issue(actor=notary, case_id=case.pk)
    assert exc.value.details["blockers"] == ["尚未缴纳公证费"]
    case.refresh_from_db()
    assert case.stage == "handling"
    assert not Certificate.objects.exists()
    assert not CertificateCounter.objects.filter(last__gt=0).exists()
    assert not Document.objects.filter(kind="notarial_certificate").exists()


def test_fee_comes_from_the_table_and_is_recorded_once(office: dict[str, Any]) -> None:
    case = services.notary_apply(
        actor=office["citizen"], channel=Channel.WEB, data=form(matter="遗嘱"), files={"id_card": pdf()}
    )
    notary = office["notary"]
    services.notary_assign(actor=notary, case_id=case.pk, handler_id=notary.pk)
    with pytest.raises(SifaError) as exc:
        services.fee_record(actor=notary, case_id=case.pk, payment_method="cash", receipt_number="A1", amount="80")
    assert exc.value.details == {"amount": "应为 400.00 元"}
    assert not FeeRecord.objects.exists()
    record = services.fee_record(actor=notary, case_id=case.pk, payment_method="cash", receipt_number="A1")
    assert str(record.amount) == "400.00"
    assert "演示收费表" in record.basis
    with pytest.raises(SifaError):
        services.fee_record(actor=notary, case_id=case.pk, payment_method="cash", receipt_number="A2")
    assert FeeRecord.objects.count() == 1


def test_identity_mismatch_blocks_the_certificate_and_the_log_keeps_the_number_masked(
    office: dict[str, Any],
) -> None:
    case = apply(office, applicant_name="王不符")
    notary = office["notary"]
    services.notary_assign(actor=notary, case_id=case.pk, handler_id=notary.pk)
    check = services.identity_verify(actor=notary, case_id=case.pk)
    assert not check.matched
    assert "测试数据" in check.source
    assert check.id_masked == "3701**********1234"[:4] + "*" * 10 + valid_id()[-4:]
    assert valid_id() not in str(IdentityCheck.objects.values().get())
    assert "身份核验不一致" in services.issue_blockers(case)


def test_only_the_handling_notary_reviews(office: dict[str, Any]) -> None:
    case = apply(office)
    services.notary_assign(actor=office["notary"], case_id=case.pk, handler_id=office["notary"].pk)
    with pytest.raises(SifaError) as exc:
        services.material_review(actor=office["notary2"], case_id=case.pk, item="id_card", decision="accepted")
    assert exc.value.code == "forbidden"
    assert Material.objects.get(case=case, item="id_card").status == MaterialStatus.UPLOADED


def test_correction_pauses_the_engine_clock_and_resumes_it(office: dict[str, Any]) -> None:
    case = apply(office)
    notary = office["notary"]
    services.notary_assign(actor=notary, case_id=case.pk, handler_id=notary.pk)
    case.refresh_from_db()
    deadline = case.deadline_at
    with pytest.raises(SifaError):  # nothing marked yet
        services.correction_request(actor=notary, case_id=case.pk)
    services.material_review(actor=notary, case_id=case.pk, item="hukou", decision="correction", note="页面不清晰")
    moved = services.correction_request(actor=notary, case_id=case.pk)
    assert moved.stage == "correction"
    assert moved.paused_at is not None
    assert "户口簿：页面不清晰" in moved.events.get(action="request_correction").comment
    with pytest.raises(SifaError) as exc:
        services.correction_submit(actor=office["citizen"], case_id=case.pk)
    assert exc.value.details == {"items": ["户口簿"]}
    services.material_upload(actor=office["citizen"], case_id=case.pk, item="hukou", upload=pdf("户口簿2.pdf"))
    back = services.correction_submit(actor=office["citizen"], case_id=case.pk)
    assert back.stage == "handling"
    assert back.paused_at is None
    assert back.deadline_at >= deadline


def test_overdue_case_turns_red_through_the_engine_scan(office: dict[str, Any]) -> None:
    case = apply(office)
    notary = office["notary"]
    services.notary_assign(actor=notary, case_id=case.pk, handler_id=notary.pk)
    case.refresh_from_db()
    deadline_scan(now=case.deadline_at + timedelta(minutes=1))
    case.refresh_from_db()
    assert case.alert == "red"


def test_rating_below_satisfied_opens_a_follow_up(office: dict[str, Any]) -> None:
    case = ready(office, apply(office))
    services.certificate_issue(actor=office["notary"], case_id=case.pk)
    case_rate(actor=office["citizen"], case_id=case.pk, score="basic", comment="等待较久")
    follow_up = FollowUp.objects.get(case=case)
    assert follow_up.assignee == office["supervisor"]


def test_visits_a_second_one_needs_a_reason_and_the_statistic_counts_it(office: dict[str, Any]) -> None:
    today = timezone.localdate()
    once = ready(office, apply(office))
    twice = ready(office, apply(office, details="两次"))
    notary = office["notary"]
    services.visit_record(actor=notary, case_id=once.pk, visited_on=today, purpose="collect")
    services.visit_record(actor=notary, case_id=twice.pk, visited_on=today, purpose="submit")
    with pytest.raises(SifaError) as exc:
        services.visit_record(actor=notary, case_id=twice.pk, visited_on=today, purpose="sign")
    assert "reason" in exc.value.details
    assert Visit.objects.filter(case=twice).count() == 1
    services.visit_record(actor=notary, case_id=twice.pk, visited_on=today, purpose="sign", reason="须本人当面签字")
    for c in (once, twice):
        services.certificate_issue(actor=notary, case_id=c.pk)
    [stat] = visit_stats(user=notary)
    assert (stat.office, stat.closed, stat.at_most_once, stat.second_visits) == ("济南市泉城公证处", 2, 1, 1)
    assert stat.share == 0.5
    from django.test import Client

    from conftest import login_verified

    body = login_verified(Client(), notary).get("/api/v1/notary/stats/visits").json()
    assert body == [{"office": "济南市泉城公证处", "closed": 2, "at_most_once": 1, "second_visits": 1, "share": 0.5}]


def test_upload_after_acceptance_of_an_item_is_refused(office: dict[str, Any]) -> None:
    case = ready(office, apply(office))
    with pytest.raises(SifaError) as exc:
        services.material_upload(actor=office["citizen"], case_id=case.pk, item="hukou", upload=pdf())
    assert exc.value.code == "conflict"
    png = pdf("照片.png", PNG)
    with pytest.raises(SifaError):  # another citizen's case is not found
        services.material_upload(actor=office["other"], case_id=case.pk, item="hukou", upload=png)
