"""axe-core accessibility checks for browser tests.

axe-core comes from npm (`package.json`, installed into node_modules by `npm ci`; `make browser`
runs it). It is injected with `page.evaluate`, which runs outside the page's Content-Security-Policy,
so the CSP under test stays exactly as served (an inline `<script>` from `add_script_tag` would be
blocked by `script-src 'self'`).

    from tests.e2e.axe import assert_no_serious_axe_violations
    page.goto(live_server.url + "/accounts/login/")
    assert_no_serious_axe_violations(page)
"""

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

PROJECT_DIR = Path(__file__).resolve().parents[2]
AXE_PATH = PROJECT_DIR / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = frozenset({"serious", "critical"})


@cache
def axe_source() -> str:
    if not AXE_PATH.exists():
        pytest.fail(
            f"axe-core is missing ({AXE_PATH}). Run `npm ci` in the project root (or `make browser`).",
            pytrace=False,
        )
    return AXE_PATH.read_text(encoding="utf-8")


def run_axe(page: Page, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """Run axe-core on the whole current page and return its results (violations, passes, …)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    run_options = {"resultTypes": ["violations"], **(options or {})}
    result: dict[str, Any] = page.evaluate("options => window.axe.run(document, options)", run_options)
    return result


def format_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"][:10]:
            lines.append(f"    at {json.dumps(node['target'], ensure_ascii=False)}: {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"       {summary[:300]}")
    return "\n".join(lines)


def assert_no_serious_axe_violations(page: Page, options: dict[str, Any] | None = None) -> None:
    """Fail if axe-core finds any violation of impact "serious" or "critical" on the current page.

    All violations are printed (minor/moderate ones too, for information); only serious and critical
    ones fail the test.
    """
    violations = run_axe(page, options)["violations"]
    if violations:
        print(f"axe-core on {page.url}:\n{format_violations(violations)}")
    blocking = [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]
    assert not blocking, f"axe-core: serious/critical violations on {page.url}:\n{format_violations(blocking)}"
