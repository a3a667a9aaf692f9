# Shared fixtures live in tests/conftest.py (pytest scopes a conftest to its own directory).
from tests.conftest import make_organisation, make_staff, plain_static_storage, verified_client_for  # noqa: F401
