"""留言咨询 (A1): the definition, on-duty dispatch, ask -> answer -> follow-up -> close -> rate,
expert sampling and grading, and per-lawyer statistics computed exactly on a small fixture."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from conftest import login_verified
from sifa.accounts.choices import Role
from sifa.audit.models import AuditEntry
from sifa.cases.definitions import parse
from sifa.cases.models import Case, CaseEvent, Rating
from sifa.cases.services import case_rate, case_submit, case_transition
from sifa.consultation import selectors, services
from sifa.consultation.models import DutyShift, ReviewSample
from sifa.core.errors import ErrorCode, SifaError
from sifa.regions.choices import OrganisationKind
from sifa.regions.models import Organisation

SH = ZoneInfo("Asia/Shanghai")
DEFINITION = Path(services.__file__).parent / "definitions" / "consultation.toml"


@pytest.fixture
def clock(monkeypatch):
    def set_to(moment: datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_to


@pytest.fixture
def duty(world, make_user):
    """历下区: a bureau clerk who keeps the roster, a supervisor (expert), three lawyers; one far lawyer."""
    bureau = world["bureaus"]["370102"]
    firm = Organisation.objects.create(name="泉城律师事务所", kind=OrganisationKind.LAW_FIRM, division_id="370102")
    far_firm = Organisation.objects.create(name="市中律师事务所", kind=OrganisationKind.LAW_FIRM, division_id="370103")
    return {
        "clerk": make_user(bureau, (Role.BUREAU_STAFF,), full_name="郑排班"),
        "expert": make_user(bureau, (Role.SUPERVISOR,), full_name="褚专家"),
        "far_expert": make_user(world["bureaus"]["370103"], (Role.SUPERVISOR,), full_name="远专家"),
        "far_clerk": make_user(world["bureaus"]["370103"], (Role.BUREAU_STAFF,), full_name="远排班"),
        "lawyers": [
            make_user(firm, (Role.LAWYER,), full_name="刘律师"),
            make_user(firm, (Role.LAWYER,), full_name="陈律师"),
            make_user(firm, (Role.LAWYER,), full_name="杨律师"),
        ],
        "far_lawyer": make_user(far_firm, (Role.LAWYER,), full_name="周律师"),
    }


def ask(citizen, title="工资被拖欠怎么办", **extra):
    data = {
        "applicant_name": "张先生",
        "division": "370102",
        "category": "劳动争议",
        "title": title,
        "question": "公司拖欠三个月工资，应该如何维权？",
    }
    data.update(extra)
    return case_submit(actor=citizen, service_type="consultation", data=data)


def shift(duty, lawyer, start, hours=8, division="370102"):
    return services.shift_create(
        actor=duty["clerk"] if division == "370102" else duty["far_clerk"],
        lawyer_id=lawyer.pk,
        division_code=division,
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
    )


def test_definition_loads_and_validates():
    spec = parse(DEFINITION.read_text(encoding="utf-8"))
    assert (spec.code, spec.initial_stage, spec.rating) == ("consultation", "assigning", True)
    assert [s.code for s in spec.stages] == ["assigning", "answering", "answered", "closed", "withdrawn"]
    answering = spec.stage("answering")
    assert (answering.roles, answering.deadline.days, answering.deadline.calendar) == (("lawyer",), 1, "calendar")
    assert spec.transition("answer").scope == "handler"
    assert spec.transition("follow_up").scope == "applicant"
    assert [f.name for f in spec.fields if f.type == "file"] == ["attachment"]


def test_dispatch_picks_only_on_duty_lawyers_least_loaded_first(world, citizen, duty, clock):
    liu, chen, yang = duty["lawyers"]
    clock(datetime(2026, 3, 2, 9, 0, tzinfo=SH))  # Monday 09:00
    shift(duty, liu, datetime(2026, 3, 2, 8, 0, tzinfo=SH))
    shift(duty, chen, datetime(2026, 3, 2, 8, 0, tzinfo=SH))
    shift(duty, yang, datetime(2026, 3, 2, 17, 0, tzinfo=SH))  # not on duty until 17:00
    shift(duty, duty["far_lawyer"], datetime(2026, 3, 2, 8, 0, tzinfo=SH), division="370103")
    first, second, third = ask(citizen, "一"), ask(citizen, "二"), ask(citizen, "三")

    moved = services.dispatch_pending()

    handlers = {c.reference: c.handler_id for c in moved}
    assert handlers == {first.reference: liu.pk, second.reference: chen.pk, third.reference: liu.pk}
    assert Case.objects.get(pk=first.pk).stage == "answering"
    assert AuditEntry.objects.filter(action="consultation.dispatch").count() == 3
    assert AuditEntry.objects.filter(action="case.dispatch", actor_id=duty["clerk"].pk).count() == 3


def test_no_lawyer_on_duty_leaves_the_question_waiting(world, citizen, duty, clock):
    clock(datetime(2026, 3, 2, 9, 0, tzinfo=SH))
    shift(duty, duty["lawyers"][0], datetime(2026, 3, 2, 12, 0, tzinfo=SH))
    cancelled = shift(duty, duty["lawyers"][1], datetime(2026, 3, 2, 8, 0, tzinfo=SH))
    services.shift_cancel(actor=duty["clerk"], shift_id=cancelled.pk)
    question = ask(citizen)

    assert services.question_dispatch(case_id=question.pk) is None
    assert Case.objects.get(pk=question.pk).stage == "assigning"
    assert Case.objects.get(pk=question.pk).handler_id is None


def test_roster_refusals_change_nothing(world, duty):
    start = datetime(2026, 3, 2, 8, 0, tzinfo=SH)
    shift(duty, duty["lawyers"][0], start)
    refusals = [
        (duty["lawyers"][0], duty["clerk"], "370102", start + timedelta(hours=4), ErrorCode.CONFLICT),  # overlap
        (duty["far_lawyer"], duty["clerk"], "370102", start, ErrorCode.INVALID_INPUT),  # other county's firm
        (duty["lawyers"][1], duty["clerk"], "370103", start, ErrorCode.INVALID_INPUT),  # region outside scope
        (duty["lawyers"][1], duty["lawyers"][2], "370102", start, ErrorCode.FORBIDDEN),  # a lawyer cannot
    ]
    for lawyer, actor, division, begin, code in refusals:
        with pytest.raises(SifaError) as refused:
            services.shift_create(
                actor=actor,
                lawyer_id=lawyer.pk,
                division_code=division,
                starts_at=begin,
                ends_at=begin + timedelta(hours=8),
            )
        assert refused.value.code == code
    assert DutyShift.objects.count() == 1


def test_ask_answer_follow_up_close_and_rate(world, citizen, other_citizen, duty, clock):
    liu = duty["lawyers"][0]
    clock(datetime(2026, 3, 2, 9, 0, tzinfo=SH))
    shift(duty, liu, datetime(2026, 3, 2, 8, 0, tzinfo=SH), hours=12)
    question = ask(citizen)
    assert question.deadline_at == datetime(2026, 3, 4, 0, 0, tzinfo=SH)  # 待分派: 1 calendar day, end of 3 March
    case = services.question_dispatch(case_id=question.pk)
    assert (case.stage, case.handler_id) == ("answering", liu.pk)
    assert case.deadline_at == datetime(2026, 3, 4, 0, 0, tzinfo=SH)  # 1 calendar day: end of 3 March

    with pytest.raises(SifaError) as not_handler:
        case_transition(actor=duty["lawyers"][1], case_id=case.pk, transition="answer", data={"answer": "x"})
    assert not_handler.value.code == ErrorCode.NOT_FOUND  # another lawyer does not even see it

    clock(datetime(2026, 3, 2, 15, 30, tzinfo=SH))
    case = case_transition(actor=liu, case_id=case.pk, transition="answer", data={"answer": "可申请劳动仲裁。"})
    assert (case.stage, case.deadline_at) == ("answered", None)

    with pytest.raises(SifaError) as stranger:
        case_transition(actor=other_citizen, case_id=case.pk, transition="follow_up", data={"follow_up": "?"})
    assert stranger.value.code == ErrorCode.NOT_FOUND

    clock(datetime(2026, 3, 3, 20, 0, tzinfo=SH))
    case = case_transition(actor=citizen, case_id=case.pk, transition="follow_up", data={"follow_up": "仲裁要多久？"})
    assert (case.stage, case.handler_id) == ("answering", liu.pk)
    assert case.deadline_at == datetime(2026, 3, 5, 0, 0, tzinfo=SH)  # the clock restarts for the follow-up
    clock(datetime(2026, 3, 4, 10, 0, tzinfo=SH))
    case = case_transition(actor=liu, case_id=case.pk, transition="answer", data={"answer": "一般四十五日内。"})
    case = case_transition(actor=citizen, case_id=case.pk, transition="close")
    assert (case.stage, case.status) == ("closed", "closed")
    case_rate(actor=citizen, case_id=case.pk, score="satisfied")

    actions = list(CaseEvent.objects.filter(case=case).values_list("action", "actor_id"))
    assert actions == [
        ("submit", citizen.pk),
        ("dispatch", duty["clerk"].pk),
        ("answer", liu.pk),
        ("follow_up", citizen.pk),
        ("answer", liu.pk),
        ("close", citizen.pk),
        ("rate", citizen.pk),
    ]
    assert Rating.objects.get(case=case).score == "satisfied"


@pytest.fixture
def answered(world, citizen, duty, clock):
    """Five answers in March 2026 (times in hours after the question reached the lawyer):
    刘: 2 h (rated 满意), 30 h (late; rated 不满意), 4 h on a follow-up of the first case;
    陈: 1 h (rated 基本满意), 10 h (not rated)."""
    liu, chen, _ = duty["lawyers"]

    def one(title, lawyer, start, hours):
        clock(start)
        q = ask(citizen, title)
        case = case_transition(actor=duty["clerk"], case_id=q.pk, transition="dispatch", data={"handler_id": lawyer.pk})
        clock(start + timedelta(hours=hours))
        return case_transition(actor=lawyer, case_id=case.pk, transition="answer", data={"answer": f"答复{title}"})

    a = one("甲", liu, datetime(2026, 3, 2, 9, 0, tzinfo=SH), 2)
    b = one("乙", liu, datetime(2026, 3, 3, 9, 0, tzinfo=SH), 40)  # due end of 4 March; answered 5 March 01:00
    c = one("丙", chen, datetime(2026, 3, 4, 9, 0, tzinfo=SH), 1)
    d = one("丁", chen, datetime(2026, 3, 5, 9, 0, tzinfo=SH), 10)
    clock(datetime(2026, 3, 6, 9, 0, tzinfo=SH))
    case_transition(actor=citizen, case_id=a.pk, transition="follow_up", data={"follow_up": "再问"})
    clock(datetime(2026, 3, 6, 13, 0, tzinfo=SH))
    case_transition(actor=liu, case_id=a.pk, transition="answer", data={"answer": "再答"})
    for case, score in ((a, "satisfied"), (b, "unsatisfied"), (c, "basic")):
        case_transition(actor=citizen, case_id=case.pk, transition="close")
        case_rate(actor=citizen, case_id=case.pk, score=score)
    return {"cases": [a, b, c, d]}


def test_statistics_per_lawyer_are_exact(answered, duty):
    events = {e.case_id: e for e in CaseEvent.objects.filter(action="answer").order_by("id")}
    liu_first = CaseEvent.objects.filter(action="answer", case=answered["cases"][0]).order_by("id").first()
    for event, grade in (
        (liu_first, "A"),
        (events[answered["cases"][1].pk], "C"),
        (events[answered["cases"][2].pk], "B"),
    ):
        sample = ReviewSample.objects.create(
            case=event.case,
            answer_event=event,
            lawyer_id=event.actor_id,
            division_id="370102",
            drawn_by=duty["expert"],
            draw_seed="t",
        )
        services.review_grade(actor=duty["expert"], sample_id=sample.pk, grade=grade, comment="点评")

    stats = selectors.lawyer_stats(user=duty["expert"], since=date(2026, 3, 1), until=date(2026, 3, 31))

    liu, chen = stats
    assert (liu.name, liu.answered, liu.median_hours, liu.within_sla, liu.within_sla_rate) == (
        "刘律师",
        3,
        Decimal("4.00"),
        2,
        Decimal("0.6667"),
    )
    assert (liu.graded, liu.average_grade, liu.rated, liu.satisfied, liu.satisfaction_rate) == (
        2,
        Decimal("3.00"),
        2,
        1,
        Decimal("0.5000"),
    )
    assert (chen.name, chen.answered, chen.median_hours, chen.within_sla_rate, chen.average_grade) == (
        "陈律师",
        2,
        Decimal("5.50"),
        Decimal("1.0000"),
        Decimal("3.00"),
    )
    assert (chen.rated, chen.satisfaction_rate) == (1, Decimal("1.0000"))
    assert selectors.lawyer_stats(user=duty["far_expert"], since=date(2026, 3, 1), until=date(2026, 3, 31)) == []
    assert selectors.lawyer_stats(user=duty["expert"], since=date(2026, 4, 1), until=date(2026, 4, 30)) == []


def test_expert_sampling_draws_the_configured_share_and_grades_once(answered, duty):
    services.review_policy_set(actor=duty["expert"], rate="0.4")
    samples = services.review_draw(actor=duty["expert"], since=date(2026, 3, 1), until=date(2026, 3, 31), seed="s1")

    assert len(samples) == 2  # ceil(0.4 x 5)
    again = services.review_draw(actor=duty["expert"], since=date(2026, 3, 1), until=date(2026, 3, 31), seed="s1")
    assert len(again) == 2  # ceil(0.4 x the 3 not yet drawn)
    assert len({s.answer_event_id for s in samples + again}) == 4
    assert AuditEntry.objects.filter(action="consultation.review_draw", actor_id=duty["expert"].pk).count() == 2
    assert {s.draw_seed for s in samples + again} == {"s1"}

    graded = services.review_grade(
        actor=duty["expert"], sample_id=samples[0].pk, grade="B", comment="依据准确，可更具体。"
    )
    assert (graded.grade, graded.reviewer_id) == ("B", duty["expert"].pk)
    refusals = [
        (duty["expert"], samples[0].pk, "A", ErrorCode.CONFLICT),
        (duty["far_expert"], samples[1].pk, "A", ErrorCode.NOT_FOUND),
        (duty["clerk"], samples[1].pk, "A", ErrorCode.FORBIDDEN),
        (duty["expert"], samples[1].pk, "E", ErrorCode.INVALID_INPUT),
    ]
    for actor, sample_id, grade, code in refusals:
        with pytest.raises(SifaError) as refused:
            services.review_grade(actor=actor, sample_id=sample_id, grade=grade, comment="x")
        assert refused.value.code == code
    assert list(ReviewSample.objects.exclude(grade="").values_list("grade", flat=True)) == ["B"]


def test_stats_page_export_and_api(answered, duty):
    client = login_verified(Client(), duty["expert"])
    page = client.get("/consultation/stats/?since=2026-03-01&until=2026-03-31")
    assert page.status_code == 200
    assert "刘律师" in page.content.decode()
    export = client.get("/consultation/stats/export.xlsx?since=2026-03-01&until=2026-03-31")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    import io

    sheet = load_workbook(io.BytesIO(export.content)).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[1][:6] == ["刘律师", "泉城律师事务所", 3, 4.0, 2, "66.67%"]
    api = client.get("/api/v1/consultation/stats?since=2026-03-01&until=2026-03-31").json()
    assert [(r["name"], r["answered"], r["within_sla_rate"]) for r in api] == [
        ("刘律师", 3, "0.6667"),
        ("陈律师", 2, "1.0000"),
    ]
    lawyer = login_verified(Client(), duty["lawyers"][0])
    assert lawyer.get("/consultation/stats/").status_code == 403
    assert lawyer.get("/api/v1/consultation/stats?since=2026-03-01&until=2026-03-31").status_code == 403
    assert Client().get("/api/v1/consultation/stats").status_code == 401


def test_the_dispatch_task_and_command_hand_waiting_questions_to_the_lawyer_on_duty(world, citizen, duty, clock):
    from django.core.management import call_command

    from sifa.consultation.tasks import dispatch_scan_task, ensure_dispatch_schedule

    clock(datetime(2026, 3, 2, 9, 0, tzinfo=SH))
    first = ask(citizen, "一")
    dispatch_scan_task.enqueue()  # nobody on duty yet: nothing moves
    assert Case.objects.get(pk=first.pk).stage == "assigning"
    shift(duty, duty["lawyers"][1], datetime(2026, 3, 2, 8, 0, tzinfo=SH))
    result = dispatch_scan_task.enqueue()
    assert result.return_value == {"dispatched": 1}
    assert Case.objects.get(pk=first.pk).handler_id == duty["lawyers"][1].pk
    second = ask(citizen, "二")
    call_command("consultation_dispatch", verbosity=0)
    assert Case.objects.get(pk=second.pk).handler_id == duty["lawyers"][1].pk
    assert ensure_dispatch_schedule() is False  # the immediate test backend cannot defer a run


def test_roster_page_and_api(world, citizen, duty, clock):
    client = login_verified(Client(), duty["clerk"])
    response = client.post(
        "/api/v1/consultation/shifts",
        {
            "lawyer_id": duty["lawyers"][0].pk,
            "division_code": "370102",
            "starts_at": "2026-03-02T08:00:00+08:00",
            "ends_at": "2026-03-02T20:00:00+08:00",
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["lawyer_name"] == "刘律师"
    assert [s["lawyer_id"] for s in client.get("/api/v1/consultation/shifts").json()] == [duty["lawyers"][0].pk]
    far = login_verified(Client(), duty["far_clerk"])
    assert far.get("/api/v1/consultation/shifts").json() == []
    clock(datetime(2026, 3, 2, 9, 0, tzinfo=SH))
    question = ask(citizen)
    assert client.post("/api/v1/consultation/dispatch").json() == {"dispatched": [question.reference]}
    assert far.post("/api/v1/consultation/dispatch").json() == {"dispatched": []}
    page = client.get("/consultation/duty/")
    assert page.status_code == 200
    assert "刘律师" in page.content.decode()
    lawyer = login_verified(Client(), duty["lawyers"][0])
    assert lawyer.get("/consultation/duty/").status_code == 403
    assert lawyer.post("/api/v1/consultation/dispatch").status_code == 403


def test_review_page_shows_question_and_answer_and_grades(answered, duty):
    client = login_verified(Client(), duty["expert"])
    assert client.post("/consultation/reviews/rate/", {"rate": "1"}).status_code == 302
    assert client.post("/consultation/reviews/draw/", {"since": "2026-03-01", "until": "2026-03-31"}).status_code == 302
    samples = list(ReviewSample.objects.order_by("answer_event_id"))
    assert len(samples) == 5
    page = client.get("/consultation/reviews/").content.decode()
    assert "公司拖欠三个月工资" in page
    assert "答复甲" in page
    assert "再问" in page  # the follow-up the second answer replied to
    response = client.post(f"/consultation/reviews/{samples[0].pk}/grade/", {"grade": "A", "comment": "准确完整"})
    assert response.status_code == 302
    assert (
        client.post(f"/consultation/reviews/{samples[0].pk}/grade/", {"grade": "B", "comment": "x"}).status_code == 422
    )
    far = login_verified(Client(), duty["far_expert"])
    assert far.post(f"/consultation/reviews/{samples[1].pk}/grade/", {"grade": "A", "comment": "x"}).status_code == 404
    api = client.get("/api/v1/consultation/reviews").json()
    assert sorted(r["grade"] for r in api) == ["", "", "", "", "A"]
