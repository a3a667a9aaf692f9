"""The arbitration case on the engine, with this app's guards: fee, registry, service."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from pypdf import PdfReader

from sifa.arbitration import selectors, services
from sifa.arbitration.models import Delivery, FeeRecord, Tribunal
from sifa.audit.models import AuditEntry
from sifa.cases.models import Alert, Case, CaseDocument, FollowUp
from sifa.cases.services import case_rate, case_transition
from sifa.cases.supervision import deadline_scan
from sifa.core.errors import ErrorCode, SifaError
from sifa.documents.models import Document

from .conftest import file_case, id_of, registered_arbitrator

pytestmark = pytest.mark.django_db


def pdf_text(document_id: int) -> str:
    doc = Document.objects.get(pk=document_id)
    with doc.pdf.open("rb") as fh:
        reader = PdfReader(io.BytesIO(fh.read()))
    return "".join(page.extract_text() for page in reader.pages).replace("\n", "").replace(" ", "")


@pytest.mark.parametrize(
    ("amount", "fee"),
    [("800", "100.00"), ("1000", "100.00"), ("20000", "1050.00"), ("120000", "5150.00"), ("2000000", "23550.00")],
)
def test_fee_table_brackets(amount: str, fee: str) -> None:
    assert selectors.fee_quote(amount) == Decimal(fee)


def test_acceptance_refused_until_fee_paid_then_notices_issued(arb) -> None:
    staff = arb["staff"]
    case = file_case(arb["citizen"])
    assert case.organisation == arb["commission"]
    with pytest.raises(SifaError) as refused:
        services.arbitration_accept(actor=staff, case_id=case.pk, opinion="符合受理条件")
    assert refused.value.code == ErrorCode.CONFLICT
    case.refresh_from_db()
    assert case.stage == "review"
    assert not CaseDocument.objects.filter(case=case).exists()
    # The generic case page cannot fire it (generic = false); and even code that skips this app's
    # service is refused by the notice itself, which checks the ledger.
    with pytest.raises(SifaError, match="办理页面"):
        case_transition(actor=staff, case_id=case.pk, transition="accept", data={"opinion": "x", "fee_receipt": "X1"})
    with pytest.raises(SifaError, match="仲裁费尚未缴清"):
        case_transition(
            actor=staff,
            case_id=case.pk,
            transition="accept",
            data={"opinion": "x", "fee_receipt": "X1"},
            own_service=True,
        )
    assert Case.objects.get(pk=case.pk).stage == "review"

    assessed = services.fee_assess(actor=staff, case_id=case.pk)
    assert assessed.amount == Decimal("5150.00")
    services.fee_record(actor=staff, case_id=case.pk, kind="paid", amount="5150.00", receipt_number="JNZC-0001")
    with pytest.raises(SifaError, match="票据号与本案缴费记录不符"):
        case_transition(
            actor=staff,
            case_id=case.pk,
            transition="accept",
            data={"opinion": "x", "fee_receipt": "FAKE"},
            own_service=True,
        )
    case = services.arbitration_accept(actor=staff, case_id=case.pk, opinion="符合受理条件")
    assert case.stage == "forming"
    docs = {d.kind: d for d in CaseDocument.objects.filter(case=case)}
    acceptance = pdf_text(docs["arbitration_acceptance_notice"].document_id)
    assert "山东泉水商贸有限公司" in acceptance
    assert "济南明湖建材有限公司" in acceptance
    assert "人民币120,000.00元" in acceptance
    assert "第二十四条" in acceptance
    assert "JNZC-0001" in acceptance
    notice = pdf_text(docs["arbitration_notice"].document_id)
    assert "仲裁通知书" in notice
    assert "请求裁决被申请人支付货款120000元" in notice
    assert "第二十五条" in notice
    assert AuditEntry.objects.filter(action="arbitration.fee.paid").count() == 1


def test_waived_fee_needs_reason_and_allows_acceptance(arb) -> None:
    staff = arb["staff"]
    case = file_case(arb["citizen"])
    with pytest.raises(SifaError):
        services.fee_record(actor=staff, case_id=case.pk, kind="deferred")
    assert not FeeRecord.objects.exists()
    services.fee_record(actor=staff, case_id=case.pk, kind="deferred", reason="申请人经济困难，经主任批准缓交")
    assert services.arbitration_accept(actor=staff, case_id=case.pk, opinion="受理").stage == "forming"


def _accepted(arb, key: str = "k1") -> Case:
    staff = arb["staff"]
    case = file_case(arb["citizen"], key=key)
    services.fee_assess(actor=staff, case_id=case.pk)
    services.fee_record(actor=staff, case_id=case.pk, kind="paid", amount="5150.00", receipt_number=f"R-{key}")
    return services.arbitration_accept(actor=staff, case_id=case.pk, opinion="受理")


def test_only_registered_arbitrators_in_term_sit_on_a_tribunal(arb) -> None:
    staff = arb["staff"]
    case = _accepted(arb)
    applied = services.arbitrator_apply(
        actor=staff,
        data=services.ApplicationData(
            name="王待审",
            id_number=id_of("37010219750101002"),
            phone="13700000002",
            qualification="judge",
            years_of_practice=9,
            speciality="民商事",
        ),
    )
    seat = services.Seat(applied.pk, "sole", "joint")
    with pytest.raises(SifaError, match="已聘任且在聘期内"):
        services.tribunal_form(actor=staff, case_id=case.pk, form="sole", seats=[seat])
    assert not Tribunal.objects.exists()
    # The engine's transition alone cannot skip the tribunal record either.
    with pytest.raises(SifaError, match="办理页面"):
        case_transition(actor=staff, case_id=case.pk, transition="form_tribunal", data={"tribunal": "张三"})
    with pytest.raises(SifaError, match="尚未组成仲裁庭"):
        case_transition(
            actor=staff, case_id=case.pk, transition="form_tribunal", data={"tribunal": "张三"}, own_service=True
        )
    a = registered_arbitrator(staff)
    a.term_end = timezone.localdate() - timedelta(days=1)
    a.term_start = a.term_end - timedelta(days=365)
    a.save()
    with pytest.raises(SifaError, match="已聘任且在聘期内"):
        services.tribunal_form(actor=staff, case_id=case.pk, form="sole", seats=[services.Seat(a.pk, "sole", "joint")])
    a.term_end = timezone.localdate() + timedelta(days=300)
    a.save()
    case = services.tribunal_form(
        actor=staff, case_id=case.pk, form="sole", seats=[services.Seat(a.pk, "sole", "joint")]
    )
    assert case.stage == "preparing"
    notice = pdf_text(CaseDocument.objects.get(case=case, kind="arbitration_tribunal_notice").document_id)
    assert "独任仲裁员冯公断" in notice


def test_full_case_award_services_and_rating(arb) -> None:
    staff = arb["staff"]
    case = _accepted(arb)
    a = registered_arbitrator(staff)
    services.tribunal_form(actor=staff, case_id=case.pk, form="sole", seats=[services.Seat(a.pk, "sole", "joint")])
    with pytest.raises(SifaError):
        services.hearing_schedule(
            actor=staff, case_id=case.pk, hearing_at=timezone.now() - timedelta(days=1), place="第一仲裁庭"
        )
    services.hearing_schedule(
        actor=staff, case_id=case.pk, hearing_at=timezone.now() + timedelta(days=10), place="本会第一仲裁庭"
    )
    with pytest.raises(SifaError) as over:
        services.award_issue(
            actor=staff, case_id=case.pk, award_amount="130000", reasoning="x", rulings="x", fee_burden="x"
        )
    assert "超裁" in over.value.details["award_amount"]
    case = services.award_issue(
        actor=staff,
        case_id=case.pk,
        award_amount="100000.00",
        reasoning="被申请人未按约付款，构成违约。",
        rulings="被申请人于本裁决送达之日起十日内支付货款\n驳回申请人的其他仲裁请求",
        fee_burden="仲裁费5150元由被申请人承担",
    )
    assert case.stage == "closed"
    award = CaseDocument.objects.get(case=case, kind="arbitration_award")
    text = pdf_text(award.document_id)
    for expected in (
        "裁决书",
        "山东泉水商贸有限公司",
        "济南明湖建材有限公司",
        "人民币100,000.00元",
        "第五十四条",
        "独任仲裁员冯公断",
        "第五十七条",
        "驳回申请人的其他仲裁请求",
    ):
        assert expected in text, expected

    # Service: postal to the respondent with a tracking number, signed; electronic to the claimant.
    postal = services.delivery_create(
        actor=staff,
        case_id=case.pk,
        case_document_id=award.pk,
        party_role="respondent",
        method="postal",
        tracking_number="1187654321",
    )
    with pytest.raises(SifaError):
        services.delivery_record(actor=staff, delivery_id=postal.pk, result="signed")  # who signed is required
    services.delivery_record(actor=staff, delivery_id=postal.pk, result="signed", signed_by="李收发")
    postal.refresh_from_db()
    assert postal.status == "served"
    assert postal.receipt_document_id
    receipt = pdf_text(postal.receipt_document_id)
    assert "送达回证" in receipt
    assert "李收发" in receipt
    assert "1187654321" in receipt
    assert "邮寄送达" in receipt
    with pytest.raises(SifaError, match="同意"):
        services.delivery_create(
            actor=staff, case_id=case.pk, case_document_id=award.pk, party_role="claimant", method="electronic"
        )
    electronic = services.delivery_create(
        actor=staff,
        case_id=case.pk,
        case_document_id=award.pk,
        party_role="claimant",
        method="electronic",
        consent=True,
    )
    token = services.delivery_token(electronic)
    opened = services.delivery_open(token=token)
    assert opened.status == "served"
    assert opened.opened_at is not None
    assert opened.attempts.get().result == "read"
    again = services.delivery_open(token=token)
    assert again.attempts.count() == 1
    with pytest.raises(SifaError):
        services.delivery_open(token=token + "x")

    # Satisfaction and follow-up are the engine's.
    case_rate(actor=arb["citizen"], case_id=case.pk, score="basic", comment="周期较长")
    assert FollowUp.objects.filter(case=case).exists()

    # Evaluation: case count and on-time rate from the cases the arbitrator sat on.
    evaluation = services.arbitrator_evaluate(
        actor=staff, arbitrator_id=a.pk, year=timezone.localdate().year, complaints=0, grade="excellent"
    )
    assert (evaluation.case_count, evaluation.closed_count, evaluation.on_time_rate) == (1, 1, Decimal("1.0000"))


def test_overdue_acceptance_review_turns_red_through_the_engine_scan(arb) -> None:
    case = file_case(arb["citizen"])
    assert case.deadline_at is not None
    assert (case.deadline_at - case.created_at) <= timedelta(days=6)
    result = deadline_scan(now=case.deadline_at + timedelta(minutes=1))
    assert case.pk in result.red
    assert Case.objects.get(pk=case.pk).alert == Alert.RED


def test_overdue_deliveries_listed(arb) -> None:
    staff = arb["staff"]
    case = _accepted(arb)
    doc = CaseDocument.objects.filter(case=case, kind="arbitration_notice").get()
    d = services.delivery_create(
        actor=staff, case_id=case.pk, case_document_id=doc.pk, party_role="respondent", method="direct"
    )
    assert list(selectors.deliveries_outstanding(user=staff)) == [d]
    assert list(selectors.deliveries_overdue(user=staff)) == []
    assert list(selectors.deliveries_overdue(user=staff, now=d.due_at + timedelta(seconds=1))) == [d]
    # 拒收 on direct service is 留置送达: served.
    services.delivery_record(actor=staff, delivery_id=d.pk, result="refused", note="留置送达")
    assert Delivery.objects.get(pk=d.pk).status == "served"
