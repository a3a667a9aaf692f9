"""Audit ledger writes. Interim body: the audit app replaces this with the Merkle ledger."""

from collections.abc import Mapping
from typing import Any

from django.db import models


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    purpose: str = "",
) -> None:
    return None
