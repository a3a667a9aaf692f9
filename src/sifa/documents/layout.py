"""A document's body as a few neutral blocks that both renderers (DOCX and PDF) lay out the same way.

A kind builds a `Body` from its context; `render_docx` and `render_pdf` turn it into files in the
official layout (GB/T 9704 style: A4, title centred in large bold type, body text in 3号 (16 pt)
with a two-character first-line indent, issuer and date at the bottom right under the seal).
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


@dataclass(frozen=True)
class Para:
    """A body paragraph; `indent` gives the two-character first-line indent."""

    text: str
    indent: bool = True
    bold: bool = False


@dataclass(frozen=True)
class Heading:
    """A bold section heading inside the body (e.g. 纠纷主要事实、争议事项)."""

    text: str


@dataclass(frozen=True)
class Signatures:
    """Signature lines: one label per signer (当事人（签名）：张三 ____), two to a row."""

    lines: tuple[str, ...]


Block = Para | Heading | Signatures


@dataclass
class Body:
    title: str
    number: str = ""  # 文号, e.g. 济历法援决〔2026〕12号, under the title
    blocks: list[Block] = field(default_factory=list)
    closing_note: str = ""  # small print above the issuer, e.g. 本协议书一式三份…
    show_issuer: bool = True

    def para(self, text: str, *, indent: bool = True, bold: bool = False) -> "Body":
        self.blocks.append(Para(text, indent=indent, bold=bold))
        return self

    def heading(self, text: str) -> "Body":
        self.blocks.append(Heading(text))
        return self

    def signatures(self, *lines: str) -> "Body":
        self.blocks.append(Signatures(tuple(lines)))
        return self


@dataclass(frozen=True)
class Issuer:
    """Who issues the document and when; printed bottom right, with the seal over it."""

    name: str
    on: date
    seal_text: str = ""  # text round the seal; the issuer's name when empty


def chinese_date(day: date) -> str:
    """2026年11月5日 (Arabic numerals, as GB/T 9704-2012 prescribes for the date of issue)."""
    return f"{day.year}年{day.month}月{day.day}日"


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")
_BIG_UNITS = ("", "万", "亿", "万亿")


def _four_digits(n: int) -> str:
    """0 < n < 10000 in capital numerals with inner zeros (e.g. 1005 -> 壹仟零伍)."""
    out = ""
    zero = False
    for position in range(3, -1, -1):
        digit = n // 10**position % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += _DIGITS[digit] + _SMALL_UNITS[position]
    return out


def rmb_capital(amount: Decimal | int | str) -> str:
    """An amount of yuan in capital numerals (大写), e.g. 12345.60 -> 壹万贰仟叁佰肆拾伍元陆角整."""
    try:
        value = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {amount!r}") from exc
    if value < 0 or value >= Decimal("1e16"):
        raise ValueError(f"amount out of range: {amount!r}")
    cents = int(value * 100)
    yuan, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    words = ""
    if yuan:
        groups = []
        n = yuan
        while n:
            groups.append(n % 10000)
            n //= 10000
        need_zero = False
        for index in range(len(groups) - 1, -1, -1):
            group = groups[index]
            if group == 0:
                need_zero = bool(words)
                continue
            if words and (need_zero or group < 1000):
                words += "零"
            words += _four_digits(group) + _BIG_UNITS[index]
            need_zero = False
        words += "元"
    if not jiao and not fen:
        return (words or "零元") + "整"
    if jiao:
        words += _DIGITS[jiao] + "角"
    elif yuan:
        words += "零"
    if fen:
        words += _DIGITS[fen] + "分"
    else:
        words += "整"
    return words


def money(amount: Decimal | int | str) -> str:
    """人民币 12,345.60 元（大写：壹万贰仟叁佰肆拾伍元陆角整）."""
    value = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"人民币{value:,.2f}元（大写：{rmb_capital(value)}）"


_NUMERALS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1..99 in lower-case Chinese numerals (for 一、二、… clause numbers and 一式三份)."""
    if not 0 < n < 100:
        raise ValueError(f"out of range: {n}")
    tens, ones = divmod(n, 10)
    if not tens:
        return _NUMERALS[ones]
    return ("" if tens == 1 else _NUMERALS[tens]) + "十" + (_NUMERALS[ones] if ones else "")


def paragraphs(value: object) -> list[str]:
    """A context value that is a string (split on blank lines/newlines) or a list of strings."""
    if value is None:
        return []
    items = value if isinstance(value, list | tuple) else str(value).splitlines()
    return [str(item).strip() for item in items if str(item).strip()]
