"""Keys from the environment: AES-GCM for personal data at rest, HMAC lookup hashes, Ed25519 signing."""

import base64
import hashlib
import hmac
import os
from functools import cache

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_NONCE_BYTES = 12
_VERSION = "v1"


def new_key_b64() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def _derive(purpose: bytes) -> bytes:
    master = base64.b64decode(settings.SIFA_FIELD_KEY)
    if len(master) != 32:
        raise ValueError("SIFA_FIELD_KEY must be 32 bytes, base64-encoded")
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(master)


@cache
def _aead() -> AESGCM:
    return AESGCM(_derive(b"sifa field encryption"))


@cache
def _lookup_key() -> bytes:
    return _derive(b"sifa lookup hash")


def encrypt(plaintext: str, *, context: str) -> str:
    """Encrypt with a random nonce; `context` (e.g. "people.Person.id_number") is bound as AAD."""
    nonce = os.urandom(_NONCE_BYTES)
    sealed = _aead().encrypt(nonce, plaintext.encode(), context.encode())
    return f"{_VERSION}:" + base64.b64encode(nonce + sealed).decode()


def decrypt(token: str, *, context: str) -> str:
    version, _, payload = token.partition(":")
    if version != _VERSION:
        raise ValueError("unknown ciphertext version")
    raw = base64.b64decode(payload)
    return _aead().decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], context.encode()).decode()


def lookup_hash(value: str, *, context: str) -> str:
    """Keyed hash for equality search over an encrypted column."""
    return hmac.new(_lookup_key(), f"{context}\x00{value}".encode(), hashlib.sha256).hexdigest()


@cache
def signing_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(settings.SIFA_SIGNING_KEY))


def public_key() -> Ed25519PublicKey:
    return signing_key().public_key()


def public_key_b64() -> str:
    raw = public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()
