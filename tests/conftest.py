"""Fixtures for signed-in test clients, shared by tests/ and (re-exported) by app test packages.

The project-wide setup lives in the root conftest.py: plain StaticFilesStorage instead of
whitenoise's manifest storage (so no `collectstatic` is needed), fast hashing, in-memory SMS, the
`world` of divisions and bureaus, and `make_staff(division_code="370102", roles=(...), username=...,
full_name=...)`. pytest scopes a conftest to its own directory, so an app test package uses these
with `from tests.conftest import verified_client_for  # noqa: F401` in its own conftest.py.
"""

from collections.abc import Callable

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from sifa.accounts.choices import AccountKind
from sifa.accounts.models import User


def otp_device_for(user: User) -> TOTPDevice:
    """The user's confirmed TOTP device, created if missing."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)


def verified_session_key(client: Client, user: User) -> str:
    """Log `user` into `client` as the login view would; returns the session key.

    Staff sessions carry the OTP device (django-otp's `otp_device_id`), as after password + TOTP;
    citizens (phone + SMS code) have no second factor and are only logged in.
    """
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    if user.kind == AccountKind.STAFF:
        session[DEVICE_ID_SESSION_KEY] = otp_device_for(user).persistent_id
        session.save()
    assert session.session_key is not None
    return session.session_key


@pytest.fixture
def verified_client_for(db: None) -> Callable[[User], Client]:
    """`verified_client_for(user)` -> a new test Client logged in as `user`, OTP-verified if staff.

    Staff sessions that are not OTP-verified are logged out by VerifiedStaffMiddleware, so
    `client.force_login` alone is not enough for staff.
    """

    def make(user: User) -> Client:
        client = Client()
        verified_session_key(client, user)
        return client

    return make
