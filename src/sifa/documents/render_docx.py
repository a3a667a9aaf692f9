"""DOCX rendering with python-docx, in the same layout as the PDF (fonts named, not embedded).

Word shows the title in 宋体 bold 二号, the body in 仿宋 三号 and headings in 黑体, as on paper
documents; a reader without those fonts falls back to its own Chinese fonts. The seal is a PNG
drawn with Pillow from the shipped font; the footer carries the code, URL, QR code and page number.
"""

import io
import math

import segno
from docx import Document as new_docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run
from PIL import Image, ImageDraw, ImageFont

from sifa.documents.codes import grouped
from sifa.documents.fonts import font_path
from sifa.documents.layout import Body, Heading, Issuer, Para, Signatures, chinese_date
from sifa.documents.render_pdf import BODY_SIZE, TITLE_SIZE, VERIFY_HINT, Stamp

BODY_FONT = "仿宋"
TITLE_FONT = "宋体"
HEADING_FONT = "黑体"


def _font(run: Run, name: str, size: float, *, bold: bool = False) -> Run:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), name)
    return run


def _paragraph(
    paragraph: DocxParagraph, text: str, *, font: str = BODY_FONT, size: float = BODY_SIZE, indent: bool = False
) -> DocxParagraph:
    fmt = paragraph.paragraph_format
    fmt.line_spacing = Pt(28.9)
    fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(2 * size)
    _font(paragraph.add_run(text), font, size)
    return paragraph


def seal_png(name: str, *, size_px: int = 600) -> bytes:
    """The seal as a transparent PNG: red ring, star, the name round the upper arc."""
    red = (217, 18, 18, 255)
    image = Image.new("RGBA", (size_px, size_px), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    centre = size_px / 2
    radius = size_px * 0.47
    ring = size_px * 0.026
    draw.ellipse((centre - radius, centre - radius, centre + radius, centre + radius), outline=red, width=int(ring))
    star = radius * 0.32
    points = [
        (
            centre + (star if i % 2 == 0 else star * 0.38) * math.sin(math.pi * i / 5),
            centre - (star if i % 2 == 0 else star * 0.38) * math.cos(math.pi * i / 5),
        )
        for i in range(10)
    ]
    draw.polygon(points, fill=red)
    chars = list(name)[:24]
    span = min(250.0, len(chars) * math.degrees(size_px * 0.13 / (radius * 0.78)))
    char_px = int(min(size_px * 0.117, radius * 0.78 * math.radians(span) / max(len(chars), 1) * 0.9))
    font = ImageFont.truetype(str(font_path()), char_px, index=0)
    text_radius = radius * 0.78 - char_px * 0.3
    for index, char in enumerate(chars):
        angle = -span / 2 + span * (index + 0.5) / len(chars)
        tile = Image.new("RGBA", (char_px * 2, char_px * 2), (0, 0, 0, 0))
        ImageDraw.Draw(tile).text((char_px, char_px), char, font=font, fill=red, anchor="mm")
        tile = tile.rotate(-angle, resample=Image.Resampling.BICUBIC)
        x = centre + text_radius * math.sin(math.radians(angle)) - char_px
        y = centre - text_radius * math.cos(math.radians(angle)) - char_px
        image.alpha_composite(tile, (int(x), int(y)))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _page_number(paragraph: DocxParagraph) -> None:
    _font(paragraph.add_run("— "), BODY_FONT, 12)
    run = _font(paragraph.add_run(), BODY_FONT, 12)
    for tag, text in (("w:fldChar", "begin"), ("w:instrText", "PAGE"), ("w:fldChar", "end")):
        element = OxmlElement(tag)
        if tag == "w:fldChar":
            element.set(qn("w:fldCharType"), text)
        else:
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._element.append(element)
    _font(paragraph.add_run(" —"), BODY_FONT, 12)


def render_docx(body: Body, issuer: Issuer, stamp: Stamp) -> bytes:
    document = new_docx()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(30), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = document.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(BODY_SIZE)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    props = document.core_properties
    props.title = body.title
    props.author = issuer.name
    props.subject = f"验证码 {stamp.code}"

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(12)
    _font(title.add_run(body.title), TITLE_FONT, TITLE_SIZE, bold=True)
    if body.number:
        number = _paragraph(document.add_paragraph(), body.number)
        number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for block in body.blocks:
        if isinstance(block, Para):
            paragraph = _paragraph(document.add_paragraph(), "", indent=block.indent)
            _font(paragraph.add_run(block.text), BODY_FONT, BODY_SIZE, bold=block.bold)
        elif isinstance(block, Heading):
            _paragraph(document.add_paragraph(), block.text, font=HEADING_FONT)
        elif isinstance(block, Signatures):
            for line in block.lines:
                signature = _paragraph(document.add_paragraph(), f"{line}　{'＿' * 6}")
                signature.paragraph_format.space_before = Pt(10)
    if body.closing_note:
        _paragraph(document.add_paragraph(), body.closing_note, size=12, indent=True)
    if body.show_issuer:
        seal = document.add_paragraph()
        seal.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        seal.paragraph_format.right_indent = Pt(2 * BODY_SIZE)
        seal.add_run().add_picture(io.BytesIO(seal_png(issuer.seal_text or issuer.name)), width=Mm(40))
        for closing_text in (issuer.name, chinese_date(issuer.on)):
            closing = _paragraph(document.add_paragraph(), closing_text)
            closing.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            closing.paragraph_format.right_indent = Pt(4 * BODY_SIZE)

    footer = section.footer
    table = footer.add_table(rows=1, cols=2, width=Mm(156))
    qr = io.BytesIO()
    segno.make(stamp.url, error="m").save(qr, kind="png", scale=6, border=0)
    qr.seek(0)
    table.cell(0, 0).width = Mm(22)
    table.cell(0, 0).paragraphs[0].add_run().add_picture(qr, width=Mm(18))
    info = table.cell(0, 1)
    info.width = Mm(134)
    lines = (
        f"验证码：{grouped(stamp.code)}",
        f"核验地址：{stamp.url}",
        VERIFY_HINT,
    )
    for index, text in enumerate(lines):
        paragraph = info.paragraphs[0] if index == 0 else info.add_paragraph()
        _font(paragraph.add_run(text), BODY_FONT, 9).font.color.rgb = RGBColor(0, 0, 0)
    page = footer.paragraphs[0]
    page._p.addprevious(table._tbl)  # code and QR first, page number under them
    page.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number(page)

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
