"""Demo data of 人民调解 (idempotent: a second run creates nothing new).

Disputes filed by the demo citizen in 历下区's first township, one in every stage of the
`mediation` definition, driven through the real services: waiting for receipt (with a mediator
chosen by the party), assigned, in mediation (with a session), signing (applicant signed), succeeded
(sealed, with a judicial-confirmation application the court has accepted), failed and referred to
the court, declined, withdrawn. A second mediator `demo_mediator2` joins the committee so the
filing page has a choice.
"""

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from sifa.accounts.choices import AccountKind, Role
from sifa.accounts.models import User
from sifa.accounts.services import phone_lookup, staff_create, totp_device_create
from sifa.cases.models import Case
from sifa.cases.registry import definitions_sync
from sifa.cases.services import case_transition
from sifa.core.demo import DEMO_CITIZEN_PHONE, DEMO_PASSWORD, DEMO_PREFIX, demo_id_number
from sifa.core.phone import parse_mobile
from sifa.mediation import services
from sifa.mediation.models import ConfirmationApplication, MediationAgreement, MediationParty, MediationSession
from sifa.regions.choices import OrganisationKind
from sifa.regions.models import Division, Organisation

STAGES = ["receiving", "assigned", "mediating", "signing", "succeeded", "failed", "declined", "withdrawn"]
DISPUTES = {
    "receiving": ("邻里纠纷", "楼上漏水损坏天花板", "1200", "王丽", "13805310003"),
    "assigned": ("物业纠纷", "物业费争议", "2400", "济南某物业服务有限公司", "13805310004"),
    "mediating": ("债务纠纷", "追讨借款", "20000", "刘伟", "13805310004"),
    "signing": ("损害赔偿", "电动车刮蹭赔偿", "800", "李秀英", "13805310002"),
    "succeeded": ("债务纠纷", "追讨代收运费", "3000", "吴德明", "13908540006"),
    "failed": ("劳务纠纷", "装修工钱结算", "6500", "韦阿妹", "13908540005"),
    "declined": ("其他", "已经法院判决的纠纷", "", "王丽", "13805310003"),
    "withdrawn": ("邻里纠纷", "共用走道堆放杂物", "", "刘伟", "13805310004"),
}


def _mediator2(committee: Organisation) -> User:
    username = DEMO_PREFIX + "mediator2"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = staff_create(
            actor=None,
            username=username,
            password=DEMO_PASSWORD,
            full_name="调解员 韩和睦",
            organisation=committee,
            roles=[Role.MEDIATOR],
        )
        totp_device_create(actor=None, user=user)
    return user


def _file(citizen: User, stage: str, township: Division, preferred: User | None) -> Case:
    dispute_type, title, amount, respondent, phone = DISPUTES[stage]
    return services.dispute_file(
        actor=citizen,
        idempotency_key=f"demo-mediation-{stage}",
        data={
            "applicant_name": "张建国",
            "id_number": demo_id_number("370102", "19650312", "137"),
            "phone": DEMO_CITIZEN_PHONE,
            "address": f"济南市历下区{township.name}",
            "division": township.code,
            "location": f"{township.name}某小区",
            "dispute_type": dispute_type,
            "amount": amount,
            "title": title,
            "facts": f"{title}：双方多次协商未果，申请人民调解。",
            "request": "请求调解委员会主持调解，依法解决纠纷。",
        },
        respondents=[services.RespondentIn(name=respondent, phone=phone)],
        preferred_mediator_id=preferred.pk if preferred else None,
    )


def _session(mediator: User, case: Case) -> None:
    if not MediationSession.objects.filter(case=case).exists():
        services.session_record(
            actor=mediator,
            case_id=case.pk,
            held_at=timezone.now() - timedelta(hours=2),
            place="人民调解室",
            participants="申请人、被申请人、调解员",
            record="双方陈述了纠纷经过，调解员释明相关法律规定。",
            agreed="双方同意进一步协商。",
        )


def _respondent_signs(agreement: MediationAgreement) -> None:
    for party in MediationParty.objects.filter(case=agreement.case, role="respondent", signature__isnull=True):
        _invite, token, code = services.invite_issue(agreement=agreement, party=party, actor=None)
        services.invite_verify(token=token, code=code)
        services.invite_sign(token=token, sha256_pdf=agreement.document.sha256_pdf, consent=True)


def _drive(case: Case, target: str, clerk: User, mediator: User, citizen: User) -> Case:
    order = STAGES.index(target)
    if case.stage == "receiving" and target == "declined":
        case = case_transition(
            actor=clerk, case_id=case.pk, transition="decline", data={"reason": "该纠纷已经人民法院判决，不予受理。"}
        )
    if case.stage == "receiving" and target == "withdrawn":
        case = case_transition(actor=citizen, case_id=case.pk, transition="withdraw", data={"reason": "双方已自行和解"})
    if case.stage == "receiving" and order >= 1 and target not in ("declined", "withdrawn"):
        case = services.dispute_assign(actor=clerk, case_id=case.pk)
    if case.stage == "assigned" and order >= 2:
        case = case_transition(actor=case.handler, case_id=case.pk, transition="accept")  # type: ignore[arg-type]
    handler: Any = case.handler
    if case.stage == "mediating" and order >= 2:
        _session(handler, case)
    if case.stage == "mediating" and target in ("signing", "succeeded"):
        services.agreement_generate(
            actor=handler,
            case_id=case.pk,
            terms=(
                f"被申请人于本协议签订之日起十五日内向申请人支付{case.data.get('amount') or '0'}元。\n"
                "双方就本纠纷再无其他争议。"
            ),
            performance="银行转账，一次付清。",
        )
        case.refresh_from_db()
    if case.stage == "signing":
        agreement = MediationAgreement.objects.get(case=case)
        applicant = MediationParty.objects.get(case=case, role="applicant")
        if applicant.signature_id is None:
            services.applicant_sign(
                actor=citizen, case_id=case.pk, sha256_pdf=agreement.document.sha256_pdf, consent=True
            )
        if target == "succeeded":
            _respondent_signs(agreement)
            services.agreement_seal(actor=handler, case_id=case.pk)
            case.refresh_from_db()
    if case.stage == "succeeded" and not ConfirmationApplication.objects.filter(agreement__case=case).exists():
        application = services.confirmation_apply(actor=citizen, case_id=case.pk)
        services.confirmation_feedback(
            actor=clerk, application_id=application.pk, outcome="accepted", note="人民法院已立案审查。"
        )
    if case.stage == "mediating" and target == "failed":
        case = services.dispute_refer(
            actor=handler,
            case_id=case.pk,
            kind="litigation",
            reason="双方对工钱数额分歧较大，经两次调解未能达成协议。",
            authority="济南市历下区人民法院",
        )
    return case


def demo_load() -> list[Case]:
    definitions_sync()
    citizen = User.objects.filter(
        kind=AccountKind.CITIZEN, phone_hash=phone_lookup(parse_mobile(DEMO_CITIZEN_PHONE))
    ).first()
    committee = Organisation.objects.filter(
        kind=OrganisationKind.MEDIATION_COMMITTEE, division__parent_id="370102"
    ).first()
    clerk = User.objects.filter(username=DEMO_PREFIX + "bureau_township").first()
    if citizen is None or committee is None or clerk is None:
        return []  # the core demo (sifa.core.demo) has not run
    township = committee.division
    cases = []
    with transaction.atomic():
        preferred = _mediator2(committee)
    for stage in STAGES:
        with transaction.atomic():
            case = _file(citizen, stage, township, preferred if stage in ("receiving", "assigned") else None)
            mediator = User.objects.get(username=DEMO_PREFIX + "mediator")
            cases.append(_drive(case, stage, clerk, mediator, citizen))
    return cases
