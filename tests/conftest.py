"""Shared fixtures for tests under tests/ (and re-exported by app test packages that need them).

Static files: tests use Django's plain `StaticFilesStorage` instead of whitenoise's manifest
storage, so they need no `collectstatic` run and never see a stale `var/static`. The manifest
storage itself is covered by `src/sifa/portal/tests/test_static.py`, which collects into a
temporary directory. App test packages get the same behaviour with
`from tests.conftest import plain_static_storage  # noqa: F401` in their own conftest.py.
"""

from collections.abc import Callable, Iterable
from typing import Any

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from sifa.accounts.choices import AccountKind
from sifa.accounts.models import User
from sifa.accounts.services import staff_create
from sifa.regions.choices import DivisionLevel, OrganisationKind
from sifa.regions.models import Division, Organisation

PLAIN_STATIC_STORAGE = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

# Names for the division codes tests use most; any other code gets a generated name.
DIVISION_NAMES = {
    "370000": "山东省",
    "370100": "济南市",
    "370102": "历下区",
    "370103": "市中区",
    "370200": "青岛市",
    "370202": "市南区",
    "410000": "河南省",
    "410100": "郑州市",
    "410102": "中原区",
}

TEST_PASSWORD = "Sifa-test-password-2024"


@pytest.fixture(autouse=True)
def plain_static_storage(settings: Any) -> None:
    """Serve static files unhashed from the app/STATICFILES_DIRS finders (no collectstatic needed)."""
    settings.STORAGES = {**settings.STORAGES, "staticfiles": PLAIN_STATIC_STORAGE}


def _division_level(code: str) -> DivisionLevel:
    if len(code) == 12:
        return DivisionLevel.VILLAGE
    if len(code) == 9:
        return DivisionLevel.TOWNSHIP
    if code.endswith("0000"):
        return DivisionLevel.PROVINCE
    if code.endswith("00"):
        return DivisionLevel.CITY
    return DivisionLevel.COUNTY


def _parent_code(code: str) -> str | None:
    level = _division_level(code)
    if level == DivisionLevel.PROVINCE:
        return None
    if level == DivisionLevel.CITY:
        return code[:2] + "0000"
    if level == DivisionLevel.COUNTY:
        return code[:4] + "00"
    return code[: 6 if level == DivisionLevel.TOWNSHIP else 9]


def division_for(code: str) -> Division:
    """The division with `code`, created with all its ancestors if missing (GB/T 2260 shapes)."""
    existing = Division.objects.filter(code=code).first()
    if existing is not None:
        return existing
    parent_code = _parent_code(code)
    parent = division_for(parent_code) if parent_code else None
    return Division.objects.create(
        code=code, name=DIVISION_NAMES.get(code, f"测试区划{code}"), level=_division_level(code), parent=parent
    )


@pytest.fixture
def make_division(db: None) -> Callable[[str], Division]:
    """`make_division("370102")` -> the 历下区 division, with 山东省 and 济南市 above it."""
    return division_for


@pytest.fixture
def make_organisation(db: None) -> Callable[..., Organisation]:
    """`make_organisation(division_code="370102", name=..., kind=...)` -> an Organisation (idempotent by name)."""

    def make(
        *, division_code: str = "370102", name: str | None = None, kind: str = OrganisationKind.JUDICIAL_BUREAU
    ) -> Organisation:
        division = division_for(division_code)
        organisation, _ = Organisation.objects.get_or_create(
            division=division, name=name or f"{division.name}司法局", defaults={"kind": kind}
        )
        return organisation

    return make


@pytest.fixture
def make_staff(make_organisation: Callable[..., Organisation]) -> Callable[..., User]:
    """`make_staff(username="clerk", roles=["bureau_staff"], division_code="370102")` -> a staff User.

    Created through `staff_create`; its TOTP device is added by `verified_client_for` when needed.
    The password is `TEST_PASSWORD`.
    """

    def make(
        *,
        username: str = "staff",
        roles: Iterable[str] = ("bureau_staff",),
        division_code: str = "370102",
        full_name: str = "张三",
        organisation: Organisation | None = None,
    ) -> User:
        return staff_create(
            actor=None,
            username=username,
            password=TEST_PASSWORD,
            full_name=full_name,
            organisation=organisation or make_organisation(division_code=division_code),
            roles=list(roles),
        )

    return make


def otp_device_for(user: User) -> TOTPDevice:
    """The user's confirmed TOTP device, created if missing."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def verified_session_key(client: Client, user: User) -> str:
    """Log `user` into `client` as if password and TOTP had both been checked; returns the session key.

    Citizens (phone + SMS code) have no second factor: they are only logged in.
    """
    client.force_login(user)
    session = client.session
    if user.kind == AccountKind.STAFF:
        session[DEVICE_ID_SESSION_KEY] = otp_device_for(user).persistent_id
        session.save()
    assert session.session_key is not None
    return session.session_key


@pytest.fixture
def verified_client_for(db: None) -> Callable[[User], Client]:
    """`verified_client_for(user)` -> a test Client logged in as `user` with an OTP-verified session.

    Staff sessions that are not OTP-verified are logged out by VerifiedStaffMiddleware, so
    `client.force_login` alone is not enough for staff. For citizens it is a plain force_login.
    """

    def make(user: User) -> Client:
        client = Client()
        verified_session_key(client, user)
        return client

    return make
