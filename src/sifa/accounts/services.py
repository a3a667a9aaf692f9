"""Writes for accounts: staff and citizens, roles, second factors, SMS codes, API tokens."""

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from sifa.accounts.choices import ADMIN_ROLES, AccountKind, Role
from sifa.accounts.models import ApiToken, RoleGrant, SmsCode, User
from sifa.accounts.sms import send_sms
from sifa.audit.services import audit_record
from sifa.core import crypto, phone
from sifa.core.errors import ErrorCode, SifaError
from sifa.regions.models import Organisation

SMS_CODE_TTL = timedelta(minutes=5)
SMS_CODE_MAX_ATTEMPTS = 5
SMS_RESEND_INTERVAL = timedelta(seconds=60)
TOKEN_USE_PRECISION = timedelta(minutes=1)
PHONE_CONTEXT = "accounts.User.phone"


def phone_lookup(value: str) -> str:
    return crypto.lookup_hash(value, context=PHONE_CONTEXT)


def _check_admin_roles(roles: Iterable[str]) -> None:
    if len(set(roles) & set(ADMIN_ROLES)) > 1:
        raise SifaError(ErrorCode.ROLE_CONFLICT)


@transaction.atomic
def staff_create(
    *,
    actor: User | None,
    username: str,
    password: str,
    full_name: str,
    organisation: Organisation,
    roles: Iterable[str],
    mobile: str = "",
) -> User:
    roles = list(roles)
    _check_admin_roles(roles)
    user = User(username=username, full_name=full_name, kind=AccountKind.STAFF, organisation=organisation)
    if mobile:
        user.phone = phone.parse_mobile(mobile)
        user.phone_hash = phone_lookup(user.phone)
    user.set_password(password)
    user.full_clean(exclude=["password", "phone"])
    user.save()
    RoleGrant.objects.bulk_create([RoleGrant(user=user, role=r) for r in roles])
    audit_record(actor=actor, action="accounts.staff_create", target=user, after={"roles": sorted(roles)})
    return user


@transaction.atomic
def role_grant(*, actor: User | None, user: User, role: str) -> RoleGrant:
    held = set(user.role_grants.values_list("role", flat=True))
    _check_admin_roles(held | {role})
    try:
        with transaction.atomic():
            grant = RoleGrant.objects.create(user=user, role=role)
    except IntegrityError as exc:  # a concurrent grant of a second admin role loses here
        raise SifaError(ErrorCode.ROLE_CONFLICT) from exc
    audit_record(
        actor=actor,
        action="accounts.role_grant",
        target=user,
        before={"roles": sorted(held)},
        after={"roles": sorted(held | {role})},
    )
    user.__dict__.pop("_role_set", None)
    return grant


@transaction.atomic
def totp_device_create(*, actor: User | None, user: User, name: str = "authenticator") -> TOTPDevice:
    """(Re)issue the staff user's TOTP device; its provisioning URL is shown once for enrolment."""
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, name=name, confirmed=True)
    audit_record(actor=actor, action="accounts.totp_issue", target=user)
    return device


def staff_authenticate(*, request: HttpRequest, username: str, password: str, otp_token: str) -> User | None:
    """Password and TOTP together: both must hold, and a failure of either counts towards lockout.

    Returns None on any failure with no hint of which part failed.
    """
    user = authenticate(request, username=username, password=password)
    if user is None:
        return None
    if not isinstance(user, User) or user.kind != AccountKind.STAFF:
        return None
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None or not device.verify_token(otp_token.strip()):
        # A right password with a wrong code is a failed login too: axes counts it towards the lock.
        user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)
        return None
    user.otp_device = device  # type: ignore[attr-defined]
    return user


def _code_hash(phone_hash: str, code: str) -> str:
    return hmac.new(phone_hash.encode(), code.encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def sms_code_request(*, mobile: str) -> None:
    """Send a 6-digit login code. Same answer whether or not an account exists (one is made on login)."""
    number = phone.parse_mobile(mobile)
    key = phone_lookup(number)
    now = timezone.now()
    recent = SmsCode.objects.filter(phone_hash=key, created_at__gt=now - SMS_RESEND_INTERVAL).exists()
    if recent:
        raise SifaError(ErrorCode.RATE_LIMITED)
    code = f"{secrets.randbelow(10**6):06d}"
    SmsCode.objects.create(phone_hash=key, code_hash=_code_hash(key, code), expires_at=now + SMS_CODE_TTL)
    message = _("【智慧司法】您的登录验证码为 %(code)s，5分钟内有效。请勿告诉他人。") % {"code": code}
    transaction.on_commit(lambda: send_sms(phone=number, message=message))


@transaction.atomic
def citizen_for_sms_code(*, phone: str, code: str) -> User | None:
    """Consume a valid code and return the citizen account for the phone, creating it on first login."""
    from sifa.core import phone as phone_mod

    try:
        number = phone_mod.parse_mobile(phone)
    except SifaError:
        return None
    key = phone_lookup(number)
    sms = (
        SmsCode.objects.select_for_update()
        .filter(phone_hash=key, used_at__isnull=True, expires_at__gt=timezone.now())
        .order_by("-created_at")
        .first()
    )
    if sms is None:
        return None
    if sms.attempts >= SMS_CODE_MAX_ATTEMPTS or not hmac.compare_digest(sms.code_hash, _code_hash(key, code.strip())):
        sms.attempts += 1
        sms.save(update_fields=["attempts"])
        return None
    sms.used_at = timezone.now()
    sms.save(update_fields=["used_at"])
    return citizen_ensure(mobile=number)


@transaction.atomic
def citizen_ensure(*, mobile: str, full_name: str = "") -> User:
    """The citizen account for a mobile number, registered on first use."""
    number = phone.parse_mobile(mobile)
    key = phone_lookup(number)
    user = User.objects.filter(kind=AccountKind.CITIZEN, phone_hash=key).first()
    if user is None:
        user = User(
            username=f"c_{secrets.token_hex(8)}",
            full_name=full_name,
            kind=AccountKind.CITIZEN,
            phone=number,
            phone_hash=key,
        )
        user.set_unusable_password()
        user.save()
        RoleGrant.objects.create(user=user, role=Role.CITIZEN)
        audit_record(actor=user, action="accounts.citizen_register", target=user)
    return user


@transaction.atomic
def api_token_create(*, actor: User, user: User, name: str) -> str:
    """Create a machine token; the plain token is returned once and only its hash is kept."""
    token = "sifa_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, token_hash=hashlib.sha256(token.encode()).hexdigest())
    audit_record(actor=actor, action="accounts.api_token_create", target=user, after={"name": name})
    return token


def api_token_user(token: str) -> User | None:
    digest = hashlib.sha256(token.encode()).hexdigest()
    row = ApiToken.objects.select_related("user").filter(token_hash=digest, revoked_at__isnull=True).first()
    if row is None or not row.user.is_active:
        return None
    now = timezone.now()
    # Recording every use would add a write to every API request; a minute's precision is enough.
    if row.last_used_at is None or now - row.last_used_at > TOKEN_USE_PRECISION:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user


@transaction.atomic
def staff_login_audit(*, user: User) -> None:
    audit_record(actor=user, action="accounts.staff_login", target=user)


@transaction.atomic
def citizen_login_audit(*, user: User) -> None:
    audit_record(actor=user, action="accounts.citizen_login", target=user)
