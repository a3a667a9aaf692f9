"""Demo data of 司法鉴定 (idempotent: a second run creates nothing).

Registers 济南市明湖司法鉴定中心 (市中区) for 法医类、物证类、声像资料 with demo_appraiser as its head, adds
a second appraiser (demo_appraiser2, 林法医) so acceptance can name two, and drives eight
commissions of the demo citizen through the real services, one per stage of the definition:
委托分配, 机构受理审查, 鉴定中, 补充材料, 鉴定中（已延期）, 已出具鉴定意见 (rated 满意), 不予委托, 终止鉴定."""

from django.core.files.uploadedfile import SimpleUploadedFile

from sifa.accounts.choices import Role
from sifa.accounts.models import User
from sifa.accounts.services import staff_create, totp_device_create
from sifa.appraisal import services
from sifa.appraisal.models import Institution
from sifa.cases.demo import PDF, demo_citizen
from sifa.cases.models import Case
from sifa.cases.registry import definitions_sync
from sifa.cases.services import case_rate, case_transition
from sifa.core.demo import DEMO_CITIZEN_PHONE, DEMO_PASSWORD, DEMO_PREFIX
from sifa.regions.choices import OrganisationKind
from sifa.regions.models import Organisation

# key, category, title, target stage
COMMISSIONS = [
    ("demo-appraisal-1", "法医类", "伤残等级鉴定", "assigning"),
    ("demo-appraisal-2", "物证类", "笔迹鉴定", "institution_review"),
    ("demo-appraisal-3", "法医类", "误工期、护理期鉴定", "appraising"),
    ("demo-appraisal-4", "声像资料", "录音真实性鉴定", "supplement"),
    ("demo-appraisal-5", "法医类", "亲子关系鉴定", "extended"),
    ("demo-appraisal-6", "法医类", "伤残等级鉴定（交通事故）", "closed"),
    ("demo-appraisal-7", "法医类", "精神损害程度鉴定", "refused"),
    ("demo-appraisal-8", "物证类", "印章真伪鉴定", "terminated"),
]


def _second_appraiser(org: Organisation) -> User:
    user = User.objects.filter(username=DEMO_PREFIX + "appraiser2").first()
    if user is None:
        user = staff_create(
            actor=None,
            username=DEMO_PREFIX + "appraiser2",
            password=DEMO_PASSWORD,
            full_name="鉴定人 林法医",
            organisation=org,
            roles=[Role.APPRAISER],
        )
        totp_device_create(actor=None, user=user)
    return user


def demo_load() -> list[Case]:
    definitions_sync()
    org = Organisation.objects.get(name="济南市明湖司法鉴定中心", kind=OrganisationKind.APPRAISAL_INSTITUTION)
    head = User.objects.get(username=DEMO_PREFIX + "appraiser")
    second = _second_appraiser(org)
    if not Institution.objects.filter(organisation=org).exists():
        services.institution_register(
            actor=None,
            organisation=org,
            categories=["法医类", "物证类", "声像资料"],
            licence_number="370112000001（演示）",
            head=head,
        )
    citizen = demo_citizen()
    bureau = User.objects.get(username=DEMO_PREFIX + "bureau_shizhong")
    cases = []
    for key, category, title, target in COMMISSIONS:
        case = services.appraisal_intake(
            actor=citizen,
            data={
                "entrusting_kind": "当事人",
                "applicant_name": "张大爷",
                "phone": DEMO_CITIZEN_PHONE,
                "division": "370103",
                "category": category,
                "title": title,
                "description": f"{title}：申请人提交病历、照片等材料。",
            },
            files={"materials": SimpleUploadedFile("委托材料.pdf", PDF)},
            institution_id=org.pk if target != "refused" else None,
            idempotency_key=key,
        )
        if target == "refused" and case.stage == "assigning":
            case = case_transition(
                actor=bureau, case_id=case.pk, transition="refuse", data={"reason": "委托事项超出司法鉴定业务范围。"}
            )
        if target != "assigning" and case.stage == "assigning":
            case = services.institution_assign(actor=bureau, case_id=case.pk)
        if target not in ("assigning", "institution_review") and case.stage == "institution_review":
            case = services.commission_accept(actor=head, case_id=case.pk, appraiser_ids=[head.pk, second.pk])
        if target == "supplement" and case.stage == "appraising":
            case = case_transition(
                actor=head, case_id=case.pk, transition="request_materials", data={"missing": "原始录音载体"}
            )
        if target == "extended" and case.stage == "appraising":
            services.extension_approve(actor=head, case_id=case.pk, days=15, reason="需进行补充检验")
        if target == "terminated" and case.stage == "appraising":
            case = case_transition(
                actor=head, case_id=case.pk, transition="terminate", data={"reason": "委托人撤回鉴定委托。"}
            )
        if target == "closed" and case.stage == "appraising":
            services.report_upload(
                actor=head,
                case_id=case.pk,
                upload=SimpleUploadedFile("司法鉴定意见书.pdf", PDF),
                summary="被鉴定人之损伤构成十级伤残。",
            )
        case.refresh_from_db()
        if target == "closed" and not hasattr(case, "rating"):
            case_rate(actor=citizen, case_id=case.pk, score="satisfied", comment="鉴定及时。")
        cases.append(case)
    return cases
