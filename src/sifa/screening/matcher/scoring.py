"""Pair scoring: Fellegi-Sunter style log2 Bayes factors set from what a generic tool does not know.

Pure numpy/pandas over a frame of candidate pairs (`w_*` and `r_*` columns and frequency counts from
the blocking SQL), shared by every engine and the one-person check. Each comparison picks one level;
the weights add up to `weight`, and `score` = 1 / (1 + 2^-(weight + PRIOR)) is the probability the
two records are one person, if the fields are independent given match / non-match, with a prior of
one true pair per 10^6 candidate pairs (docs/screening.md: what it means and why it is fixed).

Resident ID: a GB 11643 checksum catches every single-digit error and every swap of neighbours, so
two IDs one digit apart where one fails its checksum are a typo of each other (strong evidence),
while two *valid* IDs that differ are two people (strong evidence against), however close.
When the IDs agree (or are a typo apart), or are both verified and differ, birth date and gender
are part of them and not counted again. Names are compared after OpenCC/NFKC normalisation.
Every agreement that chance can produce is weighed by how often chance produces it in the data at
hand, log2(m / u) with u from the engines' frequency tables: an exact name by its frequency (王伟
agreeing says little), a homophone by its pinyin's, a dropped character by the shorter name's, one
replaced character by the pattern both names share (王? / ?伟), a birth date by the date's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import cpdist

from sifa.screening.matcher.engines import MASKED

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
BIRTH_WEIGHTS = {"disagree": -8.0, "missing": 0.0, "implied": 0.0}  # "agree": by frequency, below
# Birth-date agreement is weighed like a name's, by how common the date is in the data: log2(m / u).
# m = 1 - 2^-8 is what the disagreement weight (-8 = log2(1 - m)) already says; u = (count + 1) /
# (records with a date + BIRTH_DAYS), smoothed by one pseudo-record per day of a century, so a
# small file does not make every date look rare. Uniform dates over 45 years give about 14 bits; a
# placeholder date (01-01) shared by many records, far less.
BIRTH_M = 1.0 - 2.0**-8
BIRTH_DAYS = 36_525.0
GENDER_WEIGHTS = {"agree": 1.0, "disagree": -6.0, "missing": 0.0, "implied": 0.0}
NAME_FIXED = {"two_chars": 0.0, "differ": -8.0, "missing": 0.0}
# m: the share of true pairs whose names show the level. 0.95 agree exactly; the rest (0.05) is not
# split among the fuzzy levels (unknown), so each fuzzy level is given all of it: an overstatement of
# its m, erring towards recall.
NAME_M = {"exact": 0.95, "homophone": 0.05, "dropped_char": 0.05, "one_char": 0.05}
NAME_CAP = {"exact": (4.0, 22.0), "homophone": (2.0, 14.0), "dropped_char": (0.0, 14.0), "one_char": (0.0, 14.0)}
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
    birth_weight: np.ndarray


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
    total = pairs["n_total"].to_numpy(dtype=float) + SMOOTH_N
    length_a, length_b = np.zeros(n), np.zeros(n)
    if rest.any():
        dist = cpdist(wn[rest].tolist(), rn[rest].tolist(), scorer=Levenshtein.distance, workers=-1)
        len_a = wn[rest].str.len().to_numpy()
        len_b = rn[rest].str.len().to_numpy()
        length_a[rest], length_b[rest] = len_a, len_b
        sub = np.full(int(rest.sum()), "differ", dtype=object)
        one = dist == 1
        sub[one & (len_a != len_b) & (np.minimum(len_a, len_b) >= 2)] = "dropped_char"
        sub[one & (len_a == len_b)] = "one_char"
        sub[(dist == 2) & (np.maximum(len_a, len_b) >= 3)] = "two_chars"
        level[rest] = sub
    # How common each side's name is (watch side, registry side), smoothed as for exact agreement.
    u_w = (pairs["name_cnt"].to_numpy(dtype=float) + 1.0) / total
    u_r = (pairs["r_name_cnt"].to_numpy(dtype=float) + 1.0) / total
    mask = level == "dropped_char"
    if mask.any():
        # Shorter name S, longer L. Two strangers show (S, L) with chance f_S f_L; one person shows
        # it when their name is L (f_L) and one of its len(L) characters was dropped (m / len(L)):
        # the Bayes factor m / (len(L) f_S) depends on how common S is, not L.
        w_short = length_a[mask] < length_b[mask]
        u_short = np.where(w_short, u_w[mask], u_r[mask])
        longer = np.maximum(length_a[mask], length_b[mask])
        low, high = NAME_CAP["dropped_char"]
        weight[mask] = np.clip(np.log2(NAME_M["dropped_char"] / (longer * u_short)), low, high)
    mask = level == "one_char"
    if mask.any():
        # Names A and B of n characters differing at position i; P = the pattern they share (A with
        # its i-th character masked), f_P its frequency. Strangers: f_A f_B. One person: name A with
        # its i-th character replaced by B's (m / n times the chance of that character), or the
        # other way round. With the replacement drawn like any name character at that place
        # (f_A ~ f_P g(a), f_B ~ f_P g(b)), the Bayes factor is 2 m / (n f_P): 王伟 / 陈伟 share ?伟,
        # which thousands share, so it says little; 吴静伟 / 吴静庆 share 吴静?, which few do.
        at = np.nonzero(mask)[0]
        position = np.array(
            [
                next(k for k, (x, y) in enumerate(zip(a, b, strict=True)) if x != y)
                for a, b in zip(wn[mask], rn[mask], strict=True)
            ]
        )
        counts = np.stack([pairs[f"mask_cnt{k}"].to_numpy(dtype=float)[at] for k in range(1, MASKED + 1)], axis=1)
        inside = position < MASKED  # a longer name differing further on: no pattern count, no evidence
        u = (counts[np.arange(len(at)), np.minimum(position, MASKED - 1)] + 1.0) / total[at]
        low, high = NAME_CAP["one_char"]
        factor = np.clip(np.log2(2.0 * NAME_M["one_char"] / (length_a[at] * u)), low, high)
        weight[at] = np.where(inside, factor, 0.0)
    level[exact] = "exact"
    level[homophone] = "homophone"
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


def birth_weights(level: np.ndarray, pairs: pd.DataFrame) -> np.ndarray:
    """Fixed weights for disagree/missing/implied; agreement by the date's frequency (see BIRTH_M)."""
    weight = pd.Series(level).map(BIRTH_WEIGHTS).fillna(0.0).to_numpy(dtype=float, copy=True)
    agree = level == "agree"
    if agree.any():
        count = pairs["birth_cnt"].to_numpy(dtype=float)[agree]
        u = (count + 1.0) / (pairs["n_birth"].to_numpy(dtype=float)[agree] + BIRTH_DAYS)
        weight[agree] = np.log2(BIRTH_M / u)
    return weight


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
    birth_weight = birth_weights(birth_level, pairs)
    weight = (
        pd.Series(id_level).map(ID_WEIGHTS).to_numpy(dtype=float)
        + birth_weight
        + pd.Series(gender_level).map(GENDER_WEIGHTS).to_numpy(dtype=float)
        + name_weight
    )
    score = 1.0 / (1.0 + np.exp2(-(weight + PRIOR)))
    return Scored(weight, score, id_level, name_level, birth_level, gender_level, name_weight, birth_weight)


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
            parts.append(f"birth={bl}({scored.birth_weight[i]:+.1f})")
        if gl != "implied":
            parts.append(f"gender={gl}({GENDER_WEIGHTS[gl]:+.1f})")
        out.append("; ".join(parts))
    return out
