"""schemathesis against /api/v1/openapi.json, every app's operations, with a bounded number of examples.

Authenticated with a staff token (a legal-aid officer who is also bureau staff, in 历下区, with a
few rows to find). Checks: no server error (5xx) and every documented response matches its schema.
Error statuses the schema does not list (401/403/404/409/422 with the `{"code","message","details"}`
body) are expected for generated input and are not schema failures by themselves.
"""

import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sifa.settings")

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())

MAX_EXAMPLES = int(os.environ.get("SIFA_SCHEMATHESIS_EXAMPLES", "8"))


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Like Django's test Client: the WSGI app must not close the test's database connection at the
    end of each request (it sits inside the test transaction, which PostgreSQL would lose)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(world, make_staff):
    from sifa.accounts.choices import Role
    from sifa.accounts.services import api_token_create
    from sifa.cases.services import case_submit

    user = make_staff("370102", (Role.BUREAU_STAFF, Role.LEGAL_AID_OFFICER, Role.SUPERVISOR))
    from sifa.accounts.services import citizen_ensure
    from sifa.cases.tests.conftest import aid_form, pdf_upload

    citizen = citizen_ensure(mobile="13912345678")
    case_submit(actor=citizen, service_type="legal_aid", data=aid_form(), files={"hardship_proof": pdf_upload()})
    return api_token_create(actor=user, user=user, name="schemathesis")


SETTINGS = settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.mark.django_db
@schema.parametrize()
@SETTINGS
def test_api_conforms_to_its_schema(case, token):
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)
