"""行政复议 (C1): the definition, every stage with its statutory limits (working vs calendar days),
the amendment (register clock stops, then a fresh 5-day review), the guarded extension, and
wrong-role / wrong-region refusals."""

from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from conftest import login_verified
from sifa.accounts.choices import Role
from sifa.audit.models import AuditEntry
from sifa.cases.definitions import parse
from sifa.cases.models import Case, CaseDocument
from sifa.cases.services import case_submit, case_transition
from sifa.cases.tests.conftest import pdf_upload, valid_id
from sifa.core.errors import ErrorCode, SifaError
from sifa.reconsideration import selectors, services

SH = ZoneInfo("Asia/Shanghai")
DEFINITION = Path(services.__file__).parent / "definitions" / "reconsideration.toml"


def at(y, m, d, h=10):
    return datetime(y, m, d, h, 0, tzinfo=SH)


@pytest.fixture
def clock(monkeypatch):
    def set_to(moment: datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_to


@pytest.fixture
def office(world, make_staff):
    return {
        "clerk": make_staff("370102", (Role.BUREAU_STAFF,), username="fy_clerk"),
        "supervisor": make_staff("370102", (Role.SUPERVISOR,), username="fy_sup"),
        "far_clerk": make_staff("370103", (Role.BUREAU_STAFF,), username="fy_far"),
    }


def apply(citizen):
    return case_submit(
        actor=citizen,
        service_type="reconsideration",
        data={
            "applicant_name": "张三",
            "id_number": valid_id(),
            "phone": "13912345678",
            "division": "370102",
            "respondent": "济南市历下区市场监督管理局",
            "title": "不服历下区市场监督管理局行政处罚决定",
            "act_number": "历市监罚〔2026〕12号",
            "act_date": "2026-02-10",
            "known_on": "2026-02-11",
            "request": "撤销该行政处罚决定",
            "facts_reasons": "认定事实不清，程序违法。",
        },
        files={"evidence": pdf_upload("处罚决定书.pdf")},
    )


def as_citizen(user):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def limits(case):
    return {x.code: (x.due, x.done_on, x.state) for x in selectors.statutory_limits(Case.objects.get(pk=case.pk))}


def test_definition_loads_and_validates():
    spec = parse(DEFINITION.read_text(encoding="utf-8"))
    deadlines = {s.code: (s.deadline.days, s.deadline.calendar) for s in spec.stages if s.deadline}
    assert deadlines == {
        "register": (5, "working"),
        "amend": (10, "working"),
        "serve_copy": (7, "working"),
        "reply": (10, "working"),
        "serve_copy_simple": (3, "working"),
        "reply_simple": (5, "working"),
        "litigation": (15, "calendar"),
    }
    assert spec.stage("amend").waiting_for_applicant
    assert not spec.stage("register").deadline.pausable
    assert spec.transition("amend").scope == "applicant"


def test_every_stage_with_its_statutory_limits(world, citizen, office, clock):
    clerk = office["clerk"]
    clock(at(2026, 3, 2, 9))  # Monday
    case = apply(citizen)
    assert case.deadline_at == datetime(2026, 3, 10, 0, 0, tzinfo=SH)  # 5 working days: end of Mon 9 March

    clock(at(2026, 3, 4))
    case = case_transition(actor=clerk, case_id=case.pk, transition="request_amendment", data={"missing": "身份证明"})
    assert (case.stage, case.clock_stage, case.deadline_at) == ("amend", "amend", datetime(2026, 3, 19, tzinfo=SH))
    clock(at(2026, 3, 9))
    case = case_transition(actor=citizen, case_id=case.pk, transition="amend", data={"amendment": "已补充"})
    # 第三十一条第三款: on receipt of the amendment the 5-working-day review runs again from 9 March.
    assert (case.stage, case.deadline_at) == ("register", datetime(2026, 3, 17, tzinfo=SH))
    assert limits(case)["register"] == (date(2026, 3, 16), None, "open")

    clock(at(2026, 3, 10))
    case = case_transition(
        actor=clerk, case_id=case.pk, transition="accept", data={"opinion": "符合受理条件，予以受理。"}
    )
    assert (case.stage, case.deadline_at) == ("serve_copy", datetime(2026, 3, 20, tzinfo=SH))  # 7 working days
    assert limits(case)["decision"] == (date(2026, 5, 9), None, "open")  # 60 days; 9 May is a 调休 working day
    clock(at(2026, 3, 12))
    case = case_transition(actor=clerk, case_id=case.pk, transition="serve_copy", data={"served_on": "2026-03-13"})
    assert case.deadline_at == datetime(2026, 3, 27, tzinfo=SH)
    assert limits(case)["reply"] == (date(2026, 3, 27), None, "open")  # 10 working days from receipt (13 March)
    clock(at(2026, 3, 20))
    case = case_transition(
        actor=clerk,
        case_id=case.pk,
        transition="record_reply",
        data={"reply_received_on": "2026-03-20", "hearing_mode": "听证"},
        files={"reply_document": pdf_upload("答复书.pdf")},
    )
    assert (case.stage, case.deadline_at) == ("hearing", None)

    clock(at(2026, 4, 20))
    case = services.reconsideration_extend(actor=clerk, case_id=case.pk, days=15, approver="王主任", reason="案情复杂")
    assert limits(case)["decision"] == (date(2026, 5, 25), None, "open")  # 75 days = Sun 24 May -> Mon 25 May
    with pytest.raises(SifaError) as twice:
        services.reconsideration_extend(actor=clerk, case_id=case.pk, days=10, approver="王主任", reason="再延")
    assert twice.value.code == ErrorCode.CONFLICT

    clock(at(2026, 5, 15))
    case = case_transition(actor=clerk, case_id=case.pk, transition="conclude_hearing", data={"summary": "已听证"})
    clock(at(2026, 5, 20))
    case = case_transition(
        actor=clerk,
        case_id=case.pk,
        transition="decide",
        data={"decision_type": "撤销", "decision_text": "撤销被申请人作出的行政处罚决定。"},
    )
    assert case.stage == "decided"
    assert limits(case)["decision"] == (date(2026, 5, 25), date(2026, 5, 20), "met")
    clock(at(2026, 5, 28))
    case = case_transition(
        actor=clerk,
        case_id=case.pk,
        transition="sued",
        data={"court": "济南市历下区人民法院", "complaint_received_on": "2026-05-28"},
    )
    assert case.deadline_at == datetime(2026, 6, 13, tzinfo=SH)  # 15 calendar days
    clock(at(2026, 6, 5))
    case = case_transition(
        actor=clerk, case_id=case.pk, transition="file_defence", files={"defence": pdf_upload("答辩状.pdf")}
    )
    clock(at(2026, 8, 1))
    case = case_transition(
        actor=clerk, case_id=case.pk, transition="court_result", data={"court_outcome": "驳回诉讼请求"}
    )
    assert (case.stage, case.status) == ("archived", "closed")
    assert limits(case) == {
        "register": (date(2026, 3, 16), date(2026, 3, 10), "met"),
        "serve_copy": (date(2026, 3, 19), date(2026, 3, 12), "met"),
        "reply": (date(2026, 3, 27), date(2026, 3, 20), "met"),
        "decision": (date(2026, 5, 25), date(2026, 5, 20), "met"),
        "defence": (date(2026, 6, 12), date(2026, 6, 5), "met"),
    }
    titles = list(CaseDocument.objects.filter(case=case).values_list("title", flat=True))
    assert titles == ["行政复议申请补正通知书", "行政复议受理通知书", "行政复议延期审理通知书", "行政复议决定书"]
    assert AuditEntry.objects.filter(action="reconsideration.extend").count() == 1

    timeline = as_citizen(citizen).get(f"/api/v1/cases/{case.pk}/timeline")
    assert timeline.status_code == 200
    assert [e["action"] for e in timeline.json()][:3] == ["submit", "request_amendment", "amend"]


def test_wrong_role_and_region_are_refused_and_change_nothing(world, citizen, other_citizen, office, clock):
    clock(at(2026, 3, 2, 9))
    case = apply(citizen)
    far = login_verified(Client(), office["far_clerk"])
    supervisor = login_verified(Client(), office["supervisor"])
    body = {"data": {"opinion": "受理"}}
    assert (
        far.post(f"/api/v1/cases/{case.pk}/transitions/accept", body, content_type="application/json").status_code
        == 404
    )
    assert (
        supervisor.post(
            f"/api/v1/cases/{case.pk}/transitions/accept", body, content_type="application/json"
        ).status_code
        == 403
    )
    with pytest.raises(SifaError) as not_applicant:
        case_transition(actor=other_citizen, case_id=case.pk, transition="withdraw", data={"reason": "x"})
    assert not_applicant.value.code == ErrorCode.NOT_FOUND
    assert far.get(f"/api/v1/reconsideration/{case.pk}/limits").status_code == 404
    assert as_citizen(other_citizen).get(f"/api/v1/reconsideration/{case.pk}/limits").status_code == 404
    mine = as_citizen(citizen).get(f"/api/v1/reconsideration/{case.pk}/limits")
    assert mine.json() == [
        {
            "code": "register",
            "name": "受理审查（五个工作日）",
            "basis": "行政复议法第三十条、第三十一条、第八十八条",
            "start": "2026-03-02",
            "due": "2026-03-09",
            "done_on": None,
            "state": "open",
        }
    ]
    with pytest.raises(SifaError) as far_extend:
        services.reconsideration_extend(actor=office["far_clerk"], case_id=case.pk, days=10, approver="x", reason="y")
    assert far_extend.value.code == ErrorCode.NOT_FOUND
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.stage, fresh.version) == ("register", 1)
    page = login_verified(Client(), office["clerk"]).get("/reconsideration/")
    assert page.status_code == 200
    assert case.reference in page.content.decode()
    assert far.get("/reconsideration/").content.decode().count(case.reference) == 0


def test_simplified_procedure_has_shorter_limits_and_no_extension_until_converted(world, citizen, office, clock):
    clerk = office["clerk"]
    clock(at(2026, 3, 2, 9))
    case = apply(citizen)
    clock(at(2026, 3, 3))
    case = case_transition(
        actor=clerk,
        case_id=case.pk,
        transition="accept_simple",
        data={"opinion": "予以受理，适用简易程序。", "simple_ground": "涉及款额三千元以下"},
    )
    assert (case.stage, case.deadline_at) == ("serve_copy_simple", datetime(2026, 3, 7, tzinfo=SH))  # 3 working days
    clock(at(2026, 3, 4))
    case = case_transition(
        actor=clerk, case_id=case.pk, transition="serve_copy_simple", data={"served_on": "2026-03-04"}
    )
    assert (case.stage, case.deadline_at) == ("reply_simple", datetime(2026, 3, 12, tzinfo=SH))  # 5 working days
    clock(at(2026, 3, 12))
    case = case_transition(actor=clerk, case_id=case.pk, transition="no_reply", data={"hearing_mode": "书面审理"})
    assert limits(case) == {
        "register": (date(2026, 3, 9), date(2026, 3, 3), "met"),
        "serve_copy": (date(2026, 3, 6), date(2026, 3, 4), "met"),
        "reply": (date(2026, 3, 11), None, "missed"),
        "decision": (date(2026, 4, 2), None, "open"),  # 30 calendar days from 3 March
    }
    with pytest.raises(SifaError) as simple:
        services.reconsideration_extend(actor=clerk, case_id=case.pk, days=10, approver="王主任", reason="复杂")
    assert simple.value.code == ErrorCode.CONFLICT
    case = case_transition(
        actor=clerk,
        case_id=case.pk,
        transition="convert_to_ordinary",
        data={"approver": "王主任", "reason": "争议较大"},
    )
    # 60 days from 3 March end on Sat 2 May, inside 劳动节 (1-5 May): the period ends on Wed 6 May.
    assert limits(case)["decision"] == (date(2026, 5, 6), None, "open")


def test_extend_api_checks_role_region_and_limit(world, citizen, office, clock):
    clerk = office["clerk"]
    clock(at(2026, 3, 2, 9))
    case = apply(citizen)
    case = case_transition(actor=clerk, case_id=case.pk, transition="accept", data={"opinion": "受理"})
    case = case_transition(actor=clerk, case_id=case.pk, transition="serve_copy", data={"served_on": "2026-03-03"})
    case = case_transition(actor=clerk, case_id=case.pk, transition="no_reply", data={"hearing_mode": "听证"})
    body = {"days": 30, "approver": "王主任", "reason": "案情复杂"}
    supervisor = login_verified(Client(), office["supervisor"])
    far = login_verified(Client(), office["far_clerk"])
    mine = login_verified(Client(), clerk)
    path = f"/api/v1/reconsideration/{case.pk}/extend"
    assert supervisor.post(path, body, content_type="application/json").status_code == 403
    assert far.post(path, body, content_type="application/json").status_code == 404
    assert mine.post(path, {**body, "days": 31}, content_type="application/json").status_code == 422
    assert Case.objects.get(pk=case.pk).version == case.version  # nothing changed
    done = mine.post(path, body, content_type="application/json")
    assert done.status_code == 200
    assert next(x for x in done.json() if x["code"] == "decision")["due"] == "2026-06-01"  # 90 days: Sun 31 May -> Mon
    again = mine.post(path, {**body, "days": 10}, content_type="application/json")
    assert (again.status_code, again.json()["code"]) == (409, "conflict")


def test_no_extension_after_the_decision_period_has_ended(world, citizen, office, clock):
    clerk = office["clerk"]
    clock(at(2026, 3, 10))
    case = apply(citizen)
    case = case_transition(actor=clerk, case_id=case.pk, transition="accept", data={"opinion": "受理"})
    case = case_transition(actor=clerk, case_id=case.pk, transition="serve_copy", data={"served_on": "2026-03-10"})
    case = case_transition(actor=clerk, case_id=case.pk, transition="no_reply", data={"hearing_mode": "听证"})
    assert limits(case)["decision"] == (date(2026, 5, 9), None, "open")
    clock(at(2026, 5, 10))
    assert limits(case)["decision"] == (date(2026, 5, 9), None, "overdue")
    with pytest.raises(SifaError) as late:
        services.reconsideration_extend(actor=clerk, case_id=case.pk, days=30, approver="王主任", reason="复杂")
    assert (late.value.code, late.value.details) == (ErrorCode.CONFLICT, {"due": "2026-05-09"})
    assert Case.objects.get(pk=case.pk).version == case.version
