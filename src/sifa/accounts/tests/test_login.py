"""Staff login: password + TOTP, lockout, idle sessions (#2 part 5)."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp

from conftest import TEST_PASSWORD
from sifa.accounts.views import LOGIN_FAILED

pytestmark = pytest.mark.django_db


def current_code(user):
    device = user.totpdevice_set.get()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def post_login(client, username, password, code):
    return client.post("/accounts/login/", {"username": username, "password": password, "otp_token": code})


def test_password_and_totp_give_a_verified_session(make_staff):
    user = make_staff()
    client = Client()
    response = post_login(client, user.username, TEST_PASSWORD, current_code(user))
    assert response.status_code == 302
    assert response["Location"] == "/workbench/"
    assert int(client.session["_auth_user_id"]) == user.pk
    assert client.get("/workbench/").status_code == 200


def test_password_alone_gives_no_session(make_staff):
    user = make_staff()
    client = Client()
    wrong = f"{(int(current_code(user)) + 1) % 1_000_000:06d}"
    response = post_login(client, user.username, TEST_PASSWORD, wrong)
    assert response.status_code == 200
    assert str(LOGIN_FAILED) in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/workbench/").status_code == 302


def _error_text(response):
    html = response.content.decode()
    start = html.index('id="login-error">') + len('id="login-error">')
    return html[start : html.index("</p>", start)]


def test_five_failures_lock_the_account_with_the_same_message_as_an_unknown_user(make_staff):
    user = make_staff()
    client = Client()
    for _ in range(5):
        post_login(client, user.username, "wrong-password-1", "000000")
    locked = post_login(client, user.username, TEST_PASSWORD, current_code(user))
    unknown = post_login(Client(), "nobody_here", TEST_PASSWORD, "123456")
    assert "_auth_user_id" not in client.session
    assert locked.status_code == unknown.status_code == 200
    assert _error_text(locked) == _error_text(unknown) == str(LOGIN_FAILED)


def test_lock_ends_after_thirty_minutes(make_staff):
    user = make_staff()
    client = Client()
    for _ in range(5):
        post_login(client, user.username, "wrong-password-1", "000000")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=29))
    assert post_login(client, user.username, TEST_PASSWORD, current_code(user)).status_code == 200
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=31))
    assert post_login(client, user.username, TEST_PASSWORD, current_code(user)).status_code == 302


def test_wrong_totp_counts_towards_the_lock(make_staff):
    user = make_staff()
    client = Client()
    wrong = f"{(int(current_code(user)) + 1) % 1_000_000:06d}"
    for _ in range(5):
        post_login(client, user.username, TEST_PASSWORD, wrong)
    assert post_login(client, user.username, TEST_PASSWORD, current_code(user)).status_code == 200
    assert "_auth_user_id" not in client.session


def test_idle_session_ends_after_thirty_minutes_and_activity_extends_it(make_staff):
    user = make_staff()
    client = Client()
    post_login(client, user.username, TEST_PASSWORD, current_code(user))
    key = client.session.session_key
    client.get("/workbench/")
    expiry = Session.objects.get(session_key=key).expire_date
    assert timedelta(minutes=29) < expiry - timezone.now() <= timedelta(minutes=30)
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get("/workbench/").status_code == 302


def test_unverified_staff_session_is_ended(make_staff):
    user = make_staff()
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/workbench/").status_code == 302
    assert "_auth_user_id" not in client.session
