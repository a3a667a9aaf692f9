"""E5 trained scorer: calibrated, validated against the rules, and never used before an officer approves."""

from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client

from conftest import login_verified
from sifa.accounts.choices import Role
from sifa.accounts.models import User
from sifa.audit.models import AuditEntry
from sifa.core.errors import ErrorCode, SifaError
from sifa.risk import disputes, training
from sifa.risk.choices import ModelStatus
from sifa.risk.models import Dispute, RiskModel

HISTORY = training.synthetic_history(400, seed=3)


@pytest.fixture
def history(world: dict) -> None:
    Dispute.objects.bulk_create(
        Dispute(
            division_id="370102001001",
            type=e.facts.type,
            reported_on=e.facts.reported_on,
            resolved_on=e.facts.resolved_on,
            description=e.facts.description,
            amount=e.facts.amount,
            parties_count=e.facts.parties_count,
            vulnerable_parties=e.facts.vulnerable_parties,
            repeat_reports=e.facts.repeat_reports,
            failed_mediations=e.facts.failed_mediations,
            outcome="criminal" if e.escalated else "resolved",
        )
        for e in HISTORY
    )


def test_fit_is_deterministic_and_reports_both_aucs() -> None:
    params, metrics = training.fit(HISTORY, seed=0)
    again, _ = training.fit(HISTORY, seed=0)
    assert params == again
    assert (metrics["n_train"], metrics["n_calibration"], metrics["n_validation"]) == (240, 80, 80)
    assert 0.5 < metrics["auc_model"] <= 1.0
    assert 0.5 < metrics["auc_rules"] <= 1.0
    assert params["features"] == list(training.dispute_scoring.FEATURES)


def test_model_contributions_add_up_to_its_logit() -> None:
    params, _ = training.fit(HISTORY, seed=0)
    facts = HISTORY[0].facts
    scored = training.dispute_scoring.model_score(params, facts, as_of=HISTORY[0].as_of)
    x = training.dispute_scoring.features(facts, as_of=HISTORY[0].as_of)
    z = [(v - m) / s for v, m, s in zip(x, params["mean"], params["scale"], strict=True)]
    raw = params["intercept"] + sum(c * v for c, v in zip(params["coef"], z, strict=True))
    import math

    a, b = params["platt"]
    assert scored.probability == round(1 / (1 + math.exp(-(a * raw + b))), 4)
    assert scored.score == round(100 * 1 / (1 + math.exp(-(a * raw + b))))


def test_too_little_history_is_refused(make_staff: Callable[..., User]) -> None:
    analyst = make_staff("370102", (Role.ANALYST,))
    with pytest.raises(SifaError) as caught:
        disputes.model_train(actor=analyst)
    assert caught.value.code == ErrorCode.INVALID_INPUT
    assert RiskModel.objects.count() == 0


def test_candidate_scores_nothing_until_a_supervisor_approves(history: None, make_staff: Callable[..., User]) -> None:
    analyst = make_staff("370102", (Role.ANALYST,))
    supervisor = make_staff("370102", (Role.SUPERVISOR,))
    reporter = make_staff("370102", (Role.BUREAU_STAFF,))
    data = disputes.DisputeData(
        division_code="370102001001",
        type="land",
        reported_on=date(2025, 1, 2),
        description="扬言要报复",
        failed_mediations=2,
    )
    model = disputes.model_train(actor=analyst)
    assert model.status == ModelStatus.CANDIDATE
    assert disputes.dispute_report(actor=reporter, data=data, as_of=date(2025, 2, 1)).explanation["scorer"] == "rules"
    with pytest.raises(SifaError) as caught:
        disputes.model_decide(actor=analyst, model_id=model.pk, approve=True, note="自己批准")
    assert caught.value.code == ErrorCode.FORBIDDEN
    disputes.model_decide(actor=supervisor, model_id=model.pk, approve=True, note="验证 AUC 可接受，同意试用")
    scored = disputes.dispute_report(actor=reporter, data=data, as_of=date(2025, 2, 1))
    assert scored.explanation["scorer"] == f"model:{model.pk}"
    assert scored.explanation["factors"][0]["key"] in training.dispute_scoring.FEATURES
    entry = AuditEntry.objects.get(action="risk.model_approve")
    assert (entry.actor_id, entry.target_id) == (supervisor.pk, str(model.pk))
    assert AuditEntry.objects.filter(action="risk.model_train", actor_id=analyst.pk).count() == 1
    with pytest.raises(SifaError) as caught:
        disputes.model_decide(actor=supervisor, model_id=model.pk, approve=False, note="再议")
    assert caught.value.code == ErrorCode.CONFLICT


def test_rejected_model_leaves_the_rules_and_other_county_cannot_decide(
    history: None, make_staff: Callable[..., User]
) -> None:
    supervisor = make_staff("370102", (Role.SUPERVISOR,))
    model = disputes.model_train(actor=supervisor)
    other = login_verified(Client(), make_staff("370103", (Role.SUPERVISOR,)))
    response = other.post(
        f"/risk/models/{model.pk}/decide/", {f"m{model.pk}-decision": "approve", f"m{model.pk}-note": "x"}
    )
    assert response.status_code == 404
    client = login_verified(Client(), supervisor)
    page = client.get("/risk/models/").content.decode()
    assert f"{model.metrics['auc_model']}" in page
    response = client.post(
        f"/risk/models/{model.pk}/decide/", {f"m{model.pk}-decision": "reject", f"m{model.pk}-note": "样本太少"}
    )
    assert response.status_code == 302
    model.refresh_from_db()
    assert (model.status, model.decision_note) == (ModelStatus.REJECTED, "样本太少")
    assert disputes.active_model("370102001001") is None
