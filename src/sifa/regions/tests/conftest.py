import pytest

from sifa.regions.services import divisions_load


@pytest.fixture
def divisions(db: None) -> int:
    """The whole shipped file, loaded inside the test's transaction (about 0.2 s; rolled back after)."""
    return divisions_load()
