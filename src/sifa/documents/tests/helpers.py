"""Text of generated files, for exact assertions on what a document says."""

import io

import docx
import pypdf


def pdf_text(data: bytes) -> str:
    """All pages' text with line breaks removed (wrapping may split a phrase)."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "".join(page.extract_text() for page in reader.pages).replace("\n", "")


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for section in document.sections:
        for table in section.footer.tables:
            parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)
