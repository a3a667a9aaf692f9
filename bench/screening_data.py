"""Seeded synthetic watch list + registry with planted truth, for the screening benchmark and tests.

    data = generate(n_watch=10_000, n_registry=100_000, seed=7)
    data.watch, data.registry      # DataFrames in the `sifa screen` CSV layout
    data.truth                     # set of (person_id, record_id) that are the same person
    data.record_class              # record_id -> corruption class (or distractor kind / "background")

Default profile: half of the watch list is planted in the registry. Each planted copy is clean
(30 %), carries one corruption (60 %, evenly over the classes below) or two (10 %, "compound").
Hard negatives sit beside them: namesakes (same name, birth date and gender, another ID), namesakes
without ID born on another day, relatives (same surname and region, birth year, another date), and near-IDs (same
region and birth date, sequence two apart, valid checksum). Names follow a skewed surname and
given-name distribution, so 王伟-like names recur and carry weak evidence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

SINGLE_CLASSES = [
    "traditional",  # name in Traditional characters
    "homophone",  # one character replaced by a homophone (丽/莉, 明/铭)
    "similar_shape",  # one character replaced by a similar-looking one (王/玉, 己/已)
    "spaces",  # spaces inside the name, full-width digits in the ID
    "dropped_char",  # one character of a three-character name dropped
    "id_missing",
    "id_typo",  # one digit mistyped
    "id_swap",  # two neighbouring digits swapped
    "id_15",  # the old 15-digit form
    "birth_missing",  # birth date and gender fields empty
]
CLASSES = ["clean", *SINGLE_CLASSES, "compound"]
DISTRACTORS = ["namesake", "namesake_other_birth", "relative", "near_id"]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范"
    "金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤单欧阳"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉建红文斌宇浩凯健俊帆帅旭宁龙林欣佳琳晨"
    "莉力立鸣铭名民梅玲燕雪琴云飞峰海波志国庆春梦瑶婷婷宏伦亮晶晓东鑫博晴雨阳新丹倩颖慧颖思"
)
# Non-homophone look-alikes (and a few that are), as clerks mistype or OCR misreads them.
SHAPES = {
    "王": "玉",
    "汪": "江",
    "徐": "涂",
    "陈": "阵",
    "己": "已",
    "未": "末",
    "土": "士",
    "天": "夭",
    "干": "千",
    "明": "朋",
    "丽": "而",
    "伟": "伤",
    "芳": "方",
    "娜": "哪",
    "敏": "教",
    "静": "争",
    "强": "虽",
    "军": "车",
    "洋": "详",
    "勇": "男",
    "艳": "拖",
    "杰": "木",
    "娟": "涓",
    "涛": "寿",
    "超": "起",
    "秀": "季",
    "霞": "暇",
    "平": "干",
    "刚": "冈",
    "英": "央",
    "华": "毕",
    "玉": "王",
    "兰": "当",
    "萍": "苹",
    "鹏": "朋",
    "辉": "挥",
    "红": "江",
    "文": "又",
    "斌": "武",
    "宇": "字",
    "浩": "治",
    "凯": "岂",
    "健": "建",
    "俊": "峻",
    "龙": "尤",
    "林": "材",
    "欣": "炊",
    "佳": "住",
    "琳": "淋",
    "晨": "農",
    "李": "季",
    "张": "弦",
    "刘": "划",
    "杨": "扬",
    "黄": "寅",
    "赵": "赶",
    "吴": "吞",
    "周": "同",
    "孙": "孔",
    "马": "乌",
    "朱": "米",
    "胡": "故",
    "郭": "鄂",
}
_WEIGHTS17 = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
_CHECK = np.array(list("10X98765432"))
_FULLWIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")


@dataclass
class Dataset:
    watch: pd.DataFrame
    registry: pd.DataFrame
    truth: set[tuple[str, str]]
    record_class: dict[str, str]
    seed: int
    counts: dict[str, int] = field(default_factory=dict)


def _zipf(rng: np.random.Generator, n_items: int, size: int, a: float) -> np.ndarray:
    p = 1.0 / np.arange(1, n_items + 1) ** a
    return rng.choice(n_items, size=size, p=p / p.sum())


def _check_chars(first17: np.ndarray) -> np.ndarray:
    digits = first17.view(np.uint8).reshape(-1, 17 * 4)[:, ::4] - 48 if first17.dtype.kind == "U" else first17
    return _CHECK[(digits.astype(np.int64) @ _WEIGHTS17) % 11]


class _People:
    """Columns of synthetic people; IDs unique."""

    def __init__(self, rng: np.random.Generator, n: int, taken: np.ndarray | None = None):
        self.rng = rng
        surnames = [*SURNAMES[:-2], "欧阳"]
        s_idx = _zipf(rng, len(surnames), n, 1.0)
        g = list(dict.fromkeys(GIVEN))
        g1 = _zipf(rng, len(g), n, 0.9)
        g2 = _zipf(rng, len(g), n, 0.9)
        two = rng.random(n) < 0.7
        self.name = np.array(
            [surnames[s] + g[a] + (g[b] if t else "") for s, a, b, t in zip(s_idx, g1, g2, two, strict=True)],
            dtype=object,
        )
        self.surname = np.array([surnames[s] for s in s_idx], dtype=object)
        # 300 counties in 30 provinces
        provinces = np.array(
            [
                11,
                12,
                13,
                14,
                15,
                21,
                22,
                23,
                31,
                32,
                33,
                34,
                35,
                36,
                37,
                41,
                42,
                43,
                44,
                45,
                46,
                50,
                51,
                52,
                53,
                54,
                61,
                62,
                63,
                64,
            ]
        )
        regions = np.array([f"{p}{c:02d}{k:02d}" for p in provinces for c in (1, 2) for k in range(1, 6)])
        self.region = regions[rng.integers(0, len(regions), n)]
        born = np.datetime64("1955-01-01") + rng.integers(0, 365 * 45, n).astype("timedelta64[D]")
        self.birth = np.datetime_as_string(born, unit="D")
        self.male = rng.random(n) < 0.5
        self.seq = rng.integers(0, 500, n) * 2 + self.male.astype(int)
        self.id = self._ids(self.region, self.birth, self.seq)
        # make IDs unique: re-draw the sequence of duplicates until none are left
        for _ in range(20):
            dup = pd.Series(self.id).duplicated().to_numpy().copy()
            if taken is not None and len(taken):  # unique against earlier chunks too (sorted first-17 numbers)
                dup |= _is_taken(self.id, taken)
            if not dup.any():
                break
            self.seq[dup] = rng.integers(0, 500, int(dup.sum())) * 2 + self.male[dup].astype(int)
            self.id[dup] = self._ids(self.region[dup], self.birth[dup], self.seq[dup])

    @staticmethod
    def _ids(region: np.ndarray, birth: np.ndarray, seq: np.ndarray) -> np.ndarray:
        first17 = np.char.add(
            np.char.add(region.astype(str), np.char.replace(birth.astype(str), "-", "")),
            np.char.zfill(seq.astype(str), 3),
        )
        return np.char.add(first17, _check_chars(first17)).astype(object)


def _id_numbers(ids: np.ndarray) -> np.ndarray:
    """First 17 digits of each ID as int64 (the check digit follows from them)."""
    return np.array([int(v[:17]) for v in ids], dtype=np.int64)


def _is_taken(ids: np.ndarray, taken: np.ndarray) -> np.ndarray:
    nums = _id_numbers(ids)
    at = np.clip(np.searchsorted(taken, nums), 0, len(taken) - 1)
    return taken[at] == nums


def _with_check(first17: str) -> str:
    d = np.frombuffer(first17.encode(), dtype=np.uint8) - 48
    return first17 + str(_CHECK[int(d @ _WEIGHTS17) % 11])


def _homophone_map() -> dict[str, list[str]]:
    from pypinyin import Style, lazy_pinyin

    pool = list(dict.fromkeys(GIVEN + SURNAMES))
    by_py: dict[str, list[str]] = {}
    for ch in pool:
        by_py.setdefault(lazy_pinyin(ch, style=Style.NORMAL)[0], []).append(ch)
    return {ch: [o for o in by_py[lazy_pinyin(ch, style=Style.NORMAL)[0]] if o != ch] for ch in pool}


class _Corrupt:
    def __init__(self, rng: np.random.Generator):
        import opencc

        self.rng = rng
        self.s2t = opencc.OpenCC("s2t")
        self.homophones = _homophone_map()

    def apply(self, kind: str, rec: dict[str, str]) -> None:
        rng = self.rng
        name, idn = rec["name"], rec["id_number"]
        if kind in ("id_typo", "id_swap", "id_15") and len(idn) != 18:
            kind = "id_missing" if not idn else "none"  # an ID already removed or reshaped stays as it is
        if kind == "traditional":
            rec["name"] = self.s2t.convert(name)
        elif kind == "homophone":
            spots = [i for i in range(1, len(name)) if self.homophones.get(name[i])] or [
                i for i in range(len(name)) if self.homophones.get(name[i])
            ]
            if spots:
                i = spots[rng.integers(len(spots))]
                alts = self.homophones[name[i]]
                rec["name"] = name[:i] + alts[rng.integers(len(alts))] + name[i + 1 :]
        elif kind == "similar_shape":
            spots = [i for i in range(len(name)) if name[i] in SHAPES]
            i = spots[rng.integers(len(spots))] if spots else len(name) - 1
            replacement = SHAPES.get(name[i], "口")
            rec["name"] = name[:i] + replacement + name[i + 1 :]
        elif kind == "spaces":
            rec["name"] = " ".join(name) if rng.random() < 0.5 else name[0] + "　" + name[1:]
            if len(idn) != 18:
                return
            rec["id_number"] = (
                idn[:6] + " " + idn[6:14] + " " + idn[14:] if rng.random() < 0.5 else idn.translate(_FULLWIDTH)
            )
        elif kind == "dropped_char":
            if len(name) >= 3:
                i = int(rng.integers(1, len(name)))
                rec["name"] = name[:i] + name[i + 1 :]
        elif kind == "id_missing":  # the ID is left out; the form's birth date and gender are filled in
            rec["id_number"] = ""
            if rec.get("_birth"):
                rec["birth_date"], rec["gender"] = rec["_birth"], rec["_gender"]
        elif kind == "id_typo":
            i = int(rng.integers(0, 17))
            new = str((int(idn[i]) + int(rng.integers(1, 10))) % 10)
            rec["id_number"] = idn[:i] + new + idn[i + 1 :]
        elif kind == "id_swap":
            spots = [i for i in range(16) if idn[i] != idn[i + 1]]
            i = spots[rng.integers(len(spots))]
            rec["id_number"] = idn[:i] + idn[i + 1] + idn[i] + idn[i + 2 :]
        elif kind == "id_15":
            if idn[6:8] == "19":
                rec["id_number"] = idn[:6] + idn[8:17]
        elif kind == "birth_missing":
            rec["birth_date"] = ""
            rec["gender"] = ""


def generate(*, n_watch: int, n_registry: int, seed: int = 7, planted_share: float = 0.5) -> Dataset:
    rng = np.random.default_rng(seed)
    n_planted = int(n_watch * planted_share)
    n_distractors = max(4, n_watch // 10)
    n_background = max(0, n_registry - n_planted - n_distractors)
    people = _People(rng, n_watch + n_background)
    corrupt = _Corrupt(rng)

    def rec(i: int, with_birth: bool = True) -> dict[str, str]:
        return {
            "name": people.name[i],
            "id_number": people.id[i],
            "birth_date": people.birth[i] if with_birth else "",
            "gender": ("男" if people.male[i] else "女") if with_birth else "",
            "_birth": people.birth[i],
            "_gender": "男" if people.male[i] else "女",
        }

    watch_rows = []
    for i in range(n_watch):
        r = rec(i, with_birth=rng.random() < 0.8)
        watch_rows.append({"person_id": f"W{i:08d}", **r})

    registry_rows: list[dict[str, str]] = []
    truth: set[tuple[str, str]] = set()
    record_class: dict[str, str] = {}

    def add(row: dict[str, str], kind: str) -> str:
        rid = f"R{len(registry_rows):09d}"
        registry_rows.append({"record_id": rid, **row})
        record_class[rid] = kind
        return rid

    draws = rng.random(n_planted)
    for j in range(n_planted):
        row = rec(j, with_birth=rng.random() < 0.7)
        if draws[j] < 0.3:
            kind = "clean"
        elif draws[j] < 0.9:
            kind = SINGLE_CLASSES[int((draws[j] - 0.3) / 0.6 * len(SINGLE_CLASSES))]
            corrupt.apply(kind, row)
        else:
            kind = "compound"
            a, b = sorted(rng.choice(len(SINGLE_CLASSES), size=2, replace=False))
            if {SINGLE_CLASSES[a], SINGLE_CLASSES[b]} == {"id_missing", "birth_missing"}:
                b = SINGLE_CLASSES.index("homophone")  # a bare name cannot be screened; not planted
            corrupt.apply(SINGLE_CLASSES[a], row)
            corrupt.apply(SINGLE_CLASSES[b], row)
        truth.add((f"W{j:08d}", add(row, kind)))

    for k in range(n_distractors):
        j = int(rng.integers(0, n_watch))
        kind = DISTRACTORS[k % len(DISTRACTORS)]
        base = rec(j)
        other = int(rng.integers(n_watch, n_watch + max(1, n_background))) if n_background else j
        if kind == "namesake":
            region = people.region[other]
            seq = f"{int(rng.integers(0, 500)) * 2 + int(people.male[j]):03d}"
            base["id_number"] = _with_check(region + people.birth[j].replace("-", "") + seq)
        elif kind == "namesake_other_birth":
            base["id_number"] = ""
            base["birth_date"] = people.birth[other]
            base["gender"] = "男" if people.male[other] else "女"
        elif kind == "relative":
            given = list(dict.fromkeys(GIVEN))
            base["name"] = people.surname[j] + "".join(rng.choice(given, size=2))
            year = people.birth[j][:4]
            birth = f"{year}-{int(rng.integers(1, 13)):02d}-{int(rng.integers(1, 29)):02d}"
            base["birth_date"] = birth
            base["id_number"] = _with_check(people.region[j] + birth.replace("-", "") + people.id[j][14:17])
        else:  # near_id: same region and birth date, sequence two apart (same parity), valid checksum
            given = list(dict.fromkeys(GIVEN))
            base["name"] = people.surname[j] + "".join(rng.choice(given, size=2))
            seq = (int(people.id[j][14:17]) + 2) % 1000
            base["id_number"] = _with_check(people.id[j][:14] + f"{seq:03d}")
        if base["id_number"] == people.id[j]:
            continue
        add(base, kind)

    for i in range(n_watch, n_watch + n_background):
        add(rec(i, with_birth=rng.random() < 0.7), "background")

    for row in (*watch_rows, *registry_rows):
        row.pop("_birth", None)
        row.pop("_gender", None)
    registry = pd.DataFrame(registry_rows, columns=["record_id", "name", "id_number", "birth_date", "gender"])
    order = rng.permutation(len(registry))
    registry = registry.iloc[order].reset_index(drop=True)
    watch = pd.DataFrame(watch_rows, columns=["person_id", "name", "id_number", "birth_date", "gender"])
    counts = pd.Series(list(record_class.values())).value_counts().to_dict()
    return Dataset(watch, registry, truth, record_class, seed, counts)


# ---------------------------------------------------------------------------------------------
# Streaming: the same profile written chunk by chunk to Parquet, for registries larger than memory.


@dataclass
class FileDataset:
    watch: Path
    registry: Path
    special: Path  # record_id, kind, person_id (planted copies: the watch person; distractors: null)
    n_watch: int
    n_registry: int
    counts: dict[str, int] = field(default_factory=dict)

    def truth_and_classes(self) -> tuple[set[tuple[str, str]], dict[str, str]]:
        """(planted pairs, record_id -> class for the non-background records); background is the default."""
        special = pd.read_parquet(self.special)
        planted = special[special["person_id"].notna()]
        truth = set(zip(planted["person_id"], planted["record_id"], strict=True))
        return truth, dict(zip(special["record_id"], special["kind"], strict=True))


REGISTRY_FILE_COLUMNS = ["record_id", "name", "id_number", "birth_date", "gender"]


def _frame(people: _People, keys: list[str], key: str, with_birth: np.ndarray) -> pd.DataFrame:
    gender = np.where(people.male, "男", "女")
    return pd.DataFrame(
        {
            key: keys,
            "name": people.name,
            "id_number": people.id,
            "birth_date": np.where(with_birth, people.birth, ""),
            "gender": np.where(with_birth, gender, ""),
        }
    )


def generate_files(
    out_dir: str | Path,
    *,
    n_watch: int,
    n_registry: int,
    seed: int = 7,
    planted_share: float = 0.5,
    chunk_rows: int = 1_000_000,
) -> FileDataset:
    """`generate`'s profile (same classes, shares and distractors; another random stream) written to
    `out_dir/{watch,registry,special}.parquet`, the registry `chunk_rows` background people at a time
    with the planted copies and distractors scattered over the chunks. IDs are unique over everyone."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    n_planted = int(n_watch * planted_share)
    n_distractors = max(4, n_watch // 10)
    n_background = max(0, n_registry - n_planted - n_distractors)

    people = _People(rng, n_watch)
    taken = np.sort(_id_numbers(people.id))
    watch_with_birth = rng.random(n_watch) < 0.8
    watch = _frame(people, [f"W{i:08d}" for i in range(n_watch)], "person_id", watch_with_birth)
    watch.to_parquet(out / "watch.parquet", row_group_size=chunk_rows)
    del watch
    others = _People(rng, n_distractors, taken)  # strangers lending a region or birth date to distractors
    taken = np.sort(np.concatenate([taken, _id_numbers(others.id)]))
    corrupt = _Corrupt(rng)

    def rec(i: int, with_birth: bool = True) -> dict[str, str]:
        sex = "男" if people.male[i] else "女"
        return {
            "name": people.name[i],
            "id_number": people.id[i],
            "birth_date": people.birth[i] if with_birth else "",
            "gender": sex if with_birth else "",
            "_birth": people.birth[i],
            "_gender": sex,
        }

    rows: list[dict[str, str]] = []
    kinds: list[str] = []
    owners: list[str | None] = []

    def add(row: dict[str, str], kind: str, owner: str | None) -> None:
        row.pop("_birth", None)
        row.pop("_gender", None)
        rows.append({"record_id": f"R{len(rows):09d}", **row})
        kinds.append(kind)
        owners.append(owner)

    draws = rng.random(n_planted)
    for j in range(n_planted):
        row = rec(j, with_birth=rng.random() < 0.7)
        if draws[j] < 0.3:
            kind = "clean"
        elif draws[j] < 0.9:
            kind = SINGLE_CLASSES[int((draws[j] - 0.3) / 0.6 * len(SINGLE_CLASSES))]
            corrupt.apply(kind, row)
        else:
            kind = "compound"
            a, b = sorted(rng.choice(len(SINGLE_CLASSES), size=2, replace=False))
            if {SINGLE_CLASSES[a], SINGLE_CLASSES[b]} == {"id_missing", "birth_missing"}:
                b = SINGLE_CLASSES.index("homophone")
            corrupt.apply(SINGLE_CLASSES[a], row)
            corrupt.apply(SINGLE_CLASSES[b], row)
        add(row, kind, f"W{j:08d}")

    given = list(dict.fromkeys(GIVEN))
    for k in range(n_distractors):
        j = int(rng.integers(0, n_watch))
        kind = DISTRACTORS[k % len(DISTRACTORS)]
        base = rec(j)
        if kind == "namesake":
            seq = f"{int(rng.integers(0, 500)) * 2 + int(people.male[j]):03d}"
            base["id_number"] = _with_check(others.region[k] + people.birth[j].replace("-", "") + seq)
        elif kind == "namesake_other_birth":
            base["id_number"] = ""
            base["birth_date"] = others.birth[k]
            base["gender"] = "男" if others.male[k] else "女"
        elif kind == "relative":
            base["name"] = people.surname[j] + "".join(rng.choice(given, size=2))
            year = people.birth[j][:4]
            birth = f"{year}-{int(rng.integers(1, 13)):02d}-{int(rng.integers(1, 29)):02d}"
            base["birth_date"] = birth
            base["id_number"] = _with_check(people.region[j] + birth.replace("-", "") + people.id[j][14:17])
        else:
            base["name"] = people.surname[j] + "".join(rng.choice(given, size=2))
            seq = (int(people.id[j][14:17]) + 2) % 1000
            base["id_number"] = _with_check(people.id[j][:14] + f"{seq:03d}")
        if base["id_number"] == people.id[j]:
            continue
        add(base, kind, None)

    special = pd.DataFrame(rows, columns=REGISTRY_FILE_COLUMNS)
    pd.DataFrame({"record_id": special["record_id"], "kind": kinds, "person_id": owners}).to_parquet(
        out / "special.parquet"
    )
    counts = pd.Series(kinds).value_counts().to_dict()
    counts["background"] = n_background
    n_chunks = max(1, -(-(len(special) + n_background) // chunk_rows))
    chunk_of = rng.integers(0, n_chunks, len(special))
    sizes = [len(a) for a in np.array_split(np.arange(n_background), n_chunks)]
    schema = pa.schema([pa.field(c, pa.string()) for c in REGISTRY_FILE_COLUMNS])
    next_id = len(special)
    with pq.ParquetWriter(out / "registry.parquet", schema, compression="zstd") as writer:
        for c, size in enumerate(sizes):
            bg = _People(rng, size, taken)
            taken = np.sort(np.concatenate([taken, _id_numbers(bg.id)]))
            keys = [f"R{next_id + i:09d}" for i in range(size)]
            next_id += size
            chunk = pd.concat(
                [special[chunk_of == c], _frame(bg, keys, "record_id", rng.random(size) < 0.7)], ignore_index=True
            )
            chunk = chunk.iloc[rng.permutation(len(chunk))]
            writer.write_table(pa.Table.from_pandas(chunk, schema=schema, preserve_index=False))
    return FileDataset(
        out / "watch.parquet", out / "registry.parquet", out / "special.parquet", n_watch, next_id, counts
    )
