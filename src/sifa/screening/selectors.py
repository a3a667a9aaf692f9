"""Reads: the incremental check against loaded registries, warnings in scope, the thresholds report."""

from __future__ import annotations

import time
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
from django.db.models import Count, QuerySet

from sifa.core.crypto import lookup_hash
from sifa.core.errors import ErrorCode, SifaError
from sifa.core.scope import within_scope
from sifa.screening.choices import REVIEW_ROLES, WarningStatus
from sifa.screening.matcher.engines import MASKED, masked_names
from sifa.screening.matcher.prepare import prepare_row
from sifa.screening.matcher.scoring import DEFAULT_THRESHOLD, reasons, score_pairs
from sifa.screening.models import BlockKey, RegistryPerson, ScreeningWarning

# Blocking keys stored per registry person (as keyed hashes) and probed per query: the same keys as
# the bulk SQL (engines.BLOCKING_RULES). `bare` is stored only for people with neither ID nor birth
# date; `name` for everyone, probed only by a bare query.
_STORED = ["k_id17", "k_birth_sn", "k_birth_last", "k_regseq_sn", "k_mdseq", "k_regyr_sn"]


def key_hash(kind: str, value: str) -> str:
    return lookup_hash(f"{kind}:{value}", context="screening-block")[:32]


def stored_key_hashes(row: Any) -> set[str]:
    keys = {key_hash(k, getattr(row, k)) for k in _STORED if getattr(row, k) is not None}
    if row.name_py is not None:
        keys.add(key_hash("name", row.name_py))
        if row.k_nameonly is not None:
            keys.add(key_hash("bare", row.name_py))
    return keys


def _probe_key_hashes(row: Any) -> set[str]:
    keys = {key_hash(k, getattr(row, k)) for k in _STORED if getattr(row, k) is not None}
    if row.name_py is not None:
        keys.add(key_hash("bare", row.name_py))  # registry people known by name only
        if row.k_nameonly is not None:
            keys.add(key_hash("name", row.name_py))  # a bare probe meets everyone of that name
    return keys


@dataclass(frozen=True)
class Candidate:
    person: RegistryPerson
    score: float
    reasons: str


_TOTAL_CACHE: dict[str, tuple[float, int]] = {}


def _registry_size() -> int:
    cached = _TOTAL_CACHE.get("n")
    if cached and time.monotonic() - cached[0] < 60:
        return cached[1]
    n = RegistryPerson.objects.count()
    _TOTAL_CACHE["n"] = (time.monotonic(), n)
    return n


@dataclass(frozen=True)
class _RegistryStats:
    births: dict[str, int]  # registry people per birth date (YYYYMMDD)
    n_birth: int  # people with a birth date
    masked: dict[str, int]  # people per name pattern with one character masked (王? , ?伟)


_STATS_CACHE: dict[str, tuple[float, int | None, _RegistryStats]] = {}


def _registry_stats() -> _RegistryStats:
    """The frequencies the bulk engines compute in SQL (birth dates, masked name patterns), over the
    registry. One pass over two columns, kept for 10 minutes or until the newest registry person
    changes (an import adds rows; one indexed lookup per check tells)."""
    from collections import Counter

    newest = RegistryPerson.objects.order_by("-pk").values_list("pk", flat=True).first()
    cached = _STATS_CACHE.get("s")
    if cached and cached[1] == newest and time.monotonic() - cached[0] < 600:
        return cached[2]
    births: Counter[str] = Counter()
    masked: Counter[str] = Counter()
    for name, born in RegistryPerson.objects.values_list("name_norm", "birth_date").iterator(chunk_size=10_000):
        if born is not None:
            births[born.strftime("%Y%m%d")] += 1
        if name:
            masked.update(masked_names(name))
    stats = _RegistryStats(dict(births), sum(births.values()), dict(masked))
    _STATS_CACHE["s"] = (time.monotonic(), newest, stats)
    return stats


def person_check(
    *,
    name: str,
    id_number: str = "",
    birth_date: str = "",
    gender: str = "",
    registries: tuple[str, ...] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> list[Candidate]:
    """One person against the loaded registries: candidates by hashed blocking keys, then the shared scorer."""
    if not name.strip() and not id_number.strip():
        raise SifaError(ErrorCode.INVALID_INPUT, message="请至少提供姓名或身份证号码。", details={"name": "required"})
    probe = prepare_row(key="probe", name=name, id_number=id_number, birth_date=birth_date, gender=gender)
    row = SimpleNamespace(**probe)
    hashes = _probe_key_hashes(row)
    ids = BlockKey.objects.filter(key_hash__in=hashes).values_list("person_id", flat=True).distinct()
    people = RegistryPerson.objects.filter(pk__in=list(ids)).select_related("division")
    if registries:
        people = people.filter(registry__in=registries)
    found = list(people)
    if not found:
        return []
    records = [
        prepare_row(
            key=str(p.pk),
            name=p.name,
            id_number=p.id_number or "",
            birth_date=p.birth_date.isoformat() if p.birth_date else "",
            gender=p.gender,
        )
        for p in found
    ]
    columns: dict[str, list[Any]] = {"w_key": ["probe"] * len(records), "r_key": [r["key"] for r in records]}
    for column in ("name_n", "name_py", "id18", "id_ok", "birth8", "gender"):
        columns[f"w_{column}"] = [probe[column]] * len(records)
        columns[f"r_{column}"] = [r[column] for r in records]
    name_count = RegistryPerson.objects.filter(name_norm=probe["name_n"]).count() if probe["name_n"] else 0
    names = {r["name_n"] for r in records if r["name_n"]}
    counts = dict(
        RegistryPerson.objects.filter(name_norm__in=names).values_list("name_norm").annotate(n=Count("id")).order_by()
    )
    stats = _registry_stats()
    probe_masks = masked_names(str(probe["name_n"])) if probe["name_n"] else []
    columns["name_cnt"] = [name_count] * len(records)
    columns["r_name_cnt"] = [counts.get(r["name_n"], 0) for r in records]
    columns["py_cnt"] = [name_count] * len(records)
    columns["birth_cnt"] = [stats.births.get(str(probe["birth8"]), 0)] * len(records)
    for k in range(1, MASKED + 1):
        count = stats.masked.get(probe_masks[k - 1], 0) if k <= len(probe_masks) else 0
        columns[f"mask_cnt{k}"] = [count] * len(records)
    columns["n_total"] = [_registry_size()] * len(records)
    columns["n_birth"] = [stats.n_birth] * len(records)
    pairs = pd.DataFrame(columns, dtype=object)
    scored = score_pairs(pairs)
    keep = np.nonzero(scored.score >= threshold)[0]
    texts = reasons(scored, keep)
    by_pk = {str(p.pk): p for p in found}
    result = [
        Candidate(by_pk[pairs["r_key"].iloc[i]], float(round(scored.score[i], 6)), text)
        for i, text in zip(keep, texts, strict=True)
    ]
    return sorted(result, key=lambda c: (-c.score, c.person.pk))


def warning_list(*, user: Any, status: str = "") -> QuerySet[ScreeningWarning]:
    qs = within_scope(ScreeningWarning.objects.select_related("person", "division"), user, roles=REVIEW_ROLES)
    return qs.filter(status=status) if status else qs


def warning_get(*, user: Any, warning_id: int) -> ScreeningWarning:
    warning = warning_list(user=user).filter(pk=warning_id).first()
    if warning is None:
        raise SifaError(ErrorCode.NOT_FOUND)
    return warning


def threshold_report(*, user: Any) -> list[dict[str, Any]]:
    """Rulings per score band: how often warnings at each score were confirmed or dismissed."""
    bands = [(0.0, 0.9), (0.9, 0.99), (0.99, 0.999), (0.999, 1.01)]
    rows = []
    qs = warning_list(user=user)
    for low, high in bands:
        counts = dict(
            qs.filter(score__gte=low, score__lt=high).values_list("status").annotate(n=Count("id")).order_by()
        )
        ruled = counts.get(WarningStatus.CONFIRMED, 0) + counts.get(WarningStatus.DISMISSED, 0)
        rows.append(
            {
                "band": f"{low:g}–{min(high, 1.0):g}",
                "open": counts.get(WarningStatus.OPEN, 0),
                "confirmed": counts.get(WarningStatus.CONFIRMED, 0),
                "dismissed": counts.get(WarningStatus.DISMISSED, 0),
                "confirm_rate": (counts.get(WarningStatus.CONFIRMED, 0) / ruled) if ruled else None,
            }
        )
    return rows


def bulk_profile(*, user: Any) -> dict[str, list[dict[str, Any]]]:
    """三个违规 pattern: bulk-screening warnings by officer's unit, by region and by business role,
    with how many were confirmed, so supervision can see where problems cluster."""
    from collections import Counter

    from sifa.screening.choices import WarningSource

    rows = (
        warning_list(user=user)
        .filter(source=WarningSource.BULK)
        .values_list("person__former_unit", "person__division_id", "evidence", "status")
    )
    counters: dict[str, tuple[Counter[str], Counter[str]]] = {
        k: (Counter(), Counter()) for k in ("unit", "region", "role")
    }
    for unit, region, evidence, status in rows.iterator():
        role = (evidence or {}).get("role", "") if isinstance(evidence, dict) else ""
        for kind, value in (("unit", unit or "—"), ("region", region), ("role", role or "—")):
            total, confirmed = counters[kind]
            total[value] += 1
            if status == WarningStatus.CONFIRMED:
                confirmed[value] += 1
    return {
        kind: [
            {"value": value, "warnings": n, "confirmed": confirmed[value]}
            for value, n in sorted(total.items(), key=lambda item: (-item[1], item[0]))[:20]
        ]
        for kind, (total, confirmed) in counters.items()
    }
