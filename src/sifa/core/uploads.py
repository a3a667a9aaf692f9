"""Uploads are checked at the edge: size first, then type by content (never by the file name)."""

import io
import zipfile
from typing import IO

from django.conf import settings

from sifa.core.errors import ErrorCode, SifaError

_MAGIC = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpeg": (b"\xff\xd8\xff",),
}
_OOXML_MARKERS = {"xlsx": "xl/workbook.xml", "docx": "word/document.xml"}


def sniff(head: bytes, stream: IO[bytes]) -> str | None:
    """The detected type of an upload: pdf, png, jpeg, xlsx, docx, csv, or None."""
    for kind, prefixes in _MAGIC.items():
        if head.startswith(prefixes):
            return kind
    if head.startswith(b"PK\x03\x04"):
        stream.seek(0)
        try:
            names = set(zipfile.ZipFile(stream).namelist())
        except zipfile.BadZipFile:
            return None
        return next((kind for kind, marker in _OOXML_MARKERS.items() if marker in names), None)
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the sample's end is still text.
        if exc.start < len(head) - 3:
            return None
    return "csv" if b"\x00" not in head else None


def check_upload(upload: IO[bytes], *, allowed: set[str], size: int | None = None) -> str:
    """Return the detected type, or raise FILE_TOO_LARGE / FILE_TYPE_REFUSED with details."""
    limit = settings.SIFA_MAX_UPLOAD_BYTES
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    if size > limit:
        raise SifaError(ErrorCode.FILE_TOO_LARGE, details={"size": size, "limit": limit})
    upload.seek(0)
    kind = sniff(upload.read(4096), upload)
    upload.seek(0)
    if kind not in allowed:
        raise SifaError(ErrorCode.FILE_TYPE_REFUSED, details={"detected": kind, "allowed": sorted(allowed)})
    return kind
