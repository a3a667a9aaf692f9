"""No page may depend on another host: every template and our own static files are scanned."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.test import Client

import sifa

SIFA_DIR = Path(sifa.__file__).resolve().parent
# `//` right after another scheme (ECharts' `path://M0,0…` shapes) is no address.
URL = re.compile(r"""(?:https?:|(?<![A-Za-z]:))//[A-Za-z0-9.\-\[\]:]+[^\s"'<>)]*""")
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
# XML namespaces and the licence notices inside vendored files are names, not addresses: nothing is
# fetched from them.
NAMESPACES = (
    "http://www.w3.org/2000/svg",
    "http://www.w3.org/1999/xlink",
    "http://www.w3.org/2000/xmlns/",
    "http://www.w3.org/XML/1998/namespace",
    "http://www.apache.org/licenses/LICENSE-2.0",
    "https://github.com/ecomfe/zrender/blob/master/LICENSE",
)


def external_urls(text: str) -> list[str]:
    found = []
    for match in URL.finditer(text):
        url = match.group(0)
        if url.startswith(NAMESPACES):
            continue
        host = urlsplit(url if "://" in url else "http:" + url).hostname
        if host and host not in LOCAL_HOSTS:
            found.append(url)
    return found


def served_files() -> list[Path]:
    templates = sorted(SIFA_DIR.glob("**/templates/**/*.html"))
    static = sorted(p for p in (SIFA_DIR / "static").rglob("*") if p.suffix in {".css", ".js", ".svg", ".html"})
    return templates + static


def test_scanner_finds_external_urls() -> None:
    assert external_urls('<script src="https://cdn.example.com/htmx.js">') == ["https://cdn.example.com/htmx.js"]
    assert external_urls("<link href='//fonts.example.net/x.css'>") == ["//fonts.example.net/x.css"]
    assert external_urls('<a href="http://127.0.0.1:8000/">') == []
    assert external_urls('<svg xmlns="http://www.w3.org/2000/svg">') == []
    assert external_urls('symbol: "path://M0,0L10,10"') == []
    assert external_urls('url("//cdn.example.com/a.png")') == ["//cdn.example.com/a.png"]


@pytest.mark.parametrize("path", served_files(), ids=lambda p: str(p.relative_to(SIFA_DIR)))
def test_served_file_names_no_other_host(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    # Template comments may carry prose; `{# … #}` is never sent to the browser.
    text = re.sub(r"\{#.*?#\}", "", text, flags=re.S)

    assert external_urls(text) == []


@pytest.mark.django_db
def test_rendered_portal_home_names_no_other_host(client: Client) -> None:
    assert external_urls(client.get("/").content.decode()) == []
