"""Training the dispute scorer on the bureau's own history (E5), and the synthetic history used by
tests and the benchmark.

The model is a logistic regression on standardised features (`dispute_scoring.FEATURES`), fitted
on 60 % of the closed disputes, Platt-calibrated on 20 % and validated on the last 20 % (a
stratified, seeded split). It is stored as plain numbers (JSON), never pickled; its per-feature
contributions (coefficient x standardised value) explain each score. The metrics compare it with
the rules on the same validation disputes.
"""

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sifa.risk import dispute_scoring
from sifa.risk.dispute_scoring import DisputeFacts

MIN_HISTORY = 200


@dataclass(frozen=True)
class Example:
    facts: DisputeFacts
    as_of: date
    escalated: bool


def fit(examples: list[Example], *, seed: int = 0) -> tuple[dict[str, Any], dict[str, Any]]:
    """(params, metrics). Raises ValueError when the history is too small or one-sided."""
    labels = np.array([1 if e.escalated else 0 for e in examples])
    if len(examples) < MIN_HISTORY or labels.sum() < 10 or (len(labels) - labels.sum()) < 10:
        raise ValueError("history too small: need 200 closed disputes with at least 10 of each outcome")
    found = [dispute_scoring.signals(e.facts.description) for e in examples]
    x = np.array(
        [dispute_scoring.features(e.facts, as_of=e.as_of, found=f) for e, f in zip(examples, found, strict=True)]
    )
    rules = np.array(
        [dispute_scoring.rule_score(e.facts, as_of=e.as_of).score for e in examples],
        dtype=float,
    )
    index = np.arange(len(examples))
    train, rest = train_test_split(index, test_size=0.4, random_state=seed, stratify=labels)
    calib, valid = train_test_split(rest, test_size=0.5, random_state=seed, stratify=labels[rest])
    scaler = StandardScaler().fit(x[train])
    scale = np.where(scaler.scale_ > 0, scaler.scale_, 1.0)
    z = (x - scaler.mean_) / scale
    model = LogisticRegression(C=1.0, max_iter=2000).fit(z[train], labels[train])
    raw = z @ model.coef_[0] + model.intercept_[0]
    platt = LogisticRegression(C=1e6, max_iter=2000).fit(raw[calib].reshape(-1, 1), labels[calib])
    a, b = float(platt.coef_[0][0]), float(platt.intercept_[0])
    probability = 1.0 / (1.0 + np.exp(-(a * raw + b)))
    params = {
        "features": list(dispute_scoring.FEATURES),
        "mean": [float(v) for v in scaler.mean_],
        "scale": [float(v) for v in scale],
        "coef": [float(v) for v in model.coef_[0]],
        "intercept": float(model.intercept_[0]),
        "platt": [a, b],
    }
    metrics = {
        "n_train": len(train),
        "n_calibration": len(calib),
        "n_validation": len(valid),
        "escalated_share": round(float(labels.mean()), 4),
        "auc_model": round(float(roc_auc_score(labels[valid], probability[valid])), 4),
        "auc_rules": round(float(roc_auc_score(labels[valid], rules[valid])), 4),
        "brier_model": round(float(brier_score_loss(labels[valid], probability[valid])), 4),
        "top_features": [
            {"feature": name, "coef": round(float(c), 3)}
            for name, c in sorted(zip(dispute_scoring.FEATURES, model.coef_[0], strict=True), key=lambda t: -abs(t[1]))[
                :8
            ]
        ],
    }
    return params, metrics


# ---- synthetic history (seeded) ----

NEUTRAL = (
    "双方就赔偿数额有分歧",
    "经村委会初步协调",
    "当事人情绪较稳定",
    "涉及宅基地边界",
    "因工程款结算产生矛盾",
    "邻里琐事引发口角",
)
PHRASES = {
    "threat": ("扬言要报复", "说要同归于尽", "扬言动刀", "威胁要放火"),
    "self_harm": ("称不想活了", "扬言要跳楼", "说要喝农药"),
    "gathering": ("准备集体上访", "组织人员堵路", "在村委会聚集", "扬言拉横幅"),
}


def synthetic_history(n: int, *, seed: int = 1, start: date = date(2021, 1, 1), span_days: int = 1400) -> list[Example]:
    """Closed disputes whose escalation depends on a hidden tension, partly visible through the factors."""
    rng = random.Random(seed)  # noqa: S311 (reproducible synthetic data)
    types = list(dispute_scoring.TYPE_POINTS)
    out = []
    for _ in range(n):
        kind = rng.choice(types)
        tension = rng.gauss(0, 1) + (0.6 if kind in ("land", "demolition", "labour") else 0.0)
        parties = 2 if rng.random() < 0.8 else rng.choice((5, 8, 12, 20, 40, 80))
        failed = max(0, int(rng.gauss(0.6 + 0.6 * tension, 1)))
        repeats = max(0, int(rng.gauss(0.4 + 0.5 * tension, 1)))
        vulnerable = 1 if rng.random() < 0.2 else 0
        amount = round(math.exp(rng.gauss(9 + 0.4 * tension, 1.5)), 2)
        words = [rng.choice(NEUTRAL)]
        for phrases in PHRASES.values():
            if rng.random() < 1 / (1 + math.exp(-(tension * 1.3 - 2.2))):
                words.append(rng.choice(phrases))
        reported = start + timedelta(days=rng.randrange(span_days))
        days = max(1, int(rng.expovariate(1 / (20 + 15 * max(tension, 0)))))
        logit = -3.2 + 1.1 * tension + 0.5 * math.log(parties / 2 + 1) + 0.3 * failed + 0.4 * vulnerable
        escalated = rng.random() < 1 / (1 + math.exp(-logit))
        facts = DisputeFacts(
            type=kind,
            description="，".join(words),
            amount=amount,
            parties_count=parties,
            vulnerable_parties=vulnerable,
            repeat_reports=repeats,
            failed_mediations=failed,
            reported_on=reported,
            resolved_on=reported + timedelta(days=days),
        )
        out.append(Example(facts=facts, as_of=reported + timedelta(days=days), escalated=escalated))
    return out


def planted_disputes(
    n_clean: int, *, seed: int = 5, reported_on: date = date(2025, 3, 1)
) -> list[tuple[DisputeFacts, set[str]]]:
    """Clean disputes (two parties, no alarming words, no failed mediation) and three planted red
    ones, each with the alert kinds it must raise: 民转刑 by threat, 民转刑 by self-harm, 群体性."""
    rng = random.Random(seed)  # noqa: S311 (reproducible synthetic data)
    types = list(dispute_scoring.TYPE_POINTS)
    out: list[tuple[DisputeFacts, set[str]]] = [
        (
            DisputeFacts(
                type=rng.choice(types),
                description=rng.choice(NEUTRAL),
                amount=rng.randrange(100, 9000),
                parties_count=2,
                reported_on=reported_on,
            ),
            set(),
        )
        for _ in range(n_clean)
    ]
    out.insert(
        n_clean // 3,
        (DisputeFacts("neighbour", "双方多次冲突，一方扬言要砍死对方", 5000, 2, 2, 3, 2, reported_on), {"criminal"}),
    )
    out.insert(
        n_clean // 2,
        (DisputeFacts("marriage_family", "女方称不想活了，扬言要喝农药", 0, 2, 2, 3, 2, reported_on), {"criminal"}),
    )
    out.append(
        (
            DisputeFacts("demolition", "四十余户村民对补偿不满，准备集体上访", 2_000_000, 45, 0, 1, 1, reported_on),
            {"collective"},
        )
    )
    return out
