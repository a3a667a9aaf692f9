"""The vendored htmx is the file and version that static/vendor/README.md and package.json name."""

import hashlib
import json
import re
from pathlib import Path

import sifa

STATIC = Path(sifa.__file__).resolve().parent / "static"
PROJECT = Path(sifa.__file__).resolve().parents[2]


def test_vendored_htmx_matches_its_readme_and_package_json() -> None:
    readme = (STATIC / "vendor" / "README.md").read_text(encoding="utf-8")
    digest = hashlib.sha256((STATIC / "vendor" / "htmx.min.js").read_bytes()).hexdigest()
    pinned = json.loads((PROJECT / "package.json").read_text(encoding="utf-8"))["dependencies"]["htmx.org"]

    assert f"`{digest}`" in readme
    assert re.search(rf"\| `htmx.min.js` \| npm `htmx.org` \| {re.escape(pinned)} \|", readme)
