"""The one place where error codes live, with their HTTP status."""

from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _


class ErrorCode(StrEnum):
    INVALID_INPUT = "invalid_input"
    INVALID_ID_NUMBER = "invalid_id_number"
    INVALID_PHONE = "invalid_phone"
    INVALID_DIVISION = "invalid_division"
    INVALID_DATE = "invalid_date"
    MALFORMED_BODY = "malformed_body"
    FILE_TOO_LARGE = "file_too_large"
    FILE_TYPE_REFUSED = "file_type_refused"
    NOT_AUTHENTICATED = "not_authenticated"
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    CONFLICT = "conflict"
    ROLE_CONFLICT = "role_conflict"
    RATE_LIMITED = "rate_limited"
    REPRESENTATIVE_BLOCKED = "representative_blocked"
    WARNINGS_OPEN = "warnings_open"
    STALE_VERSION = "stale_version"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"


HTTP_STATUS: dict[ErrorCode, int] = {
    ErrorCode.INVALID_INPUT: 422,
    ErrorCode.INVALID_ID_NUMBER: 422,
    ErrorCode.INVALID_PHONE: 422,
    ErrorCode.INVALID_DIVISION: 422,
    ErrorCode.INVALID_DATE: 422,
    ErrorCode.MALFORMED_BODY: 400,
    ErrorCode.FILE_TOO_LARGE: 413,
    ErrorCode.FILE_TYPE_REFUSED: 415,
    ErrorCode.NOT_AUTHENTICATED: 401,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.CONFLICT: 409,
    ErrorCode.ROLE_CONFLICT: 409,
    ErrorCode.RATE_LIMITED: 429,
    ErrorCode.REPRESENTATIVE_BLOCKED: 409,
    ErrorCode.WARNINGS_OPEN: 409,
    ErrorCode.STALE_VERSION: 409,
    ErrorCode.IDEMPOTENCY_KEY_REUSED: 409,
}

DEFAULT_MESSAGES: dict[ErrorCode, Any] = {
    ErrorCode.INVALID_INPUT: _("输入有误，请检查后重试。"),
    ErrorCode.INVALID_ID_NUMBER: _("居民身份证号码无效。"),
    ErrorCode.INVALID_PHONE: _("手机号码无效。"),
    ErrorCode.INVALID_DIVISION: _("行政区划代码无效。"),
    ErrorCode.INVALID_DATE: _("日期无效。"),
    ErrorCode.MALFORMED_BODY: _("请求内容不是有效的 JSON。"),
    ErrorCode.FILE_TOO_LARGE: _("文件过大。"),
    ErrorCode.FILE_TYPE_REFUSED: _("不接受此类型的文件。"),
    ErrorCode.NOT_AUTHENTICATED: _("请先登录。"),
    ErrorCode.NOT_FOUND: _("未找到该记录。"),
    ErrorCode.FORBIDDEN: _("无权执行此操作。"),
    ErrorCode.CONFLICT: _("操作冲突，请刷新后重试。"),
    ErrorCode.ROLE_CONFLICT: _("系统管理员、安全管理员和审计管理员角色不得由同一账号兼任。"),
    ErrorCode.RATE_LIMITED: _("操作过于频繁，请稍后再试。"),
    ErrorCode.REPRESENTATIVE_BLOCKED: _(
        "该律师处于停止执业或吊销状态，不得担任代理人、辩护人；如确需放行，请填写理由。"
    ),
    ErrorCode.WARNINGS_OPEN: _("尚有未研判或已确认的核查预警，不能批准。"),
    ErrorCode.STALE_VERSION: _("案件已被他人处理，请刷新后重试。"),
    ErrorCode.IDEMPOTENCY_KEY_REUSED: _("同一提交编号已用于内容不同的申请。"),
}


class SifaError(Exception):
    """A domain error with a stable code; views and the API map it once to a response."""

    def __init__(self, code: ErrorCode, message: str | None = None, details: Any = None) -> None:
        self.code = code
        self.message = str(message if message is not None else DEFAULT_MESSAGES[code])
        self.details = details if details is not None else {}
        super().__init__(self.message)

    @property
    def status(self) -> int:
        return HTTP_STATUS[self.code]

    def as_body(self) -> dict[str, Any]:
        return {"code": str(self.code), "message": self.message, "details": self.details}


def invalid(field: str, message: str) -> SifaError:
    """INVALID_INPUT about one field: the message, and the same under the field's name for the form."""
    return SifaError(ErrorCode.INVALID_INPUT, message, details={field: message})
