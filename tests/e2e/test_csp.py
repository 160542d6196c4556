"""The browser enforces the Content-Security-Policy, and the journeys hear of every breach (conftest.py)."""

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INLINE_SCRIPT = (
    "() => { const s = document.createElement('script'); s.textContent = 'window.pwned = 1'; document.body.append(s); }"
)
INLINE_STYLE = "() => document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')"


def test_an_injected_inline_script_or_style_is_refused_and_reported(live_server, page, _record_urls_and_logs):
    page.goto(live_server.url + reverse("home"))
    page.evaluate(INLINE_SCRIPT)
    page.wait_for_function("() => window.__cspViolations === 1")
    assert page.evaluate("window.pwned") is None
    page.evaluate(INLINE_STYLE)
    page.wait_for_function("() => window.__cspViolations === 2")
    violations = _record_urls_and_logs.csp_violations
    assert [v.split(" ")[:3] for v in violations] == [
        ["script-src-elem", "blocked", "inline"],
        ["style-src-attr", "blocked", "inline"],
    ]
    violations.clear()  # seen: this journey broke the policy on purpose


def test_axe_runs_under_the_policy(live_server, page, axe, _record_urls_and_logs):
    """axe-core's source is evaluated through the DevTools protocol, which the page's policy does not govern."""
    page.goto(live_server.url + reverse("training:catalogue"))
    assert axe(page) == []
    assert _record_urls_and_logs.csp_violations == []
