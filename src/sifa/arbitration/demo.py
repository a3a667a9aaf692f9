"""Demo data of 仲裁 (idempotent: a second run creates nothing new), driven through the services.

Registry at 济南仲裁委员会: arbitrators in every state (已申请, 审核通过, 未通过审核, 已聘任 (the demo
arbitrator's account among them), 聘期届满, 已解聘). Cases in every stage: 受理审查, 组成仲裁庭,
开庭准备, 开庭审理, 已裁决 (with services: one postal signed, one electronic pending), 不予受理.

Litigation risk at the acceptance review (E1), with the applications awaiting acceptance checked:
an award that granted nothing (张大爷 v 济南大明湖装饰工程有限公司) followed by a new application on
the same dispute type against the same company (败诉后重复申请仲裁, 中), and a loan claim against a
relative who shares the applicant's phone and address, filed ten days after the loan (关联方串通 +
借贷后短期内申请仲裁, 高: acceptance waits for the staff's acknowledgement).
"""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from sifa.accounts.models import User
from sifa.arbitration import services
from sifa.arbitration.models import Arbitrator, Delivery, FeeRecord, LitigationCheck, TrainingSession
from sifa.cases.demo import PDF, demo_citizen
from sifa.cases.models import Case, CaseDocument
from sifa.cases.registry import definitions_sync
from sifa.cases.services import case_submit, case_transition
from sifa.core.demo import DEMO_CITIZEN_PHONE, DEMO_PREFIX, demo_id_number

# name, birth, sequence, qualification, years, speciality, target state, certificate
ROSTER = [
    ("冯公断", "19700312", "011", "lawyer", 15, "合同纠纷、公司法", "registered", "JNZC-2026-001"),
    ("褚明理", "19680520", "021", "judge", 20, "建设工程", "registered", "JNZC-2026-002"),
    ("卫正平", "19750101", "031", "research", 10, "金融借款", "registered", "JNZC-2026-003"),
    ("蒋守信", "19800808", "041", "professional", 12, "国际贸易", "applied", ""),
    ("沈求是", "19820315", "051", "arbitration_work", 9, "房地产", "approved", ""),
    ("韩立言", "19850606", "061", "lawyer", 8, "劳务合同", "rejected", ""),
    ("杨持平", "19660909", "071", "judge", 25, "知识产权", "expired", "JNZC-2020-007"),
    ("朱守正", "19720202", "081", "lawyer", 18, "保险合同", "removed", "JNZC-2026-008"),
]

# key, claimant, respondent, title, amount, target stage
CASES = [
    ("demo-zc-1", "济南泉水商贸有限公司", "济南明湖建材有限公司", "买卖合同纠纷", "120000.00", "review"),
    ("demo-zc-2", "张大爷", "济南历城物业服务有限公司", "房屋租赁合同纠纷", "36000.00", "forming"),
    ("demo-zc-3", "张大爷", "山东鲁中建设工程有限公司", "建设工程施工合同纠纷", "880000.00", "preparing"),
    ("demo-zc-4", "张大爷", "济南千佛山汽车销售有限公司", "买卖合同纠纷", "52000.00", "hearing"),
    ("demo-zc-5", "张大爷", "济南趵突泉餐饮管理有限公司", "借款合同纠纷", "200000.00", "closed"),
    ("demo-zc-6", "张大爷", "某外省公司", "劳务合同纠纷", "8000.00", "rejected"),
]


def _registry(staff: User, arbitrator_account: User | None) -> dict[str, Arbitrator]:
    session = TrainingSession.objects.filter(commission=staff.organisation, title="2026年度仲裁员岗前培训").first()
    if session is None:
        session = services.training_session_create(
            actor=staff, title="2026年度仲裁员岗前培训", held_on=timezone.localdate() - timedelta(days=30), hours="16"
        )
    found: dict[str, Arbitrator] = {}
    for name, birth, seq, qualification, years, speciality, target, cert in ROSTER:
        id_number = demo_id_number("370102", birth, seq)
        from sifa.core import crypto

        id_hash = crypto.lookup_hash(id_number, context=services.ID_CONTEXT)
        a = Arbitrator.objects.filter(commission=staff.organisation, id_hash=id_hash).first()
        if a is not None:
            found[name] = a
            continue
        a = services.arbitrator_apply(
            actor=staff,
            data=services.ApplicationData(name, id_number, f"1370000{seq}0", qualification, years, speciality),
        )
        if target == "applied":
            found[name] = a
            continue
        services.arbitrator_review(
            actor=staff, arbitrator_id=a.pk, approve=target != "rejected", opinion="符合仲裁法第十三条规定的条件"
        )
        if target in ("approved", "rejected"):
            if target == "approved":
                services.training_attend(actor=staff, arbitrator_id=a.pk, session_id=session.pk, hours="8")
            found[name] = a
            continue
        services.training_attend(actor=staff, arbitrator_id=a.pk, session_id=session.pk)
        services.exam_record(
            actor=staff,
            arbitrator_id=a.pk,
            taken_on=timezone.localdate() - timedelta(days=20),
            score="86",
            pass_mark="60",  # noqa: S106 - an exam pass mark, not a password
        )
        account = arbitrator_account.pk if (name == "冯公断" and arbitrator_account) else None
        a = services.arbitrator_register(
            actor=staff, arbitrator_id=a.pk, term_years=3, certificate_number=cert, account_id=account
        )
        if target == "expired":
            # An existing roster entry whose term ran out: the term is set back (demo history), then expired.
            Arbitrator.objects.filter(pk=a.pk).update(
                term_start=timezone.localdate() - timedelta(days=3 * 365 + 10),
                term_end=timezone.localdate() - timedelta(days=10),
            )
            a = services.arbitrator_expire(actor=staff, arbitrator_id=a.pk)
        if target == "removed":
            services.arbitrator_evaluate(
                actor=staff, arbitrator_id=a.pk, year=timezone.localdate().year, complaints=3, grade="incompetent"
            )
            a = services.arbitrator_remove(actor=staff, arbitrator_id=a.pk, reason="年度考评不称职，当事人投诉较多")
        found[name] = a
    return found


def demo_load() -> list[Case]:
    definitions_sync()
    staff = User.objects.get(username=DEMO_PREFIX + "arbitration")
    arbitrator_account = User.objects.filter(username=DEMO_PREFIX + "arbitrator").first()
    citizen = demo_citizen()
    roster = _registry(staff, arbitrator_account)
    cases = []
    for n, (key, claimant, respondent, title, amount, target) in enumerate(CASES, start=1):
        case = case_submit(
            actor=citizen,
            service_type="arbitration",
            idempotency_key=key,
            data={
                "applicant_name": claimant,
                "id_number": demo_id_number("370102", "19560312", "135"),
                "phone": DEMO_CITIZEN_PHONE,
                "division": "370102",
                "claimant_address": "济南市历下区泉城路100号",
                "respondent_name": respondent,
                "respondent_address": "济南市市中区经十路200号",
                "dispute_type": "其他合同纠纷",
                "title": title,
                "claim_amount": amount,
                "claims": f"请求裁决被申请人支付{amount}元。",
                "facts": "双方合同约定争议提交济南仲裁委员会仲裁，被申请人未履行付款义务。",
                "e_service_consent": True,
            },
            files={"agreement": SimpleUploadedFile("仲裁协议.pdf", PDF, content_type="application/pdf")},
        )
        if target == "rejected" and case.stage == "review":
            case = case_transition(
                actor=staff,
                case_id=case.pk,
                transition="reject",
                data={"reason": "仲裁协议约定的仲裁机构不是本会，不符合受理条件。"},
            )
        if target not in ("review", "rejected") and case.stage == "review":
            if not FeeRecord.objects.filter(case=case).exists():
                fee = services.fee_assess(actor=staff, case_id=case.pk)
                services.fee_record(
                    actor=staff, case_id=case.pk, kind="paid", amount=fee.amount, receipt_number=f"JNZC-DEMO-{n:04d}"
                )
            case = services.arbitration_accept(actor=staff, case_id=case.pk, opinion="符合受理条件，予以受理。")
        if target in ("preparing", "hearing", "closed") and case.stage == "forming":
            case = services.tribunal_form(
                actor=staff,
                case_id=case.pk,
                form="sole",
                seats=[services.Seat(roster["冯公断"].pk, "sole", "joint")],
            )
        if target in ("hearing", "closed") and case.stage == "preparing":
            case = services.hearing_schedule(
                actor=staff,
                case_id=case.pk,
                hearing_at=timezone.now() + timedelta(days=7),
                place="济南仲裁委员会第一仲裁庭",
            )
        if target == "closed" and case.stage == "hearing":
            case = services.award_issue(
                actor=staff,
                case_id=case.pk,
                award_amount="180000.00",
                reasoning="被申请人借款到期未还，应承担还款责任。",
                rulings="被申请人于本裁决送达之日起十日内向申请人偿还借款180000元\n驳回申请人的其他仲裁请求",
                fee_burden="仲裁费由被申请人承担",
            )
        if target == "closed" and not Delivery.objects.filter(case=case).exists():
            award = CaseDocument.objects.get(case=case, kind="arbitration_award")
            postal = services.delivery_create(
                actor=staff,
                case_id=case.pk,
                case_document_id=award.pk,
                party_role="respondent",
                method="postal",
                tracking_number="1190000000001",
            )
            services.delivery_record(actor=staff, delivery_id=postal.pk, result="signed", signed_by="王前台")
            services.delivery_create(
                actor=staff,
                case_id=case.pk,
                case_document_id=award.pk,
                party_role="claimant",
                method="electronic",
                consent=True,
            )
        cases.append(case)
    cases += _risk_cases(staff, citizen, roster)
    for case in cases:  # every application awaiting acceptance shows its check on the supervision page
        if case.stage == "review" and not LitigationCheck.objects.filter(case=case).exists():
            services.litigation_check_run(actor=staff, case_id=case.pk)
    return cases


LOSS_RESPONDENT = {
    "respondent_name": "济南大明湖装饰工程有限公司",
    "respondent_address": "济南市历下区明湖东路8号",
    "dispute_type": "建设工程",
    "title": "装饰装修工程款纠纷",
}


def _file(citizen: User, key: str, **data: object) -> Case:
    existing = Case.objects.filter(submitted_by=citizen, idempotency_key=key).first()
    if existing is not None:  # the form holds dates relative to the first run: do not resubmit
        return existing
    base = {
        "applicant_name": "张大爷",
        "id_number": demo_id_number("370102", "19560312", "135"),
        "phone": DEMO_CITIZEN_PHONE,
        "division": "370102",
        "claimant_address": "济南市历下区泉城路100号",
        "e_service_consent": True,
    }
    return case_submit(
        actor=citizen,
        service_type="arbitration",
        idempotency_key=key,
        data={**base, **data},
        files={"agreement": SimpleUploadedFile("仲裁协议.pdf", PDF, content_type="application/pdf")},
    )


def _risk_cases(staff: User, citizen: User, roster: dict[str, Arbitrator]) -> list[Case]:
    """Three applications for the litigation-risk check (E1), filed in this order."""
    claim = {
        "claim_amount": "60000.00",
        "claims": "请求裁决被申请人退还多收的装修工程预付款6万元并赔偿损失。",
        "facts": "双方签订装修合同并约定仲裁。申请人认为被申请人未按约定施工。",
    }
    lost = _file(citizen, "demo-zc-risk-1", **LOSS_RESPONDENT, **claim)
    if lost.stage == "review":
        fee = services.fee_assess(actor=staff, case_id=lost.pk)
        services.fee_record(
            actor=staff, case_id=lost.pk, kind="paid", amount=fee.amount, receipt_number="JNZC-DEMO-0101"
        )
        lost = services.arbitration_accept(actor=staff, case_id=lost.pk, opinion="符合受理条件，予以受理。")
    if lost.stage == "forming":
        lost = services.tribunal_form(
            actor=staff, case_id=lost.pk, form="sole", seats=[services.Seat(roster["褚明理"].pk, "sole", "joint")]
        )
    if lost.stage == "preparing":
        lost = services.hearing_schedule(
            actor=staff,
            case_id=lost.pk,
            hearing_at=timezone.now() + timedelta(days=7),
            place="济南仲裁委员会第二仲裁庭",
        )
    if lost.stage == "hearing":
        lost = services.award_issue(
            actor=staff,
            case_id=lost.pk,
            award_amount="0.00",
            reasoning="被申请人已按合同约定完成施工并经验收，申请人的主张缺乏证据。",
            rulings="驳回申请人的全部仲裁请求",
            fee_burden="仲裁费由申请人承担",
        )
    again = _file(
        citizen,
        "demo-zc-risk-2",
        **LOSS_RESPONDENT,
        **claim | {"claims": "请求裁决被申请人返还装修预付款6万元，并承担本案仲裁费用。"},
    )
    relative = _file(
        citizen,
        "demo-zc-risk-3",
        respondent_name="张小明",
        respondent_id_number=demo_id_number("370102", "19850606", "171"),
        respondent_phone=DEMO_CITIZEN_PHONE,
        respondent_address="济南市历下区泉城路100号",
        dispute_type="借款合同",
        title="借款合同纠纷",
        debt_date=(timezone.localdate() - timedelta(days=10)).isoformat(),
        claim_amount="800000.00",
        claims="请求裁决被申请人偿还借款80万元及利息。",
        facts="被申请人向申请人借款80万元，约定十日内归还，到期未还。借款合同约定争议由济南仲裁委员会仲裁。",
    )
    return [lost, again, relative]
