"""The answer page's rules (A2): which routes are open to a worker owed wages, what to bring, where
to go. The numbers and lists live in `data/rules.toml`; docs/wage_arrears.md explains each rule."""

import calendar
import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

RULES_FILE = Path(__file__).with_name("data") / "rules.toml"

# GB 32100-2015 统一社会信用代码: 18 characters from this alphabet, the last one a check character.
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


@cache
def rules() -> dict[str, Any]:
    return tomllib.loads(RULES_FILE.read_text(encoding="utf-8"))


def credit_code_valid(code: str) -> bool:
    """True when `code` is 18 characters of the GB 32100 alphabet with the right check character."""
    if len(code) != 18 or any(c not in CREDIT_ALPHABET for c in code):
        return False
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(code[:17], CREDIT_WEIGHTS, strict=True))
    return CREDIT_ALPHABET[(31 - total % 31) % 31] == code[17]


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Facts:
    province: str  # province code of the project's county
    amount_owed: Any
    period_end: date
    has_contract: bool
    has_records: bool
    has_iou: bool
    still_working: bool


@dataclass(frozen=True)
class Limitation:
    state: str  # "running" (employment lasts), "ok", "near", "over"
    deadline: date | None
    days_left: int | None
    message: str


@dataclass
class Route:
    code: str
    name: str
    basis: str
    open: bool
    summary: str
    bring: list[str] = field(default_factory=list)
    where: str = ""
    address: str = ""
    phone: str = ""
    hours: str = ""
    warning: str = ""


def limitation(facts: Facts, today: date) -> Limitation:
    """The one-year limitation of labour arbitration for unpaid wages (劳动争议调解仲裁法 第二十七条)."""
    cfg = rules()["limitation"]
    if facts.still_working:
        return Limitation(
            "running", None, None, "劳动关系存续期间因拖欠劳动报酬申请仲裁，不受一年时效限制；离开后一年内要申请。"
        )
    deadline = add_months(month_end(facts.period_end), int(cfg["months"]))
    left = (deadline - today).days
    if left < 0:
        return Limitation(
            "over",
            deadline,
            left,
            f"按欠薪结束月份计算，一年仲裁时效已于 {deadline:%Y年%m月%d日} 届满；"
            "如有中断、中止情形（如一直在讨要），仍可申请，请尽快咨询。",
        )
    if left <= int(cfg["warn_days"]):
        return Limitation(
            "near", deadline, left, f"仲裁时效只剩 {left} 天（至 {deadline:%Y年%m月%d日}），请尽快申请仲裁或法律援助。"
        )
    return Limitation("ok", deadline, left, f"请在 {deadline:%Y年%m月%d日} 前申请仲裁（一年时效）。")


def legal_aid_exempt(province: str) -> bool:
    listed = rules()["legal_aid"]["exempt_provinces"]
    return "*" in listed or province in listed


def payment_order_open(facts: Facts) -> bool:
    needs = rules()["payment_order"]["needs_iou_or"]
    return facts.has_iou or all(getattr(facts, name) for name in needs)


def routes(facts: Facts, today: date, places: dict[str, dict[str, str]]) -> tuple[list[Route], Limitation]:
    """Every route with whether it is open; `places` maps route code -> where/address/phone/hours."""
    limit = limitation(facts, today)
    evidence = ["身份证", "劳动合同或其他能证明在该单位、工地干活的材料（工牌、考勤、工友证明）", "欠薪金额的计算清单"]
    found = [
        Route(
            "complaint",
            "向劳动保障监察机构投诉",
            "《保障农民工工资支付条例》",
            True,
            "人力资源社会保障部门负责查处拖欠农民工工资，可责令用人单位限期支付；投诉不收费。",
            [*evidence, "工程项目名称、地址，施工单位和老板的名称、电话"],
        ),
        Route(
            "arbitration",
            "劳动争议调解、仲裁",
            "《劳动争议调解仲裁法》第二十七条",
            limit.state != "over",
            "可以先找调解组织调解；调解不成向劳动人事争议仲裁委员会申请仲裁，仲裁不收费。",
            [*evidence, "仲裁申请书（可请法律援助律师代写）"],
            warning=limit.message,
        ),
        Route(
            "legal_aid",
            "申请法律援助（请求支付劳动报酬）",
            "《法律援助法》第三十一条、第四十二条",
            True,
            (
                "请求支付劳动报酬的农民工申请法律援助，免予核查经济困难状况，由律师免费代理调解、仲裁、诉讼。"
                if legal_aid_exempt(facts.province)
                else "经济困难的可申请法律援助，由律师免费代理。"
            ),
            ["身份证", "欠薪的证据材料", "法律援助申请表（本页可直接在线申请，已为您填好）"],
        ),
        Route(
            "payment_order",
            "向人民法院申请支付令",
            "《民事诉讼法》督促程序、《劳动合同法》第三十条",
            payment_order_open(facts),
            "欠薪事实清楚（有欠条、结算单，或有劳动合同和工资记录）时，可向法院申请支付令，对方十五日内不提出异议即可申请强制执行。",
            ["身份证", "欠条、工资结算单或劳动合同和工资记录", "支付令申请书"],
        ),
    ]
    for route in found:
        for key, value in places.get(route.code, {}).items():
            setattr(route, key, value)
    return found, limit
