"""Shared test setup: fast hashing, immediate tasks, in-memory SMS, temp checkpoint dir, and the
small world most tests need (two provinces, three counties, organisations, staff in each)."""

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from sifa.accounts.choices import Role
from sifa.accounts.models import User
from sifa.accounts.services import staff_create, totp_device_create
from sifa.accounts.sms import MemorySmsBackend
from sifa.core import idnumber
from sifa.regions.choices import DivisionLevel, OrganisationKind
from sifa.regions.models import Division, Organisation

TEST_PASSWORD = "Correct-horse-42"

WORLD_DIVISIONS = [
    ("370000", "山东省", DivisionLevel.PROVINCE, None),
    ("370100", "济南市", DivisionLevel.CITY, "370000"),
    ("370102", "历下区", DivisionLevel.COUNTY, "370100"),
    ("370103", "市中区", DivisionLevel.COUNTY, "370100"),
    ("370102001", "解放路街道", DivisionLevel.TOWNSHIP, "370102"),
    ("370102001001", "解放路社区", DivisionLevel.VILLAGE, "370102001"),
    ("520000", "贵州省", DivisionLevel.PROVINCE, None),
    ("522700", "黔南布依族苗族自治州", DivisionLevel.CITY, "520000"),
    ("522701", "都匀市", DivisionLevel.COUNTY, "522700"),
]


# Full identifiers: an 18-character ID with a valid checksum, or an 11-digit mobile number,
# not part of a longer run of letters or digits.
_ID_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dX](?![0-9A-Za-z])")
_MOBILE_CANDIDATE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")
_SCANNED_TYPES = ("text/html", "application/json", "text/plain", "text/csv")
_responses: list[tuple[str, str, str]] = []


def full_identifiers_in(body: str) -> list[str]:
    ids = [m for m in _ID_CANDIDATE.findall(body) if idnumber.is_valid(m)]
    return ids + _MOBILE_CANDIDATE.findall(body)


class ResponseRecorder:
    """Test-only middleware: keeps every text response so the privacy scan can read it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.get("Content-Type", "").startswith(_SCANNED_TYPES) and not response.streaming:
            sent = " ".join(str(v) for values in request.POST.lists() for v in values[1])
            _responses.append((request.path, sent, response.content.decode("utf-8", "replace")))
        return response


@pytest.fixture(autouse=True)
def _privacy_scan(settings: Any) -> Iterator[None]:
    """Every response of every test: no full ID or phone number outside the logged reveal action.

    A form echoing back what the same request just sent (a citizen's own phone on a failed login)
    discloses nothing, so values found in the request's own form data are not counted."""
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "conftest.ResponseRecorder"]
    _responses.clear()
    yield
    leaks = [
        (path, found)
        for path, sent, body in _responses
        if not path.rstrip("/").endswith("/reveal")
        for found in full_identifiers_in(body)
        if found not in sent
    ]
    assert not leaks, f"full identifiers in responses: {leaks}"


@pytest.fixture(autouse=True)
def _audit_numbers_follow_the_committed_log(request: pytest.FixtureRequest) -> None:
    """PostgreSQL: set `audit_seq` to the last committed ledger entry before each database test.

    `nextval` ignores transactions, so the numbers a test takes inside the transaction pytest-django
    rolls back would stay taken and the next test's log would start after a gap (unsettled, then
    voided), where the rollback of a table-based sequencer left none. This does for the sequence what
    that rollback does for every table; gaps made *inside* a test are that test's subject
    (src/sifa/audit/tests/test_voids.py).
    """
    uses_db = request.node.get_closest_marker("django_db") is not None or bool(
        {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    )
    if not uses_db:
        return
    from django.db import connection

    from sifa.audit import triggers

    with request.getfixturevalue("django_db_blocker").unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT coalesce(max(seq), 0) FROM audit_entry")
                triggers.set_issued(cursor, connection.vendor, int(cursor.fetchone()[0]))


@pytest.fixture(autouse=True)
def _test_settings(settings: Any, tmp_path: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.SIFA_SMS_BACKEND = "sifa.accounts.sms.MemorySmsBackend"
    settings.SIFA_CHECKPOINT_DIR = tmp_path / "checkpoints"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    MemorySmsBackend.outbox.clear()


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    """Divisions and one judicial bureau per level; keys are division codes."""
    for code, name, level, parent in WORLD_DIVISIONS:
        Division.objects.create(code=code, name=name, level=level, parent_id=parent)
    bureaus = {
        code: Organisation.objects.create(name=f"{name}司法局", kind=OrganisationKind.JUDICIAL_BUREAU, division_id=code)
        for code, name, level, _ in WORLD_DIVISIONS
        if level <= DivisionLevel.COUNTY
    }
    return {"bureaus": bureaus}


@pytest.fixture
def make_staff(world: dict[str, Any]) -> Callable[..., User]:
    counter = iter(range(10_000))

    def make(division_code: str = "370102", roles: tuple[str, ...] = (Role.BUREAU_STAFF,), **kwargs: Any) -> User:
        user = staff_create(
            actor=None,
            username=kwargs.pop("username", f"staff{next(counter)}_{division_code}"),
            password=TEST_PASSWORD,
            full_name=kwargs.pop("full_name", "测试人员"),
            organisation=world["bureaus"][division_code],
            roles=roles,
            **kwargs,
        )
        totp_device_create(actor=None, user=user)
        return user

    return make


@pytest.fixture
def make_user(world: dict[str, Any]) -> Callable[..., User]:
    """A staff user (password and TOTP device) in the given organisation with the given roles."""
    counter = iter(range(10_000))

    def make(organisation: Organisation, roles: tuple[str, ...], **kwargs: Any) -> User:
        user = staff_create(
            actor=None,
            username=kwargs.pop("username", f"u{next(counter)}_{organisation.pk}"),
            password=TEST_PASSWORD,
            full_name=kwargs.pop("full_name", "工作人员"),
            organisation=organisation,
            roles=roles,
            **kwargs,
        )
        totp_device_create(actor=None, user=user)
        return user

    return make


def login_verified(client: Client, user: User) -> Client:
    """A staff session as the login view leaves it: logged in and second factor verified."""
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = user.totpdevice_set.get().persistent_id
    session.save()
    return client


@pytest.fixture
def staff_client(make_staff: Callable[..., User]) -> Callable[..., Client]:
    def make(division_code: str = "370102", roles: tuple[str, ...] = (Role.BUREAU_STAFF,)) -> Client:
        return login_verified(Client(), make_staff(division_code, roles))

    return make
