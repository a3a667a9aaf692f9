"""求法援 (A3): legal-aid centres with their public details, nearest first; and the staff edit of those
details (audited). Reads answer for anonymous visitors: only public information is returned."""

import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from sifa.accounts.choices import Role
from sifa.accounts.models import User
from sifa.audit.services import audit_record
from sifa.core.errors import ErrorCode, SifaError
from sifa.core.text import normalise
from sifa.legal_aid.models import ServicePoint
from sifa.regions.choices import OrganisationKind
from sifa.regions.codes import code_ancestors
from sifa.regions.models import Division, Organisation
from sifa.regions.selectors import division_full_name, division_get, division_paths

EDIT_ROLES = frozenset({Role.BUREAU_STAFF, Role.LEGAL_AID_OFFICER})
EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class Centre:
    id: int
    name: str
    division_code: str
    division_name: str
    address: str
    phone: str
    hours: str
    accessibility: str
    latitude: float | None
    longitude: float | None
    distance_km: float | None


def haversine_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))


def parse_position(lat: object, lng: object) -> tuple[float, float] | None:
    """Both empty: no position. Otherwise both must be numbers in range (INVALID_INPUT)."""
    lat_text, lng_text = str(lat or "").strip(), str(lng or "").strip()
    if not lat_text and not lng_text:
        return None
    try:
        la, lo = float(lat_text), float(lng_text)
    except ValueError:
        raise SifaError(ErrorCode.INVALID_INPUT, "位置格式有误。", details={"lat": lat_text, "lng": lng_text}) from None
    if not (math.isfinite(la) and math.isfinite(lo) and -90 <= la <= 90 and -180 <= lo <= 180):
        raise SifaError(ErrorCode.INVALID_INPUT, "位置超出范围。", details={"lat": lat_text, "lng": lng_text})
    return la, lo


def centres(*, division: str = "", position: tuple[float, float] | None = None, limit: int = 50) -> list[Centre]:
    """Legal-aid centres in the division's subtree; with no centre there, those above it (the
    province's or the city's centre serves the county); nearest first when a position is given,
    else by division code."""
    orgs = Organisation.objects.filter(kind=OrganisationKind.LEGAL_AID_CENTRE).select_related(
        "division", "service_point"
    )
    if division:
        place = division_get(division)
        inside = orgs.filter(division__code__startswith=place.prefix)
        if not inside.exists():
            inside = orgs.filter(division_id__in=code_ancestors(place.code))
        orgs = inside
    rows = list(orgs.order_by("division_id", "name")[:500])
    paths = division_paths([o.division for o in rows])
    found = []
    for org in rows:
        point: ServicePoint | None = getattr(org, "service_point", None)
        lat = float(point.latitude) if point else None
        lng = float(point.longitude) if point else None
        distance = None
        if position is not None and lat is not None and lng is not None:
            distance = round(haversine_km(position[0], position[1], lat, lng), 1)
        found.append(
            Centre(
                id=org.pk,
                name=org.name,
                division_code=org.division_id,
                division_name=division_full_name(org.division, paths[org.division_id]),
                address=org.address,
                phone=org.public_phone,
                hours=point.hours if point else "",
                accessibility=point.accessibility if point else "",
                latitude=lat,
                longitude=lng,
                distance_km=distance,
            )
        )
    if position is not None:
        found.sort(key=lambda c: (c.distance_km is None, c.distance_km or 0.0, c.division_code))
    return found[: max(1, min(limit, 200))]


def editable_centres(*, user: Any) -> list[Organisation]:
    """The legal-aid centres a staff user may edit: in their division subtree, with an edit role."""
    if getattr(user, "kind", None) != "staff" or not user.has_role(*EDIT_ROLES) or not user.scope_prefix:
        return []
    return list(
        Organisation.objects.filter(
            kind=OrganisationKind.LEGAL_AID_CENTRE, division__code__startswith=user.scope_prefix
        )
        .select_related("division", "service_point")
        .order_by("division_id", "name")
    )


def _coordinate(raw: object, field: str, bound: int) -> Decimal:
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise SifaError(ErrorCode.INVALID_INPUT, details={field: "请填写数字"}) from None
    if not value.is_finite() or abs(value) > bound:
        raise SifaError(ErrorCode.INVALID_INPUT, details={field: f"应在 -{bound} 到 {bound} 之间"})
    return value.quantize(Decimal("0.000001"))


def _text(raw: object, field: str, limit: int, required: bool) -> str:
    value = normalise(str(raw or ""))
    if len(value) > limit or (required and not value):
        raise SifaError(
            ErrorCode.INVALID_INPUT, details={field: f"必填，{limit} 字以内" if required else f"{limit} 字以内"}
        )
    return value


def service_point_save(
    *,
    actor: User,
    organisation_id: int,
    address: str,
    phone: str,
    hours: str,
    latitude: object,
    longitude: object,
    accessibility: str = "",
) -> ServicePoint:
    """Bureau staff or legal-aid officers of the centre's scope set its public details (audited)."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    checks = {
        "address": lambda: _text(address, "address", 255, True),
        "phone": lambda: _text(phone, "phone", 32, True),
        "hours": lambda: _text(hours, "hours", 200, True),
        "accessibility": lambda: _text(accessibility, "accessibility", 200, False),
        "latitude": lambda: _coordinate(latitude, "latitude", 90),
        "longitude": lambda: _coordinate(longitude, "longitude", 180),
    }
    for name, check in checks.items():
        try:
            values[name] = check()
        except SifaError as exc:
            errors.update(exc.details)
    if errors:
        raise SifaError(ErrorCode.INVALID_INPUT, details=errors)
    with transaction.atomic():
        org = (
            Organisation.objects.select_for_update()
            .filter(pk=organisation_id, kind=OrganisationKind.LEGAL_AID_CENTRE)
            .first()
        )
        allowed = editable_centres(user=actor)
        if org is None or org.pk not in {o.pk for o in allowed}:
            raise SifaError(ErrorCode.NOT_FOUND)
        point = ServicePoint.objects.select_for_update().filter(organisation=org).first()
        before = {
            "address": org.address,
            "phone": org.public_phone,
            **(
                {
                    "hours": point.hours,
                    "latitude": point.latitude,
                    "longitude": point.longitude,
                    "accessibility": point.accessibility,
                }
                if point
                else {}
            ),
        }
        org.address, org.public_phone = values["address"], values["phone"]
        org.save(update_fields=["address", "public_phone"])
        if point is None:
            point = ServicePoint(organisation=org)
        point.hours, point.latitude, point.longitude = values["hours"], values["latitude"], values["longitude"]
        point.accessibility, point.updated_by, point.updated_at = values["accessibility"], actor, timezone.now()
        point.save()
        audit_record(actor=actor, action="legal_aid.service_point_save", target=point, before=before, after=values)
        return point


def county_choices(province: str = "") -> list[Division]:
    """Divisions that have a legal-aid centre, for the plain pickers."""
    codes = Organisation.objects.filter(kind=OrganisationKind.LEGAL_AID_CENTRE).values("division_id")
    found = Division.objects.filter(code__in=codes)
    if province:
        found = found.filter(code__startswith=province[:2])
    return list(found.order_by("code"))
