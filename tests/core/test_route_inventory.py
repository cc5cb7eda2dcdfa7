"""Deny by default: every endpoint not on the public list refuses anonymous requests."""

from __future__ import annotations

import re

PUBLIC_ENDPOINTS = {
    "static",
    "main.healthz",
    "auth.login",
    "auth.forgot_password",
    "auth.reset_password",
    "auth.accept_invitation",
    "auth.set_language",
    # Released manuals only; unreleased ones answer 404 (tests/workflow/test_pages.py).
    "dissemination.public_index",
    "dissemination.landing",
    "dissemination.public_read",
    "dissemination.public_download",
    "dissemination.public_attachment",
}


def _sample_url(rule) -> str:
    url = rule.rule
    for name in rule.arguments:
        converter = rule._converters[name].__class__.__name__
        value = "1" if "Integer" in converter else "x"
        url = re.sub(r"<(?:[^:<>]+:)?%s>" % name, value, url)
    return url


def test_only_listed_endpoints_are_public(app):
    from egi.security import is_public_endpoint

    public = {rule.endpoint for rule in app.url_map.iter_rules()
              if is_public_endpoint(app, rule.endpoint)}
    assert public == PUBLIC_ENDPOINTS


def test_anonymous_requests_are_redirected_or_refused(app, client):
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        url = _sample_url(rule)
        if "GET" in rule.methods:
            response = client.get(url)
            assert response.status_code == 302, (rule.endpoint, response.status_code)
            assert response.location.startswith("/login"), rule.endpoint
            checked += 1
        for method in rule.methods - {"GET", "HEAD", "OPTIONS"}:
            response = client.open(url, method=method)
            assert 400 <= response.status_code < 500, (rule.endpoint, method)
            checked += 1
    assert checked >= 10
