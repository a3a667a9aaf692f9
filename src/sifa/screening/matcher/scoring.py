"""Pair scoring: Fellegi-Sunter style log2 Bayes factors set from what a generic tool does not know.

Pure numpy/pandas over a frame of candidate pairs (`w_*` and `r_*` columns from the blocking SQL),
shared by every engine. Each comparison picks one level; the weights add up to `weight`, and
`score` = 1 / (1 + 2^-(weight + PRIOR)) is the probability the two records are one person, with a
prior of about one true pair per million candidate records.

Resident ID: a GB 11643 checksum catches every single-digit error and every swap of neighbours, so
two IDs one digit apart where one fails its checksum are a typo of each other (strong evidence),
while two *valid* IDs that differ are two people (strong evidence against), however close.
When the IDs agree (or are a typo apart), or are both verified and differ, birth date and gender
are part of them and not counted again. Names are compared after OpenCC/NFKC normalisation;
agreement is weighed by how common the name is in the data (王伟 agreeing says little),
homophones by pinyin, one dropped or replaced character by edit distance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import cpdist

PRIOR = -20.0
DEFAULT_THRESHOLD = 0.9

ID_WEIGHTS = {
    "exact": 32.0,
    "exact_unverified": 28.0,  # equal, but a side has no checksum (15-digit form) or fails it
    "check_typo": 24.0,  # first 17 equal, the check character differs
    "typo1": 22.0,  # one digit differs and a checksum fails
    "swap": 22.0,  # two neighbouring digits swapped and a checksum fails
    "near_invalid": -6.0,  # two digits apart, a checksum fails, not a swap
    "differ": -14.0,  # both valid and different: two people
    "differ_invalid": -10.0,
    "missing": 0.0,
}
BIRTH_WEIGHTS = {"agree": 13.5, "disagree": -8.0, "missing": 0.0, "implied": 0.0}
GENDER_WEIGHTS = {"agree": 1.0, "disagree": -6.0, "missing": 0.0, "implied": 0.0}
NAME_FIXED = {"dropped_char": 9.0, "one_char": 8.0, "two_chars": 0.0, "differ": -8.0, "missing": 0.0}
NAME_M = {"exact": 0.95, "homophone": 0.05}
NAME_CAP = {"exact": (4.0, 22.0), "homophone": (2.0, 14.0)}
# Smoothing of name frequencies: a pseudo-population of 10^5 in which every name is seen once at
# 10^-5, so a small file does not make every name look common and a name seen once is not "unique".
SMOOTH_N = 100_000.0

POSITIVE_ID = ("exact", "exact_unverified", "check_typo", "typo1", "swap")


@dataclass(frozen=True)
class Scored:
    weight: np.ndarray
    score: np.ndarray
    id_level: np.ndarray
    name_level: np.ndarray
    birth_level: np.ndarray
    gender_level: np.ndarray
    name_weight: np.ndarray


def _id_matrix(values: pd.Series) -> np.ndarray:
    joined = "".join(values.tolist()).encode("ascii")
    return np.frombuffer(joined, dtype=np.uint8).reshape(-1, 18)


def id_levels(w_id: pd.Series, r_id: pd.Series, w_ok: np.ndarray, r_ok: np.ndarray) -> np.ndarray:
    n = len(w_id)
    level = np.full(n, "missing", dtype=object)
    both = (w_id.notna() & r_id.notna()).to_numpy()
    if not both.any():
        return level
    a = _id_matrix(w_id[both])
    b = _id_matrix(r_id[both])
    ok_a, ok_b = w_ok[both], r_ok[both]
    diff = a != b
    ham = diff.sum(axis=1)
    both_ok = ok_a & ok_b
    sub = np.where(both_ok, "differ", "differ_invalid").astype(object)
    sub[(ham == 0) & both_ok] = "exact"
    sub[(ham == 0) & ~both_ok] = "exact_unverified"
    sub[(ham == 1) & ~both_ok] = "typo1"  # a verified pair one digit apart is impossible (MOD 11-2)
    sub[(ham == 1) & diff[:, 17]] = "check_typo"
    two = (ham == 2) & ~both_ok
    if two.any():
        first = diff.argmax(axis=1)
        rows = np.nonzero(two)[0]
        i = first[rows]
        j = np.minimum(i + 1, 17)
        adjacent = diff[rows, j]
        swapped = adjacent & (a[rows, i] == b[rows, j]) & (a[rows, j] == b[rows, i])
        sub[rows[swapped]] = "swap"
        sub[rows[~swapped]] = "near_invalid"
    level[both] = sub
    return level


def name_levels(pairs: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    wn, rn = pairs["w_name_n"], pairs["r_name_n"]
    n = len(pairs)
    level = np.full(n, "differ", dtype=object)
    weight = np.zeros(n)
    present = (wn.notna() & rn.notna()).to_numpy()
    level[~present] = "missing"
    exact = present & (wn == rn).to_numpy()
    homophone = present & ~exact & (pairs["w_name_py"] == pairs["r_name_py"]).to_numpy()
    rest = present & ~exact & ~homophone
    if rest.any():
        dist = cpdist(wn[rest].tolist(), rn[rest].tolist(), scorer=Levenshtein.distance, workers=-1)
        len_a = wn[rest].str.len().to_numpy()
        len_b = rn[rest].str.len().to_numpy()
        sub = np.full(int(rest.sum()), "differ", dtype=object)
        one = dist == 1
        sub[one & (len_a != len_b) & (np.minimum(len_a, len_b) >= 2)] = "dropped_char"
        sub[one & (len_a == len_b)] = "one_char"
        sub[(dist == 2) & (np.maximum(len_a, len_b) >= 3)] = "two_chars"
        level[rest] = sub
    level[exact] = "exact"
    level[homophone] = "homophone"
    total = pairs["n_total"].to_numpy(dtype=float) + SMOOTH_N
    for name, count_col in (("exact", "name_cnt"), ("homophone", "py_cnt")):
        mask = level == name
        if mask.any():
            u = (pairs[count_col].to_numpy(dtype=float)[mask] + 1.0) / total[mask]
            low, high = NAME_CAP[name]
            weight[mask] = np.clip(np.log2(NAME_M[name] / u), low, high)
    for name, value in NAME_FIXED.items():
        weight[level == name] = value
    return level, weight


def _simple_levels(w: pd.Series, r: pd.Series, implied: np.ndarray) -> np.ndarray:
    level = np.where((w == r).to_numpy(), "agree", "disagree").astype(object)
    level[(w.isna() | r.isna()).to_numpy()] = "missing"
    level[implied] = "implied"
    return level


def score_pairs(pairs: pd.DataFrame) -> Scored:
    """Score a frame of candidate pairs (see engines.PAIR_SQL for its columns)."""
    w_ok = pairs["w_id_ok"].fillna(False).to_numpy(dtype=bool)
    r_ok = pairs["r_id_ok"].fillna(False).to_numpy(dtype=bool)
    id_level = id_levels(pairs["w_id18"], pairs["r_id18"], w_ok, r_ok)
    # Birth date and gender are written in the ID: not counted again when the IDs agree (or are a
    # typo apart), nor when two verified IDs differ (the ID already says "two people").
    implied = np.isin(id_level, POSITIVE_ID) | (id_level == "differ")
    birth_level = _simple_levels(pairs["w_birth8"], pairs["r_birth8"], implied)
    gender_level = _simple_levels(pairs["w_gender"], pairs["r_gender"], implied)
    name_level, name_weight = name_levels(pairs)
    weight = (
        pd.Series(id_level).map(ID_WEIGHTS).to_numpy(dtype=float)
        + pd.Series(birth_level).map(BIRTH_WEIGHTS).to_numpy(dtype=float)
        + pd.Series(gender_level).map(GENDER_WEIGHTS).to_numpy(dtype=float)
        + name_weight
    )
    score = 1.0 / (1.0 + np.exp2(-(weight + PRIOR)))
    return Scored(weight, score, id_level, name_level, birth_level, gender_level, name_weight)


def max_score_when_ids_differ() -> float:
    """The highest score a pair of two verified, different IDs can reach: birth date and gender are
    implied by the ID (0), so only the best name evidence adds to the ID's weight."""
    best_name = max(max(high for _, high in NAME_CAP.values()), max(NAME_FIXED.values()))
    return float(1.0 / (1.0 + np.exp2(-(ID_WEIGHTS["differ"] + best_name + PRIOR))))


def reasons(scored: Scored, index: np.ndarray) -> list[str]:
    """Human-readable evidence per pair: which fields agreed how, with each field's weight."""
    out = []
    for i in index:
        idl, bl, gl, nl = scored.id_level[i], scored.birth_level[i], scored.gender_level[i], scored.name_level[i]
        parts = [f"id={idl}({ID_WEIGHTS[idl]:+.1f})", f"name={nl}({scored.name_weight[i]:+.1f})"]
        if bl != "implied":
            parts.append(f"birth={bl}({BIRTH_WEIGHTS[bl]:+.1f})")
        if gl != "implied":
            parts.append(f"gender={gl}({GENDER_WEIGHTS[gl]:+.1f})")
        out.append("; ".join(parts))
    return out
