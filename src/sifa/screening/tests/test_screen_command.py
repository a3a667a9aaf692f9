"""`sifa screen`: files in, hits file out; GBK detected; bad headers and rows named, no output written."""

import csv

import pytest
from django.core.management import CommandError, call_command

from sifa.core import idnumber

ID1 = "11010519491231002" + idnumber.check_char("11010519491231002")
ID2 = "52270119800101003" + idnumber.check_char("52270119800101003")


def write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def test_screen_writes_hits_with_scores_and_reasons(tmp_path):
    w = write(tmp_path / "w.csv", f"person_id,name,id_number,birth_date,gender\nP1,张丽,{ID1},,\nP2,赵丽,{ID2},,\n")
    typo = ID2[:8] + ID2[9] + ID2[8] + ID2[10:]
    r = write(
        tmp_path / "r.csv",
        "record_id,name,id_number,birth_date,gender\n"
        f"R1,張麗,{ID1[:6]}{ID1[8:17]},,\nR2,赵莉,{typo},,\nR3,李四,,1949-12-31,女\n",
        encoding="gbk",
    )
    out = tmp_path / "hits.csv"
    call_command("screen", watchlist=w, registry=r, out=out, verbosity=0)
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert rows[0] == ["person_id", "record_id", "score", "reasons"]
    assert [(a, b) for a, b, _, _ in rows[1:]] == [("P1", "R1"), ("P2", "R2")]
    assert rows[1][3] == "id=exact_unverified(+28.0); name=exact(+15.0)"
    assert rows[2][3].startswith("id=swap(+22.0); name=homophone(")
    assert all(float(s) >= 0.9 for _, _, s, _ in rows[1:])


def test_screen_threshold_zero_lists_weaker_pairs_too(tmp_path):
    w = write(tmp_path / "w.csv", "person_id,name,id_number,birth_date,gender\nP1,王伟,,1990-01-01,男\n")
    r = write(tmp_path / "r.csv", "record_id,name,id_number,birth_date,gender\nR1,王伟,,1990-01-01,男\n")
    out = tmp_path / "hits.csv"
    call_command("screen", watchlist=w, registry=r, out=out, threshold=0.0, verbosity=0)
    assert [row[:2] for row in csv.reader(out.open(encoding="utf-8"))][1:] == [["P1", "R1"]]


def test_wrong_header_is_named_and_nothing_written(tmp_path):
    w = write(tmp_path / "w.csv", "id,name,id_number,birth_date,gender\nP1,张丽,,,\n")
    r = write(tmp_path / "r.csv", "record_id,name,id_number,birth_date,gender\n")
    out = tmp_path / "hits.csv"
    with pytest.raises(CommandError, match="名单表头缺少列：person_id"):
        call_command("screen", watchlist=w, registry=r, out=out, verbosity=0)
    assert not out.exists()


def test_broken_row_is_named(tmp_path):
    w = write(tmp_path / "w.csv", "person_id,name,id_number,birth_date,gender\nP1,张丽,,,\n")
    r = write(tmp_path / "r.csv", "record_id,name,id_number,birth_date,gender\nR1,张丽,,,\nR2,李四,,\n")
    out = tmp_path / "hits.csv"
    with pytest.raises(CommandError, match="登记库第 3 行有 4 列，表头有 5 列"):
        call_command("screen", watchlist=w, registry=r, out=out, verbosity=0)
    assert not out.exists()
