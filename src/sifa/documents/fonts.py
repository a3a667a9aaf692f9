"""The CJK font embedded into every PDF: WenQuanYi Micro Hei, shipped with this app (see fonts/README.md).

`SIFA_DOCUMENT_FONT` (settings) may name another TrueType file (.ttf, or .ttc with face 0), e.g. a
licensed 仿宋 font; reportlab refuses CFF-based OpenType fonts such as Noto CJK.
"""

from functools import cache
from pathlib import Path

from django.conf import settings
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

SHIPPED_FONT = Path(__file__).resolve().parent / "fonts" / "wqy-microhei.ttc"
FONT_NAME = "SifaCJK"


class FontMissingError(RuntimeError):
    """The configured or shipped CJK font file is not there: documents would render blank."""


def font_path() -> Path:
    configured = getattr(settings, "SIFA_DOCUMENT_FONT", "") or ""
    path = Path(configured) if configured else SHIPPED_FONT
    if not path.is_file():
        raise FontMissingError(
            f"CJK font for documents not found at {path}. It ships with Sifa as "
            f"src/sifa/documents/fonts/wqy-microhei.ttc; restore it, or set SIFA_DOCUMENT_FONT to a "
            f"TrueType Chinese font (Debian: apt-get install fonts-wqy-microhei, "
            f"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc)."
        )
    return path


@cache
def pdf_font() -> str:
    """Register the font with reportlab once per process; returns its reportlab name."""
    path = font_path()
    pdfmetrics.registerFont(TTFont(FONT_NAME, str(path), subfontIndex=0))
    return FONT_NAME
