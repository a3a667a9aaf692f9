"""The matcher on small hand-made inputs: ID structure, checksum-aware typos, OpenCC, pinyin, frequency."""

import pandas as pd
import pytest

from sifa.core import idnumber
from sifa.screening.matcher import screen
from sifa.screening.matcher.prepare import birth_from_text, id_features, prepare

BASE17 = "37010219850304123"
GOOD = BASE17 + idnumber.check_char(BASE17)  # 370102198503041231 style, valid


def valid(first17: str) -> str:
    return first17 + idnumber.check_char(first17)


def watch(*rows: dict) -> pd.DataFrame:
    cols = ["person_id", "name", "id_number", "birth_date", "gender"]
    return pd.DataFrame([{c: r.get(c, "") for c in cols} for r in rows], columns=cols)


def registry(*rows: dict) -> pd.DataFrame:
    cols = ["record_id", "name", "id_number", "birth_date", "gender"]
    return pd.DataFrame([{c: r.get(c, "") for c in cols} for r in rows], columns=cols)


def hits_of(w: pd.DataFrame, r: pd.DataFrame, threshold: float = 0.9) -> dict[tuple[str, str], str]:
    result = screen(w, r, threshold=threshold)
    return {(h.person_id, h.record_id): h.reasons for h in result.hits.itertuples()}


def test_id_features_converts_15_digits_without_claiming_a_checksum():
    old = GOOD[:6] + GOOD[8:17]
    assert id_features(old) == (GOOD, False)
    assert id_features("３７０１０２ 19850304 123" + GOOD[17]) == (GOOD, True)
    assert id_features("37010219850304") == (None, False)
    assert id_features("²" * 18) == (None, False)  # non-ASCII digits are not ID digits


def test_birth_from_text_reads_common_spellings():
    assert [birth_from_text(v) for v in ("1985-03-04", "1985/3/4", "19850304", "1985年3月4日", "1985-02-30", "")] == [
        "19850304",
        "19850304",
        "19850304",
        "19850304",
        None,
        None,
    ]


def test_prepare_normalises_traditional_fullwidth_and_spaces():
    frame = prepare(
        watch({"person_id": "p", "name": " 張　麗 ", "id_number": "", "birth_date": "", "gender": "女"}),
        key="person_id",
    )
    row = frame.iloc[0]
    assert (row.name_n, row.name_py, row.sn_py, row.gender) == ("张丽", "zhangli", "zhang", "F")


def test_every_single_digit_typo_and_neighbour_swap_is_found_and_named():
    variants = []
    for i in range(17):
        digit = str((int(GOOD[i]) + 3) % 10)
        variants.append(("typo", GOOD[:i] + digit + GOOD[i + 1 :]))
    for i in range(17):
        if GOOD[i] != GOOD[i + 1]:
            variants.append(("swap", GOOD[:i] + GOOD[i + 1] + GOOD[i] + GOOD[i + 2 :]))
    r = registry(*({"record_id": f"r{n}", "name": "李明", "id_number": v} for n, (_, v) in enumerate(variants)))
    found = hits_of(watch({"person_id": "p", "name": "李明", "id_number": GOOD}), r)
    assert len(found) == len(variants)
    for n, (kind, _) in enumerate(variants):
        reason = found[("p", f"r{n}")]
        assert reason.startswith("id=typo1(+22.0)" if kind == "typo" else "id=swap(+22.0)"), (n, reason)


def test_two_valid_ids_one_sequence_apart_are_two_people():
    neighbour = valid(GOOD[:14] + f"{int(GOOD[14:17]) + 2:03d}")
    found = hits_of(
        watch({"person_id": "p", "name": "李明", "id_number": GOOD}),
        registry({"record_id": "r", "name": "李明", "id_number": neighbour}),
        threshold=0.0,
    )
    assert found == {("p", "r"): "id=differ(-14.0); name=exact(+15.0)"}


def test_traditional_homophone_dropped_and_15_digit_records_match_with_reasons():
    w = watch(
        {"person_id": "p1", "name": "张丽", "id_number": GOOD},
        {"person_id": "p2", "name": "欧阳明华", "id_number": "", "birth_date": "1970-05-06", "gender": "男"},
    )
    r = registry(
        {"record_id": "r1", "name": "張莉", "id_number": GOOD[:6] + GOOD[8:17]},
        {"record_id": "r2", "name": "欧阳铭华", "id_number": "", "birth_date": "1970/5/6", "gender": "M"},
        {"record_id": "r3", "name": "欧阳华", "id_number": "", "birth_date": "19700506", "gender": "男"},
        {"record_id": "r4", "name": "欧阳明华", "id_number": "", "birth_date": "1970-05-07", "gender": "男"},
    )
    found = hits_of(w, r)
    assert sorted(found) == [("p1", "r1"), ("p2", "r2"), ("p2", "r3")]
    assert found[("p1", "r1")].startswith("id=exact_unverified(+28.0); name=homophone(")
    assert found[("p2", "r2")].startswith("id=missing(+0.0); name=homophone(")
    # the date is shared by three of the six records: weighed by its frequency, smoothed over a century
    assert found[("p2", "r2")].endswith("birth=agree(+13.2); gender=agree(+1.0)")
    # 欧阳华 (the shorter name) is rare: log2(0.05 / (4 x 2/(6 + 10^5))) = +9.3
    assert found[("p2", "r3")] == "id=missing(+0.0); name=dropped_char(+9.3); birth=agree(+13.2); gender=agree(+1.0)"


def test_a_common_name_is_weaker_evidence_than_a_rare_one():
    people = [{"record_id": f"bg{i}", "name": "王伟", "birth_date": f"1960-01-{i % 28 + 1:02d}"} for i in range(3000)]
    w = watch(
        {"person_id": "common", "name": "王伟", "birth_date": "1990-06-16", "gender": "男"},
        {"person_id": "rare", "name": "诸葛亮", "birth_date": "1990-06-15", "gender": "男"},
    )
    r = registry(
        *people,
        {"record_id": "c", "name": "王伟", "birth_date": "1990-06-16", "gender": "男"},
        {"record_id": "k", "name": "诸葛亮", "birth_date": "1990-06-15", "gender": "男"},
    )
    result = screen(w, r, threshold=0.0)
    scores = {(h.person_id, h.record_id): h.score for h in result.hits.itertuples()}
    assert scores[("rare", "k")] >= 0.998
    assert scores[("common", "c")] < 0.9  # 王伟 born that day, no ID: not enough on its own
    assert set(scores) == {("rare", "k"), ("common", "c")}


def _background(n: int, name: str, birth: str = "") -> list[dict]:
    """n registry people of one name (no ID), for frequency tests; born 1950-01-01.. unless `birth`."""
    return [
        {"record_id": f"bg{i}", "name": name, "birth_date": birth or f"1950-01-{i % 28 + 1:02d}", "gender": "女"}
        for i in range(n)
    ]


def _weights(w: pd.DataFrame, r: pd.DataFrame) -> dict[str, str]:
    return {h.record_id: h.reasons for h in screen(w, r, threshold=0.0).hits.itertuples() if h.person_id == "p"}


def test_dropped_character_is_weighed_by_how_common_the_shorter_name_is():
    # 王伟 (shorter) is common here, 欧阳华 rare: dropping a character from 王明伟 to 王伟 is what
    # thousands of strangers look like; 欧阳明华 -> 欧阳华 is not.
    base = {"birth_date": "1980-02-03", "gender": "男"}
    w = watch({"person_id": "p", "name": "王伟", **base}, {"person_id": "q", "name": "欧阳明华", **base})
    r = registry(*_background(2000, "王伟"), {"record_id": "a", "name": "王明伟", **base},
                 {"record_id": "b", "name": "欧阳华", **base})  # fmt: skip
    common = _weights(w, r)["a"]
    rare = {h.record_id: h.reasons for h in screen(w, r, threshold=0.0).hits.itertuples() if h.person_id == "q"}["b"]
    weight = lambda text: float(text.split("name=dropped_char(")[1].split(")")[0])  # noqa: E731
    assert weight(common) < 4.0 < 9.0 < weight(rare)


def test_one_character_apart_is_weighed_by_the_pattern_the_names_share():
    # 李伟 / 张伟 share ?伟, as do the 2,000 other 伟 here; 吴静庆 / 吴静伟 share 吴静?, which no one else does.
    base = {"birth_date": "1980-02-03", "gender": "男"}
    others = [
        {"record_id": f"x{i}", "name": s + "伟", "birth_date": "1951-03-04"}
        for i, s in enumerate("赵钱孙周郑冯陈褚卫蒋" * 200)
    ]
    w = watch({"person_id": "p", "name": "李伟", **base}, {"person_id": "q", "name": "吴静庆", **base})
    r = registry(*others, {"record_id": "a", "name": "张伟", **base}, {"record_id": "b", "name": "吴静伟", **base})
    scores = {(h.person_id, h.record_id): h for h in screen(w, r, threshold=0.0).hits.itertuples()}
    weight = lambda text: float(text.split("name=one_char(")[1].split(")")[0])  # noqa: E731
    assert weight(scores[("p", "a")].reasons) < 2.0
    assert weight(scores[("q", "b")].reasons) > 10.0
    assert scores[("p", "a")].score < 0.9 < scores[("q", "b")].score


def test_one_character_apart_beyond_the_counted_patterns_claims_nothing():
    base = {"birth_date": "1980-02-03", "gender": "男"}
    w = watch({"person_id": "p", "name": "买买提艾力", **base})
    r = registry({"record_id": "a", "name": "买买提艾木", **base}, {"record_id": "b", "name": "买买提米力", **base})
    found = _weights(w, r)
    assert "name=one_char(+0.0)" in found["a"]  # position 5: no pattern count (engines.MASKED = 4)
    assert "name=one_char(+0.0)" not in found["b"]


def test_a_shared_placeholder_birth_date_says_less_than_a_rare_one():
    w = watch({"person_id": "p", "name": "诸葛亮", "birth_date": "1970-01-01", "gender": "男"},
              {"person_id": "q", "name": "诸葛明", "birth_date": "1971-05-06", "gender": "男"})  # fmt: skip
    r = registry(*_background(3000, "王芳", birth="1970-01-01"),
                 {"record_id": "a", "name": "诸葛亮", "birth_date": "1970-01-01", "gender": "男"},
                 {"record_id": "b", "name": "诸葛明", "birth_date": "1971-05-06", "gender": "男"})  # fmt: skip
    hits = {(h.person_id, h.record_id): h.reasons for h in screen(w, r, threshold=0.0).hits.itertuples()}
    birth = lambda text: float(text.split("birth=agree(")[1].split(")")[0])  # noqa: E731
    assert birth(hits[("p", "a")]) < 4.0 < 13.0 < birth(hits[("q", "b")])


def test_screen_refuses_duplicate_keys_naming_the_row():
    from sifa.core.errors import SifaError

    with pytest.raises(SifaError) as caught:
        screen(watch({"person_id": "p", "name": "甲"}, {"person_id": "p", "name": "乙"}), registry())
    assert caught.value.details == {"row": 3}


def test_prepare_row_equals_the_vectorised_prepare():
    from bench.screening_data import generate
    from sifa.screening.matcher.prepare import prepare_row

    data = generate(n_watch=50, n_registry=300, seed=5)
    frame = prepare(data.registry, key="record_id")
    expected = frame.astype(object).where(frame.notna(), None).to_dict("records")
    rows = [
        prepare_row(key=r.record_id, name=r.name, id_number=r.id_number, birth_date=r.birth_date, gender=r.gender)
        for r in data.registry.itertuples()
    ]
    assert rows == expected
