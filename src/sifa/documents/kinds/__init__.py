"""The template registry: one module per document kind in this package, each defining `KIND`.

Adding a kind is adding a file here::

    KIND = DocumentKind(
        code="generic_notice",
        name="通知书",
        required=("recipient", "paragraphs"),
        identity=IdentityPolicy.NONE,
        layout=layout,          # (context, issuer) -> Body
    )

`required` names context fields; `"applicant.name"` is a field of the mapping `applicant`;
`"parties[].name"` means every item of the list `parties` needs a non-blank `name`. Missing
fields are refused at issue time with one error naming all of them.
"""

import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from sifa.core import idnumber
from sifa.core.errors import ErrorCode, SifaError
from sifa.documents.choices import IdentityPolicy
from sifa.documents.layout import Body, Issuer

Layout = Callable[[Mapping[str, Any], Issuer], Body]


@dataclass(frozen=True)
class DocumentKind:
    code: str
    name: str  # the kind's Chinese name, e.g. 人民调解协议书
    required: tuple[str, ...]
    identity: IdentityPolicy
    layout: Layout
    description: str = ""

    def missing(self, context: Mapping[str, Any]) -> list[str]:
        """The required fields that are absent or blank, in declaration order."""
        found = [name for spec in self.required for name in _missing(context, spec)]
        return list(dict.fromkeys(found))

    def build(self, context: Mapping[str, Any], issuer: Issuer) -> Body:
        missing = self.missing(context)
        if missing:
            raise SifaError(
                ErrorCode.INVALID_INPUT,
                f"{self.name}缺少必填内容：{'、'.join(missing)}",
                details={"kind": self.code, "missing": missing},
            )
        return self.layout(context, issuer)

    def identity_text(self, raw: str) -> str:
        """An identity number as this kind prints it ("" when it prints none or none was given)."""
        raw = (raw or "").strip()
        if not raw or self.identity == IdentityPolicy.NONE:
            return ""
        value = idnumber.parse(raw).value if idnumber.is_valid(raw) else raw
        return value if self.identity == IdentityPolicy.FULL else idnumber.mask(value)


def party_line(
    kind: DocumentKind,
    party: Mapping[str, Any],
    label: str,
    *,
    details: tuple[tuple[str, str], ...] = (),
    address_label: str = "住址",
) -> str:
    """A party as a document introduces them: "<label>：name，<details>，公民身份号码：…，联系方式：…，
    <address_label>：…", each part left out when blank. `details` are (context key, format) pairs."""
    parts = [text(party, "name")]
    parts += [fmt.format(text(party, key)) for key, fmt in details if text(party, key)]
    identity = kind.identity_text(text(party, "id_number"))
    if identity:
        parts.append(f"公民身份号码：{identity}")
    if text(party, "phone"):
        parts.append(f"联系方式：{text(party, 'phone')}")
    if text(party, "address"):
        parts.append(f"{address_label}：{text(party, 'address')}")
    return f"{label}：" + "，".join(parts)


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | dict):
        return len(value) == 0
    return False


def _missing(context: Mapping[str, Any], spec: str) -> list[str]:
    head, _, rest = spec.partition("[].")
    if not rest:
        outer, _, inner = spec.partition(".")
        if inner:  # "applicant.name": a field of a nested mapping
            nested = context.get(outer)
            return [spec] if not isinstance(nested, Mapping) or _blank(nested.get(inner)) else []
        return [spec] if _blank(context.get(spec)) else []
    items = context.get(head)
    if _blank(items) or not isinstance(items, list | tuple):
        return [head]
    return [
        f"{head}[{index}].{rest}"
        for index, item in enumerate(items)
        if not isinstance(item, Mapping) or _blank(item.get(rest))
    ]


@cache
def registry() -> dict[str, DocumentKind]:
    """Every kind in this package, by code (modules are imported once, on first use)."""
    kinds: dict[str, DocumentKind] = {}
    for module_info in pkgutil.iter_modules(__path__):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        kind = getattr(module, "KIND", None)
        if not isinstance(kind, DocumentKind):
            raise TypeError(f"{module.__name__} must define KIND = DocumentKind(...)")
        if kind.code in kinds:
            raise ValueError(f"document kind {kind.code!r} is defined twice")
        kinds[kind.code] = kind
    return kinds


def kind_get(code: str) -> DocumentKind:
    try:
        return registry()[code]
    except KeyError:
        raise SifaError(
            ErrorCode.INVALID_INPUT, f"未知的文书种类：{code}", details={"kind": code, "known": sorted(registry())}
        ) from None


def kind_name(code: str) -> str:
    kind = registry().get(code)
    return kind.name if kind else code


def text(context: Mapping[str, Any], key: str, default: str = "") -> str:
    value = context.get(key)
    return default if value is None else str(value).strip()
