"""Service-type definitions: TOML files validated by pydantic at load time.

A definition is data (see docs/cases.md for the format). Each file is identified by its `code` and
`version`; the loader stores the source text and its SHA-256 in `ServiceDefinition`, so a running
case pins the exact text it started with and old versions stay loadable after a file changes.
"""

from __future__ import annotations

import hashlib
import tomllib
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

from django.apps import apps
from django.conf import settings
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sifa.accounts.choices import Role
from sifa.core import idnumber, phone
from sifa.core.errors import ErrorCode, SifaError
from sifa.regions.choices import OrganisationKind

FieldType = Literal["text", "date", "money", "choice", "id_number", "phone", "division", "file", "bool"]
SENSITIVE_TYPES = frozenset({"id_number", "phone"})
CODE = r"^[a-z][a-z0-9_]{0,47}$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FieldSpec(_Strict):
    """One typed form field; values are checked at the edge by `clean_fields`."""

    name: str = Field(pattern=CODE)
    label: str = Field(min_length=1, max_length=64)
    type: FieldType = "text"
    required: bool = True
    help: str = ""
    max_length: int = Field(500, ge=1, le=10_000)
    choices: tuple[str, ...] = ()
    file_types: tuple[str, ...] = ("pdf", "png", "jpeg")

    @model_validator(mode="after")
    def _choices(self) -> FieldSpec:
        if self.type == "choice" and not self.choices:
            raise ValueError(f"field {self.name}: a choice field needs choices")
        return self


class DeadlineSpec(_Strict):
    days: int = Field(ge=1, le=3650)
    calendar: Literal["working", "calendar"] = "working"
    warn_days: int = Field(1, ge=0, le=365)
    pausable: bool = False  # the clock stops while the case waits for the applicant


class StageSpec(_Strict):
    code: str = Field(pattern=CODE)
    name: str = Field(min_length=1, max_length=64)
    roles: tuple[Role, ...] = ()  # who handles the case in this stage (the task lists)
    deadline: DeadlineSpec | None = None
    waiting_for_applicant: bool = False
    terminal: bool = False
    public_name: str = ""  # what the applicant sees on the timeline (defaults to name)


class DocumentSpec(_Strict):
    kind: str = Field(pattern=CODE)
    title: str = Field(min_length=1, max_length=128)
    # The template's context: key (dots make nested tables, e.g. "applicant.name") -> a case variable
    # (a form field of the application or of this transition, or reference, applied_on, today,
    # service_name, organisation, handler_name, applicant_name, title), or "=literal text".
    context: dict[str, str] = Field(default_factory=dict)


class TransitionSpec(_Strict):
    code: str = Field(pattern=CODE)
    name: str = Field(min_length=1, max_length=64)
    source: tuple[str, ...] = Field(alias="from", min_length=1)
    to: str = Field(pattern=CODE)
    roles: tuple[Role, ...] = ()
    # division: any holder of the role whose scope covers the case; handler: only the assigned handler;
    # applicant: only the citizen who applied.
    scope: Literal["division", "handler", "applicant"] = "division"
    fields: tuple[FieldSpec, ...] = ()
    documents: tuple[DocumentSpec, ...] = ()
    assign: Literal["", "manual", "round_robin", "weighted"] = ""
    assign_role: Role | None = None
    assign_organisation_kinds: tuple[OrganisationKind, ...] = ()
    notify: tuple[Literal["applicant", "handler", "supervisor"], ...] = ()
    # false: the service's own pages fire it through its own service (which does more than the
    # engine: checks, documents, referrals); the generic case pages and API neither offer nor fire it.
    generic: bool = True
    # A field of this transition holding whole days: entering `to` keeps the running deadline and
    # adds that many days (in `to`'s calendar) instead of restarting the clock (an approved extension).
    extend_by: str = ""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class DefectSpec(_Strict):
    code: str = Field(pattern=CODE)
    message: str = Field(min_length=1, max_length=200)
    stage: str = Field(pattern=CODE)  # checked when a case reaches this stage
    requires_document: str = ""  # a document of this kind must be on file
    requires_event: str = ""  # a transition with this code must have happened


class Definition(_Strict):
    code: str = Field(pattern=CODE)
    version: int = Field(ge=1)
    name: str = Field(min_length=1, max_length=64)
    description: str = ""
    category: str = ""
    reference_prefix: str = Field("AJ", pattern=r"^[A-Z]{1,4}$")
    skill_field: str = ""  # the form field whose value is the skill tag assignment looks for
    organisation_kinds: tuple[OrganisationKind, ...] = (OrganisationKind.JUDICIAL_BUREAU,)
    applicant_roles: tuple[Literal["citizen", "staff"], ...] = ("citizen",)
    initial_stage: str = Field(pattern=CODE)
    skills: tuple[str, ...] = ()  # skill tags a case may ask for (matched against handler profiles)
    fields: tuple[FieldSpec, ...] = ()
    stages: tuple[StageSpec, ...] = Field(min_length=1)
    transitions: tuple[TransitionSpec, ...] = ()
    defects: tuple[DefectSpec, ...] = ()
    rating: bool = True  # closed cases ask the applicant for a satisfaction rating
    follow_up_days: int = Field(5, ge=1, le=60)  # working days for the follow-up visit (回访)
    # A service with its own guided filing page (mediation's parties, the wage-arrears questions):
    # the portal links there instead of the generic form. A site path such as "/mediation/apply/".
    apply_path: str = Field("", pattern=r"^(/[a-z0-9_\-/]*)?$", max_length=100)
    # The service's own case pages, "{id}" standing for the case id: the generic pages link there.
    citizen_page: str = Field("", pattern=r"^(/[a-z0-9_\-/]*\{id\}[a-z0-9_\-/]*)?$", max_length=100)
    staff_page: str = Field("", pattern=r"^(/[a-z0-9_\-/]*\{id\}[a-z0-9_\-/]*)?$", max_length=100)

    @model_validator(mode="after")
    def _graph(self) -> Definition:
        stages = {s.code for s in self.stages}
        if len(stages) != len(self.stages):
            raise ValueError("duplicate stage codes")
        if self.initial_stage not in stages:
            raise ValueError(f"initial_stage {self.initial_stage!r} is not a stage")
        codes = [t.code for t in self.transitions]
        if len(set(codes)) != len(codes):
            raise ValueError("duplicate transition codes")
        for t in self.transitions:
            for s in (*t.source, t.to):
                if s not in stages:
                    raise ValueError(f"transition {t.code}: unknown stage {s!r}")
            if not t.roles and t.scope != "applicant":
                raise ValueError(f"transition {t.code}: roles are required unless scope is applicant")
            if t.assign and t.assign_role is None:
                raise ValueError(f"transition {t.code}: assign needs assign_role")
            if t.extend_by and t.extend_by not in {f.name for f in t.fields}:
                raise ValueError(f"transition {t.code}: extend_by names no field of the transition")
            if t.extend_by and next(s for s in self.stages if s.code == t.to).deadline is None:
                raise ValueError(f"transition {t.code}: extend_by needs a deadline on stage {t.to!r}")
        for d in self.defects:
            if d.stage not in stages:
                raise ValueError(f"defect {d.code}: unknown stage {d.stage!r}")
        names = [f.name for f in self.fields]
        if len(set(names)) != len(names):
            raise ValueError("duplicate field names")
        return self

    def stage(self, code: str) -> StageSpec:
        return next(s for s in self.stages if s.code == code)

    def transition(self, code: str) -> TransitionSpec:
        for t in self.transitions:
            if t.code == code:
                return t
        raise SifaError(ErrorCode.INVALID_INPUT, details={"transition": code})

    def transitions_from(self, stage: str) -> list[TransitionSpec]:
        return [t for t in self.transitions if stage in t.source]


def parse(text: str, *, origin: str = "<definition>") -> Definition:
    """Parse and validate one definition; errors name the file and the offending entry."""
    try:
        raw = tomllib.loads(text)
        return Definition.model_validate(raw)
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise DefinitionError(f"{origin}: {exc}") from exc


class DefinitionError(ValueError):
    """A definition file does not parse or does not validate."""


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def definition_dirs() -> list[Path]:
    """`<app>/definitions/` of every installed app, then settings.SIFA_CASE_DEFINITION_DIRS."""
    dirs = [Path(app.path) / "definitions" for app in apps.get_app_configs()]
    dirs += [Path(p) for p in getattr(settings, "SIFA_CASE_DEFINITION_DIRS", [])]
    return [d for d in dirs if d.is_dir()]


def definition_files() -> list[Path]:
    return sorted(p for d in definition_dirs() for p in d.glob("*.toml"))


# ---- field values, checked at the edge -------------------------------------------------------


def _clean_value(spec: FieldSpec, value: Any) -> Any:
    text = "" if value is None else str(value).strip()
    if spec.type == "bool":
        return value in (True, "true", "on", "1", 1)
    if spec.type == "text" or spec.type == "choice":
        if len(text) > spec.max_length:
            raise ValueError("过长")
        if spec.type == "choice" and text not in spec.choices:
            raise ValueError("不是可选的值")
        return text
    if spec.type == "date":
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise ValueError("日期格式应为 YYYY-MM-DD") from None
    if spec.type == "money":
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValueError("金额格式有误") from None
        if (
            not amount.is_finite()
            or amount < 0
            or amount > Decimal("1e12")
            or amount != amount.quantize(Decimal("0.01"))
        ):
            raise ValueError("金额格式有误")
        return str(amount.quantize(Decimal("0.01")))
    if spec.type == "id_number":
        return idnumber.parse(text).value
    if spec.type == "phone":
        return phone.parse(text)
    if spec.type == "division":
        from sifa.regions.selectors import division_get

        return division_get(text).code
    return text


def clean_fields(specs: tuple[FieldSpec, ...], data: dict[str, Any]) -> dict[str, Any]:
    """Typed values for `specs` (file fields excluded); raise INVALID_INPUT with per-field messages."""
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for spec in specs:
        if spec.type == "file":
            continue
        value = data.get(spec.name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if spec.required and spec.type != "bool":
                errors[spec.name] = "必填"
            continue
        try:
            cleaned[spec.name] = _clean_value(spec, value)
        except SifaError as exc:
            errors[spec.name] = exc.message
        except ValueError as exc:
            errors[spec.name] = str(exc)
    if errors:
        raise SifaError(ErrorCode.INVALID_INPUT, details=errors)
    return cleaned
