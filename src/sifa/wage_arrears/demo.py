"""Demo data of 农民工欠薪绿色通道 (idempotent: a second run creates nothing).

Called by `sifa demo` after the foundation's demo data. Loads the legal-aid centres' public details
(`sifa.legal_aid.demo`), the demo counties' labour inspection and arbitration offices, and five
requests by the demo citizen driven through the engine's real services into every stage:
受理 (one with a legal-aid application opened), 转交, 跟踪, 办结 (recovered, rated 满意) and 办结
(declined by the authority, rated 不满意, which opens the engine's follow-up).
"""

from sifa.accounts.models import User
from sifa.cases.demo import demo_citizen
from sifa.cases.models import Rating
from sifa.cases.registry import definitions_sync
from sifa.cases.services import case_rate
from sifa.core.demo import DEMO_CITIZEN_PHONE, DEMO_PREFIX, demo_id_number
from sifa.legal_aid.demo import demo_load as legal_aid_centres_load
from sifa.regions.models import Division
from sifa.wage_arrears import services
from sifa.wage_arrears.models import LabourOffice, LabourOfficeKind, WageRequest

OFFICES = [
    (
        "370102",
        LabourOfficeKind.INSPECTION,
        "济南市历下区人力资源和社会保障局劳动保障监察大队",
        "济南市历下区文化东路 6 号（演示地址）",
        "0531-86012333",
    ),
    (
        "370102",
        LabourOfficeKind.ARBITRATION,
        "济南市历下区劳动人事争议仲裁委员会",
        "济南市历下区文化东路 6 号（演示地址）",
        "0531-86012300",
    ),
    (
        "370103",
        LabourOfficeKind.INSPECTION,
        "济南市市中区人力资源和社会保障局劳动保障监察大队",
        "济南市市中区郎茂山路 3 号（演示地址）",
        "0531-82012333",
    ),
    (
        "522701",
        LabourOfficeKind.INSPECTION,
        "都匀市人力资源和社会保障局劳动保障监察大队",
        "都匀市环城北路 8 号（演示地址）",
        "0854-8212333",
    ),
    (
        "522701",
        LabourOfficeKind.ARBITRATION,
        "都匀市劳动人事争议仲裁委员会",
        "都匀市环城北路 8 号（演示地址）",
        "0854-8212300",
    ),
]

# key, employer, project, county, amount, start, end, workers, target stage
REQUESTS = [
    (
        "demo-qx-1",
        "济南某建筑劳务有限公司",
        "历下区某小区 3 号楼工程",
        "370102",
        "18600.00",
        "2026-05",
        "2026-08",
        6,
        "accepting",
    ),
    (
        "demo-qx-2",
        "山东某建设工程有限公司",
        "经十路某商业综合体",
        "370102",
        "42000.00",
        "2026-03",
        "2026-07",
        15,
        "forwarded",
    ),
    (
        "demo-qx-3",
        "济南某装饰工程有限公司",
        "市中区某学校改造工程",
        "370103",
        "9800.50",
        "2026-06",
        "2026-09",
        3,
        "tracking",
    ),
    (
        "demo-qx-4",
        "黔南某路桥工程有限公司",
        "都匀市某乡村公路工程",
        "522701",
        "26500.00",
        "2026-02",
        "2026-05",
        8,
        "closed",
    ),
    ("demo-qx-5", "包工头 王某", "都匀市某安置房工程", "522701", "7300.00", "2025-10", "2025-12", 2, "declined"),
]


def _offices() -> None:
    for code, kind, name, address, phone in OFFICES:
        LabourOffice.objects.get_or_create(
            division=Division.objects.get(code=code),
            kind=kind,
            defaults={"name": name, "address": address, "phone": phone},
        )


def demo_load() -> list[WageRequest]:
    definitions_sync()
    legal_aid_centres_load()
    _offices()
    citizen = demo_citizen()
    clerks = {"370102": "bureau_county", "370103": "bureau_shizhong", "522701": "bureau_duyun"}
    made = []
    for key, employer, project, county, amount, start, end, workers, target in REQUESTS:
        wage = services.request_submit(
            actor=citizen,
            idempotency_key=key,
            data={
                "applicant_name": "张大爷",
                "id_number": demo_id_number("370102", "19650312", "137"),
                "phone": DEMO_CITIZEN_PHONE,
                "division": county,
                "employer_name": employer,
                "employer_credit_code": "",
                "project_name": project,
                "amount_owed": amount,
                "period_start": start,
                "period_end": end,
                "workers_affected": str(workers),
                "has_contract": "没有" if key == "demo-qx-5" else "有",
                "has_records": "有",
                "has_iou": "有" if key == "demo-qx-4" else "没有",
                "still_working": "否",
                "facts": "多次找老板要钱，一直推说项目款没到。",
            },
        )
        clerk = User.objects.get(username=DEMO_PREFIX + clerks[county])
        if key == "demo-qx-1" and wage.legal_aid_case_id is None:
            services.legal_aid_open(actor=citizen, request_id=wage.pk, declaration=True)
        if target != "accepting" and wage.referral_id is None:
            wage = services.request_forward(actor=clerk, request_id=wage.pk, opinion="经电话核实，欠薪情况基本属实。")
        case = wage.case
        case.refresh_from_db()
        if target == "tracking" and case.stage == "forwarded":
            services.request_feedback(actor=clerk, request_id=wage.pk, status="accepted", note="监察大队已立案调查。")
        if target == "closed" and case.stage != "closed":
            services.request_feedback(
                actor=clerk,
                request_id=wage.pk,
                status="done",
                note="监察大队责令限期支付，已全部发放。",
                outcome="已追回全部欠薪",
                amount_recovered="26500.00",
            )
        if target == "declined" and case.stage != "closed":
            services.request_feedback(
                actor=clerk, request_id=wage.pk, status="declined", note="用工主体不明，建议申请仲裁。"
            )
        case.refresh_from_db()
        if case.stage == "closed" and not Rating.objects.filter(case=case).exists():
            score = "satisfied" if target == "closed" else "unsatisfied"
            case_rate(
                actor=citizen, case_id=case.pk, score=score, comment="" if score == "satisfied" else "希望加快处理"
            )
        wage.refresh_from_db()
        made.append(wage)
    return made
