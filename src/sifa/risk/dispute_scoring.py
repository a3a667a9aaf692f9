"""Dispute risk coefficient (E5): transparent rules, and the optional trained model's scoring.

Pure functions over `DisputeFacts`, so the same code scores a form, an API call, a CSV import and
the benchmark. Every score comes with its factors (feature, value, points or contribution).

Description words: the text is normalised (NFKC, Traditional -> Simplified, sifa.core.text), then
segmented with jieba (the lexicon words are added to jieba's dictionary so they stay whole); a
lexicon word counts when it is a token or, for phrases jieba may still split, a substring.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

import jieba

from sifa.core.text import normalise
from sifa.risk.choices import DisputeType

LEXICON: dict[str, tuple[str, ...]] = {
    "threat": (
        "砍死",
        "杀了",
        "弄死",
        "报复",
        "同归于尽",
        "拼命",
        "动刀",
        "持刀",
        "炸掉",
        "放火",
        "烧房子",
        "打死",
        "要命",
    ),
    "self_harm": ("跳楼", "自杀", "喝农药", "轻生", "寻死", "不想活", "上吊", "割腕"),
    "gathering": ("聚集", "上访", "集体上访", "堵路", "围堵", "拉横幅", "串联", "闹事", "静坐", "讨说法", "围攻"),
}
SIGNAL_LABELS = {"threat": "威胁、报复言语", "self_harm": "自伤自杀言语", "gathering": "聚集、上访、堵路言语"}

TYPE_POINTS = {
    "marriage_family": 8,
    "neighbour": 8,
    "land": 12,
    "labour": 12,
    "demolition": 15,
    "contract": 5,
    "medical": 12,
    "traffic": 5,
    "property": 5,
    "other": 3,
}
LEVELS = ((70, "red"), (50, "orange"), (30, "yellow"), (0, "blue"))
COLLECTIVE_PARTIES = 5  # 5 or more people: a collective dispute


@dataclass(frozen=True)
class DisputeFacts:
    type: str
    description: str
    amount: Decimal | float | None = None
    parties_count: int = 2
    vulnerable_parties: int = 0
    repeat_reports: int = 0
    failed_mediations: int = 0
    reported_on: date | None = None
    resolved_on: date | None = None

    def days_unresolved(self, as_of: date) -> int:
        if self.reported_on is None:
            return 0
        end = self.resolved_on or as_of
        return max(0, (end - self.reported_on).days)


@dataclass(frozen=True)
class Factor:
    key: str
    label: str
    value: Any
    points: float

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "value": self.value, "points": round(self.points, 2)}


@dataclass
class Scored:
    score: int
    level: str
    factors: list[Factor]
    signals: dict[str, list[str]] = field(default_factory=dict)
    scorer: str = "rules"
    probability: float | None = None

    def explanation(self) -> dict[str, Any]:
        return {
            "scorer": self.scorer,
            "probability": self.probability,
            "factors": [f.as_dict() for f in self.factors],
            "signals": self.signals,
        }


@cache
def _jieba() -> jieba.Tokenizer:
    tokenizer = jieba.Tokenizer()
    for words in LEXICON.values():
        for word in words:
            tokenizer.add_word(word, freq=50_000)
    return tokenizer


def tokens(text: str) -> list[str]:
    return [t for t in _jieba().lcut(normalise(text)) if t.strip()]


def signals(text: str) -> dict[str, list[str]]:
    """Lexicon words found in the description, per signal, in lexicon order."""
    clean = normalise(text).replace(" ", "")
    words = set(tokens(text))
    found = {}
    for signal, lexicon in LEXICON.items():
        hits = [w for w in lexicon if w in words or w in clean]
        # a shorter word inside a longer hit is the same evidence (集体上访 contains 上访)
        hits = [w for w in hits if not any(w != other and w in other for other in hits)]
        if hits:
            found[signal] = hits
    return found


def _type_label(value: str) -> str:
    return str(DisputeType(value).label) if value in DisputeType.values else value


def level_of(score: int) -> str:
    return next(level for bound, level in LEVELS if score >= bound)


def _steps(value: float, steps: Iterable[tuple[float, int]]) -> int:
    return next((points for bound, points in steps if value >= bound), 0)


def rule_score(facts: DisputeFacts, *, as_of: date) -> Scored:
    """The transparent rule score: points per factor, capped at 100 (docs/risk.md lists the table)."""
    found = signals(facts.description)
    amount = float(facts.amount or 0)
    days = facts.days_unresolved(as_of)
    factors = [
        Factor("type", "纠纷类型", _type_label(facts.type), TYPE_POINTS.get(facts.type, 3)),
        Factor("amount", "涉及金额（元）", amount, _steps(amount, ((1_000_000, 15), (100_000, 10), (10_000, 5)))),
        Factor("parties", "涉及人数", facts.parties_count, _steps(facts.parties_count, ((30, 25), (10, 18), (5, 12)))),
        Factor("vulnerable", "弱势当事人人数", facts.vulnerable_parties, min(10, 5 * facts.vulnerable_parties)),
        Factor("repeats", "重复上报次数", facts.repeat_reports, min(15, 5 * facts.repeat_reports)),
        Factor("failed", "调解失败次数", facts.failed_mediations, min(21, 7 * facts.failed_mediations)),
        Factor("days", "未化解天数", days, _steps(days, ((90, 10), (30, 5)))),
    ]
    points = {"threat": 25, "self_harm": 25, "gathering": 20}
    for signal, words in found.items():
        factors.append(Factor(signal, SIGNAL_LABELS[signal], "、".join(words), points[signal]))
    score = int(min(100, sum(f.points for f in factors)))
    return Scored(score=score, level=level_of(score), factors=[f for f in factors if f.points], signals=found)


def alert_kinds(facts: DisputeFacts, scored: Scored) -> list[str]:
    """Red alerts: 民转刑 when threats or self-harm are spoken of; 群体性 when many people or gathering."""
    if scored.level != "red":
        return []
    kinds = []
    if "threat" in scored.signals or "self_harm" in scored.signals:
        kinds.append("criminal")
    if facts.parties_count >= COLLECTIVE_PARTIES or "gathering" in scored.signals:
        kinds.append("collective")
    return kinds


# ---- features and the trained model (see risk/training.py) ----

TYPES = tuple(TYPE_POINTS)
FEATURES = (
    *(f"type_{t}" for t in TYPES),
    "log_amount",
    "parties",
    "vulnerable",
    "repeats",
    "failed",
    "days",
    "threat",
    "self_harm",
    "gathering",
)
FEATURE_LABELS = {
    **{f"type_{t}": f"类型：{t}" for t in TYPES},
    "log_amount": "涉及金额（对数）",
    "parties": "涉及人数（对数）",
    "vulnerable": "弱势当事人人数",
    "repeats": "重复上报次数",
    "failed": "调解失败次数",
    "days": "未化解天数",
    "threat": "威胁、报复言语",
    "self_harm": "自伤自杀言语",
    "gathering": "聚集、上访、堵路言语",
}


def features(facts: DisputeFacts, *, as_of: date, found: dict[str, list[str]] | None = None) -> list[float]:
    found = signals(facts.description) if found is None else found
    row = [1.0 if facts.type == t else 0.0 for t in TYPES]
    row += [
        math.log1p(float(facts.amount or 0)),
        math.log1p(float(facts.parties_count)),
        float(facts.vulnerable_parties),
        float(facts.repeat_reports),
        float(facts.failed_mediations),
        float(min(facts.days_unresolved(as_of), 365)),
        float(len(found.get("threat", []))),
        float(len(found.get("self_harm", []))),
        float(len(found.get("gathering", []))),
    ]
    return row


def model_score(params: dict[str, Any], facts: DisputeFacts, *, as_of: date) -> Scored:
    """Score with a trained logistic model (standardised features, Platt-calibrated).

    Contributions are coefficient x standardised value per feature, in logit units: they add up
    (with the intercept) to the model's raw score, so each factor's push is visible."""
    found = signals(facts.description)
    x = features(facts, as_of=as_of, found=found)
    z = [(v - m) / s for v, m, s in zip(x, params["mean"], params["scale"], strict=True)]
    contributions = [c * v for c, v in zip(params["coef"], z, strict=True)]
    raw = params["intercept"] + sum(contributions)
    a, b = params["platt"]
    probability = 1.0 / (1.0 + math.exp(-(a * raw + b)))
    score = round(100 * probability)
    factors = sorted(
        (
            Factor(name, FEATURE_LABELS[name], value, c)
            for name, value, c in zip(FEATURES, x, contributions, strict=True)
        ),
        key=lambda f: -abs(f.points),
    )
    return Scored(
        score=score,
        level=level_of(score),
        factors=[f for f in factors if abs(f.points) >= 0.01][:8],
        signals=found,
        scorer=f"model:{params.get('id', '')}",
        probability=round(probability, 4),
    )
