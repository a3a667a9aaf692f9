"""Production static storage: whitenoise's compressed manifest storage must collect and serve our assets.

Other tests use plain StaticFilesStorage (root conftest.py); this one runs the real storage on a
temporary STATIC_ROOT, as `make install` does with `collectstatic`.
"""

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db


def test_collected_manifest_serves_hashed_assets(settings: Any, tmp_path: Path, client: Client) -> None:
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)

    html = client.get("/").content.decode()

    urls = re.findall(r"""(?:src|href)="/static/([^"]+)\"""", html)
    assert {re.sub(r"\.[0-9a-f]{12}\.", ".", url) for url in urls} == {
        "css/sifa.css",
        "js/sifa.js",
        "vendor/htmx.min.js",
        "img/favicon.svg",
    }
    for url in urls:
        assert re.search(r"\.[0-9a-f]{12}\.", url), f"{url} is not content-hashed"
        assert (tmp_path / url).is_file()
    assert (tmp_path / "staticfiles.json").is_file()
