"""Every API route of every app refuses anonymous callers; admin routes refuse players too."""

from __future__ import annotations

import re

PUBLIC = {("POST", "/api/auth/register"), ("POST", "/api/auth/login"), ("GET", "/health")}


def api_routes(app) -> list[tuple[str, str]]:  # noqa: ANN001
    """Every documented /api/ operation, path parameters filled with a placeholder."""
    found = []
    for path, operations in app.openapi()["paths"].items():
        if path.startswith("/api/"):
            found += [(method.upper(), re.sub(r"\{[^}]+\}", "x", path)) for method in operations]
    return found


def test_every_api_route_refuses_anonymous_callers(api) -> None:
    routes = [route for route in api_routes(api.app) if route not in PUBLIC]
    assert len(routes) > 10
    for method, path in routes:
        response = api.request(method, path)
        assert response.status_code == 401, f"{method} {path} answered {response.status_code} without a login"


def test_secrets_never_appear_in_settings_output_or_health(api, settings) -> None:
    settings.admin_password = "very-secret-admin-pw"
    assert "very-secret-admin-pw" not in repr(settings)
    assert "test-secret-key" not in repr(settings)
    assert "secret" not in api.get("/health").text.lower()
