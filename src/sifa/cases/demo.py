"""Demo cases for the service hall and the workbench (idempotent: a second run changes nothing).

Called by `sifa demo` after the foundation's demo data (`sifa.core.demo.demo_load`): three legal-aid
applications by the demo citizen in 历下区 — one waiting for review, one with the demo lawyer, one
closed with its documents and rated 基本满意 (which opens a follow-up visit for the supervisor).
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from sifa.accounts.models import User
from sifa.cases.models import Case
from sifa.cases.registry import definitions_sync
from sifa.cases.services import case_rate, case_submit, case_transition
from sifa.core.demo import DEMO_CITIZEN_PHONE, DEMO_PREFIX, demo_id_number
from sifa.core.phone import parse_mobile

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"  # the smallest upload the checks accept

APPLICATIONS = [
    ("demo-aid-1", "追索劳动报酬", "劳动争议", "review"),
    ("demo-aid-2", "交通事故损害赔偿", "交通事故", "handling"),
    ("demo-aid-3", "离婚纠纷抚养权", "婚姻家庭", "closed"),
]


def demo_citizen() -> User:
    """张大爷, the demo citizen of the foundation's demo data (the other apps' demos apply as him too)."""
    from sifa.accounts.services import phone_lookup

    return User.objects.get(kind="citizen", phone_hash=phone_lookup(parse_mobile(DEMO_CITIZEN_PHONE)))


def demo_applicant() -> dict[str, str]:
    """The demo citizen's own details as an application form in 历下区 takes them."""
    return {
        "applicant_name": "张大爷",
        "id_number": demo_id_number("370102", "19560312", "135"),
        "phone": DEMO_CITIZEN_PHONE,
        "division": "370102",
    }


def demo_cases() -> list[Case]:
    """Create (once) and return the demo legal-aid cases."""
    definitions_sync()
    citizen = demo_citizen()
    officer = User.objects.get(username=DEMO_PREFIX + "legal_aid")
    lawyer = User.objects.get(username=DEMO_PREFIX + "lawyer")
    cases = []
    for key, title, matter, target in APPLICATIONS:
        case = case_submit(
            actor=citizen,
            service_type="legal_aid",
            idempotency_key=key,
            data={
                **demo_applicant(),
                "matter_type": matter,
                "title": title,
                "facts": f"{title}，申请法律援助。",
                "hardship": "城乡最低生活保障对象",
                "monthly_income": "650",
                "declaration": "true",
            },
            files={"hardship_proof": SimpleUploadedFile("低保证明.pdf", PDF)},
        )
        if target in ("handling", "closed") and case.stage == "review":
            case = case_transition(
                actor=officer, case_id=case.pk, transition="approve", data={"opinion": "符合法律援助条件"}
            )
        if target in ("handling", "closed") and case.stage == "assigning":
            # `assign` is legal aid's own transition (generic = false); these cases name no lawyer.
            case = case_transition(
                actor=officer,
                case_id=case.pk,
                transition="assign",
                data={"handler_id": lawyer.pk},
                own_service=True,
            )
        if target == "closed" and case.stage == "handling":
            case = case_transition(
                actor=lawyer,
                case_id=case.pk,
                transition="close",
                data={"outcome": "胜诉或达成调解", "summary": "经调解达成协议。"},
            )
        if target == "closed" and not hasattr(case, "rating"):
            case_rate(actor=citizen, case_id=case.pk, score="basic", comment="结果满意，但等待时间较长。")
        cases.append(case)
    return cases
