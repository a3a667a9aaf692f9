"""Submit, answer, legal-aid application, forward and feedback (A2), through the services."""

from datetime import date
from decimal import Decimal

import pytest

from sifa.accounts.choices import Role
from sifa.audit.models import AuditEntry
from sifa.cases.models import Case, FollowUp, Referral, ReferralStatus
from sifa.cases.services import case_rate
from sifa.cases.tests.conftest import valid_id
from sifa.core.errors import ErrorCode, SifaError
from sifa.wage_arrears import rules, selectors, services
from sifa.wage_arrears.models import WageRequest
from sifa.wage_arrears.tests.conftest import form_data

pytestmark = pytest.mark.django_db


def test_credit_code_check_character():
    assert rules.credit_code_valid("91350100M000100Y43")
    assert not rules.credit_code_valid("91350100M000100Y44")
    assert not rules.credit_code_valid("91350100M000100Y4")
    assert not rules.credit_code_valid("91350100M000100I43")  # I is not in the alphabet


def test_submit_keeps_figures_and_answers_with_routes(worker):
    wage = services.request_submit(actor=worker, data=form_data(), idempotency_key="k1")
    assert wage.case.service_code == "wage_arrears"
    assert wage.case.stage == "accepting"
    assert wage.case.applicant == worker
    assert wage.amount_owed == Decimal("12000.50")
    assert wage.period_end == date(2026, 6, 30)
    assert wage.workers_affected == 5
    assert wage.case.data["id_number"].count("*") > 0  # masked copy; the number is encrypted
    routes, _limit = selectors.answer(wage, today=date(2026, 11, 25))
    by_code = {r.code: r for r in routes}
    assert set(by_code) == {"complaint", "arbitration", "legal_aid", "payment_order"}
    assert by_code["legal_aid"].where == "历下区法律援助中心"
    assert by_code["legal_aid"].phone == "0531-86012348"
    assert by_code["payment_order"].open  # contract + records make the debt clear
    assert AuditEntry.objects.filter(action="wage_arrears.request_submit").count() == 1
    # same key, same body: the same request
    assert services.request_submit(actor=worker, data=form_data(), idempotency_key="k1").pk == wage.pk


def test_traditional_chinese_input_is_simplified(worker):
    wage = services.request_submit(actor=worker, data=form_data(employer_name="濟南某建築勞務有限公司"))
    assert wage.employer_name == "济南某建筑劳务有限公司"


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"amount_owed": "0"}, "amount_owed"),
        ({"amount_owed": "12.345"}, "amount_owed"),
        ({"amount_owed": "-5"}, "amount_owed"),
        ({"period_start": "2026-07", "period_end": "2026-06"}, "period_end"),
        ({"period_end": "2099-01"}, "period_end"),
        ({"employer_credit_code": "91350100M000100Y44"}, "employer_credit_code"),
        ({"division": "370100"}, "division"),  # a city, not a county
        ({"division": "379999"}, "division"),
        ({"workers_affected": "0"}, "workers_affected"),
        ({"has_contract": "也许"}, "has_contract"),
    ],
)
def test_invalid_input_is_refused_and_nothing_is_written(worker, override, field):
    with pytest.raises(SifaError) as caught:
        services.request_submit(actor=worker, data=form_data(**override))
    assert caught.value.code == ErrorCode.INVALID_INPUT
    assert field in caught.value.details
    assert Case.objects.count() == 0
    assert WageRequest.objects.count() == 0


def test_engine_checks_id_number(worker):
    with pytest.raises(SifaError) as caught:
        services.request_submit(actor=worker, data=form_data(id_number="370102197002156130"))
    assert "id_number" in caught.value.details
    assert WageRequest.objects.count() == 0


def test_limitation_warns_when_near_and_over():
    facts = rules.Facts("370000", Decimal(1), date(2025, 12, 31), True, True, False, False)
    assert rules.limitation(facts, date(2026, 6, 1)).state == "ok"
    assert rules.limitation(facts, date(2026, 12, 1)).state == "near"
    assert rules.limitation(facts, date(2027, 1, 1)).state == "over"
    running = rules.Facts("370000", Decimal(1), date(2025, 12, 31), True, True, False, True)
    assert rules.limitation(running, date(2030, 1, 1)).state == "running"


def test_payment_order_needs_a_clear_debt():
    vague = rules.Facts("370000", Decimal(1), date(2026, 1, 31), False, True, False, False)
    assert not rules.payment_order_open(vague)
    assert rules.payment_order_open(rules.Facts("370000", Decimal(1), date(2026, 1, 31), False, False, True, False))


def test_legal_aid_application_is_prefilled_after_the_declaration(worker):
    wage = services.request_submit(actor=worker, data=form_data())
    with pytest.raises(SifaError):
        services.legal_aid_open(actor=worker, request_id=wage.pk, declaration=False)
    assert Case.objects.filter(service_code="legal_aid").count() == 0
    legal = services.legal_aid_open(actor=worker, request_id=wage.pk, declaration=True)
    assert legal.service_code == "legal_aid"
    assert legal.stage == "review"
    assert legal.applicant == worker
    assert legal.data["matter_type"] == "劳动争议"
    assert legal.data["hardship"] == "法定无须审查经济状况"
    assert "12000.50" in legal.data["facts"]
    assert legal.organisation.name == "历下区法律援助中心"
    assert legal.data["id_number"] == wage.case.data["id_number"]  # same masked number, encrypted behind
    # once only
    assert services.legal_aid_open(actor=worker, request_id=wage.pk, declaration=True).pk == legal.pk


def test_someone_else_cannot_open_legal_aid(worker, other_citizen):
    wage = services.request_submit(actor=worker, data=form_data())
    with pytest.raises(SifaError) as caught:
        services.legal_aid_open(actor=other_citizen, request_id=wage.pk, declaration=True)
    assert caught.value.code == ErrorCode.NOT_FOUND


def test_forward_and_feedback_move_the_case_and_the_referral(worker, make_staff):
    clerk = make_staff("370102", (Role.BUREAU_STAFF,))
    wage = services.request_submit(actor=worker, data=form_data())
    services.legal_aid_open(actor=worker, request_id=wage.pk, declaration=True)
    wage = services.request_forward(actor=clerk, request_id=wage.pk, opinion="已核实")
    wage.case.refresh_from_db()
    assert wage.case.stage == "forwarded"
    assert wage.referral.kind == "labour_inspection"
    assert wage.referral.authority == "山东省济南市历下区人力资源和社会保障局劳动保障监察机构"
    assert wage.referral.status == ReferralStatus.SENT
    assert Referral.objects.filter(case=wage.case, kind="legal_aid", target_case=wage.legal_aid_case).exists()
    with pytest.raises(SifaError) as caught:
        services.request_forward(actor=clerk, request_id=wage.pk, opinion="再转")
    assert caught.value.code == ErrorCode.CONFLICT

    services.request_feedback(actor=clerk, request_id=wage.pk, status="received", note="已接收")
    services.request_feedback(actor=clerk, request_id=wage.pk, status="accepted", note="已立案")
    wage.case.refresh_from_db()
    assert wage.case.stage == "tracking"
    services.request_feedback(
        actor=clerk, request_id=wage.pk, status="done", note="已发放", outcome="已追回部分欠薪", amount_recovered="8000"
    )
    wage.case.refresh_from_db()
    wage.referral.refresh_from_db()
    assert wage.case.stage == "closed"
    assert wage.referral.status == ReferralStatus.DONE
    assert [u.status for u in wage.referral.updates.all()] == ["sent", "received", "accepted", "done"]
    # satisfaction and follow-up are the engine's
    case_rate(actor=worker, case_id=wage.case.pk, score="unsatisfied", comment="太慢")
    assert FollowUp.objects.filter(case=wage.case).count() == 1
    _rows, total = selectors.stats(user=clerk, since=date(2020, 1, 1), until=date(2030, 1, 1))
    assert total.amount_recovered == Decimal("8000.00")
    assert total.closed == 1


def test_feedback_refused_before_forwarding_and_for_other_regions(worker, make_staff):
    clerk = make_staff("370102", (Role.BUREAU_STAFF,))
    stranger = make_staff("522701", (Role.BUREAU_STAFF,))
    wage = services.request_submit(actor=worker, data=form_data())
    with pytest.raises(SifaError) as caught:
        services.request_feedback(actor=clerk, request_id=wage.pk, status="received", note="x")
    assert caught.value.code == ErrorCode.CONFLICT
    with pytest.raises(SifaError) as caught:
        services.request_forward(actor=stranger, request_id=wage.pk, opinion="x")
    assert caught.value.code == ErrorCode.NOT_FOUND
    wage.case.refresh_from_db()
    assert wage.case.stage == "accepting"
    assert Referral.objects.count() == 0


def test_stats_count_requests_persons_amounts_by_county(worker, other_citizen, make_staff):
    services.request_submit(actor=worker, data=form_data(amount_owed="100"))
    services.request_submit(actor=worker, data=form_data(amount_owed="200", workers_affected="2"))
    other = form_data(amount_owed="50", division="370103", id_number=valid_id("37010319851130417"), phone="13805310004")
    services.request_submit(actor=other_citizen, data=other)
    city = make_staff("370100", (Role.BUREAU_STAFF,))
    county = make_staff("370102", (Role.BUREAU_STAFF,))
    guizhou = make_staff("522701", (Role.BUREAU_STAFF,))
    rows, total = selectors.stats(user=city, since=date(2020, 1, 1), until=date(2030, 1, 1))
    assert [(r.division_code, r.requests, r.persons, r.workers_affected, r.amount_owed) for r in rows] == [
        ("370102", 2, 1, 7, Decimal("300.00")),
        ("370103", 1, 1, 5, Decimal("50.00")),
    ]
    assert (total.requests, total.persons, total.amount_owed) == (3, 2, Decimal("350.00"))
    rows, total = selectors.stats(user=county, since=date(2020, 1, 1), until=date(2030, 1, 1))
    assert [r.division_code for r in rows] == ["370102"]
    assert selectors.stats(user=guizhou, since=date(2020, 1, 1), until=date(2030, 1, 1))[1].requests == 0
