"""Roles (three-administrator separation) and citizen SMS login (#2 parts 4-5)."""

import os
import re
import subprocess
import sys

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from sifa.accounts.choices import AccountKind, Role
from sifa.accounts.models import RoleGrant, User
from sifa.accounts.services import role_grant, staff_create
from sifa.accounts.sms import MemorySmsBackend
from sifa.core.errors import ErrorCode, SifaError

pytestmark = pytest.mark.django_db


def test_an_account_cannot_be_created_with_two_administrator_roles(world):
    with pytest.raises(SifaError) as exc:
        staff_create(
            actor=None,
            username="two_hats",
            password="Correct-horse-42",
            full_name="兼任",
            organisation=world["bureaus"]["370000"],
            roles=[Role.SYSTEM_ADMIN, Role.AUDITOR],
        )
    assert exc.value.code == ErrorCode.ROLE_CONFLICT
    assert not User.objects.filter(username="two_hats").exists()


@pytest.mark.parametrize("second", [Role.SECURITY_ADMIN, Role.AUDITOR])
def test_granting_a_second_administrator_role_is_refused(make_staff, second):
    user = make_staff("370000", roles=(Role.SYSTEM_ADMIN,))
    with pytest.raises(SifaError) as exc:
        role_grant(actor=None, user=user, role=second)
    assert exc.value.code == ErrorCode.ROLE_CONFLICT
    assert set(user.role_grants.values_list("role", flat=True)) == {Role.SYSTEM_ADMIN}


def test_the_database_itself_refuses_a_second_administrator_role(make_staff):
    user = make_staff("370000", roles=(Role.AUDITOR,))
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleGrant.objects.create(user=user, role=Role.SECURITY_ADMIN)


def test_business_roles_combine_with_an_administrator_role(make_staff):
    user = make_staff("370000", roles=(Role.AUDITOR,))
    role_grant(actor=None, user=user, role=Role.ANALYST)
    assert user.has_role(Role.ANALYST)


@pytest.fixture
def request_code(django_capture_on_commit_callbacks):
    """Ask for a login code (the SMS leaves on commit) and return the page's answer."""

    def request(client, phone):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/accounts/sms-code/", {"phone": phone})

    return request


def _code_from_outbox():
    return re.search(r"\d{6}", MemorySmsBackend.outbox[-1]["message"]).group(0)


def test_citizen_logs_in_with_phone_and_sms_code_and_gets_an_account(request_code):
    client = Client()
    response = request_code(client, "138 0000 0001")
    assert "验证码已发送" in response.content.decode()
    assert MemorySmsBackend.outbox[-1]["phone"] == "13800000001"
    response = client.post("/accounts/citizen-login/", {"phone": "13800000001", "sms_code": _code_from_outbox()})
    assert response.status_code == 302
    user = User.objects.get(pk=client.session["_auth_user_id"])
    assert user.kind == AccountKind.CITIZEN
    assert user.phone == "13800000001"
    assert user.has_role(Role.CITIZEN)


def test_sms_code_is_single_use_and_wrong_codes_are_refused(request_code):
    client = Client()
    request_code(client, "13800000002")
    code = _code_from_outbox()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    assert client.post("/accounts/citizen-login/", {"phone": "13800000002", "sms_code": wrong}).status_code == 200
    assert client.post("/accounts/citizen-login/", {"phone": "13800000002", "sms_code": code}).status_code == 302
    other = Client()
    assert other.post("/accounts/citizen-login/", {"phone": "13800000002", "sms_code": code}).status_code == 200
    assert "_auth_user_id" not in other.session


def test_citizen_cannot_open_the_staff_workbench(request_code):
    client = Client()
    request_code(client, "13800000003")
    client.post("/accounts/citizen-login/", {"phone": "13800000003", "sms_code": _code_from_outbox()})
    assert client.get("/workbench/").status_code in (403, 404)


def test_invalid_phone_gets_a_clear_message_and_sends_nothing(request_code):
    response = request_code(Client(), "12345")
    assert "手机号码无效" in response.content.decode()
    assert MemorySmsBackend.outbox == []


def test_responses_carry_a_content_security_policy(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy


def test_deploy_check_passes_with_production_settings():
    env = {**os.environ, "SIFA_HTTPS": "true", "DEBUG": "false"}
    result = subprocess.run(
        [sys.executable, "-m", "sifa", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr + result.stdout
