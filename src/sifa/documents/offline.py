"""Offline verification of an issued PDF: pure Python (hashlib + cryptography), no Django.

A third party needs only the PDF, the document's signature and the platform's public key (both from
`GET /api/v1/documents/verify/{code}` and `GET /api/v1/documents/public-key`, or from the bureau
on paper). The signed message is `b"sifa-document-v1:" + sha256(pdf).hexdigest().encode()`.
"""

import base64
import binascii
import hashlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

MESSAGE_PREFIX = b"sifa-document-v1:"


def signed_message(sha256_hex: str) -> bytes:
    """The bytes the platform signs for a document whose PDF has this SHA-256 (lower-case hex)."""
    return MESSAGE_PREFIX + sha256_hex.lower().encode("ascii")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def key_id(public_key_b64: str) -> str:
    """Fingerprint of a public key: the first 16 hex digits of SHA-256 over its 32 raw bytes."""
    return hashlib.sha256(base64.b64decode(public_key_b64)).hexdigest()[:16]


def verify_hash(sha256: str, signature_b64: str, public_key_b64: str) -> bool:
    """True when `signature_b64` is the platform's Ed25519 signature over this PDF hash."""
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key_b64, validate=True))
        key.verify(base64.b64decode(signature_b64, validate=True), signed_message(sha256))
    except (InvalidSignature, ValueError, binascii.Error):
        return False
    return True


def verify_pdf(pdf_bytes: bytes, signature_b64: str, public_key_b64: str) -> bool:
    """True when the PDF is byte for byte the one the platform signed."""
    return verify_hash(sha256_hex(pdf_bytes), signature_b64, public_key_b64)
