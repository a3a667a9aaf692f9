# verified_client_for lives in tests/conftest.py (pytest scopes a conftest to its own directory).
from tests.conftest import verified_client_for  # noqa: F401
