"""E5 disputes: rule scores with their factors, red alerts with advice from the bureau's rules,
notices to township and county, the officer's response (audited, scoped)."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from conftest import login_verified
from sifa.accounts.choices import Role
from sifa.accounts.models import User
from sifa.audit.models import AuditEntry
from sifa.core.errors import ErrorCode, SifaError
from sifa.regions.choices import OrganisationKind
from sifa.regions.models import Organisation
from sifa.risk import dispute_scoring, disputes
from sifa.risk.choices import AlertStatus
from sifa.risk.models import AlertRule, Dispute, RiskAlert, RiskNotification

AS_OF = date(2025, 3, 1)
HIGH = disputes.DisputeData(
    division_code="370102001001",
    type="land",
    reported_on=date(2025, 1, 1),
    description="张某因宅基地边界与邻居多次争吵，扬言要同归于尽，村民十余人准备集体上访。",
    amount=Decimal("50000"),
    parties_count=12,
    failed_mediations=2,
)
LOW = disputes.DisputeData(
    division_code="370102001",
    type="contract",
    reported_on=date(2025, 2, 20),
    description="双方就货款支付时间有分歧，同意再协商。",
    amount=Decimal("3000"),
)


@pytest.fixture
def office(world: dict[str, Any]) -> Organisation:
    return Organisation.objects.create(
        name="解放路司法所", kind=OrganisationKind.JUDICIAL_OFFICE, division_id="370102001"
    )


@pytest.fixture
def county_staff(make_staff: Callable[..., User]) -> User:
    return make_staff("370102", (Role.BUREAU_STAFF,))


def test_rule_score_lists_every_factor() -> None:
    facts = dispute_scoring.DisputeFacts(
        **{
            k: getattr(HIGH, k)
            for k in ("type", "description", "amount", "parties_count", "failed_mediations", "reported_on")
        }
    )
    scored = dispute_scoring.rule_score(facts, as_of=AS_OF)
    assert [(f.key, f.value, f.points) for f in scored.factors] == [
        ("type", "土地山林纠纷", 12),
        ("amount", 50000.0, 5),
        ("parties", 12, 18),
        ("failed", 2, 14),
        ("days", 59, 5),
        ("threat", "同归于尽", 25),
        ("gathering", "集体上访", 20),
    ]
    assert (scored.score, scored.level) == (99, "red")
    assert dispute_scoring.alert_kinds(facts, scored) == ["criminal", "collective"]


def test_traditional_description_gives_the_same_signals() -> None:
    assert dispute_scoring.signals("他揚言要同歸於盡，還說要跳樓") == {"threat": ["同归于尽"], "self_harm": ["跳楼"]}
    assert dispute_scoring.signals("双方同意再协商") == {}


def test_high_risk_dispute_raises_red_alerts_and_notifies_township_and_county(
    county_staff: User, office: Organisation, world: dict[str, Any]
) -> None:
    dispute = disputes.dispute_report(actor=county_staff, data=HIGH, as_of=AS_OF)
    assert (dispute.score, dispute.level) == (99, "red")
    assert dispute.explanation["scorer"] == "rules"
    alerts = list(RiskAlert.objects.filter(dispute=dispute).order_by("kind"))
    assert [(a.kind, a.status, a.division_id) for a in alerts] == [
        ("collective", "open", "370102001001"),
        ("criminal", "open", "370102001001"),
    ]
    assert alerts[1].advice == disputes.DEFAULT_ADVICE["criminal"]
    notified = sorted(RiskNotification.objects.values_list("alert__kind", "organisation_id"))
    county = world["bureaus"]["370102"].pk
    assert notified == sorted(
        [("collective", office.pk), ("collective", county), ("criminal", office.pk), ("criminal", county)]
    )
    assert AuditEntry.objects.filter(action="risk.alert_raise").count() == 2
    assert AuditEntry.objects.filter(action="risk.dispute_report", actor_id=county_staff.pk).count() == 1


def test_low_risk_dispute_raises_nothing(county_staff: User, office: Organisation) -> None:
    dispute = disputes.dispute_report(actor=county_staff, data=LOW, as_of=AS_OF)
    assert (dispute.score, dispute.level) == (5, "blue")
    assert RiskAlert.objects.count() == 0
    assert RiskNotification.objects.count() == 0


def test_advice_comes_from_the_most_specific_rule(
    make_staff: Callable[..., User], county_staff: User, office: Organisation
) -> None:
    city = make_staff("370100", (Role.BUREAU_STAFF,))
    disputes.alert_rule_save(actor=city, kind="criminal", dispute_type="", advice="市局通用：民转刑处置")
    disputes.alert_rule_save(actor=county_staff, kind="collective", dispute_type="", advice="区局：群体性通用")
    disputes.alert_rule_save(actor=county_staff, kind="collective", dispute_type="land", advice="区局：土地纠纷群体性")
    disputes.dispute_report(actor=county_staff, data=HIGH, as_of=AS_OF)
    advice = dict(RiskAlert.objects.values_list("kind", "advice"))
    assert advice == {"criminal": "市局通用：民转刑处置", "collective": "区局：土地纠纷群体性"}
    # edit: the same row changes, audited with before and after
    disputes.alert_rule_save(actor=county_staff, kind="collective", dispute_type="land", advice="区局：新建议")
    assert (
        AlertRule.objects.filter(division_id="370102", kind="collective", dispute_type="land").get().advice
        == "区局：新建议"
    )
    assert AuditEntry.objects.filter(action="risk.alert_rule_save").count() == 4


def test_report_refused_outside_scope_or_above_township(county_staff: User, make_staff: Callable[..., User]) -> None:
    with pytest.raises(SifaError) as caught:
        disputes.dispute_report(actor=county_staff, data=HIGH.__class__(**{**HIGH.__dict__, "division_code": "370102"}))
    assert caught.value.details == {"division_code": "level"}
    other = make_staff("370103", (Role.BUREAU_STAFF,))
    with pytest.raises(SifaError) as caught:
        disputes.dispute_report(actor=other, data=HIGH)
    assert caught.value.code == ErrorCode.INVALID_DIVISION
    analyst = make_staff("370102", (Role.ANALYST,))
    with pytest.raises(SifaError) as caught:
        disputes.dispute_report(actor=analyst, data=HIGH)
    assert caught.value.code == ErrorCode.FORBIDDEN
    assert Dispute.objects.count() == 0


def test_officer_responds_on_the_page_and_the_response_is_traced(
    county_staff: User, office: Organisation, world: dict[str, Any]
) -> None:
    dispute = disputes.dispute_report(actor=county_staff, data=HIGH, as_of=AS_OF)
    client = login_verified(Client(), county_staff)
    board = client.get("/risk/disputes/").content.decode()
    assert "可能民转刑" in board
    assert "本单位有 2 条未处置的红色预警通知" in board
    page = client.get(f"/risk/disputes/{dispute.pk}/").content.decode()
    assert "威胁、报复言语" in page
    assert "同归于尽" in page
    alert = RiskAlert.objects.get(dispute=dispute, kind="criminal")
    response = client.post(f"/risk/alerts/{alert.pk}/respond/", {f"a{alert.pk}-response": "已会同派出所上门稳控"})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert (alert.status, alert.response, alert.responded_by_id) == (
        AlertStatus.RESPONDED,
        "已会同派出所上门稳控",
        county_staff.pk,
    )
    entry = AuditEntry.objects.get(action="risk.alert_respond")
    assert (entry.actor_id, entry.target_id) == (county_staff.pk, str(alert.pk))
    assert (
        RiskNotification.objects.filter(alert=alert, organisation=world["bureaus"]["370102"], read_at=None).count() == 0
    )


def test_empty_response_changes_nothing(county_staff: User, office: Organisation) -> None:
    dispute = disputes.dispute_report(actor=county_staff, data=HIGH, as_of=AS_OF)
    alert = RiskAlert.objects.get(dispute=dispute, kind="criminal")
    client = login_verified(Client(), county_staff)
    response = client.post(f"/risk/alerts/{alert.pk}/respond/", {f"a{alert.pk}-response": " "})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN
    assert AuditEntry.objects.filter(action="risk.alert_respond").count() == 0


def test_scope_and_roles_of_the_board(
    county_staff: User, office: Organisation, make_staff: Callable[..., User]
) -> None:
    dispute = disputes.dispute_report(actor=county_staff, data=HIGH, as_of=AS_OF)
    alert = RiskAlert.objects.get(dispute=dispute, kind="criminal")
    other = login_verified(Client(), make_staff("370103", (Role.BUREAU_STAFF,)))
    assert "可能民转刑" not in other.get("/risk/disputes/").content.decode()
    assert other.get(f"/risk/disputes/{dispute.pk}/").status_code == 404
    assert other.post(f"/risk/alerts/{alert.pk}/respond/", {f"a{alert.pk}-response": "x"}).status_code == 404
    township = login_verified(Client(), make_staff("370102", (Role.BUREAU_STAFF,)))
    assert "可能民转刑" in township.get("/risk/disputes/").content.decode()
    analyst = login_verified(Client(), make_staff("370102", (Role.ANALYST,)))
    assert analyst.get(f"/risk/disputes/{dispute.pk}/").status_code == 200
    assert analyst.post(f"/risk/alerts/{alert.pk}/respond/", {f"a{alert.pk}-response": "x"}).status_code == 403
    assert Client().get("/risk/disputes/").status_code == 302
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN


def test_report_form_and_situation_table(county_staff: User, office: Organisation) -> None:
    client = login_verified(Client(), county_staff)
    form = {
        "division_code": "370102001001",
        "type": "labour",
        "reported_on": "2025-02-01",
        "description": "工地拖欠三十名工人工资，工人准备堵路讨说法",
        "amount": "600000",
        "parties_count": "30",
        "vulnerable_parties": "0",
        "repeat_reports": "1",
        "failed_mediations": "1",
    }
    response = client.post("/risk/disputes/new/", form)
    assert response.status_code == 302
    dispute = Dispute.objects.get()
    assert (dispute.score, dispute.level) == (disputes.score(dispute).score, dispute.level)
    assert list(RiskAlert.objects.values_list("kind", flat=True)) == ["collective"]
    page = client.get("/risk/disputes/?year=2025").content.decode()
    assert "situation-data" in page
    assert '<th scope="row">解放路街道</th><td>1</td><td>0</td><td>—</td>' in page


def test_seeded_planted_disputes_alert_exactly_and_clean_ones_never(county_staff: User, office: Organisation) -> None:
    from sifa.risk import training

    planted = training.planted_disputes(30, seed=8)
    for facts, _ in planted:
        data = disputes.DisputeData(
            division_code="370102001001",
            type=facts.type,
            reported_on=facts.reported_on or AS_OF,
            description=facts.description,
            amount=Decimal(str(facts.amount)) if facts.amount is not None else None,
            parties_count=facts.parties_count,
            vulnerable_parties=facts.vulnerable_parties,
            repeat_reports=facts.repeat_reports,
            failed_mediations=facts.failed_mediations,
        )
        disputes.dispute_report(actor=county_staff, data=data, as_of=date(2025, 3, 5))
    raised = sorted(RiskAlert.objects.values_list("dispute__description", "kind"))
    expected = sorted((f.description, kind) for f, kinds in planted for kind in kinds)
    assert raised == expected
    assert len(raised) == 3
    assert Dispute.objects.filter(level="red").count() == 3


def test_daily_rescore_raises_the_alert_when_time_unresolved_makes_it_red(
    county_staff: User, office: Organisation
) -> None:
    data = disputes.DisputeData(
        division_code="370102001001",
        type="neighbour",
        reported_on=date(2025, 1, 1),
        description="一方扬言要报复",
        vulnerable_parties=2,
        repeat_reports=3,
        failed_mediations=1,
    )
    dispute = disputes.dispute_report(actor=county_staff, data=data, as_of=date(2025, 1, 10))
    assert (dispute.score, dispute.level) == (65, "orange")
    assert disputes.disputes_rescore_open(as_of=date(2025, 2, 5)) == 1  # 35 days unresolved: +5
    dispute.refresh_from_db()
    assert (dispute.score, dispute.level) == (70, "red")
    assert list(RiskAlert.objects.values_list("kind", flat=True)) == ["criminal"]
    assert disputes.disputes_rescore_open(as_of=date(2025, 2, 6)) == 0
