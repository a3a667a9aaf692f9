"""PDF rendering with reportlab: A4 in the GB/T 9704 proportions, the CJK font embedded (subset).

Every page carries the verification code, URL and a QR code in its bottom margin and a centred page
number; the last page ends with the issuer and date at the bottom right under a red seal mark.
"""

import io
import math
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

import segno
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer

from sifa.documents.codes import grouped
from sifa.documents.fonts import pdf_font
from sifa.documents.layout import Body, Heading, Issuer, Para, Signatures, chinese_date
from sifa.documents.linebreak import break_lines

SEAL_RED = colors.Color(0.85, 0.07, 0.07)
BODY_SIZE = 16  # 三号
TITLE_SIZE = 22  # 二号
LEADING = 28.9  # 22 lines a page
VERIFY_HINT = "扫描二维码或访问上述地址，可核验本文书真伪及是否被篡改。"


@dataclass(frozen=True)
class Stamp:
    """What the bottom margin of every page shows: the code and where to verify it."""

    code: str
    url: str


def _styles(font: str) -> dict[str, ParagraphStyle]:
    body = ParagraphStyle(
        "body", fontName=font, fontSize=BODY_SIZE, leading=LEADING, firstLineIndent=2 * BODY_SIZE, wordWrap="CJK"
    )
    return {
        "body": body,
        "flush": ParagraphStyle("flush", parent=body, firstLineIndent=0),
        "heading": ParagraphStyle("heading", parent=body, firstLineIndent=0, spaceBefore=4),
        "number": ParagraphStyle("number", parent=body, firstLineIndent=0, alignment=1, spaceAfter=6),
        "note": ParagraphStyle(
            "note", parent=body, fontSize=12, leading=20, firstLineIndent=24, alignment=TA_LEFT, spaceBefore=8
        ),
        "sign": ParagraphStyle("sign", parent=body, firstLineIndent=0, spaceBefore=10),
    }


class Title(Flowable):
    """The title: centred, large, bold (stroked as well as filled: the font has no bold face)."""

    def __init__(self, text: str, font: str, width_chars: int = 14) -> None:
        super().__init__()
        self.lines = [text[i : i + width_chars] for i in range(0, len(text), width_chars)] or [""]
        self.font = font

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        return available_width, len(self.lines) * TITLE_SIZE * 1.5 + 18

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        text = canvas.beginText()
        text.setFont(self.font, TITLE_SIZE)
        text.setTextRenderMode(2)
        canvas.setLineWidth(0.5)
        y = len(self.lines) * TITLE_SIZE * 1.5 + 18 - TITLE_SIZE * 1.2
        for line in self.lines:
            width = canvas.stringWidth(line, self.font, TITLE_SIZE)
            text.setTextOrigin((self.width - width) / 2, y)
            text.textOut(line)
            y -= TITLE_SIZE * 1.5
        canvas.drawText(text)
        canvas.restoreState()


def draw_seal(canvas: Canvas, cx: float, cy: float, name: str, font: str, radius: float = 21 * mm) -> None:
    """A round red seal: ring, five-pointed star, the organisation's name round the upper arc."""
    canvas.saveState()
    canvas.setStrokeColor(SEAL_RED)
    canvas.setFillColor(SEAL_RED)
    canvas.setLineWidth(1.1 * mm)
    canvas.circle(cx, cy, radius, stroke=1, fill=0)
    star = radius * 0.32
    points = [
        (
            cx + (star if i % 2 == 0 else star * 0.38) * math.sin(math.pi * i / 5),
            cy + (star if i % 2 == 0 else star * 0.38) * math.cos(math.pi * i / 5),
        )
        for i in range(10)
    ]
    path = canvas.beginPath()
    path.moveTo(*points[0])
    for point in points[1:]:
        path.lineTo(*point)
    path.close()
    canvas.drawPath(path, stroke=0, fill=1)
    chars = list(name)[:24]
    # Up to 250 degrees of arc, characters shrinking (from 5.2 mm) to fit.
    span = min(250.0, len(chars) * math.degrees(5.8 * mm / (radius * 0.78)))
    size = min(5.2 * mm, radius * 0.78 * math.radians(span) / max(len(chars), 1) * 0.9)
    for index, char in enumerate(chars):
        angle = -span / 2 + span * (index + 0.5) / len(chars)
        canvas.saveState()
        canvas.translate(cx, cy)
        canvas.rotate(-angle)
        canvas.setFont(font, size)
        canvas.drawCentredString(0, radius * 0.88 - size * 0.88, char)  # glyph tops near the ring
        canvas.restoreState()
    canvas.restoreState()


class SealMark(Flowable):
    """Zero-height mark placed after the issuer and date: draws the seal over the two lines above it."""

    def __init__(self, name: str, font: str) -> None:
        super().__init__()
        self.name = name
        self.font = font

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        return available_width, 0

    def draw(self) -> None:
        centre = self.width - 4 * BODY_SIZE - self.canv.stringWidth("0000年00月00日", self.font, BODY_SIZE) / 2
        draw_seal(self.canv, centre, LEADING * 1.1, self.name, self.font)


def _issuer_flowables(issuer: Issuer, font: str, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    """Issuer and date at the bottom right (the date four characters from the margin), seal over them."""
    date_text = chinese_date(issuer.on)
    date_width = pdfmetrics.stringWidth("0000年00月00日", font, BODY_SIZE)
    name_width = pdfmetrics.stringWidth(issuer.name, font, BODY_SIZE)
    # The name is centred over the date (GB/T 9704), or flush right when it is longer.
    name_indent = max(0.0, 4 * BODY_SIZE + date_width / 2 - name_width / 2)
    name_style = ParagraphStyle("issuer", parent=styles["flush"], alignment=TA_RIGHT, rightIndent=name_indent)
    date_style = ParagraphStyle("date", parent=styles["flush"], alignment=TA_RIGHT, rightIndent=4 * BODY_SIZE)
    return [
        Spacer(1, 18 * mm),
        Paragraph(escape(issuer.name), name_style),
        Paragraph(escape(date_text), date_style),
        SealMark(issuer.seal_text or issuer.name, font),
    ]


def _draw_stamp(canvas: Canvas, doc: Any, stamp: Stamp, font: str) -> None:
    canvas.saveState()
    width, _ = A4
    left = doc.leftMargin
    size = 18 * mm
    qr = segno.make(stamp.url, error="m")
    matrix = qr.matrix
    cell = size / len(matrix)
    bottom = 10 * mm
    canvas.setFillColor(colors.black)
    for row_index, row in enumerate(matrix):
        for col_index, dark in enumerate(row):
            if dark:
                canvas.rect(
                    left + col_index * cell, bottom + size - (row_index + 1) * cell, cell, cell, stroke=0, fill=1
                )
    canvas.setFont(font, 9)
    canvas.drawString(left + size + 4 * mm, bottom + size - 5 * mm, f"验证码：{grouped(stamp.code)}")
    canvas.drawString(left + size + 4 * mm, bottom + size - 10 * mm, f"核验地址：{stamp.url}")
    canvas.drawString(
        left + size + 4 * mm, bottom + size - 15 * mm, "扫描二维码或访问上述地址，可核验本文书真伪及是否被篡改。"
    )
    canvas.setFont(font, 12)
    canvas.drawRightString(width - doc.rightMargin, bottom + size + 3 * mm, f"— {canvas.getPageNumber()} —")
    canvas.restoreState()


def render_pdf(body: Body, issuer: Issuer, stamp: Stamp, *, author: str = "") -> bytes:
    font = pdf_font()
    styles = _styles(font)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        topMargin=30 * mm,
        bottomMargin=35 * mm,
        leftMargin=28 * mm,
        rightMargin=26 * mm,
        title=body.title,
        author=author or issuer.name,
        subject=f"验证码 {stamp.code}",
        creator="Sifa 智慧司法平台",
        lang="zh-CN",
    )
    story: list[Flowable] = [Title(body.title, font)]
    if body.number:
        story.append(Paragraph(escape(body.number), styles["number"]))
    frame_width = doc.width - 12  # the frame pads 6 pt on each side

    def wrapped(text: str, style: ParagraphStyle) -> Paragraph:
        def measure(token: str) -> float:
            return float(pdfmetrics.stringWidth(token, font, style.fontSize))

        lines = break_lines(text, measure, frame_width - 0.5, style.firstLineIndent)
        return Paragraph("<br/>".join(escape(line) for line in lines), style)

    for block in body.blocks:
        if isinstance(block, Para):
            story.append(wrapped(block.text, styles["body"] if block.indent else styles["flush"]))
        elif isinstance(block, Heading):
            story.append(wrapped(block.text, styles["heading"]))
        elif isinstance(block, Signatures):
            story.append(Spacer(1, 4 * mm))
            story.extend(Paragraph(escape(line) + "　" + "＿" * 6, styles["sign"]) for line in block.lines)
    closing: list[Flowable] = []
    if body.closing_note:
        closing.append(wrapped(body.closing_note, styles["note"]))
    if body.show_issuer:
        closing.extend(_issuer_flowables(issuer, font, styles))
    if closing:
        story.append(KeepTogether(closing))

    def on_page(canvas: Canvas, page_doc: Any) -> None:
        _draw_stamp(canvas, page_doc, stamp, font)

    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buffer.getvalue()
