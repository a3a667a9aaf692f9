"""The matter catalogue (公证事项目录): materials required and the fee of each matter, as data.

Read from `data/matters.toml` (a DEMO fee table: see the file's header and docs/notary.md).
"""

import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from sifa.core.errors import ErrorCode, SifaError

CATALOGUE_FILE = Path(__file__).parent / "data" / "matters.toml"


@dataclass(frozen=True)
class MaterialSpec:
    code: str
    name: str


@dataclass(frozen=True)
class Matter:
    code: str
    name: str
    fee: Decimal
    statement: str  # the certificate's statement template: {name}, {birth}, {details}, {today}
    materials: tuple[MaterialSpec, ...]

    def material(self, code: str) -> MaterialSpec:
        for item in self.materials:
            if item.code == code:
                return item
        raise SifaError(ErrorCode.INVALID_INPUT, "该公证事项没有这项材料。", details={"item": code})


@dataclass(frozen=True)
class Catalogue:
    version: int
    basis: str
    matters: tuple[Matter, ...]

    def by_name(self, name: str) -> Matter:
        for matter in self.matters:
            if matter.name == name:
                return matter
        raise SifaError(ErrorCode.INVALID_INPUT, "未知的公证事项。", details={"matter": name})

    def by_code(self, code: str) -> Matter:
        for matter in self.matters:
            if matter.code == code:
                return matter
        raise SifaError(ErrorCode.NOT_FOUND, "未知的公证事项。", details={"matter": code})


@cache
def catalogue() -> Catalogue:
    raw = tomllib.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))
    matters = []
    for m in raw["matters"]:
        fee = Decimal(m["fee"])
        if fee < 0 or fee != fee.quantize(Decimal("0.01")):
            raise ValueError(f"matter {m['code']}: bad fee {m['fee']!r}")
        items = tuple(MaterialSpec(i["code"], i["name"]) for i in m["materials"])
        if len({i.code for i in items}) != len(items) or not items:
            raise ValueError(f"matter {m['code']}: material codes must be present and unique")
        matters.append(Matter(m["code"], m["name"], fee, m["statement"], items))
    if len({m.code for m in matters}) != len(matters) or len({m.name for m in matters}) != len(matters):
        raise ValueError("duplicate matter codes or names")
    return Catalogue(int(raw["version"]), str(raw["basis"]), tuple(matters))
