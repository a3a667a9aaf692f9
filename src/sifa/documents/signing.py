"""Signing with the platform's Ed25519 key (sifa.core.crypto): documents and signature records."""

import base64

from sifa.core import crypto
from sifa.documents import offline


def sign_bytes(message: bytes) -> str:
    return base64.b64encode(crypto.signing_key().sign(message)).decode()


def sign_pdf_hash(sha256: str) -> str:
    return sign_bytes(offline.signed_message(sha256))


def current_key_id() -> str:
    return offline.key_id(crypto.public_key_b64())


def verify_bytes(message: bytes, signature_b64: str) -> bool:
    from cryptography.exceptions import InvalidSignature

    try:
        crypto.public_key().verify(base64.b64decode(signature_b64), message)
    except (InvalidSignature, ValueError):
        return False
    return True
