"""Demo data for 行政复议 (idempotent: a second run creates nothing new).

Three applications by the demo citizen against 历下区 authorities, handled by the county bureau
clerk: one waiting for the acceptance review, one in hearing after the respondent's reply, one
decided (with its 行政复议决定书).
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from sifa.accounts.models import User
from sifa.cases.demo import PDF, demo_applicant, demo_citizen
from sifa.cases.models import Case
from sifa.cases.registry import definitions_sync
from sifa.cases.services import case_submit, case_transition
from sifa.core.demo import DEMO_PREFIX

APPLICATIONS = [
    ("demo-fys-1", "济南市历下区市场监督管理局", "不服历下区市场监督管理局行政处罚决定", "register"),
    ("demo-fys-2", "济南市历下区城市管理局", "不服历下区城市管理局责令限期拆除决定", "hearing"),
    ("demo-fys-3", "济南市历下区人力资源和社会保障局", "不服工伤认定决定", "decided"),
]


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def demo_load() -> list[Case]:
    definitions_sync()
    citizen = demo_citizen()
    clerk = User.objects.get(username=DEMO_PREFIX + "bureau_county")
    cases = []
    for key, respondent, title, target in APPLICATIONS:
        case = case_submit(
            actor=citizen,
            service_type="reconsideration",
            idempotency_key=key,
            data={
                **demo_applicant(),
                "respondent": respondent,
                "title": title,
                "act_date": "2026-10-20",
                "known_on": "2026-10-21",
                "request": "撤销该行政行为",
                "facts_reasons": "该行政行为认定事实不清，适用依据错误。",
            },
            files={"evidence": _pdf("行政行为文书.pdf")},
        )
        if target != "register" and case.stage == "register":
            case = case_transition(
                actor=clerk, case_id=case.pk, transition="accept", data={"opinion": "符合受理条件，予以受理。"}
            )
        if target != "register" and case.stage == "serve_copy":
            served = case.updated_at.date().isoformat()
            case = case_transition(actor=clerk, case_id=case.pk, transition="serve_copy", data={"served_on": served})
        if target != "register" and case.stage == "reply":
            case = case_transition(
                actor=clerk,
                case_id=case.pk,
                transition="record_reply",
                data={"reply_received_on": case.updated_at.date().isoformat(), "hearing_mode": "书面审理"},
                files={"reply_document": _pdf("答复书.pdf")},
            )
        if target == "decided" and case.stage == "hearing":
            case = case_transition(
                actor=clerk, case_id=case.pk, transition="conclude_hearing", data={"summary": "书面审查完毕。"}
            )
        if target == "decided" and case.stage == "deciding":
            case = case_transition(
                actor=clerk,
                case_id=case.pk,
                transition="decide",
                data={
                    "decision_type": "维持",
                    "decision_text": "被申请人作出的行政行为认定事实清楚，证据确凿，决定维持。",
                },
            )
        cases.append(case)
    return cases
