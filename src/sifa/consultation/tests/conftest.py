from sifa.cases.tests.conftest import citizen, other_citizen  # noqa: F401
