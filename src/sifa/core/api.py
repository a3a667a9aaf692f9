"""What every app's API shares: the error body and the bounded pagination of lists."""

from typing import Any

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination


class ErrorOut(Schema):
    """The body of every error answer (see sifa.core.errors and sifa.api)."""

    code: str
    message: str
    details: Any


class BoundedPagination(LimitOffsetPagination):
    """limit/offset with upper bounds, so an absurd value is a 422 with the usual error body
    rather than a database overflow."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=1000)
        offset: int = Field(0, ge=0, le=2**31 - 1)
