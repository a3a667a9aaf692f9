"""Identity check against government data (政务数据共享平台), behind a pluggable adapter.

`settings.SIFA_IDENTITY_ADAPTER` names the adapter class (dotted path); the default is the local
stub below, which answers from a fixed rule with clearly fake data (测试数据) and never leaves the
machine. A real adapter (the provincial data-sharing platform's 人口信息核验 interface) implements
the same `verify(name, id_number) -> IdentityResult` and is configured in settings; it must not log
the identity number.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from sifa.core import idnumber

DEFAULT_ADAPTER = "sifa.notary.identity.StubIdentityAdapter"


@dataclass(frozen=True)
class IdentityResult:
    matched: bool
    source: str  # who answered, e.g. "本地桩（测试数据）" or the platform's name
    checked_at: datetime
    detail: str  # a short human-readable reason, never the identity number


class IdentityAdapter(Protocol):
    def verify(self, name: str, id_number: str) -> IdentityResult: ...


class StubIdentityAdapter:
    """Deterministic stand-in: a number with a valid GB 11643 checksum and a name not on the
    mismatch list matches. NOT government data: every answer says 测试数据."""

    SOURCE = "本地桩适配器（测试数据，非政府数据）"
    MISMATCH_NAMES = frozenset({"王不符", "李假名", "测试不符"})

    def verify(self, name: str, id_number: str) -> IdentityResult:
        now = timezone.now()
        name = (name or "").strip()
        if not name:
            return IdentityResult(False, self.SOURCE, now, "测试数据：姓名为空")
        if not idnumber.is_valid(id_number or ""):
            return IdentityResult(False, self.SOURCE, now, "测试数据：身份证号码校验位或出生日期无效")
        if name in self.MISMATCH_NAMES:
            return IdentityResult(False, self.SOURCE, now, "测试数据：姓名与身份证号码不一致")
        return IdentityResult(True, self.SOURCE, now, "测试数据：姓名与身份证号码一致")


@cache
def _adapter_class(path: str) -> type:
    return import_string(path)


def adapter() -> IdentityAdapter:
    path = getattr(settings, "SIFA_IDENTITY_ADAPTER", DEFAULT_ADAPTER)
    adapter: IdentityAdapter = _adapter_class(path)()
    return adapter
