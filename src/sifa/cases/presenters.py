"""How a case looks on screen and in the API (identifiers stay masked: `data` holds masked copies)."""

from typing import Any

from django.utils import timezone

from sifa.cases import registry
from sifa.cases.models import Case


def stage_name(case: Case, public: bool = False) -> str:
    try:
        stage = registry.parsed(case.definition).stage(case.stage)
    except StopIteration:
        return case.stage
    return (stage.public_name or stage.name) if public else stage.name


def case_row(case: Case) -> dict[str, Any]:
    return {
        "id": case.pk,
        "reference": case.reference,
        "service_code": case.service_code,
        "service_name": case.definition.name,
        "definition_version": case.definition.version,
        "stage": case.stage,
        "stage_name": stage_name(case),
        "status": case.status,
        "status_name": case.get_status_display(),
        "version": case.version,
        "division_code": case.division_id,
        "division_name": case.division.name,
        "organisation": case.organisation.name if case.organisation else "",
        "handler_name": case.handler.full_name if case.handler else "",
        "applicant_name": case.applicant_name,
        "title": case.title,
        "alert": case.alert,
        "deadline_at": case.deadline_at,
        "paused": case.paused_at is not None,
        "created_at": case.created_at,
        "closed_at": case.closed_at,
    }


def local(moment: Any) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else ""
