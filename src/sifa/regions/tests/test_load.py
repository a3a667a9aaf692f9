"""Loading the divisions file: bulk upsert, idempotent, all-or-nothing."""

import gzip
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sifa.core.errors import ErrorCode, SifaError
from sifa.regions.models import Division
from sifa.regions.services import divisions_load

pytestmark = pytest.mark.django_db


def snapshot():
    return list(Division.objects.order_by("code").values_list("code", "name", "level", "parent_id"))


def write(tmp_path, lines, name="d.csv.gz"):
    path = tmp_path / name
    data = "\n".join(["code,name,level,parent_code", *lines]).encode()
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    return path


def test_load_creates_every_row():
    assert divisions_load() == 3868
    counts = {level: Division.objects.filter(level=level).count() for level in range(1, 6)}
    assert counts == {1: 34, 2: 342, 3: 2846, 4: 48, 5: 598}
    lixia = Division.objects.get(code="370102")
    assert (lixia.name, lixia.level, lixia.parent_id) == ("历下区", 3, "370100")


def test_second_load_creates_nothing_and_writes_nothing(divisions):
    before = snapshot()
    with CaptureQueriesContext(connection) as queries:
        assert divisions_load() == 0
    assert snapshot() == before
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes == []


def test_load_restores_a_changed_row_and_keeps_extra_rows(divisions):
    Division.objects.filter(code="370102").update(name="历下")
    Division.objects.create(code="370199", name="测试区", level=3, parent_id="370100")
    assert divisions_load() == 1
    assert Division.objects.get(code="370102").name == "历下区"
    assert Division.objects.filter(code="370199").exists()
    assert divisions_load() == 0


def test_load_from_a_plain_csv_path(tmp_path):
    path = write(tmp_path, ["370000,山东省,1,", "370100,济南市,2,370000", "370102,历下区,3,370100"], "d.csv")
    assert divisions_load(path=path) == 3
    assert divisions_load(path=str(path)) == 0
    assert snapshot() == [
        ("370000", "山东省", 1, None),
        ("370100", "济南市", 2, "370000"),
        ("370102", "历下区", 3, "370100"),
    ]


def test_children_may_come_before_parents_in_the_file(tmp_path):
    path = write(tmp_path, ["370102001,解放路街道,4,370102", "370102,历下区,3,370100", "370100,济南市,2,370000",
                            "370000,山东省,1,"])  # fmt: skip
    assert divisions_load(path=path) == 4
    assert Division.objects.get(code="370102001").parent.parent.parent.name == "山东省"


@pytest.mark.parametrize(
    ("line", "bad_line"),
    [
        ("370102,历下区,2,370100", 4),  # wrong level for the code
        ("370102,历下区,3,370000", 4),  # wrong parent for the code
        ("３７０１０２,历下区,3,370100", 4),  # not canonical
        ("370102,,3,370100", 4),  # no name
        ("370102,历下区,3", 4),  # missing field
        ("370100,济南市,2,370000", 4),  # duplicate
    ],
)
def test_a_bad_row_loads_nothing(tmp_path, line, bad_line):
    path = write(tmp_path, ["370000,山东省,1,", "370100,济南市,2,370000", line])
    with pytest.raises(SifaError) as caught:
        divisions_load(path=path)
    assert caught.value.code == ErrorCode.INVALID_INPUT
    assert caught.value.details["line"] == bad_line
    assert Division.objects.count() == 0


def test_a_missing_parent_loads_nothing(tmp_path):
    path = write(tmp_path, ["370000,山东省,1,", "370102,历下区,3,370100"])
    with pytest.raises(SifaError) as caught:
        divisions_load(path=path)
    assert caught.value.details == {"reason": "unknown_parent", "codes": ["370102"]}
    assert Division.objects.count() == 0


def test_a_wrong_header_loads_nothing(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("code,name\n370000,山东省\n")
    with pytest.raises(SifaError) as caught:
        divisions_load(path=path)
    assert caught.value.details["reason"] == "header"
    assert Division.objects.count() == 0


def test_command_loads_then_reports_nothing_new():
    out = io.StringIO()
    call_command("load_divisions", stdout=out, stderr=io.StringIO())
    assert out.getvalue() == "行政区划已加载：新增或更新 3868 条，共 3868 条。\n"
    out = io.StringIO()
    call_command("load_divisions", stdout=out, stderr=io.StringIO())
    assert out.getvalue() == "行政区划已加载：新增或更新 0 条，共 3868 条。\n"


def test_command_quiet_prints_nothing():
    out, err = io.StringIO(), io.StringIO()
    call_command("load_divisions", verbosity=0, stdout=out, stderr=err)
    assert (out.getvalue(), err.getvalue()) == ("", "")
    assert Division.objects.count() == 3868


def test_command_with_a_missing_file_fails_clearly(tmp_path):
    with pytest.raises(CommandError, match="无法加载行政区划"):
        call_command("load_divisions", path=tmp_path / "none.csv.gz", verbosity=0)
    assert Division.objects.count() == 0


def test_subtree_is_everything_under_the_prefix(divisions):
    jinan = Division.objects.get(code="370100")
    lixia = Division.objects.get(code="370102")
    jiefanglu = Division.objects.get(code="370102001")
    assert (jinan.prefix, lixia.prefix, jiefanglu.prefix) == ("3701", "370102", "370102001")
    assert Division.objects.within(lixia.prefix).count() == 1 + 13 + 139
    assert Division.objects.within(jiefanglu.prefix).count() == 1 + Division.objects.filter(parent=jiefanglu).count()
    assert (
        Division.objects.within("5227").filter(level=3).count() == 12
    )  # 黔南州: 2 cities, 9 counties, 1 autonomous county
    assert Division.objects.within("3701").filter(level__gte=4, code__startswith="370103").count() == 17 + 216
    beijing = Division.objects.get(code="110100")
    assert Division.objects.within(beijing.prefix).filter(level=3).count() == 16


def test_subtree_by_prefix_equals_subtree_by_parent_links(divisions):
    by_parent = {"370000"}
    frontier = ["370000"]
    while frontier:
        frontier = list(Division.objects.filter(parent_id__in=frontier).values_list("code", flat=True))
        by_parent.update(frontier)
    assert set(Division.objects.within("37").values_list("code", flat=True)) == by_parent
