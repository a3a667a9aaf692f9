from sifa.cases.tests.conftest import aid, citizen, fourth_type, other_citizen  # noqa: F401
