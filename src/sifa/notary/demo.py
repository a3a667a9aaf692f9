"""Demo data of 公证 (idempotent: a second run creates nothing).

Six applications of the demo citizen to 济南市泉城公证处 (历下区), one per stage of the definition —
待受理, 审查办理, 待补正材料, 已出证 (fee, identity check, one visit, rated 基本满意 so a follow-up
opens), 不予受理, 不予办理 — through the three channels (web, partner API, window), driven by the
real services. A13 点餐式: the office's notaries get their years of practice, a second notary
`demo_notary2` joins, and a seventh web application names demo_notary2 (waiting for acceptance, the
choice preselected)."""

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from sifa.accounts.choices import Role
from sifa.accounts.models import User
from sifa.accounts.services import phone_lookup, staff_create, totp_device_create
from sifa.cases.models import Case
from sifa.cases.registry import definitions_sync
from sifa.cases.services import case_rate, case_transition
from sifa.core.demo import DEMO_CITIZEN_PHONE, DEMO_PASSWORD, DEMO_PREFIX, demo_id_number
from sifa.core.phone import parse_mobile
from sifa.notary import services
from sifa.notary.choices import Channel
from sifa.notary.models import FeeRecord, IdentityCheck, Material, NotaryProfile, Visit

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"

# key, matter, details, channel, target stage
APPLICATIONS = [
    ("demo-notary-1", "出生", "出生公证", Channel.WEB, "submitted"),
    ("demo-notary-2", "学历", "本科毕业证书", Channel.PARTNER, "handling"),
    ("demo-notary-3", "亲属关系", "与女儿张小花的父女关系", Channel.WEB, "correction"),
    ("demo-notary-4", "无犯罪记录", "2000年至今", Channel.WINDOW, "closed"),
    ("demo-notary-5", "声明", "放弃继承权声明", Channel.WEB, "rejected"),
    ("demo-notary-6", "委托", "委托女儿办理房屋过户", Channel.WEB, "refused"),
]


def _files(matter_name: str) -> dict[str, Any]:
    matter = services.matters.catalogue().by_name(matter_name)
    return {m.code: SimpleUploadedFile(f"{m.name}.pdf", PDF) for m in matter.materials}


def demo_load() -> list[Case]:
    definitions_sync()
    citizen = User.objects.get(kind="citizen", phone_hash=phone_lookup(parse_mobile(DEMO_CITIZEN_PHONE)))
    notary = User.objects.get(username=DEMO_PREFIX + "notary")
    partner = User.objects.get(username=DEMO_PREFIX + "bureau_county")
    cases = []
    for key, matter, details, channel, target in APPLICATIONS:
        data = {
            "applicant_name": "张大爷",
            "id_number": demo_id_number("370102", "19560312", "135"),
            "phone": DEMO_CITIZEN_PHONE,
            "division": "370102",
            "matter": matter,
            "details": details,
            "purpose": "赴加拿大探亲使用",
        }
        actor, behalf = {
            Channel.WEB: (citizen, None),
            Channel.PARTNER: (partner, citizen),
            Channel.WINDOW: (notary, citizen),
        }[channel]
        case = services.notary_apply(
            actor=actor,
            channel=channel,
            data=data,
            files=_files(matter),
            idempotency_key=key,
            partner="爱山东APP（演示）" if channel == Channel.PARTNER else "",
            on_behalf_of=behalf,
        )
        if target == "rejected" and case.stage == "submitted":
            case = case_transition(
                actor=notary, case_id=case.pk, transition="reject", data={"reason": "声明事项不属于本处执业区域。"}
            )
        if target not in ("submitted", "rejected") and case.stage == "submitted":
            case = services.notary_assign(actor=notary, case_id=case.pk, handler_id=notary.pk)
        if target in ("closed", "correction", "refused") and not IdentityCheck.objects.filter(case=case).exists():
            services.identity_verify(actor=notary, case_id=case.pk)
        if target == "correction" and case.stage == "handling":
            services.material_review(
                actor=notary, case_id=case.pk, item="relation_proof", decision="correction", note="缺少派出所盖章"
            )
            case = services.correction_request(actor=notary, case_id=case.pk)
        if target == "refused" and case.stage == "handling":
            case = case_transition(
                actor=notary,
                case_id=case.pk,
                transition="refuse",
                data={"reason": "委托事项涉及的房屋权属存在争议，不予办理公证。"},
            )
        if target == "closed" and case.stage == "handling":
            for m in Material.objects.filter(case=case, status="uploaded"):
                services.material_review(actor=notary, case_id=case.pk, item=m.item, decision="accepted")
            if not FeeRecord.objects.filter(case=case).exists():
                services.fee_record(
                    actor=notary, case_id=case.pk, payment_method="wechat", receipt_number=f"DEMO-{case.reference}"
                )
            if not Visit.objects.filter(case=case).exists():
                services.visit_record(actor=notary, case_id=case.pk, visited_on=timezone.localdate(), purpose="submit")
            services.certificate_issue(actor=notary, case_id=case.pk)
            case.refresh_from_db()
        if target == "closed" and not hasattr(case, "rating"):
            case_rate(actor=citizen, case_id=case.pk, score="basic", comment="办得快，但窗口排队较久。")
        cases.append(case)
    cases.append(_chosen_notary_application(citizen, notary))
    return cases


def _chosen_notary_application(citizen: User, notary: User) -> Case:
    """A13: years of practice for the office's notaries, demo_notary2, and an application naming them."""
    office = notary.organisation
    assert office is not None
    username = DEMO_PREFIX + "notary2"
    second = User.objects.filter(username=username).first()
    if second is None:
        second = staff_create(
            actor=None, username=username, password=DEMO_PASSWORD, full_name="公证员 钱公信", organisation=office,
            roles=[Role.NOTARY],
        )  # fmt: skip
        totp_device_create(actor=None, user=second)
    for member, since in ((notary, 2009), (second, 2017)):
        if not NotaryProfile.objects.filter(user=member).exists():
            services.notary_profile_set(actor=None, notary_id=member.pk, practising_since=since)
    return services.notary_apply(
        actor=citizen,
        channel=Channel.WEB,
        data={
            "applicant_name": "张大爷",
            "id_number": demo_id_number("370102", "19560312", "135"),
            "phone": DEMO_CITIZEN_PHONE,
            "matter": "亲属关系",
            "details": "与儿子张小明的父子关系（自选公证员）",
            "purpose": "赴加拿大探亲使用",
        },
        files=_files("亲属关系"),
        idempotency_key="demo-notary-7",
        office_id=office.pk,
        preferred_notary_id=second.pk,
    )
