"""Demo data for 留言咨询 (idempotent: a second run creates nothing new).

Called by `sifa demo` after the foundation's demo data (`sifa.core.demo.demo_load`): the demo
lawyer on duty for 历下区 this week (scheduled by the county bureau clerk), four questions by the
demo citizen — waiting for dispatch, with the lawyer, answered, closed and rated 满意 — and one
expert-review sample drawn by the demo supervisor.
"""

from datetime import timedelta

from django.utils import timezone

from sifa.accounts.models import User
from sifa.cases import calendar as cal
from sifa.cases.demo import demo_citizen
from sifa.cases.models import Case, Rating
from sifa.cases.registry import definitions_sync
from sifa.cases.services import case_rate, case_submit, case_transition
from sifa.consultation import services
from sifa.consultation.models import DutyShift, ReviewSample
from sifa.core.demo import DEMO_PREFIX

QUESTIONS = [
    ("demo-zx-1", "房东不退押金怎么办", "房产物业", "assigning"),
    ("demo-zx-2", "公司不签劳动合同能要求双倍工资吗", "劳动争议", "answering"),
    ("demo-zx-3", "借条没有写还款日期还能起诉吗", "借贷纠纷", "answered"),
    ("demo-zx-4", "交通事故对方全责拒不赔偿", "交通事故", "closed"),
]


def demo_load() -> list[Case]:
    definitions_sync()
    citizen = demo_citizen()
    clerk = User.objects.get(username=DEMO_PREFIX + "bureau_county")
    lawyer = User.objects.get(username=DEMO_PREFIX + "lawyer")
    supervisor = User.objects.get(username=DEMO_PREFIX + "supervisor")
    now = timezone.now()
    if not DutyShift.objects.filter(
        lawyer=lawyer, cancelled_at__isnull=True, starts_at__lte=now, ends_at__gt=now
    ).exists():
        start = cal.end_of_day(cal.local_date(now) - timedelta(days=1))  # today 00:00
        clash = DutyShift.objects.filter(lawyer=lawyer, cancelled_at__isnull=True, ends_at__gt=start).exists()
        if not clash:
            services.shift_create(
                actor=clerk,
                lawyer_id=lawyer.pk,
                division_code="370102",
                starts_at=start,
                ends_at=start + timedelta(days=7),
            )
    cases = []
    for key, title, category, target in QUESTIONS:
        case = case_submit(
            actor=citizen,
            service_type="consultation",
            idempotency_key=key,
            data={
                "applicant_name": "张先生",
                "division": "370102",
                "category": category,
                "title": title,
                "question": f"{title}？请律师给出建议。",
            },
        )
        if target != "assigning" and case.stage == "assigning":
            case = case_transition(actor=clerk, case_id=case.pk, transition="dispatch", data={"handler_id": lawyer.pk})
        if target in ("answered", "closed") and case.stage == "answering":
            case = case_transition(
                actor=lawyer,
                case_id=case.pk,
                transition="answer",
                data={"answer": "建议先收集证据，协商不成可依法起诉或申请仲裁。"},
            )
        if target == "closed" and case.stage == "answered":
            case = case_transition(actor=citizen, case_id=case.pk, transition="close")
        if target == "closed" and not Rating.objects.filter(case=case).exists():
            case_rate(actor=citizen, case_id=case.pk, score="satisfied")
        cases.append(case)
    if not ReviewSample.objects.exists():
        today = cal.local_date(timezone.now())
        services.review_draw(actor=supervisor, since=today - timedelta(days=30), until=today, seed="demo")
    return cases
