"""API authentication: bearer tokens for machines, sessions for the browser (#2 part 8)."""

import pytest
from django.test import Client

from sifa.accounts.models import ApiToken
from sifa.accounts.services import api_token_create

pytestmark = pytest.mark.django_db


def test_bearer_token_authenticates_and_only_its_hash_is_stored(make_staff):
    user = make_staff("370102")
    token = api_token_create(actor=user, user=user, name="12348 hotline")
    assert not ApiToken.objects.filter(token_hash=token).exists()
    response = Client().get("/api/v1/accounts/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json()["username"] == user.username
    assert response.json()["scope_prefix"] == "370102"


def test_revoked_or_wrong_token_gets_the_error_body(make_staff):
    user = make_staff("370102")
    token = api_token_create(actor=user, user=user, name="x")
    ApiToken.objects.update(revoked_at="2026-01-01T00:00:00Z")
    for header in (f"Bearer {token}", "Bearer nonsense"):
        response = Client().get("/api/v1/accounts/me", headers={"Authorization": header})
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"
        assert set(response.json()) == {"code", "message", "details"}


def test_health_and_openapi_are_public(client):
    assert client.get("/api/v1/health").json()["status"] == "ok"
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    assert "/api/v1/people/" in spec["paths"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200
    assert "cdn" not in docs.content.decode().lower()
