from sifa.cases.tests.conftest import aid, citizen, fourth_type, make_user, other_citizen  # noqa: F401
