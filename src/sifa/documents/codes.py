"""Verification codes: 12 characters of Crockford base32 (60 random bits), easy to read aloud and type."""

import secrets

from django.conf import settings

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford: no I, L, O, U
LENGTH = 12
_CONFUSABLE = str.maketrans({"I": "1", "L": "1", "O": "0", "U": "V"})


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(raw: str) -> str:
    """Upper-case, drop spaces and hyphens, read I/L as 1 and O as 0 (as Crockford base32 does)."""
    return raw.strip().upper().replace("-", "").replace(" ", "").translate(_CONFUSABLE)


def is_well_formed(code: str) -> bool:
    return len(code) == LENGTH and all(c in ALPHABET for c in code)


def grouped(code: str) -> str:
    """ABCD-EFGH-JKMN, for printing."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def public_base_url() -> str:
    """Where citizens reach the portal (printed on documents); SIFA_PUBLIC_URL in settings."""
    return str(getattr(settings, "SIFA_PUBLIC_URL", "") or "http://127.0.0.1:8000").rstrip("/")


def verify_url(code: str) -> str:
    return f"{public_base_url()}/verify/{code}"
