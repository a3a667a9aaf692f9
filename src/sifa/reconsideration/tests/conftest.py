from sifa.cases.tests.conftest import citizen, make_user, other_citizen  # noqa: F401
